// The RISC-V 64 emitter: one member per instruction group, each in the file
// named after its job (emit_alu.cpp, emit_memory.cpp, emit_control.cpp,
// runtime_stubs.cpp); backend.cpp walks the program and dispatches on the
// instruction table's Form. Internal to the backend.
//
// Frames: the trampoline calls a function with `jalr ra`; a function whose
// code calls (helpers, callx, local calls) saves ra in a 16-byte frame of
// its own at its entry and restores it at each exit, so that sp stays
// 16-byte aligned for helpers (psABI). Checked mode's access checks are
// called through t5, not ra, so they need no frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "jit/lowered_program.hpp"
#include "jit/riscv64/assembler.hpp"
#include "jit/riscv64/backend.hpp"
#include "jit/riscv64/registers.hpp"
#include "jit/run_state.hpp"

namespace sandbpf::riscv64 {

// The offset of a run-state field (all fit a 12-bit immediate).
#define SANDBPF_RV_STATE(field) static_cast<int32_t>(offsetof(JitRunState, field))

class Emitter {
 public:
  Emitter(Assembler& a, const LoweredProgram& program, const BackendOptions& options);

  // Code outside the program: emitted before it (trampoline, unwinder)
  // and after it (error stubs, the checked-access stub).
  void trampoline();
  void stubs();

  // A label for the jump target pc (function entries have their own).
  void make_target_label(size_t pc);
  // At a function's entry: its entry label and prologue; then pc's jump
  // target label (after the prologue: a loop back to the first
  // instruction must not run the prologue again).
  void enter_slot(size_t pc);
  Label entry_label(size_t function) const { return entry_labels_[function]; }
  Label trampoline_label() const { return trampoline_; }

  // Checked mode: charge a block of `count` instructions at its entry.
  void budget_block(size_t leader, uint32_t count);

  // Instruction groups (by Form).
  void alu(size_t pc);          // AluImm, AluReg, AluNeg
  void endian(size_t pc);       // Endian
  void load(size_t pc);         // Load
  void store(size_t pc);        // StoreImm, StoreReg
  void atomic(size_t pc);       // Atomic
  void lddw(size_t pc);         // every lddw form
  void packet_load(size_t pc);  // LoadAbs, LoadInd
  void jump(size_t pc);         // Ja, Ja32, JumpImm, JumpReg
  void call_helper(size_t pc);
  void call_reg(size_t pc);
  void call_local(size_t pc);
  void exit(size_t pc);

 private:
  const Insn& insn(size_t pc) const { return program_.insns[pc]; }
  const InsnInfo& row(size_t pc) const { return program_.row(pc); }
  bool checked() const { return options_.mode == ExecMode::kChecked; }
  size_t function_of(size_t pc) const;

  // An out-of-line stub that records the error and unwinds.
  Label error_stub(RawError kind, size_t pc, std::optional<Reg> value = {});
  // rd = rs + imm (through `scratch` when imm needs more than 12 bits).
  void add_imm(Reg rd, Reg rs, int64_t imm, Reg scratch);
  // rd = rs's low 32 bits, zero-extended.
  void zero_extend32(Reg rd, Reg rs);
  // The memory operand base+off as (register, 12-bit offset); checked
  // mode first calls the access check for the slot at pc (with the
  // address in t1, which then is the base).
  std::pair<Reg, int32_t> address(size_t pc, Reg base, int16_t off);
  // Calls the helper whose address is in `function` (not a0-a5).
  void helper_call(size_t pc, Reg function);
  // Compares the operands of the conditional jump at pc: the branch to
  // take is `cond` on the two registers returned.
  struct Comparison {
    Cond cond;
    Reg a, b;
  };
  Comparison compare(size_t pc);

  void shift(size_t pc);
  void divide(size_t pc);
  void byte_swap(Reg reg, int width);

  Assembler& a_;
  const LoweredProgram& program_;
  const BackendOptions& options_;
  std::vector<Label> labels_;        // jump targets, by pc
  std::vector<Label> entry_labels_;  // per function
  std::vector<uint8_t> written_by_function_;  // r6-r9 (bits 0-3) per function
  std::vector<uint8_t> saves_ra_;             // per function: its code calls
  Label trampoline_;
  Label unwind_;
  Label check_stub_;

  struct Stub {
    Label label;
    RawError kind;
    uint32_t pc;
    std::optional<Reg> value;
  };
  std::vector<Stub> stubs_;
};

}  // namespace sandbpf::riscv64
