// A Program is a decoded, structurally valid instruction sequence: every slot
// is a row of the instruction table with its reserved fields zero, every
// jump and call lands on an instruction inside its function, and no
// instruction writes r10. Programs are only made by Program::decode, so
// everything downstream (verifier, interpreter, JITs) can rely on that.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/insn_table.hpp"
#include "vm/instruction.hpp"

namespace sandbpf {

struct DecodeOptions {
  uint8_t cpu_version = 4;              // refuse instructions newer than this
  uint64_t max_instructions = 1000000;  // slots, as Linux's limit
};

class Program {
 public:
  // Checks and decodes raw slots. Errors name the instruction index and say
  // what is wrong in a sentence.
  static Result<Program> decode(std::span<const Insn> slots, const DecodeOptions& options = {});

  std::span<const Insn> insns() const { return insns_; }
  size_t size() const { return insns_.size(); }

  // The table row of the instruction at pc; pc must not be the second slot
  // of an lddw (is_lddw_tail).
  const InsnInfo& row(size_t pc) const { return info(ops_[pc]); }
  Op op(size_t pc) const { return ops_[pc]; }
  bool is_lddw_tail(size_t pc) const { return lddw_tail_[pc] != 0; }

  // The 64-bit immediate of the lddw at pc.
  uint64_t lddw_imm64(size_t pc) const {
    return static_cast<uint32_t>(insns_[pc].imm) |
           (static_cast<uint64_t>(static_cast<uint32_t>(insns_[pc + 1].imm)) << 32);
  }

  // Target of the jump, call local or lddw src=4 at pc.
  int64_t target(size_t pc) const;

  // Entry points of the program's functions, sorted; the first is 0. A
  // function is the entry or the target of a call local or lddw src=4.
  std::span<const uint32_t> function_entries() const { return functions_; }
  // Index into function_entries() of the function that holds pc.
  size_t function_of(size_t pc) const;

  // Descriptive data the loaders attach (optional).
  std::string name;
  std::vector<std::optional<SourceLine>> line_info;  // per slot, may be empty

 private:
  std::vector<Insn> insns_;
  std::vector<Op> ops_;            // per slot; meaningless for lddw tails
  std::vector<uint8_t> lddw_tail_;  // 1 for the second slot of an lddw
  std::vector<uint32_t> functions_;
};

}  // namespace sandbpf
