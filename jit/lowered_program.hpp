// What a JIT backend compiles: a Program's instructions after the hardening
// rewrites (jit/rewrites), with what the backends and the driver need to
// report errors and count instructions in terms of the program as loaded.
//
// Without rewrites it is the Program itself, slot for slot. A rewrite may
// replace one instruction by several and may use one register the Program
// class refuses: kHiddenRegister (r11), a scratch that no loaded program
// can name; every backend maps it to a machine register of its own. The
// hidden register is only ever the destination of mov/xor/lddw/add32 and
// the source operand of the instruction it feeds, so a backend may clobber
// it freely once that instruction has read it.
//
// Each slot remembers `origin`, the pc of the loaded instruction it comes
// from (errors name that), and `counted`: whether executing it counts as
// executing its original instruction (exactly one slot of each rewritten
// sequence counts, its first), so budgets and statistics count the
// program as loaded.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vm/insn_table.hpp"
#include "vm/instruction.hpp"
#include "vm/program.hpp"

namespace sandbpf {

inline constexpr uint8_t kHiddenRegister = 11;

struct LoweredProgram {
  std::vector<Insn> insns;        // slots, lddw tails included
  std::vector<Op> ops;            // per slot; meaningless for lddw tails
  std::vector<uint8_t> tail;      // 1 for the second slot of an lddw
  std::vector<uint32_t> origin;   // pc in the loaded program
  std::vector<uint8_t> counted;   // 1: counts as one executed instruction
  std::vector<uint32_t> function_entries;  // sorted slot indices; the first is 0
  bool uses_hidden_register = false;

  // The program as loaded, slot for slot.
  static LoweredProgram from(const Program& program);

  size_t size() const { return insns.size(); }
  const InsnInfo& row(size_t pc) const { return info(ops[pc]); }
  bool is_function_entry(size_t pc) const;
  // Target of the jump, call local or lddw src=4 at pc (same rule as
  // Program::target).
  int64_t target(size_t pc) const;
  uint64_t lddw_imm64(size_t pc) const {
    return static_cast<uint32_t>(insns[pc].imm) |
           (static_cast<uint64_t>(static_cast<uint32_t>(insns[pc + 1].imm)) << 32);
  }
  // The first slot whose origin is `original_pc` (a rewritten sequence
  // starts there), or -1.
  int64_t slot_of(uint32_t original_pc) const;
};

}  // namespace sandbpf
