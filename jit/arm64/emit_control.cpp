// Jumps, calls (helpers by id, callx, local calls), exit, and instruction
// budgets.
//
// Frames: `bl` puts the return address in x30, so every function that
// calls out (helpers, local calls, checked mode's access checks) saves x30
// on entry (`str x30, [sp, #-16]!`) and its exits restore it before `ret`;
// leaf functions leave it in x30. A local call checks the depth limit on r10 itself (r10 = stack
// top - depth * frame size), saves the r6-r9 that the called function
// writes (in pairs, sp stays 16-byte aligned), moves r10 down by one frame
// and branches with `bl`.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "jit/arm64/emitter.hpp"

namespace sandbpf::arm64 {

namespace {

CondCode condition(uint8_t op) {
  switch (op) {
    case kJmpJeq: return CondCode::kEQ;
    case kJmpJne: return CondCode::kNE;
    case kJmpJgt: return CondCode::kHI;
    case kJmpJge: return CondCode::kHS;
    case kJmpJlt: return CondCode::kLO;
    case kJmpJle: return CondCode::kLS;
    case kJmpJsgt: return CondCode::kGT;
    case kJmpJsge: return CondCode::kGE;
    case kJmpJslt: return CondCode::kLT;
    case kJmpJsle: return CondCode::kLE;
    default: return CondCode::kNE;  // jset
  }
}

// AArch64 condition codes come in pairs that differ in their lowest bit.
CondCode negate(CondCode cc) { return static_cast<CondCode>(static_cast<uint8_t>(cc) ^ 1u); }

}  // namespace

void Emitter::branch(CondCode cc, const asmjit::Label& target) {
  if (!far_) {
    a_.b(cc, target);
    return;
  }
  const asmjit::Label skip = a_.newLabel();
  a_.b(negate(cc), skip);
  a_.b(target);
  a_.bind(skip);
}

void Emitter::branch_if_zero(const a64::Gp& reg, const asmjit::Label& target) {
  if (!far_) {
    a_.cbz(reg, target);
    return;
  }
  const asmjit::Label skip = a_.newLabel();
  a_.cbnz(reg, skip);
  a_.b(target);
  a_.bind(skip);
}

void Emitter::branch_if_not_zero(const a64::Gp& reg, const asmjit::Label& target) {
  if (!far_) {
    a_.cbnz(reg, target);
    return;
  }
  const asmjit::Label skip = a_.newLabel();
  a_.cbz(reg, skip);
  a_.b(target);
  a_.bind(skip);
}

// The budget is only written back when the charge fits: when it does not,
// `remaining` stays as it was at the block's entry (what the driver needs).
void Emitter::budget_block(size_t leader, uint32_t count) {
  const asmjit::Label out = error_stub(RawError::kBudgetBlock, leader);
  a_.ldr(kScratch1, SANDBPF_A64_STATE(remaining));
  if (count < 4096) {
    a_.subs(kScratch1, kScratch1, count);
  } else {
    mov_imm(kScratch2, count);
    a_.subs(kScratch1, kScratch1, kScratch2);
  }
  branch(CondCode::kLO, out);
  a_.str(kScratch1, SANDBPF_A64_STATE(remaining));
}

// Compares the operands of the conditional jump at pc; returns the
// condition under which it is taken.
CondCode Emitter::compare(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const uint8_t op = r.opcode & 0xf0;
  const bool is64 = r.width == 8;
  if (in.dst == kCounterRegister) {  // the budget's counter, in the run state
    a_.ldr(kScratch2, SANDBPF_A64_STATE(remaining));
    cmp_imm(kScratch2, in.imm, kScratch1);
    return condition(op);
  }
  const a64::Gp dst = bpf_reg(in.dst, is64);
  if (r.form == Form::JumpImm) {
    // JMP sign-extends the immediate; JMP32 compares the 32 bits.
    const int64_t value = in.imm;
    if (op != kJmpJset) {
      cmp_imm(dst, value, kScratch1);
    } else {
      const uint64_t mask = is64 ? static_cast<uint64_t>(value) : static_cast<uint32_t>(in.imm);
      if (mask != 0 && a64::Utils::isLogicalImm(mask, is64 ? 64 : 32)) {
        a_.tst(dst, mask);
      } else {
        const a64::Gp s = sized(kScratch1, is64);
        mov_imm(s, mask);
        a_.tst(dst, s);
      }
    }
  } else {
    const a64::Gp src = bpf_reg(in.src, is64);
    if (op == kJmpJset) a_.tst(dst, src);
    else a_.cmp(dst, src);
  }
  return condition(op);
}

void Emitter::jump(size_t pc) {
  const InsnInfo& r = row(pc);
  const asmjit::Label target = labels_[static_cast<size_t>(program_.target(pc))];
  if (r.form == Form::Ja || r.form == Form::Ja32) {
    a_.b(target);
    return;
  }
  branch(compare(pc), target);
}

// The helper is `direct` (called with bl, jit/backend.hpp), or else in
// x16: r1-r5 are already x0-x4, the sixth argument (x5) is the RunContext.
// Afterwards r0 = x0, and a helper that failed or ended the run stops it.
void Emitter::call_through(size_t pc, uint64_t direct) {
  a_.str(bpf_x(10), SANDBPF_A64_STATE(frame));
  a_.ldr(a64::x5, SANDBPF_A64_STATE(context));
  if (direct != 0) call_direct(direct);
  else a_.blr(kCallTarget);
  a_.mov(bpf_x(0), a64::x0);
  a_.ldr(kScratch1.w(), SANDBPF_A64_STATE(stop));
  branch_if_not_zero(kScratch1.w(), error_stub(RawError::kHelperStopped, pc));
}

void Emitter::call_helper(size_t pc) {
  if (const Insn& in = insn(pc); is_budget_exhausted_call(in)) {
    // The budget rewrite's exit (jit/rewrites/instruction_budget.hpp).
    const a64::GpX value = in.off >= 0 ? bpf_x(static_cast<uint8_t>(in.off)) : a64::GpX();
    a_.b(error_stub(RawError::kBudgetAt, pc, in.off >= 0 ? &value : nullptr));
    return;
  }
  const uint64_t id = static_cast<uint32_t>(insn(pc).imm);
  const HelperFunction fn = id < options_.helpers.size() ? options_.helpers[id] : nullptr;
  if (fn == nullptr) {
    a_.b(error_stub(RawError::kUnknownHelper, pc));
    return;
  }
  call_through(pc, reinterpret_cast<uint64_t>(fn));
}

void Emitter::call_direct(uint64_t function) {
  auto [it, inserted] = veneers_.try_emplace(function);
  if (inserted) it->second = a_.newLabel();
  a_.bl(it->second);
  relocations_.push_back({static_cast<uint32_t>(a_.offset() - 4), CallRelocationKind::kArm64Branch26, function});
}

// callx: the register holds a helper id, looked up at run time in the
// helper table bound at compile time.
void Emitter::call_reg(size_t pc) {
  const asmjit::Label unknown = error_stub(RawError::kUnknownHelperReg, pc, &kScratch2);
  a_.mov(kScratch2, bpf_x(insn(pc).dst));
  cmp_imm(kScratch2, static_cast<int64_t>(options_.helpers.size()), kScratch3);
  branch(CondCode::kHS, unknown);
  // A misprediction of the check gets id 0 from csel, which is not
  // predicted (backend.hpp).
  if (options_.spectre_v1) a_.csel(kScratch2, kScratch2, a64::xzr, CondCode::kLO);
  mov_address(kScratch1, reinterpret_cast<uint64_t>(options_.helpers.data()));
  a_.ldr(kCallTarget, a64::ptr(kScratch1, kScratch2, a64::lsl(3)));
  branch_if_zero(kCallTarget, unknown);
  call_through(pc);
}

void Emitter::call_local(size_t pc) {
  const auto target = static_cast<size_t>(program_.target(pc));
  const auto& entries = program_.function_entries;
  const auto function = static_cast<size_t>(
      std::lower_bound(entries.begin(), entries.end(), static_cast<uint32_t>(target)) - entries.begin());
  const uint8_t written = written_by_function_[function];

  a_.ldr(kScratch1, SANDBPF_A64_STATE(frame_floor));
  a_.cmp(bpf_x(10), kScratch1);
  branch(CondCode::kLS, error_stub(RawError::kCallDepth, pc));

  // Save what the callee writes, two registers per 16-byte slot.
  std::vector<a64::GpX> saved;
  for (uint8_t r = 6; r <= 9; ++r)
    if (written & (1u << (r - 6))) saved.push_back(bpf_x(r));
  for (size_t i = 0; i < saved.size(); i += 2) {
    if (i + 1 < saved.size()) a_.stp(saved[i], saved[i + 1], a64::ptr_pre(a64::sp, -16));
    else a_.str(saved[i], a64::ptr_pre(a64::sp, -16));
  }
  const auto frame = static_cast<int64_t>(options_.stack_per_frame);
  add_imm(bpf_x(10), bpf_x(10), -frame, kScratch1);
  a_.bl(entry_label(target));
  add_imm(bpf_x(10), bpf_x(10), frame, kScratch1);
  const size_t pairs = (saved.size() + 1) / 2;
  for (size_t k = pairs; k-- > 0;) {
    const size_t i = 2 * k;
    if (i + 1 < saved.size()) a_.ldp(saved[i], saved[i + 1], a64::ptr_post(a64::sp, 16));
    else a_.ldr(saved[i], a64::ptr_post(a64::sp, 16));
  }
}

void Emitter::exit(size_t) {
  if (saves_link_) a_.ldr(a64::x30, a64::ptr_post(a64::sp, 16));
  a_.ret(a64::x30);
}

}  // namespace sandbpf::arm64
