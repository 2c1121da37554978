// Code outside the program: the entry trampoline, the error stubs, the
// unwinder and the checked-access stub (jit/run_state.hpp has the contract).
#include <cstddef>
#include <vector>

#include "jit/x86_64/emitter.hpp"

namespace sandbpf::x86_64 {

namespace {

// Which of r6-r9 (bits 0-3) an instruction writes.
uint8_t callee_saved_writes(const Insn& insn, const InsnInfo& row) {
  uint8_t written = 0;
  auto mark = [&](uint8_t reg) {
    if (reg >= 6 && reg <= 9) written |= static_cast<uint8_t>(1u << (reg - 6));
  };
  if (writes_dst_register(row.form)) mark(insn.dst);
  if (row.form == Form::Atomic && (insn.imm & kAtomicFetch) != 0 && insn.imm != kAtomicCmpxchg)
    mark(insn.src);  // fetching atomics write the old value to src
  return written;
}

}  // namespace

Emitter::Emitter(x86::Assembler& a, const LoweredProgram& program, const BackendOptions& options)
    : a_(a),
      program_(program),
      options_(options),
      win64_(resolve_x86_abi(options.x86_abi) == X86Abi::kWin64),
      labels_(program.size()) {
  trampoline_ = a_.newLabel();
  unwind_ = a_.newLabel();
  check_stub_ = a_.newLabel();
  // Per function: which of r6-r9 its own instructions write; a local call
  // saves those (calls it makes save their callees' in turn).
  const auto& entries = program.function_entries;
  written_by_function_.assign(entries.size(), 0);
  for (size_t f = 0; f < entries.size(); ++f) {
    const size_t end = f + 1 < entries.size() ? entries[f + 1] : program.size();
    for (size_t pc = entries[f]; pc < end; ++pc)
      if (!program.tail[pc]) written_by_function_[f] |= callee_saved_writes(program.insns[pc], program.row(pc));
  }
}

void Emitter::make_target_label(size_t pc) {
  if (!labels_[pc].isValid()) labels_[pc] = a_.newLabel();
}

void Emitter::bind_target_label(size_t pc) {
  if (labels_[pc].isValid()) a_.bind(labels_[pc]);
}

// r0 = trampoline(state, args, code): System V passes them in rdi, rsi,
// rdx; Windows x64 in rcx, rdx, r8, and also wants rdi and rsi preserved
// (and xmm6-15, which no JIT code touches). Entered with rsp = 8 (mod 16);
// the callee-saved pushes (six, or eight on Windows), the previous
// saved_sp and 8 bytes of padding leave rsp = 8 (mod 16), so the function
// body runs with rsp = 0 (mod 16).
void Emitter::trampoline() {
  std::vector<x86::Gp> saved = {x86::rbp, x86::rbx, x86::r12, x86::r13, x86::r14, x86::r15};
  if (win64_) saved.insert(saved.end(), {x86::rdi, x86::rsi});
  const x86::Gp state_arg = win64_ ? x86::rcx : x86::rdi;
  const x86::Gp args = win64_ ? x86::rdx : x86::rsi;
  const x86::Gp code_arg = win64_ ? x86::r8 : x86::rdx;

  a_.bind(trampoline_);
  for (const x86::Gp& r : saved) a_.push(r);
  a_.mov(kState, state_arg);
  a_.push(SANDBPF_STATE(saved_sp));
  a_.sub(x86::rsp, 8);
  a_.mov(SANDBPF_STATE(saved_sp), x86::rsp);
  a_.mov(kScratch2, code_arg);
  // BPF r1-r5 live in rdi, rsi, rdx, rcx, r8: the register holding `args`
  // is loaded last (System V: rsi = r2; Windows: rdx = r3).
  for (uint8_t r = 1; r <= 5; ++r)
    if (bpf_reg(r) != args) a_.mov(bpf_reg(r), x86::qword_ptr(args, 8 * (r - 1)));
  for (uint8_t r = 1; r <= 5; ++r)
    if (bpf_reg(r) == args) a_.mov(bpf_reg(r), x86::qword_ptr(args, 8 * (r - 1)));
  a_.mov(bpf_reg(10), SANDBPF_STATE(frame_top));
  for (uint8_t r : {0, 6, 7, 8, 9}) a_.xor_(bpf_reg(r).r32(), bpf_reg(r).r32());
  a_.call(kScratch2);
  const asmjit::Label leave = a_.newLabel();
  a_.bind(leave);
  a_.add(x86::rsp, 8);
  a_.pop(SANDBPF_STATE(saved_sp));
  for (size_t i = saved.size(); i-- > 0;) a_.pop(saved[i]);
  a_.ret();

  // Runtime errors come here from any depth: back to the trampoline's frame.
  a_.bind(unwind_);
  a_.mov(x86::rsp, SANDBPF_STATE(saved_sp));
  a_.xor_(x86::eax, x86::eax);
  a_.jmp(leave);
}

asmjit::Label Emitter::error_stub(RawError kind, size_t pc, std::optional<x86::Gp> value,
                                  uint32_t restore_budget) {
  Stub stub{a_.newLabel(), kind, static_cast<uint32_t>(pc), value, restore_budget};
  stubs_.push_back(stub);
  return stub.label;
}

void Emitter::stubs() {
  for (const Stub& stub : stubs_) {
    a_.bind(stub.label);
    if (stub.restore_budget != 0)
      a_.add(SANDBPF_STATE(remaining), static_cast<int32_t>(stub.restore_budget));
    if (stub.value) a_.mov(SANDBPF_STATE(error_value), *stub.value);
    a_.mov(SANDBPF_STATE(error_pc), stub.pc);
    a_.mov(SANDBPF_STATE(raw_error), static_cast<uint32_t>(stub.kind));
    a_.jmp(unwind_);
  }

  // Checked access: r10d = slot, r11 = address. Saves every caller-saved
  // register (the check is a C++ call), keeps rsp aligned (9 pushes + the
  // return address = 80 bytes), and unwinds when the check refuses.
  if (options_.mode == ExecMode::kChecked) check_stub();

  // Veneers of the direct calls (call_direct), for when the final address
  // is out of rel32 range of the function: r11 is free at every call (a
  // scratch register the C ABI lets the callee clobber anyway).
  for (const auto& [function, label] : veneers_) {
    a_.bind(label);
    a_.movabs(x86::r11, asmjit::imm(function));
    a_.jmp(x86::r11);
  }
}

void Emitter::check_stub() {
  a_.bind(check_stub_);
  const x86::Gp saved[] = {x86::rax, x86::rcx, x86::rdx, x86::rsi, x86::rdi,
                           x86::r8,  x86::r9,  x86::r10, x86::r11};
  for (const x86::Gp& r : saved) a_.push(r);
  // check(state, slot, address, frame): rdi, esi, rdx, rcx (System V) or
  // rcx, edx, r8, r9 below 32 bytes of shadow space (Windows x64; rsp
  // stays aligned).
  if (win64_) {
    a_.sub(x86::rsp, 32);
    a_.mov(x86::rcx, kState);
    a_.mov(x86::edx, kScratch1.r32());
    a_.mov(x86::r8, kScratch2);
    a_.mov(x86::r9, bpf_reg(10));
  } else {
    a_.mov(x86::rdi, kState);
    a_.mov(x86::esi, kScratch1.r32());
    a_.mov(x86::rdx, kScratch2);
    a_.mov(x86::rcx, bpf_reg(10));
  }
  call_direct(reinterpret_cast<uint64_t>(options_.check_access));
  if (win64_) a_.add(x86::rsp, 32);  // before the test: add changes the flags
  a_.test(x86::al, x86::al);
  for (size_t i = std::size(saved); i-- > 0;) a_.pop(saved[i]);
  a_.jz(unwind_);
  a_.ret();
}

}  // namespace sandbpf::x86_64
