// The maps the verifier exports for inlined map lookups
// (VerifiedFacts::call_map_arguments), read off the abstract states the
// checking pass sees before each helper call; a pass of its own over those
// states, as SpeculationLimits is, so the analysis itself is unchanged.
//
// A call gets a fact when, in every state reaching it, r1 is a map pointer
// to one and the same map, loaded by lddw src=1 (by the map's index). A map
// that is some map-in-map's inner template never gets a fact: the verifier
// types the inner maps a lookup returns as pointers to the template, so a
// pointer "to the template" may be any inner map at run time.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vm/map_definition.hpp"
#include "verifier/state.hpp"
#include "vm/program.hpp"

namespace sandbpf::verifier {

class CallMapArguments {
 public:
  CallMapArguments(const Program& program, std::span<const MapDefinition> maps);
  // The state before the instruction at pc (called once per path context).
  void observe(uint32_t pc, const State& before);
  // One entry per instruction as loaded: the map's index, or -1.
  std::vector<int32_t> facts() const;

 private:
  struct Seen {
    bool observed = false;
    bool valid = true;
    int32_t map = -1;
  };
  const Program& program_;
  std::vector<uint8_t> inner_template_;  // per map index
  std::vector<Seen> seen_;
};

}  // namespace sandbpf::verifier
