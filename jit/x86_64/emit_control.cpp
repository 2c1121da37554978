// Jumps, calls (helpers by id, callx, local calls), exit, checked mode's
// budget blocks and the budget rewrite's exit (jit/rewrites/instruction_budget.hpp).
//
// Frames: every function's code ends each exit with `ret`. A local call
// checks the depth limit on r10 itself (r10 = stack top - depth * frame
// size), saves the r6-r9 that the called function writes (rbx, r13, r14,
// r15) on the machine stack, moves r10 down by one frame, and calls; the
// callee's ret comes back to the restore. Every body runs with rsp 16-byte
// aligned (pushes + padding + the return address are a multiple of 16), so
// System V helpers are called with no adjustment (Windows x64 ones with
// 48 bytes of shadow space and stack arguments: emit_helper_call).
#include <algorithm>
#include <cstddef>
#include <vector>

#include "jit/x86_64/emitter.hpp"

namespace sandbpf::x86_64 {

namespace {

x86::CondCode condition(uint8_t op) {
  switch (op) {
    case kJmpJeq: return x86::CondCode::kE;
    case kJmpJne: return x86::CondCode::kNE;
    case kJmpJgt: return x86::CondCode::kA;
    case kJmpJge: return x86::CondCode::kAE;
    case kJmpJlt: return x86::CondCode::kB;
    case kJmpJle: return x86::CondCode::kBE;
    case kJmpJsgt: return x86::CondCode::kG;
    case kJmpJsge: return x86::CondCode::kGE;
    case kJmpJslt: return x86::CondCode::kL;
    case kJmpJsle: return x86::CondCode::kLE;
    default: return x86::CondCode::kNZ;  // jset
  }
}

}  // namespace

void Emitter::budget_block(size_t leader, uint32_t count) {
  const asmjit::Label out = error_stub(RawError::kBudgetBlock, leader, {}, count);
  a_.sub(SANDBPF_STATE(remaining), static_cast<int32_t>(count));
  a_.jb(out);
}

// Compares the operands of the conditional jump at pc; returns the
// condition under which it is taken.
x86::CondCode Emitter::compare(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const uint8_t op = r.opcode & 0xf0;
  const bool is64 = r.width == 8;
  if (in.dst == kCounterRegister) {  // the budget's counter, in the run state
    a_.cmp(SANDBPF_STATE(remaining), in.imm);
    return condition(op);
  }
  const x86::Gp dst = is64 ? bpf_reg(in.dst) : x86::Gp(bpf_reg(in.dst).r32());
  if (r.form == Form::JumpImm) {
    // Immediates are sign-extended (JMP) or compared as 32 bits (JMP32):
    // exactly what x86's imm32 operands do.
    if (op == kJmpJset) a_.test(dst, in.imm);
    else if (in.imm == 0 && (op == kJmpJeq || op == kJmpJne)) a_.test(dst, dst);
    else a_.cmp(dst, in.imm);
  } else {
    const x86::Gp src = is64 ? bpf_reg(in.src) : x86::Gp(bpf_reg(in.src).r32());
    if (op == kJmpJset) a_.test(dst, src);
    else a_.cmp(dst, src);
  }
  return condition(op);
}

void Emitter::jump(size_t pc) {
  const InsnInfo& r = row(pc);
  const asmjit::Label target = labels_[static_cast<size_t>(program_.target(pc))];
  if (r.form == Form::Ja || r.form == Form::Ja32) {
    a_.jmp(target);
    return;
  }
  a_.j(compare(pc), target);
}

// jcc +1 ; ja T  ->  j!cc T (falling through where jcc would have jumped).
// Also jcc +1 ; EXHAUSTED  ->  j!cc to the exit's stub.
size_t Emitter::fused_branch(size_t pc, size_t available) {
  if (available < 2 || !is_conditional_jump(row(pc).form) || program_.target(pc) != static_cast<int64_t>(pc) + 2)
    return 0;
  if (program_.tail[pc + 1]) return 0;
  // jcc +1 ; EXHAUSTED (the budget rewrite's charge before a call)  ->  j!cc stub
  if (const Insn& next = insn(pc + 1); is_budget_exhausted_call(next)) {
    std::optional<x86::Gp> value;
    if (next.off >= 0) value = bpf_reg(static_cast<uint8_t>(next.off));
    const x86::CondCode cc = compare(pc);
    a_.j(x86::negateCond(cc), error_stub(RawError::kBudgetAt, pc + 1, value));
    return 2;
  }
  const Form next = program_.row(pc + 1).form;
  if (next != Form::Ja && next != Form::Ja32) return 0;
  const x86::CondCode cc = compare(pc);
  a_.j(x86::negateCond(cc), labels_[static_cast<size_t>(program_.target(pc + 1))]);
  return 2;
}

void Emitter::after_helper(size_t pc) {
  a_.cmp(SANDBPF_STATE(stop), 0);
  a_.jne(error_stub(RawError::kHelperStopped, pc));
}

void Emitter::call_helper(size_t pc) {
  if (const Insn& in = insn(pc); is_budget_exhausted_call(in)) {
    std::optional<x86::Gp> value;
    if (in.off >= 0) value = bpf_reg(static_cast<uint8_t>(in.off));
    a_.jmp(error_stub(RawError::kBudgetAt, pc, value));
    return;
  }
  const uint64_t id = static_cast<uint32_t>(insn(pc).imm);
  const HelperFunction fn = id < options_.helpers.size() ? options_.helpers[id] : nullptr;
  if (fn == nullptr) {
    a_.jmp(error_stub(RawError::kUnknownHelper, pc));
    return;
  }
  emit_helper_call(fn);
  after_helper(pc);
}

// helper(r1, r2, r3, r4, r5, context). System V: r1-r5 are already in the
// argument registers, the context goes in r9 (the hidden register, dead
// here). Windows x64: four arguments in rcx, rdx, r8, r9, the fifth and
// sixth on the stack above 32 bytes of shadow space that the callee may
// write; 48 bytes keep rsp 16-byte aligned at the call. r1-r5 are
// clobbered by a call in BPF, so they are moved freely; rax (r0) is the
// return register, free until then.
void Emitter::emit_helper_call(HelperFunction direct) {
  a_.mov(SANDBPF_STATE(frame), bpf_reg(10));
  if (!win64_) {
    a_.mov(x86::r9, SANDBPF_STATE(context));
    call_helper_target(direct);
    return;
  }
  a_.sub(x86::rsp, 48);
  a_.mov(x86::qword_ptr(x86::rsp, 32), bpf_reg(5));  // r8
  a_.mov(x86::rax, SANDBPF_STATE(context));
  a_.mov(x86::qword_ptr(x86::rsp, 40), x86::rax);
  // Each register is read before it is overwritten: r4 (rcx) first, r1 (rdi) last.
  a_.mov(x86::r9, bpf_reg(4));
  a_.mov(x86::r8, bpf_reg(3));
  a_.mov(x86::rdx, bpf_reg(2));
  a_.mov(x86::rcx, bpf_reg(1));
  call_helper_target(direct);
  a_.add(x86::rsp, 48);
}

// A helper known at compile time is called directly (call_direct); callx's
// target was loaded into kScratch1.
void Emitter::call_helper_target(HelperFunction direct) {
  if (direct != nullptr)
    call_direct(reinterpret_cast<uint64_t>(direct));
  else
    a_.call(kScratch1);
}

void Emitter::call_direct(uint64_t function) {
  auto [it, inserted] = veneers_.try_emplace(function);
  if (inserted) it->second = a_.newLabel();
  a_.call(it->second);  // E8 rel32: the field is the last 4 bytes
  relocations_.push_back({static_cast<uint32_t>(a_.offset() - 4), CallRelocationKind::kX86Rel32, function});
}

// callx: the register holds a helper id, looked up at run time.
void Emitter::call_reg(size_t pc) {
  const x86::Gp id = bpf_reg(insn(pc).dst);
  const asmjit::Label unknown = error_stub(RawError::kUnknownHelperReg, pc, kScratch2);
  a_.mov(kScratch2, id);
  const uint64_t count = options_.helpers.size();
  if (count <= 0x7fffffff) {
    a_.cmp(kScratch2, static_cast<int32_t>(count));
  } else {
    a_.movabs(kScratch1, asmjit::imm(count));
    a_.cmp(kScratch2, kScratch1);
  }
  a_.jae(unknown);
  if (options_.spectre_v1) {
    // The carry of the compare is set on this path; a misprediction of jae
    // gets 0 from sbb, so the id becomes 0 (backend.hpp).
    a_.sbb(kScratch1, kScratch1);
    a_.and_(kScratch2, kScratch1);
  }
  a_.movabs(kScratch1, asmjit::imm(reinterpret_cast<uint64_t>(options_.helpers.data())));
  a_.mov(kScratch1, x86::qword_ptr(kScratch1, kScratch2, 3));
  a_.test(kScratch1, kScratch1);
  a_.jz(unknown);
  emit_helper_call(nullptr);
  after_helper(pc);
}

void Emitter::call_local(size_t pc) {
  const auto target = static_cast<size_t>(program_.target(pc));
  const auto& entries = program_.function_entries;
  const auto function = static_cast<size_t>(
      std::lower_bound(entries.begin(), entries.end(), static_cast<uint32_t>(target)) - entries.begin());
  const uint8_t written = written_by_function_[function];

  a_.cmp(bpf_reg(10), SANDBPF_STATE(frame_floor));
  a_.jbe(error_stub(RawError::kCallDepth, pc));

  // Save what the callee writes; pad to an odd number of 8-byte slots
  // (with a register it leaves alone, or rsp itself when it writes all).
  std::vector<x86::Gp> saved;
  for (uint8_t r = 6; r <= 9; ++r)
    if (written & (1u << (r - 6))) saved.push_back(bpf_reg(r));
  bool pad_rsp = false;
  if (saved.size() % 2 == 0) {
    uint8_t spare = 6;
    while (spare <= 9 && (written & (1u << (spare - 6)))) ++spare;
    if (spare <= 9) saved.push_back(bpf_reg(spare));
    else pad_rsp = true;
  }
  if (pad_rsp) a_.sub(x86::rsp, 8);
  for (const x86::Gp& r : saved) a_.push(r);
  a_.sub(bpf_reg(10), static_cast<int32_t>(options_.stack_per_frame));
  a_.call(labels_[target]);
  a_.add(bpf_reg(10), static_cast<int32_t>(options_.stack_per_frame));
  for (size_t i = saved.size(); i-- > 0;) a_.pop(saved[i]);
  if (pad_rsp) a_.add(x86::rsp, 8);
}

void Emitter::exit(size_t) { a_.ret(); }

}  // namespace sandbpf::x86_64
