// What a JIT backend compiles: a Program's instructions after the hardening
// rewrites (jit/rewrites), with what the backends and the driver need to
// report errors and count instructions in terms of the program as loaded.
//
// Without rewrites it is the Program itself, slot for slot. A rewrite may
// replace one instruction by several and may use one register the Program
// class refuses: kHiddenRegister (r11), a scratch that no loaded program
// can name; every backend maps it to a machine register of its own. The
// hidden register is the destination of 64-bit mov/xor/sub/or/arsh/and,
// add32 and lddw within one rewritten sequence, and the source operand of
// the instruction that sequence ends with, so a backend may clobber it
// freely once that instruction has read it.
//
// A second register the Program class refuses, kCounterRegister (r12),
// is the instruction budget's counter (rewrites/instruction_budget.hpp): it
// lives for the whole run, across helper calls, local calls and callbacks.
// It only appears as the destination of `sub r12, imm` and as the compared
// register of `jge r12, imm, +off` and `jlt r12, imm, +off`, and each
// `sub` is reached only from the compare of r12 just before it (by falling
// through, or by its jump over the exit below), so a backend that loaded
// the counter for the compare may subtract from that copy. Backends may
// keep it in memory (the run state's `remaining`, which is what every
// backend does today) or in a register they keep in step with `remaining`
// around helper calls.
// The budget rewrite ends a run through one pseudo-instruction,
// budget_exhausted_call(): a helper call with dst = kCounterRegister, which
// no loaded program can write; a backend records RawError::kBudgetAt for it
// (with the value of register `off` in error_value when off >= 0) and
// unwinds.
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
inline constexpr uint8_t kCounterRegister = 12;

// The budget rewrite's "budget exhausted" exit; `value_register` (or -1)
// is the register whose value the driver needs to report what the
// interpreter reports first (callx's register, r10 before a local call).
inline Insn budget_exhausted_call(int16_t value_register) {
  return make_insn(Op::CallHelper, kCounterRegister, 0, value_register, -1);
}
inline bool is_budget_exhausted_call(const Insn& insn) {
  return insn.opcode == (kClassJmp | kJmpCall) && insn.dst == kCounterRegister;
}

struct LoweredProgram {
  std::vector<Insn> insns;        // slots, lddw tails included
  std::vector<Op> ops;            // per slot; meaningless for lddw tails
  std::vector<uint8_t> tail;      // 1 for the second slot of an lddw
  std::vector<uint32_t> origin;   // pc in the loaded program
  std::vector<uint8_t> counted;   // 1: counts as one executed instruction
  std::vector<uint32_t> function_entries;  // sorted slot indices; the first is 0
  bool uses_hidden_register = false;
  bool uses_counter_register = false;

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

  // A per-instruction fact of the program as loaded (the verifier's
  // VerifiedFacts vectors) carried to the slots: every slot of a rewritten
  // sequence gets its origin's value (`absent` where the fact vector is
  // shorter than the program). Rewrites and backends that consume facts
  // read them through this, so they stay right whatever rewrites ran.
  template <class T>
  std::vector<T> per_slot(std::span<const T> per_instruction, T absent = T{}) const {
    std::vector<T> out(size(), absent);
    for (size_t pc = 0; pc < size(); ++pc)
      if (origin[pc] < per_instruction.size()) out[pc] = per_instruction[origin[pc]];
    return out;
  }
};

}  // namespace sandbpf
