// Conditional jumps: each outcome refines both registers. Numbers through
// the Scalar domain (64- and 32-bit, signed, unsigned, bit tests) and the
// relational domain; pointers into one region by their offsets (data vs
// data_end is one such comparison); a maybe-null pointer against 0 splits
// into the pointer and the null, for every copy of it.
#include <fmt/format.h>

#include "verifier/transfer.hpp"

namespace sandbpf::verifier {

namespace {

constexpr RegionSet kNullable = kPointerRegions | bit(Region::kFunction) | bit(Region::kMapPointer);

// The relation `a cmp b` adds between two variables, as x - y <= c.
void relate(State& s, Cmp cmp, VarId a, VarId b) {
  switch (cmp) {
    case Cmp::kEq:
      s.add_constraint(a, b, 0);
      s.add_constraint(b, a, 0);
      return;
    case Cmp::kLt:
    case Cmp::kSlt: s.add_constraint(a, b, -1); return;
    case Cmp::kLe:
    case Cmp::kSle: s.add_constraint(a, b, 0); return;
    case Cmp::kGt:
    case Cmp::kSgt: s.add_constraint(b, a, -1); return;
    case Cmp::kGe:
    case Cmp::kSge: s.add_constraint(b, a, 0); return;
    default: return;
  }
}

Cmp as_signed(Cmp cmp) {
  switch (cmp) {
    case Cmp::kLt: return Cmp::kSlt;
    case Cmp::kLe: return Cmp::kSle;
    case Cmp::kGt: return Cmp::kSgt;
    case Cmp::kGe: return Cmp::kSge;
    default: return cmp;
  }
}

}  // namespace

void Transfer::check_jump_operands(State& s, uint32_t pc) {
  const Insn& in = at(pc);
  use(s, pc, in.dst);
  if (row(pc).form == Form::JumpReg) use(s, pc, in.src);
}

void Transfer::assume(State& s, uint32_t pc, bool taken) {
  const InsnInfo& r = row(pc);
  const Insn& in = at(pc);
  Cmp cmp = jump_cmp(r.op);
  if (!taken) cmp = negate(cmp);
  const bool is32 = r.width == 4;
  if (r.form == Form::JumpImm) {
    const uint64_t imm = is32 ? static_cast<uint32_t>(in.imm) : static_cast<uint64_t>(static_cast<int64_t>(in.imm));
    assume_registers(s, cmp, is32, in.dst, std::nullopt, RegValue::constant(imm));
  } else {
    assume_registers(s, cmp, is32, in.dst, in.src, s.reg(in.src));
  }
}

void Transfer::assume_registers(State& s, Cmp cmp, bool is32, unsigned dst, std::optional<unsigned> src_reg,
                                const RegValue& src_value) {
  const RegValue src = src_value;  // a copy: refinements write registers
  const RegValue d = s.reg(dst);
  if (d.maybe_uninit() || src.maybe_uninit()) return;

  // A maybe-null value compared with 0 (either side).
  auto null_check = [&](unsigned reg, const RegValue& v, bool is_null) {
    auto refine = [is_null](RegValue& x) {
      if (is_null) {
        // Only the number part (0) remains.
        if (!x.has(Region::kNumber)) {
          x = RegValue::bottom();
          return;
        }
        x.regions = static_cast<RegionSet>(x.regions & ~kNullable);
        // The id stays: joined with the non-null side later, copies of
        // the value are still refined together.
        x.num = x.num.meet(Scalar::constant(0));
        if (x.num.is_bottom()) x = RegValue::bottom();
      } else {
        x.regions = static_cast<RegionSet>(x.regions & ~bit(Region::kNumber));
      }
    };
    bool dead = false;
    // A reference that turned out null holds nothing.
    if (is_null && v.id != 0) s.release(v.id);
    if (v.id != 0) {
      s.for_each_value_with_id(v.id, [&](RegValue& x, VarId var) {
        const VarMeaning before = var_meaning(x);
        refine(x);
        if (x.is_bottom()) dead = true;
        if (var != 0xffff && var_meaning(x) != before) s.forget_var(var);
      });
    }
    RegValue& x = s.reg(reg);
    const VarMeaning before = var_meaning(x);
    refine(x);
    if (x.is_bottom()) dead = true;
    if (reg < 10 && var_meaning(x) != before) s.forget_var(s.var(reg));
    if (dead) s.set_bottom();
  };
  const bool eq_ne = cmp == Cmp::kEq || cmp == Cmp::kNe;
  if (!is32 && eq_ne && (d.regions & kNullable) && src.is_constant_number(0)) {
    null_check(dst, d, cmp == Cmp::kEq);
    return;
  }
  if (!is32 && eq_ne && src_reg && (src.regions & kNullable) && d.is_constant_number(0)) {
    null_check(*src_reg, src, cmp == Cmp::kEq);
    return;
  }

  // Numbers.
  if (d.is_number() && src.is_number()) {
    Scalar a = d.num;
    Scalar b = src.num;
    Scalar::refine(cmp, is32, a, b);
    if (a.is_bottom() || b.is_bottom()) {
      s.set_bottom();
      return;
    }
    s.reg(dst).num = a;
    if (src_reg) s.reg(*src_reg).num = b;
    if (!is32 && src_reg && *src_reg != dst) {
      const bool ordered_alike = is_signed(cmp) || (a.smin() >= 0 && b.smin() >= 0);
      if (ordered_alike) relate(s, cmp, s.var(dst), s.var(*src_reg));
    }
    s.reduce();
    return;
  }

  // Two pointers into the same region: their offsets compare alike.
  const RegionSet dp = d.regions & kPointerRegions;
  if (!is32 && src_reg && dp != 0 && d.regions == src.regions && (dp & (dp - 1)) == 0 &&
      d.single_offset_region() &&
      (!d.has(Region::kStack) || d.frame == src.frame)) {
    const Cmp scmp = as_signed(cmp);
    if (scmp == Cmp::kSet || scmp == Cmp::kNotSet) return;
    const Region rg = *d.single_offset_region();
    const Interval& doff = d.off(rg);
    const Interval& soff = src.off(rg);
    Scalar a = doff.is_bounded() ? Scalar::signed_range(doff.lo(), doff.hi()) : Scalar::top();
    Scalar b = soff.is_bounded() ? Scalar::signed_range(soff.lo(), soff.hi()) : Scalar::top();
    if (doff.is_bounded() && soff.is_bounded()) {
      Scalar::refine(scmp, false, a, b);
      if (a.is_bottom() || b.is_bottom()) {
        s.set_bottom();
        return;
      }
      s.reg(dst).set_off(rg, a.signed_interval());
      s.reg(*src_reg).set_off(rg, b.signed_interval());
    }
    if (*src_reg != dst && var_meaning(d) == VarMeaning::kOffset) relate(s, scmp, s.var(dst), s.var(*src_reg));
    s.reduce();
  }
}

}  // namespace sandbpf::verifier
