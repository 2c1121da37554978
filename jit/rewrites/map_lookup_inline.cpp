#include "jit/rewrites/map_lookup_inline.hpp"

#include <bit>
#include <limits>
#include <vector>

#include "jit/rewrites/instruction_budget.hpp"
#include "jit/rewrites/relayout.hpp"

namespace sandbpf {
namespace {

constexpr uint64_t kMaxImmediate = std::numeric_limits<int32_t>::max();

bool applies(const LoweredProgram& input, size_t pc, const InlineArrayLookup& lookup) {
  return !input.tail[pc] && input.ops[pc] == Op::CallHelper && input.counted[pc] &&
         !is_budget_exhausted_call(input.insns[pc]) && lookup.values != 0 && lookup.entries >= 1 &&
         lookup.entries <= kMaxImmediate && lookup.stride >= 1 && lookup.stride <= kMaxImmediate;
}

std::vector<RewriteSlot> rewrite(const LoweredProgram& input, size_t pc, bool wide,
                                 const InlineArrayLookup& lookup, const MapLookupInlining& how) {
  if (!applies(input, pc, lookup)) return unchanged(input, pc, wide);
  const auto entries = static_cast<int32_t>(lookup.entries);
  std::vector<RewriteSlot> out;
  if (how.charge_budget) out = call_charge(-1);
  std::vector<RewriteSlot> in_range;
  if (how.mask_index) {
    in_range = {
        {make_insn(Op::Mov64Imm, 1, 0, 0, entries - 1)},
        {make_insn(Op::Sub64Reg, 1, 0)},
        {make_insn(Op::Or64Reg, 1, 0)},
        {make_insn(Op::Arsh64Imm, 1, 0, 0, 63)},
        {make_insn(Op::Xor64Imm, 1, 0, 0, -1)},
        {make_insn(Op::And64Reg, 0, 1)},
    };
  }
  // Shifting is cheaper than multiplying on every backend; strides are
  // multiples of 8 for sandbpf's arrays, usually powers of two.
  if (std::has_single_bit(lookup.stride))
    in_range.push_back({make_insn(Op::Lsh64Imm, 0, 0, 0, std::countr_zero(lookup.stride))});
  else
    in_range.push_back({make_insn(Op::Mul64Imm, 0, 0, 0, static_cast<int32_t>(lookup.stride))});
  Insn tail;
  tail.imm = static_cast<int32_t>(static_cast<uint32_t>(lookup.values >> 32));
  in_range.push_back({make_insn(Op::Lddw, 1, 0, 0, static_cast<int32_t>(static_cast<uint32_t>(lookup.values)))});
  in_range.push_back({tail});
  in_range.push_back({make_insn(Op::Add64Reg, 0, 1)});
  in_range.push_back({make_insn(Op::Ja, 0, 0, 1, 0)});

  out.push_back({make_insn(Op::LdxW, 0, 2, 0, 0)});
  // Past the in-range slots, onto `mov r0, 0`.
  out.push_back({make_insn(Op::Jge64Imm, 0, 0, static_cast<int16_t>(in_range.size()), entries)});
  for (const RewriteSlot& slot : in_range) out.push_back(slot);
  out.push_back({make_insn(Op::Mov64Imm, 0, 0, 0, 0)});
  return out;
}

}  // namespace

LoweredProgram inline_map_lookups(const LoweredProgram& input,
                                  std::span<const InlineArrayLookup> lookups,
                                  const MapLookupInlining& how) {
  return relayout(input, [&](size_t pc, bool wide) {
    return rewrite(input, pc, wide, pc < lookups.size() ? lookups[pc] : InlineArrayLookup{}, how);
  });
}

}  // namespace sandbpf
