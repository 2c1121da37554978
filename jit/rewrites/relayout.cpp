#include "jit/rewrites/relayout.hpp"

#include <limits>

namespace sandbpf {
namespace {

bool fits16(int64_t value) {
  return value >= std::numeric_limits<int16_t>::min() && value <= std::numeric_limits<int16_t>::max();
}

bool has_16bit_offset(Form form) {
  return form == Form::Ja || form == Form::JumpImm || form == Form::JumpReg;
}

}  // namespace

std::vector<RewriteSlot> wide_jump(const Insn& jump, int64_t target) {
  const Form form = find_row(jump)->form;
  if (form == Form::Ja || form == Form::Ja32) return {{make_insn(Op::Ja32), target}};
  Insn near = jump;
  near.off = 1;
  return {{near}, {make_insn(Op::Ja, 0, 0, 1, 0)}, {make_insn(Op::Ja32), target}};
}

std::vector<RewriteSlot> unchanged(const LoweredProgram& input, size_t pc, bool wide) {
  const Insn& in = input.insns[pc];
  const Form form = input.row(pc).form;
  if (is_jump(form)) {
    if (wide) return wide_jump(in, input.target(pc));
    return {{in, input.target(pc)}};
  }
  if (form == Form::CallLocal) return {{in, input.target(pc)}};
  if (form == Form::LddwFunction) return {{in, input.target(pc)}, {input.insns[pc + 1]}};
  if (is_lddw_form(form)) return {{in}, {input.insns[pc + 1]}};
  return {{in}};
}

LoweredProgram relayout(const LoweredProgram& input, const RewriteFunction& rewrite) {
  const size_t n = input.size();
  std::vector<uint8_t> wide(n, 0);
  while (true) {
    std::vector<std::vector<RewriteSlot>> sequences(n);
    std::vector<int64_t> start(n + 1, 0);
    int64_t position = 0;
    for (size_t pc = 0; pc < n; ++pc) {
      start[pc] = position;
      if (input.tail[pc]) continue;
      sequences[pc] = rewrite(pc, wide[pc] != 0);
      position += static_cast<int64_t>(sequences[pc].size());
    }
    start[n] = position;

    bool widened = false;
    LoweredProgram out;
    out.uses_hidden_register = input.uses_hidden_register;
    out.uses_counter_register = input.uses_counter_register;
    for (size_t pc = 0; pc < n; ++pc) {
      for (size_t i = 0; i < sequences[pc].size(); ++i) {
        RewriteSlot slot = sequences[pc][i];
        const int64_t here = static_cast<int64_t>(out.insns.size());
        // The slot after an lddw's first slot is its second.
        const bool is_tail = i > 0 && !out.tail.back() && is_lddw(out.insns.back());
        if (slot.target >= 0) {
          const int64_t delta = start[static_cast<size_t>(slot.target)] - (here + 1);
          if (has_16bit_offset(find_row(slot.insn)->form)) {
            if (!fits16(delta)) {
              wide[pc] = 1;
              widened = true;
            }
            slot.insn.off = static_cast<int16_t>(delta);
          } else {
            slot.insn.imm = static_cast<int32_t>(delta);
          }
        }
        if (!is_tail && (slot.insn.dst == kHiddenRegister || slot.insn.src == kHiddenRegister))
          out.uses_hidden_register = true;
        if (!is_tail && (slot.insn.dst == kCounterRegister || slot.insn.src == kCounterRegister))
          out.uses_counter_register = true;
        out.insns.push_back(slot.insn);
        out.tail.push_back(is_tail ? 1 : 0);
        out.ops.push_back(is_tail ? Op::Lddw : find_row(slot.insn)->op);
        out.origin.push_back(input.origin[pc]);
        out.counted.push_back(i == 0 ? input.counted[pc] : 0);
      }
    }
    if (widened) continue;
    for (uint32_t entry : input.function_entries)
      out.function_entries.push_back(static_cast<uint32_t>(start[entry]));
    return out;
  }
}

}  // namespace sandbpf
