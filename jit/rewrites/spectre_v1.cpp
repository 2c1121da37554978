#include "jit/rewrites/spectre_v1.hpp"

#include <vector>

#include "jit/rewrites/relayout.hpp"

namespace sandbpf {
namespace {

std::vector<RewriteSlot> rewrite(const LoweredProgram& input, size_t pc, bool wide,
                                 const PointerOffsetLimit& fact) {
  const Insn& in = input.insns[pc];
  const Op op = input.ops[pc];
  const bool moves_pointer = (op == Op::Add64Reg || op == Op::Sub64Reg) && !input.tail[pc];
  // Only the instruction the fact is about: the first slot of its sequence,
  // naming the register the verifier bounded (another rewrite may have
  // replaced the instruction, or put its own first).
  const bool applies = moves_pointer && input.counted[pc] &&
                       fact.scalar_register != PointerOffsetLimit::kNone &&
                       (fact.scalar_register == in.src || (op == Op::Add64Reg && fact.scalar_register == in.dst)) &&
                       in.dst != in.src;
  if (!applies) return unchanged(input, pc, wide);
  const uint8_t h = kHiddenRegister;
  const uint8_t idx = fact.scalar_register;
  std::vector<RewriteSlot> out = {
      {make_insn(Op::Mov64Imm, h, 0, 0, static_cast<int32_t>(fact.limit))},
      {make_insn(Op::Sub64Reg, h, idx)},
      {make_insn(Op::Or64Reg, h, idx)},
      {make_insn(Op::Arsh64Imm, h, 0, 0, 63)},
      {make_insn(Op::Xor64Imm, h, 0, 0, -1)},
  };
  if (idx == in.src) {
    out.push_back({make_insn(Op::And64Reg, h, idx)});
    Insn moved = in;
    moved.src = h;
    out.push_back({moved});  // add/sub ptr, h
  } else {
    out.push_back({make_insn(Op::And64Reg, idx, h)});  // idx = masked idx
    out.push_back({in});                                // idx += ptr
  }
  return out;
}

}  // namespace

LoweredProgram mask_pointer_offsets(const LoweredProgram& input,
                                    std::span<const PointerOffsetLimit> limits) {
  return relayout(input, [&](size_t pc, bool wide) {
    return rewrite(input, pc, wide, pc < limits.size() ? limits[pc] : PointerOffsetLimit{});
  });
}

}  // namespace sandbpf
