#include "jit/rewrites/instruction_budget.hpp"

#include <vector>

#include "jit/rewrites/relayout.hpp"

namespace sandbpf {
namespace {

// The opposite condition, when BPF has one (jset has none).
std::optional<uint8_t> negated_condition(uint8_t op) {
  switch (op) {
    case kJmpJeq: return kJmpJne;
    case kJmpJne: return kJmpJeq;
    case kJmpJgt: return kJmpJle;
    case kJmpJle: return kJmpJgt;
    case kJmpJge: return kJmpJlt;
    case kJmpJlt: return kJmpJge;
    case kJmpJsgt: return kJmpJsle;
    case kJmpJsle: return kJmpJsgt;
    case kJmpJsge: return kJmpJslt;
    case kJmpJslt: return kJmpJsge;
    default: return std::nullopt;
  }
}

// Before a call: jge r12, n, +1 ; EXHAUSTED ; sub r12, n
void charge(std::vector<RewriteSlot>& out, int32_t n, int16_t value_register) {
  out.push_back({make_insn(Op::Jge64Imm, kCounterRegister, 0, 1, n)});
  out.push_back({budget_exhausted_call(value_register)});
  out.push_back({make_insn(Op::Sub64Imm, kCounterRegister, 0, 0, n)});
}

// A taken backward jump: jlt r12, n, +2 ; sub r12, n ; ja T ; EXHAUSTED.
// The exit sits after the unconditional jump, so a loop's hot path takes
// no branch but its own.
void charge_and_jump(std::vector<RewriteSlot>& out, int32_t n, bool wide, int64_t target) {
  out.push_back({make_insn(Op::Jlt64Imm, kCounterRegister, 0, 2, n)});
  out.push_back({make_insn(Op::Sub64Imm, kCounterRegister, 0, 0, n)});
  out.push_back({wide ? make_insn(Op::Ja32) : make_insn(Op::Ja), target});
  out.push_back({budget_exhausted_call(-1)});
}

}  // namespace

std::vector<RewriteSlot> call_charge(int16_t value_register) {
  std::vector<RewriteSlot> out;
  charge(out, 1, value_register);
  return out;
}

namespace {

std::vector<RewriteSlot> rewrite(const LoweredProgram& input, size_t pc, bool wide) {
  const Insn& in = input.insns[pc];
  const InsnInfo& row = input.row(pc);
  std::vector<RewriteSlot> out;
  switch (row.form) {
    case Form::CallHelper:
    case Form::CallReg:
    case Form::CallLocal: {
      if (is_budget_exhausted_call(in)) return unchanged(input, pc, wide);
      const int16_t value_register = row.form == Form::CallReg     ? in.dst
                                     : row.form == Form::CallLocal ? 10
                                                                   : -1;
      charge(out, 1, value_register);
      for (const RewriteSlot& slot : unchanged(input, pc, wide)) out.push_back(slot);
      return out;
    }
    case Form::Ja:
    case Form::Ja32:
    case Form::JumpImm:
    case Form::JumpReg:
      break;
    default:
      return unchanged(input, pc, wide);
  }
  const int64_t target = input.target(pc);
  if (target > static_cast<int64_t>(pc)) return unchanged(input, pc, wide);
  // The interpreter charges the distance in the program as loaded.
  const auto distance = static_cast<int32_t>(input.origin[pc] + 1 - input.origin[static_cast<size_t>(target)]);
  if (row.form == Form::Ja || row.form == Form::Ja32) {
    charge_and_jump(out, distance, wide, target);
    return out;
  }
  // Not taken: on to the next input slot, past the charge.
  Insn skip = in;
  if (const auto negated = negated_condition(row.opcode & 0xf0)) {
    skip.opcode = static_cast<uint8_t>((in.opcode & 0x0f) | *negated);
    out.push_back({skip, static_cast<int64_t>(pc) + 1});
  } else {
    skip.off = 1;
    out.push_back({skip});
    out.push_back({make_insn(Op::Ja), static_cast<int64_t>(pc) + 1});
  }
  charge_and_jump(out, distance, wide, target);
  return out;
}

}  // namespace

LoweredProgram charge_instruction_budget(const LoweredProgram& input) {
  return relayout(input, [&input](size_t pc, bool wide) { return rewrite(input, pc, wide); });
}

}  // namespace sandbpf
