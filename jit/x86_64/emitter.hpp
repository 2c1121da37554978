// The x86-64 emitter: one member per instruction group, each in the file
// named after its job (emit_alu.cpp, emit_memory.cpp, emit_control.cpp,
// runtime_stubs.cpp); backend.cpp walks the program and dispatches on the
// instruction table's Form. Internal to the backend.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "jit/lowered_program.hpp"
#include "jit/run_state.hpp"
#include "jit/x86_64/backend.hpp"
#include "jit/x86_64/registers.hpp"

namespace sandbpf::x86_64 {

// A memory operand of the run state.
template <typename Field>
x86::Mem state_field(size_t offset, uint32_t size = sizeof(Field)) {
  return x86::ptr(kState, static_cast<int32_t>(offset), size);
}
#define SANDBPF_STATE(field) \
  ::sandbpf::x86_64::state_field<decltype(JitRunState::field)>(offsetof(JitRunState, field))

class Emitter {
 public:
  Emitter(x86::Assembler& a, const LoweredProgram& program, const BackendOptions& options);

  // Code outside the program: emitted before it (trampoline) and after it
  // (error stubs, the unwinder, the checked-access stub).
  void trampoline();
  void stubs();

  // One label per jump or call target, made before the walk.
  void make_target_label(size_t pc);
  void bind_target_label(size_t pc);
  asmjit::Label target_label(size_t pc) const { return labels_[pc]; }

  // Checked mode: charge a block of `count` instructions at its entry.
  void budget_block(size_t leader, uint32_t count);

  // Instruction groups (by Form).
  void alu(size_t pc);        // AluImm, AluReg, AluNeg
  void endian(size_t pc);     // Endian
  void load(size_t pc);       // Load
  void store(size_t pc);      // StoreImm, StoreReg
  void atomic(size_t pc);     // Atomic
  void lddw(size_t pc);       // every lddw form
  void packet_load(size_t pc);  // LoadAbs, LoadInd
  void jump(size_t pc);       // Ja, Ja32, JumpImm, JumpReg
  void call_helper(size_t pc);
  void call_reg(size_t pc);
  void call_local(size_t pc);
  void exit(size_t pc);

  // Fused sequences (emit_fused.cpp): how many slots from pc were emitted
  // as one (0: none); `available` slots from pc have no jump landing
  // inside the sequence.
  size_t fused(size_t pc, size_t available);
  size_t fused_rotate(size_t pc, size_t available);
  size_t fused_branch(size_t pc, size_t available);

  asmjit::Label trampoline_label() const { return trampoline_; }
  // The direct calls emitted (backend.hpp: CallRelocation).
  const std::vector<CallRelocation>& relocations() const { return relocations_; }

 private:
  const Insn& insn(size_t pc) const { return program_.insns[pc]; }
  const InsnInfo& row(size_t pc) const { return program_.row(pc); }
  bool checked() const { return options_.mode == ExecMode::kChecked; }
  // Calls helper(r1-r5, RunContext) with the calling convention of
  // options_.x86_abi: `direct`, or (when null) the address in kScratch1.
  void emit_helper_call(HelperFunction direct);
  void call_helper_target(HelperFunction direct);

  // An out-of-line stub that records the error and unwinds.
  asmjit::Label error_stub(RawError kind, size_t pc, std::optional<x86::Gp> value = {},
                           uint32_t restore_budget = 0);
  // Checked mode: call the access check for the slot at pc.
  void check_access(size_t pc, const x86::Mem& address);
  // The load at pc, from `address` (checked first in checked mode).
  void load_from(size_t pc, const x86::Mem& address);
  // After a helper returns: stop if the run failed or ended.
  void after_helper(size_t pc);
  // `call rel32` to `function`, through its veneer until relocated.
  void call_direct(uint64_t function);
  void check_stub();  // checked mode's access check (stubs())
  x86::CondCode compare(size_t pc);

  void shift(const x86::Gp& dst, const Insn& in, bool is64, bool by_imm, uint8_t op);
  void divide(const Insn& in, bool is64, bool by_imm, bool is_mod, bool is_signed);
  void mov_imm64(const x86::Gp& dst, uint64_t value);
  void multiply_by_constant(const x86::Gp& dst, int32_t imm, bool is64);

  x86::Assembler& a_;
  const LoweredProgram& program_;
  const BackendOptions& options_;
  const bool win64_;  // options_.x86_abi resolves to Windows x64
  std::vector<asmjit::Label> labels_;
  std::vector<uint8_t> written_by_function_;  // r6-r9 (bits 0-3) per function
  asmjit::Label trampoline_;
  asmjit::Label unwind_;
  asmjit::Label check_stub_;

  struct Stub {
    asmjit::Label label;
    RawError kind;
    uint32_t pc;
    std::optional<x86::Gp> value;
    uint32_t restore_budget;
  };
  std::vector<Stub> stubs_;
  std::map<uint64_t, asmjit::Label> veneers_;  // function -> its veneer, emitted by stubs()
  std::vector<CallRelocation> relocations_;
};

}  // namespace sandbpf::x86_64
