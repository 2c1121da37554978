// Jumps, calls (helpers by id, callx, local calls), checked mode's budget
// blocks and the budget rewrite's exit
// (exit and the functions' prologues are in runtime_stubs.cpp).
//
// A local call checks the depth limit on r10 itself (r10 = stack top -
// depth * frame size), saves the r6-r9 that the called function writes on
// the machine stack (16-byte aligned), moves r10 down by one frame and
// calls with jal ra; the callee's ret comes back to the restore.
#include <algorithm>
#include <cstddef>
#include <vector>

#include "jit/riscv64/emitter.hpp"

namespace sandbpf::riscv64 {

using namespace insn;

// The budget lives in the run state. The new value is stored only when
// the charge fits, so a stub sees `remaining` as it was before the charge
// (checked mode's error needs that: jit.cpp).
void Emitter::budget_block(size_t leader, uint32_t count) {
  const Label out = error_stub(RawError::kBudgetBlock, leader);
  a_.emit(ld(kScratch0, kState, SANDBPF_RV_STATE(remaining)));
  add_imm(kScratch1, kScratch0, -static_cast<int64_t>(count), kScratch2);
  a_.branch(Cond::kLtu, kScratch0, kScratch1, out);  // it wrapped: the charge does not fit
  a_.emit(sd(kScratch1, kState, SANDBPF_RV_STATE(remaining)));
}

// JMP compares 64-bit registers with sign-extended immediates. JMP32
// compares the low halves: both sides are sign-extended from bit 31, which
// keeps the signed order and also the unsigned one (the values with bit
// 31 set map to the top of the 64-bit range, in the same order).
Emitter::Comparison Emitter::compare(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const uint8_t op = r.opcode & 0xf0;
  const bool is64 = r.width == 8;
  const bool by_imm = r.form == Form::JumpImm;
  if (in.dst == kCounterRegister) {  // the budget's counter, in the run state
    a_.emit(ld(kScratch2, kState, SANDBPF_RV_STATE(remaining)));
    a_.li(kScratch1, in.imm);
    return {op == kJmpJge ? Cond::kGeu : Cond::kLtu, kScratch2, kScratch1};
  }
  const Reg dst = bpf_reg(in.dst);

  if (op == kJmpJset) {
    if (by_imm && fits_i12(in.imm)) {
      a_.emit(andi(kScratch0, dst, in.imm));
    } else {
      Reg mask = bpf_reg(in.src);
      if (by_imm) {
        a_.li(kScratch1, in.imm);
        mask = kScratch1;
      }
      a_.emit(and_(kScratch0, dst, mask));
    }
    if (!is64) a_.emit(sext_w(kScratch0, kScratch0));
    return {Cond::kNe, kScratch0, kZero};
  }

  Reg a = dst, b = kZero;
  if (!is64) {
    a_.emit(sext_w(kScratch0, dst));
    a = kScratch0;
  }
  if (by_imm) {
    if (in.imm != 0) {
      a_.li(kScratch1, in.imm);
      b = kScratch1;
    }
  } else if (is64) {
    b = bpf_reg(in.src);
  } else {
    a_.emit(sext_w(kScratch1, bpf_reg(in.src)));
    b = kScratch1;
  }
  switch (op) {
    case kJmpJeq: return {Cond::kEq, a, b};
    case kJmpJne: return {Cond::kNe, a, b};
    case kJmpJgt: return {Cond::kLtu, b, a};
    case kJmpJge: return {Cond::kGeu, a, b};
    case kJmpJlt: return {Cond::kLtu, a, b};
    case kJmpJle: return {Cond::kGeu, b, a};
    case kJmpJsgt: return {Cond::kLt, b, a};
    case kJmpJsge: return {Cond::kGe, a, b};
    case kJmpJslt: return {Cond::kLt, a, b};
    default: return {Cond::kGe, b, a};  // jsle
  }
}

void Emitter::jump(size_t pc) {
  const InsnInfo& r = row(pc);
  const Label target = labels_[static_cast<size_t>(program_.target(pc))];
  if (r.form == Form::Ja || r.form == Form::Ja32) {
    a_.jump(target);
    return;
  }
  const Comparison c = compare(pc);
  a_.branch(c.cond, c.a, c.b, target);
}

// r1-r5 are already a0-a4; the sixth argument (a5) is the RunContext. The
// result comes back in a0 and goes to r0 (a5).
void Emitter::helper_call(size_t pc, Reg function) {
  a_.emit(sd(bpf_reg(10), kState, SANDBPF_RV_STATE(frame)));
  a_.emit(ld(kA5, kState, SANDBPF_RV_STATE(context)));
  a_.emit(jalr(kRa, function, 0));
  a_.emit(mv(bpf_reg(0), kA0));
  // Stop if the helper failed or ended the run.
  a_.emit(lw(kScratch0, kState, SANDBPF_RV_STATE(stop)));
  a_.branch(Cond::kNe, kScratch0, kZero, error_stub(RawError::kHelperStopped, pc));
}

void Emitter::call_helper(size_t pc) {
  if (const Insn& in = insn(pc); is_budget_exhausted_call(in)) {
    // The budget rewrite's exit (jit/rewrites/instruction_budget.hpp).
    std::optional<Reg> value;
    if (in.off >= 0) value = bpf_reg(static_cast<uint8_t>(in.off));
    a_.jump(error_stub(RawError::kBudgetAt, pc, value));
    return;
  }
  const uint64_t id = static_cast<uint32_t>(insn(pc).imm);
  const HelperFunction fn = id < options_.helpers.size() ? options_.helpers[id] : nullptr;
  if (fn == nullptr) {
    a_.jump(error_stub(RawError::kUnknownHelper, pc));
    return;
  }
  a_.load_literal(kScratch3, reinterpret_cast<uint64_t>(fn));
  helper_call(pc, kScratch3);
}

// callx: the register holds a helper id, looked up at run time.
void Emitter::call_reg(size_t pc) {
  const Reg id = bpf_reg(insn(pc).dst);
  const Label unknown = error_stub(RawError::kUnknownHelperReg, pc, id);
  a_.li(kScratch0, static_cast<int64_t>(options_.helpers.size()));
  a_.branch(Cond::kGeu, id, kScratch0, unknown);
  a_.load_literal(kScratch3, reinterpret_cast<uint64_t>(options_.helpers.data()));
  if (options_.spectre_v1) {
    // id & -(id < count): the id itself after the check, 0 when the check
    // was mispredicted (backend.hpp).
    a_.emit(sltu(kScratch2, id, kScratch0));
    a_.emit(neg(kScratch2, kScratch2));
    a_.emit(and_(kScratch2, id, kScratch2));
    a_.emit(slli(kScratch1, kScratch2, 3));
  } else {
    a_.emit(slli(kScratch1, id, 3));
  }
  a_.emit(add(kScratch3, kScratch3, kScratch1));
  a_.emit(ld(kScratch3, kScratch3, 0));
  a_.branch(Cond::kEq, kScratch3, kZero, unknown);
  helper_call(pc, kScratch3);
}

void Emitter::call_local(size_t pc) {
  const size_t function = function_of(static_cast<size_t>(program_.target(pc)));
  const uint8_t written = written_by_function_[function];

  a_.emit(ld(kScratch0, kState, SANDBPF_RV_STATE(frame_floor)));
  a_.branch(Cond::kGeu, kScratch0, bpf_reg(10), error_stub(RawError::kCallDepth, pc));

  // Save what the callee writes.
  std::vector<Reg> saved;
  for (uint8_t r = 6; r <= 9; ++r)
    if (written & (1u << (r - 6))) saved.push_back(bpf_reg(r));
  const auto frame = static_cast<int32_t>((saved.size() * 8 + 15) / 16 * 16);
  if (frame != 0) a_.emit(addi(kSp, kSp, -frame));
  for (size_t i = 0; i < saved.size(); ++i) a_.emit(sd(saved[i], kSp, static_cast<int32_t>(8 * i)));
  const auto stack = static_cast<int64_t>(options_.stack_per_frame);
  add_imm(bpf_reg(10), bpf_reg(10), -stack, kScratch0);
  a_.call(entry_labels_[function], kRa);
  add_imm(bpf_reg(10), bpf_reg(10), stack, kScratch0);
  for (size_t i = 0; i < saved.size(); ++i) a_.emit(ld(saved[i], kSp, static_cast<int32_t>(8 * i)));
  if (frame != 0) a_.emit(addi(kSp, kSp, frame));
}

}  // namespace sandbpf::riscv64
