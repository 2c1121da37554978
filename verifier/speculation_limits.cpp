#include "verifier/speculation_limits.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace sandbpf::verifier {
namespace {

// The limit of a number register's value in this state, when it is
// [0, limit] with limit < 2^31.
std::optional<uint32_t> bounded_number(const State& s, unsigned r) {
  const RegValue& v = s.reg(r);
  // 0 must be among the values proven safe: masking turns any value
  // outside [0, limit] into 0.
  if (!v.is_number() || v.num.is_bottom() || v.num.umin() != 0) return std::nullopt;
  uint64_t hi = v.num.umax();
  // The relational domain may know a tighter signed bound.
  const Interval i = s.interval_of(s.var(r));
  if (!i.is_bottom() && i.lo() >= 0 && i.hi() >= 0) hi = std::min<uint64_t>(hi, static_cast<uint64_t>(i.hi()));
  if (hi > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) return std::nullopt;
  return static_cast<uint32_t>(hi);
}

}  // namespace

SpeculationLimits::SpeculationLimits(const Program& program)
    : program_(program), seen_(program.size()) {}

void SpeculationLimits::observe(uint32_t pc, const State& s) {
  if (pc >= seen_.size() || s.is_bottom()) return;
  const Op op = program_.op(pc);
  if (op != Op::Add64Reg && op != Op::Sub64Reg) return;
  Seen& seen = seen_[pc];
  if (!seen.valid) return;
  const Insn& in = program_.insns()[pc];
  // Which operand is the number: ptr += reg, ptr -= reg, or reg += ptr.
  uint8_t scalar = PointerOffsetLimit::kNone;
  if (s.reg(in.dst).has_pointer() && !s.reg(in.dst).has(Region::kNumber)) scalar = in.src;
  else if (op == Op::Add64Reg && s.reg(in.src).has_pointer() && !s.reg(in.src).has(Region::kNumber))
    scalar = in.dst;
  const std::optional<uint32_t> limit =
      scalar != PointerOffsetLimit::kNone ? bounded_number(s, scalar) : std::nullopt;
  if (!limit || (seen.observed && seen.limit.scalar_register != scalar)) {
    seen.valid = false;
    return;
  }
  seen.limit.scalar_register = scalar;
  seen.limit.limit = seen.observed ? std::max(seen.limit.limit, *limit) : *limit;
  seen.observed = true;
}

std::vector<PointerOffsetLimit> SpeculationLimits::facts() const {
  std::vector<PointerOffsetLimit> out(seen_.size());
  for (size_t pc = 0; pc < seen_.size(); ++pc)
    if (seen_[pc].observed && seen_[pc].valid) out[pc] = seen_[pc].limit;
  return out;
}

}  // namespace sandbpf::verifier
