// The bounds the verifier exports for Spectre v1 masking
// (VerifiedFacts::pointer_offset_limits), read off the abstract states the
// checking pass sees before each instruction; a pass of its own over those
// states, so the analysis itself is unchanged.
//
// An instruction gets a fact when, in every state reaching it, it moves a
// pointer by a register that holds a number in [0, limit], limit < 2^31:
// then every value the number may take, 0 included, was proven safe for
// the accesses that follow, and clamping any other value to 0 keeps them
// inside what was proven. A number that may be negative, or larger, gets
// no fact (the masking would have no sound limit to use).
#pragma once

#include <cstdint>
#include <vector>

#include "verifier/state.hpp"
#include "verifier/verifier.hpp"
#include "vm/program.hpp"

namespace sandbpf::verifier {

class SpeculationLimits {
 public:
  explicit SpeculationLimits(const Program& program);
  // The state before the instruction at pc (called once per path context).
  void observe(uint32_t pc, const State& before);
  // One entry per instruction as loaded.
  std::vector<PointerOffsetLimit> facts() const;

 private:
  struct Seen {
    bool observed = false;
    bool valid = true;
    PointerOffsetLimit limit;
  };
  const Program& program_;
  std::vector<Seen> seen_;
};

}  // namespace sandbpf::verifier
