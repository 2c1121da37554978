// ALU (64 and 32 bits, with exact zero-extension), movsx, byte swaps and
// lddw. Numbers go through the Scalar domain; pointers move by adding or
// subtracting numbers; the difference of two pointers into one region is a
// number; anything else done to a pointer gives an unknown number (which
// can no longer be dereferenced, so it is safe).
#include <fmt/format.h>

#include "verifier/transfer.hpp"

namespace sandbpf::verifier {

namespace {

constexpr RegionSet kOpaque = bit(Region::kMapPointer) | bit(Region::kFunction);

RegValue pointer_part(const RegValue& v) {
  RegValue p = v;
  p.regions = static_cast<RegionSet>(v.regions & kPointerRegions);
  return p;
}

bool same_region(const RegValue& a, const RegValue& b) {
  if (a.regions != b.regions) return false;
  if ((a.regions & (a.regions - 1)) != 0) return false;  // exactly one region
  if (a.has(Region::kStack)) return a.frame == b.frame && a.frame != kAnyFrame;
  if (a.has(Region::kMapValue)) return a.maps == b.maps && a.maps.count() == 1;
  return a.has(Region::kPacket) || a.has(Region::kContext);
}

Interval delta_of(const Scalar& by, bool subtract) {
  const Interval d = by.signed_interval();
  return subtract ? d.neg() : d;
}

}  // namespace

void Transfer::alu(State& s, uint32_t pc) {
  const InsnInfo& r = row(pc);
  const Insn& in = at(pc);
  const bool is32 = is_32bit_alu(r);
  const unsigned dst = in.dst;
  const unsigned width = is32 ? 4 : 8;

  if (r.form == Form::AluNeg) {
    const RegValue d = use(s, pc, dst);
    if (d.has_pointer() && !config_.options.allow_pointer_leaks)
      fail(pc, fmt::format("pointer arithmetic: negating a pointer ({})", r.mnemonic));
    Scalar result = d.has(Region::kNumber) && !d.has_pointer() ? d.num : Scalar::top();
    result = is32 ? Scalar::alu32(Scalar::Op::kSub, Scalar::constant(0), result) : result.neg();
    s.set(dst, RegValue::number(result));
    return;
  }

  const Scalar::Op op = alu_op(r.op);
  std::optional<unsigned> src_reg;
  RegValue src;
  if (r.form == Form::AluImm) {
    const auto imm64 = static_cast<uint64_t>(static_cast<int64_t>(in.imm));
    src = RegValue::constant(is32 ? static_cast<uint32_t>(in.imm) : imm64);
  } else {
    src = use(s, pc, in.src);
    src_reg = in.src;
  }

  // Moves.
  if (op == Scalar::Op::kMov) {
    unsigned sext_bits = 0;
    if (r.op == Op::Movsx8To32 || r.op == Op::Movsx8To64) sext_bits = 8;
    if (r.op == Op::Movsx16To32 || r.op == Op::Movsx16To64) sext_bits = 16;
    if (r.op == Op::Movsx32To64) sext_bits = 32;
    if (sext_bits != 0) {
      if (src.has_pointer() && !config_.options.allow_pointer_leaks)
        fail(pc, fmt::format("pointer arithmetic: sign-extending a pointer ({})", r.mnemonic));
      Scalar v = src.is_number() ? src.num.sign_extend(sext_bits) : Scalar::top();
      if (!src.is_number()) v = Scalar::of_width(sext_bits / 8).sign_extend(sext_bits);
      if (is32) v = v.truncate(4);
      s.set(dst, RegValue::number(v));
      return;
    }
    if (!is32) {
      if (src_reg) s.copy_reg(dst, *src_reg);
      else s.set(dst, src);
      return;
    }
    // mov32: the low half, zero-extended; part of a pointer is a number.
    if (src.is_number()) {
      const Scalar v = src.num.truncate(4);
      if (src_reg && src.num.umax() <= 0xffffffffu) {
        s.copy_reg(dst, *src_reg);  // the same value: relations hold
        s.reg(dst).num = v;
      } else {
        s.set(dst, RegValue::number(v));
      }
    } else {
      // The kernel lets privileged programs do this (alignment checks on
      // packet pointers are compiled this way); the result is a number.
      if (src.has_pointer() && !config_.options.allow_pointer_leaks && !config_.type->privileged)
        fail(pc, "pointer arithmetic: mov32 copies only the low half of a pointer");
      s.set(dst, RegValue::number(Scalar::of_width(4)));
    }
    return;
  }

  const RegValue d = use(s, pc, dst);
  const bool add = op == Scalar::Op::kAdd;
  const bool sub = op == Scalar::Op::kSub;

  // Component by component: numbers, pointers, opaque references.
  RegValue result = RegValue::bottom();
  auto unknown = [&]() { result = result.join(RegValue::number(Scalar::of_width(width))); };
  // A pointer turned into a number would let its address out.
  auto leak = [&](const char* why) {
    if (!config_.options.allow_pointer_leaks)
      fail(pc, fmt::format("pointer arithmetic: {} ({}); only adding or subtracting a number keeps a pointer", why,
                           r.mnemonic));
    unknown();
  };
  const bool d_num = d.has(Region::kNumber);
  const bool s_num = src.has(Region::kNumber);
  const bool d_ptr = d.has_pointer();
  const bool s_ptr = src.has_pointer();
  if ((d.regions & kOpaque) || (src.regions & kOpaque)) leak("a map pointer or function reference is not a number");
  if (d_num && s_num) {
    result = result.join(RegValue::number(is32 ? Scalar::alu32(op, d.num, src.num)
                                               : Scalar::alu64(op, d.num, src.num)));
  }
  if (d_ptr && s_num) {
    if (!is32 && (add || sub)) {
      RegValue p = pointer_part(d);
      p.shift_offsets(delta_of(src.num, sub));
      result = result.join(p);
    } else if (sub && is32 && config_.type->privileged) {
      unknown();  // the kernel allows it to privileged programs: a number
    } else {
      leak(is32 ? "32-bit arithmetic on a pointer" : "this operation on a pointer");
    }
  }
  if (d_num && s_ptr) {
    if (!is32 && add) {
      RegValue p = pointer_part(src);
      p.shift_offsets(delta_of(d.num, false));
      result = result.join(p);
    } else if (sub && is32 && config_.type->privileged) {
      unknown();  // as above: a 32-bit subtraction gives privileged programs a number
    } else {
      leak(is32 ? "32-bit arithmetic on a pointer" : "a number minus a pointer");
    }
  }
  if (d_ptr && s_ptr) {
    const RegValue dp = pointer_part(d);
    const RegValue sp = pointer_part(src);
    if (sub && same_region(dp, sp)) {
      const Region rg = *dp.single_offset_region();
      const Interval diff = dp.off(rg).sub(sp.off(rg));
      const Scalar d64 = diff.is_bounded() ? Scalar::signed_range(diff.lo(), diff.hi()) : Scalar::top();
      result = result.join(RegValue::number(is32 ? d64.truncate(4) : d64));
    } else if (sub) {
      unknown();  // as the kernel lets privileged programs: a number nobody can dereference
    } else {
      leak("combining two pointers");
    }
  }
  if (result.is_bottom()) unknown();
  if (d.id != 0 && d_ptr && !s_ptr && (add || sub)) result.id = d.id;  // same nullness
  if (result.has_pointer()) result.origin = d_ptr ? d.origin : src.origin;

  // Relations: a non-negative number divided (rsh) or multiplied (lsh,
  // mul) by 2, 4 or 8 keeps its relations through its scaled twin.
  if (!is32 && r.form == Form::AluImm && var_meaning(d) == VarMeaning::kNumber && result.is_number()) {
    const int64_t imm = in.imm;
    unsigned k = 0;
    if ((op == Scalar::Op::kRsh || op == Scalar::Op::kLsh) && imm >= 1 && imm <= 3) k = static_cast<unsigned>(imm);
    if ((op == Scalar::Op::kDiv || op == Scalar::Op::kMul) && (imm == 2 || imm == 4 || imm == 8))
      k = static_cast<unsigned>(__builtin_ctzll(static_cast<uint64_t>(imm)));
    const int64_t f = int64_t{1} << k;
    if (k != 0 && (op == Scalar::Op::kRsh || op == Scalar::Op::kDiv) && d.num.smin() >= 0) {
      // Unsigned division of a non-negative number is the floor of its quotient.
      s.assign_quotient(dst, k, result);
      return;
    }
    if (k != 0 && (op == Scalar::Op::kLsh || op == Scalar::Op::kMul) && d.num.smin() >= INT64_MIN / f &&
        d.num.smax() <= INT64_MAX / f) {
      // No overflow: the bits shifted out are copies of the sign, so the
      // result is the product.
      s.assign_product(dst, k, result);
      return;
    }
  }

  // Relations: exact shifts of a register by a number keep its relations.
  const VarId dv = s.var(dst);
  const VarMeaning before = var_meaning(d);
  const VarMeaning after = var_meaning(result);
  const Interval d_old = before == VarMeaning::kOffset ? d.off(*d.single_offset_region()) : d.num.signed_interval();
  bool kept = false;
  if ((add || sub) && src.is_number() && before != VarMeaning::kNone && before == after) {
    // 32 bits: the operation adds the source's low half as a signed number
    // (w2 += -1 subtracts 1).
    const Scalar by = is32 ? src.num.truncate(4).sign_extend(32) : src.num;
    const Interval delta = sub ? by.signed_interval().neg() : by.signed_interval();
    const Interval moved = d_old.add(delta);
    bool exact = before == VarMeaning::kOffset || (moved.lo() != kMinusInf && moved.hi() != kPlusInf &&
                                                   d_old.is_bounded() && delta.is_bounded());
    // A 32-bit addition is the 64-bit one when the operand and the result
    // both lie in [0, 2^32 - 1]: nothing wraps and the upper half stays
    // zero. A loop counter `w2 += 1` then keeps its relation to the loop's
    // hidden counter (termination policy proved).
    if (is32) {
      exact = exact && before == VarMeaning::kNumber && d_old.lo() >= 0 && d_old.hi() <= int64_t{UINT32_MAX} &&
              moved.lo() >= 0 && moved.hi() <= int64_t{UINT32_MAX};
    }
    const bool src_as_is = !is32 || (src.num.smin() >= 0 && src.num.smax() <= INT32_MAX);
    if (exact && delta.is_bounded()) {
      s.reg(dst) = result;
      s.shift_var(dv, delta.lo(), delta.hi());
      // dst' - src == dst_old (for an addition of a register).
      if (add && src_reg && *src_reg != dst && src_as_is && var_meaning(src) == VarMeaning::kNumber &&
          d_old.is_bounded()) {
        s.add_constraint(dv, s.var(*src_reg), d_old.hi());
        s.add_constraint(s.var(*src_reg), dv, -d_old.lo());
      }
      kept = true;
    }
  }
  if (!kept && !is32 && add && d.is_number() && src_reg && var_meaning(src) == VarMeaning::kOffset &&
      after == VarMeaning::kOffset) {
    // number + pointer: dst' - src == the number.
    const Interval n = d.num.signed_interval();
    s.set(dst, result);
    if (n.is_bounded()) {
      s.add_constraint(dv, s.var(*src_reg), n.hi());
      s.add_constraint(s.var(*src_reg), dv, -n.lo());
    }
    kept = true;
  }
  if (!kept && !is32 && sub && src_reg && before == VarMeaning::kOffset && after == VarMeaning::kNumber &&
      var_meaning(src) == VarMeaning::kOffset && src.off(*src.single_offset_region()).is_constant()) {
    // pointer - pointer at a known offset: dst' = dst - c, relations shift.
    const int64_t c = src.off(*src.single_offset_region()).lo();
    s.reg(dst) = result;
    s.shift_var(dv, -c, -c);
    kept = true;
  }
  if (!kept) s.set(dst, result);
  if (s.reg(dst).is_bottom()) s.set_bottom();
}

bool Transfer::extension_idiom(State& s, uint32_t pc) {
  const Insn& first = at(pc);
  if (row(pc).op != Op::Lsh64Imm || first.imm != 32) return false;
  const uint32_t next = pc + 1;
  if (next >= config_.program->size()) return false;
  const Insn& second = at(next);
  const Op op = row(next).op;
  if ((op != Op::Rsh64Imm && op != Op::Arsh64Imm) || second.imm != 32 || second.dst != first.dst) return false;
  const unsigned dst = first.dst;
  const RegValue& v = s.reg(dst);
  if (!v.is_number()) return false;  // the usual path reports what is wrong
  if (op == Op::Rsh64Imm) {
    if (v.num.umax() <= 0xffffffffu) return true;  // already zero-extended: unchanged
    s.set(dst, RegValue::number(v.num.truncate(4)));
  } else {
    if (v.num.smin() >= INT32_MIN && v.num.smax() <= INT32_MAX) return true;
    s.set(dst, RegValue::number(v.num.truncate(4).sign_extend(32)));
  }
  return true;
}

void Transfer::endian(State& s, uint32_t pc) {
  const InsnInfo& r = row(pc);
  const unsigned dst = at(pc).dst;
  const RegValue d = use(s, pc, dst);
  if (d.has_pointer() && !config_.options.allow_pointer_leaks)
    fail(pc, fmt::format("pointer arithmetic: byte swap of a pointer ({})", r.mnemonic));
  const unsigned bytes = r.width;
  Scalar v = d.is_number() ? d.num : Scalar::top();
  const bool little = r.op == Op::Le16 || r.op == Op::Le32 || r.op == Op::Le64;
  // The host is little-endian: le is a truncation, be and bswap swap.
  v = little ? v.truncate(bytes) : v.byte_swap(bytes);
  s.set(dst, RegValue::number(v));
}

void Transfer::lddw(State& s, uint32_t pc) {
  const InsnInfo& r = row(pc);
  const Insn& in = at(pc);
  const unsigned dst = in.dst;
  const auto index = static_cast<uint32_t>(in.imm);
  auto map_ok = [&]() {
    if (index >= config_.maps.size()) {
      fail(pc, fmt::format("lddw refers to map {}, but the object has {} map{}", index,
                           config_.maps.size(), config_.maps.size() == 1 ? "" : "s"));
      return false;
    }
    if (index >= kMaxMaps) {
      fail(pc, fmt::format("lddw refers to map {}: the verifier handles at most {} maps", index, kMaxMaps));
      return false;
    }
    const MapDefinition& m = config_.maps[index];
    if (config_.map_type_allowed && !config_.map_type_allowed(m.type)) {
      fail(pc, fmt::format("map {} has type {} ({}), which this platform does not provide", map_name(index),
                           m.type, map_type_name(m.type)));
    }
    return true;
  };
  switch (r.form) {
    case Form::Lddw: s.set(dst, RegValue::constant(config_.program->lddw_imm64(pc))); return;
    case Form::LddwMap:
    case Form::LddwMapIdx: {
      if (!map_ok()) {
        s.set(dst, RegValue::number(Scalar::top()));
        return;
      }
      RegValue v = RegValue::pointer(Region::kMapPointer, Interval::constant(0));
      v.maps.set(index);
      s.set(dst, v);
      return;
    }
    case Form::LddwMapValue:
    case Form::LddwMapIdxValue: {
      if (!map_ok()) {
        s.set(dst, RegValue::number(Scalar::top()));
        return;
      }
      const MapDefinition& m = config_.maps[index];
      const int64_t off = static_cast<uint32_t>(config_.program->insns()[pc + 1].imm);
      const bool direct = m.type == kMapArray || m.origin == MapOrigin::kGlobalData;
      if (!direct) {
        fail(pc, fmt::format("lddw map_value: map {} ({}) has no direct value access; only array maps and "
                             "global data do",
                             map_name(index), map_type_name(m.type)));
      } else if (off >= m.value_size) {
        fail(pc, fmt::format("lddw map_value: offset {} is outside map {} (value_size {})", off,
                             map_name(index), m.value_size));
      }
      MapSet one;
      one.set(index);
      s.set(dst, map_value_pointer(one, Interval::constant(off)));
      return;
    }
    case Form::LddwHostVariable:
      fail(pc, fmt::format("lddw src=3 (host variable {}) is not supported by the verifier: the "
                           "variable's size is unknown",
                           index));
      s.set(dst, RegValue::number(Scalar::top()));
      return;
    case Form::LddwFunction: {
      const int64_t t = config_.program->target(pc);
      s.set(dst, RegValue::pointer(Region::kFunction, Interval::constant(t)));
      return;
    }
    default: return;
  }
}

}  // namespace sandbpf::verifier
