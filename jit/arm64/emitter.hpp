// The ARM64 emitter: one member per instruction group, each in the file
// named after its job (emit_alu.cpp, emit_memory.cpp, emit_atomic.cpp,
// emit_control.cpp, runtime_stubs.cpp); backend.cpp walks the program and
// dispatches on the instruction table's Form. Internal to the backend.
//
// Branch ranges: b.cond, cbz and ldr (literal) reach +-1 MiB. Programs
// whose code stays below that use them directly; otherwise the backend
// compiles again with `far` set, where every conditional branch becomes
// an inverted branch over an unconditional `b` (+-128 MiB) and addresses
// are built with movz/movk instead of literal loads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include <asmjit/arm/a64utils.h>

#include "jit/arm64/backend.hpp"
#include "jit/arm64/cpu_features.hpp"
#include "jit/arm64/registers.hpp"
#include "jit/lowered_program.hpp"
#include "jit/run_state.hpp"

namespace sandbpf::arm64 {

using asmjit::arm::CondCode;

// A memory operand of the run state (every field is naturally aligned, so
// the scaled 12-bit offset form always reaches it).
#define SANDBPF_A64_STATE(field) ::sandbpf::arm64::a64::ptr(::sandbpf::arm64::kState, \
    static_cast<int32_t>(offsetof(::sandbpf::JitRunState, field)))

class Emitter {
 public:
  Emitter(a64::Assembler& a, const LoweredProgram& program, const BackendOptions& options,
          bool far);

  // Code outside the program: emitted before it (trampoline) and after it
  // (error stubs, the unwinder, the checked-access stub, the literal pool).
  void trampoline();
  void stubs();

  // One label per jump target, made before the walk; function entries get
  // a second label, before their prologue (a jump may target the first
  // instruction of a function, and must not run the prologue again).
  void make_target_label(size_t pc);
  void function_entry(size_t pc);
  void bind_target_label(size_t pc);
  asmjit::Label target_label(size_t pc) const { return labels_[pc]; }
  asmjit::Label entry_label(size_t pc) const;

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

  // The direct calls emitted (backend.hpp: CallRelocation).
  const std::vector<CallRelocation>& relocations() const { return relocations_; }
  asmjit::Label trampoline_label() const { return trampoline_; }

 private:
  const Insn& insn(size_t pc) const { return program_.insns[pc]; }
  const InsnInfo& row(size_t pc) const { return program_.row(pc); }
  bool checked() const { return options_.mode == ExecMode::kChecked; }

  // An out-of-line stub that records the error (and `value` in
  // error_value when given) and unwinds.
  asmjit::Label error_stub(RawError kind, size_t pc, const a64::GpX* value = nullptr);
  // b.cond / cbz / cbnz that reach anywhere in far mode.
  void branch(CondCode cc, const asmjit::Label& target);
  void branch_if_zero(const a64::Gp& reg, const asmjit::Label& target);
  void branch_if_not_zero(const a64::Gp& reg, const asmjit::Label& target);

  // dst = value, in the fewest instructions (movz/movn + movk, or a
  // logical immediate).
  void mov_imm(const a64::Gp& dst, uint64_t value);
  // dst = an absolute address (the helper table): a literal load from the
  // pool, or movz/movk in far mode.
  void mov_address(const a64::GpX& dst, uint64_t address);
  // dst = src + value (any 64-bit value; `scratch` may be needed).
  void add_imm(const a64::Gp& dst, const a64::Gp& src, int64_t value, const a64::Gp& scratch);
  // cmp reg, value (value as the register's width sees it).
  void cmp_imm(const a64::Gp& reg, int64_t value, const a64::Gp& scratch);
  // The memory operand [base + off] for an access of `width` bytes: the
  // immediate forms when they reach, otherwise the offset in `scratch`.
  a64::Mem address(const a64::GpX& base, int32_t off, uint32_t width, const a64::GpX& scratch);

  // Checked mode: call the access check for the slot at pc.
  void check_access(size_t pc, const a64::GpX& base, int32_t off);
  // A helper call (to `direct`, or through x16 when 0), then: r0 = x0,
  // stop if the run failed or ended.
  void call_through(size_t pc, uint64_t direct = 0);
  // `bl` to `function`, through its veneer until relocated (backend.hpp).
  void call_direct(uint64_t function);
  CondCode compare(size_t pc);

  void divide(const Insn& in, bool is64, bool by_imm, bool is_mod, bool is_signed);
  void logical(uint8_t op, const a64::Gp& dst, const a64::Gp& src, uint64_t imm, bool by_imm,
               bool is64);
  void atomic_lse(size_t pc, const a64::GpX& addr);
  void atomic_exclusive(size_t pc, const a64::GpX& addr);

  a64::Assembler& a_;
  const LoweredProgram& program_;
  const BackendOptions& options_;
  const bool far_;
  const Arm64Atomics atomics_;
  std::vector<asmjit::Label> labels_;
  std::map<size_t, asmjit::Label> entries_;   // by slot
  std::vector<uint8_t> written_by_function_;  // r6-r9 (bits 0-3) per function
  // Per function: whether it calls anything (so x30 must be saved on entry).
  std::vector<uint8_t> calls_out_;
  bool saves_link_ = false;  // of the function being emitted
  asmjit::Label trampoline_;
  asmjit::Label leave_;
  asmjit::Label unwind_;
  asmjit::Label check_stub_;
  std::map<uint64_t, asmjit::Label> literals_;  // the pool: address -> label
  std::map<uint64_t, asmjit::Label> veneers_;   // function -> its veneer, emitted by stubs()
  std::vector<CallRelocation> relocations_;

  struct Stub {
    asmjit::Label label;
    RawError kind;
    uint32_t pc;
    bool has_value;
    a64::GpX value;
  };
  std::vector<Stub> stubs_;
};

}  // namespace sandbpf::arm64
