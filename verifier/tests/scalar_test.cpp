// Scalar: signed and unsigned intervals with known bits. Expected values are
// derived by hand in the comments; a randomized test checks soundness of
// every operation against BPF's concrete semantics.
#include "verifier/domains/scalar.hpp"

#include <gtest/gtest.h>

#include <random>

namespace sandbpf::verifier {
namespace {

TEST(Scalar, ViewsRefineEachOther) {
  // Unsigned [0, 10]: signed is [0, 10], known bits: 0..15 -> low 4 unknown.
  const Scalar a = Scalar::unsigned_range(0, 10);
  EXPECT_EQ(a.smin(), 0);
  EXPECT_EQ(a.smax(), 10);
  EXPECT_EQ(a.tnum(), Tnum::make(0, 15));
  // Signed [-1, -1] is the unsigned all-ones constant.
  const Scalar m = Scalar::signed_range(-1, -1);
  EXPECT_TRUE(m.is_constant());
  EXPECT_EQ(m.umin(), UINT64_MAX);
  // Signed [-4, 3] crosses zero: unsigned stays unknown.
  const Scalar c = Scalar::signed_range(-4, 3);
  EXPECT_EQ(c.umin(), 0u);
  EXPECT_EQ(c.umax(), UINT64_MAX);
  // Known bits 0b1xx0 bound the unsigned view to [8, 14].
  const Scalar t = Scalar::from_tnum(Tnum::make(8, 6));
  EXPECT_EQ(t.umin(), 8u);
  EXPECT_EQ(t.umax(), 14u);
}

TEST(Scalar, AddAndSubWrapOrKeepRanges) {
  const Scalar a = Scalar::unsigned_range(1, 5);
  EXPECT_EQ(a.add(Scalar::constant(10)), Scalar::unsigned_range(11, 15));
  EXPECT_EQ(a.sub(Scalar::constant(1)), Scalar::unsigned_range(0, 4));
  // [0, 1] - 1 = {-1, 0}: signed [-1, 0]; unsigned wraps partly -> unknown.
  const Scalar w = Scalar::unsigned_range(0, 1).sub(Scalar::constant(1));
  EXPECT_EQ(w.smin(), -1);
  EXPECT_EQ(w.smax(), 0);
  EXPECT_TRUE(w.contains(UINT64_MAX));
  EXPECT_TRUE(w.contains(0));
  EXPECT_FALSE(w.contains(1));
}

TEST(Scalar, MultiplicationBounds) {
  // {2, 3} * 4 = {8, 12}: the range [8, 12] and the bits 0b1x00.
  const Scalar m = Scalar::unsigned_range(2, 3).mul(Scalar::constant(4));
  EXPECT_EQ(m.umin(), 8u);
  EXPECT_EQ(m.umax(), 12u);
  EXPECT_EQ(m.tnum(), Tnum::make(8, 4));
  EXPECT_EQ(Scalar::signed_range(-2, 3).mul(Scalar::constant(-2)).signed_interval(), Interval(-6, 4));
}

TEST(Scalar, DivisionByZeroIsZeroModuloKeepsTheDividend) {
  const Scalar x = Scalar::unsigned_range(10, 20);
  EXPECT_EQ(x.udiv(Scalar::constant(0)), Scalar::constant(0));
  EXPECT_EQ(x.umod(Scalar::constant(0)), x);
  // [10, 20] / [0, 2]: 0 (by zero) up to 20 (by one).
  EXPECT_EQ(x.udiv(Scalar::unsigned_range(0, 2)), Scalar::unsigned_range(0, 20));
  EXPECT_EQ(x.udiv(Scalar::unsigned_range(2, 5)), Scalar::unsigned_range(2, 10));
  // % 8 is below 8.
  EXPECT_EQ(Scalar::top().umod(Scalar::constant(8)), Scalar::unsigned_range(0, 7));
  // INT64_MIN / -1 = INT64_MIN, % -1 = 0.
  const Scalar min = Scalar::constant(0x8000000000000000ull);
  EXPECT_EQ(min.sdiv(Scalar::constant(UINT64_MAX)), min);
  EXPECT_EQ(min.smod(Scalar::constant(UINT64_MAX)), Scalar::constant(0));
  EXPECT_EQ(Scalar::constant(static_cast<uint64_t>(-7)).sdiv(Scalar::constant(2)),
            Scalar::constant(static_cast<uint64_t>(-3)));
  EXPECT_EQ(Scalar::constant(static_cast<uint64_t>(-7)).smod(Scalar::constant(2)),
            Scalar::constant(static_cast<uint64_t>(-1)));
}

TEST(Scalar, BitwiseAndShifts) {
  EXPECT_EQ(Scalar::top().bit_and(Scalar::constant(0xff)), Scalar::unsigned_range(0, 255));
  EXPECT_EQ(Scalar::unsigned_range(0, 255).lsh(Scalar::constant(2)).umax(), 1020u);
  EXPECT_EQ(Scalar::unsigned_range(0, 255).rsh(Scalar::constant(4)), Scalar::unsigned_range(0, 15));
  // Shift counts are masked: << 65 is << 1.
  EXPECT_EQ(Scalar::constant(3).lsh(Scalar::constant(65)), Scalar::constant(6));
  EXPECT_EQ(Scalar::signed_range(-16, 16).arsh(Scalar::constant(2)).signed_interval(), Interval(-4, 4));
  EXPECT_EQ(Scalar::unsigned_range(4, 7).bit_or(Scalar::constant(8)).umin(), 12u);
}

TEST(Scalar, Alu32ZeroExtends) {
  // 0xffffffff + 1 in 32 bits is 0.
  EXPECT_EQ(Scalar::alu32(Scalar::Op::kAdd, Scalar::constant(0xffffffffu), Scalar::constant(1)),
            Scalar::constant(0));
  // mov32 of -1 is 0xffffffff.
  EXPECT_EQ(Scalar::alu32(Scalar::Op::kMov, Scalar::top(), Scalar::constant(UINT64_MAX)),
            Scalar::constant(0xffffffffu));
  // Anything 32-bit is below 2^32.
  EXPECT_EQ(Scalar::alu32(Scalar::Op::kXor, Scalar::top(), Scalar::top()).umax(), 0xffffffffu);
  // arsh32 uses bit 31 as the sign: 0x80000000 >> 4 = 0xf8000000.
  EXPECT_EQ(Scalar::alu32(Scalar::Op::kArsh, Scalar::constant(0x80000000u), Scalar::constant(4)),
            Scalar::constant(0xf8000000u));
  // sdiv32: -6 / 2 = -3, zero-extended.
  EXPECT_EQ(Scalar::alu32(Scalar::Op::kSdiv, Scalar::constant(0xfffffffau), Scalar::constant(2)),
            Scalar::constant(0xfffffffdu));
}

TEST(Scalar, WidthChanges) {
  EXPECT_EQ(Scalar::constant(0x1234).truncate(1), Scalar::constant(0x34));
  EXPECT_EQ(Scalar::unsigned_range(0x100, 0x1ff).truncate(1), Scalar::unsigned_range(0, 0xff));
  EXPECT_EQ(Scalar::unsigned_range(0x105, 0x107).truncate(1), Scalar::unsigned_range(5, 7));
  EXPECT_EQ(Scalar::constant(0x80).sign_extend(8), Scalar::constant(0xffffffffffffff80ull));
  EXPECT_EQ(Scalar::unsigned_range(0, 0xff).sign_extend(8).signed_interval(), Interval(-128, 127));
  EXPECT_EQ(Scalar::constant(0x1234).byte_swap(2), Scalar::constant(0x3412));
  EXPECT_EQ(Scalar::constant(0x11223344).byte_swap(4), Scalar::constant(0x44332211));
}

TEST(Scalar, UnsignedComparisonsRefineBothSides) {
  Scalar a = Scalar::top();
  Scalar b = Scalar::constant(10);
  Scalar::refine(Cmp::kLt, false, a, b);  // a < 10
  EXPECT_EQ(a, Scalar::unsigned_range(0, 9));
  a = Scalar::unsigned_range(5, 100);
  b = Scalar::unsigned_range(0, 20);
  Scalar::refine(Cmp::kGe, false, a, b);  // a >= b: a <= 100 stays, b <= 100
  EXPECT_EQ(a, Scalar::unsigned_range(5, 100));
  EXPECT_EQ(b, Scalar::unsigned_range(0, 20));
  a = Scalar::unsigned_range(5, 100);
  b = Scalar::unsigned_range(0, 20);
  Scalar::refine(Cmp::kLe, false, a, b);  // a <= b: a in [5, 20], b in [5, 20]
  EXPECT_EQ(a, Scalar::unsigned_range(5, 20));
  EXPECT_EQ(b, Scalar::unsigned_range(5, 20));
}

TEST(Scalar, SignedComparisons) {
  Scalar a = Scalar::top();
  Scalar b = Scalar::constant(0);
  Scalar::refine(Cmp::kSgt, false, a, b);  // a > 0 signed: [1, INT64_MAX]
  EXPECT_EQ(a.smin(), 1);
  EXPECT_EQ(a.umax(), static_cast<uint64_t>(INT64_MAX));
  a = Scalar::top();
  b = Scalar::constant(0);
  Scalar::refine(Cmp::kSlt, false, a, b);  // negative: unsigned in the upper half
  EXPECT_EQ(a.umin(), 0x8000000000000000ull);
}

TEST(Scalar, EqualityAndInequality) {
  Scalar a = Scalar::unsigned_range(0, 10);
  Scalar b = Scalar::constant(0);
  Scalar::refine(Cmp::kNe, false, a, b);
  EXPECT_EQ(a, Scalar::unsigned_range(1, 10));
  a = Scalar::unsigned_range(0, 10);
  b = Scalar::constant(20);
  Scalar::refine(Cmp::kEq, false, a, b);
  EXPECT_TRUE(a.is_bottom());
  EXPECT_EQ(Scalar::decide(Cmp::kEq, false, Scalar::constant(3), Scalar::constant(3)), 1);
  EXPECT_EQ(Scalar::decide(Cmp::kGt, false, Scalar::unsigned_range(0, 5), Scalar::constant(9)), 0);
  EXPECT_EQ(Scalar::decide(Cmp::kGt, false, Scalar::unsigned_range(0, 50), Scalar::constant(9)), -1);
}

TEST(Scalar, BitTests) {
  Scalar a = Scalar::unsigned_range(0, 255);
  Scalar b = Scalar::constant(0x80);
  Scalar::refine(Cmp::kSet, false, a, b);  // bit 7 set: [128, 255]
  EXPECT_EQ(a, Scalar::unsigned_range(128, 255));
  a = Scalar::unsigned_range(0, 255);
  b = Scalar::constant(0xf0);
  Scalar::refine(Cmp::kNotSet, false, a, b);  // high nibble clear: [0, 15]
  EXPECT_EQ(a, Scalar::unsigned_range(0, 15));
}

TEST(Scalar, ThirtyTwoBitComparisonsRefineTheLowHalf) {
  // A zero-extended value compared in 32 bits: the whole value is refined.
  Scalar a = Scalar::unsigned_range(0, 0xffffffffu);
  Scalar b = Scalar::constant(100);
  Scalar::refine(Cmp::kLt, true, a, b);
  EXPECT_EQ(a, Scalar::unsigned_range(0, 99));
  // Unknown high half: only the low 32 bits are known below 128 -> bits 7..31 zero.
  a = Scalar::top();
  b = Scalar::constant(128);
  Scalar::refine(Cmp::kLt, true, a, b);
  EXPECT_EQ(a.tnum().mask() & 0xffffff80u, 0u);
  EXPECT_EQ(a.tnum().value() & 0xffffffffu, 0u);
}

TEST(Scalar, WideningUsesThresholds) {
  const std::vector<int64_t> thresholds{0, 10, 100};
  const Scalar w = Scalar::unsigned_range(0, 1).widen(Scalar::unsigned_range(0, 2), thresholds);
  EXPECT_EQ(w.umax(), 10u);
  EXPECT_EQ(w.smax(), 10);
  // Alignment survives widening: multiples of 4 stay multiples of 4.
  const Scalar aligned = Scalar::constant(0).widen(Scalar::constant(4), thresholds);
  EXPECT_EQ(aligned.tnum().mask() & 3, 0u);
  // 4 grew past 0: the next threshold is 10, whose multiple of 4 below is 8.
  EXPECT_EQ(aligned.umax(), 8u);
  const Scalar top = Scalar::unsigned_range(0, 100).widen(Scalar::unsigned_range(0, 101), thresholds);
  EXPECT_GE(top.umax(), 0xffffffffu);
}

TEST(Scalar, BoundsMoveToTheKnownLowBits) {
  // An even number in [1, 64] is in [2, 64]; one ending in binary 01 in
  // [2, 14] is in [5, 13].
  Scalar even = Scalar::unsigned_range(0, 64);
  Scalar one = Scalar::constant(1);
  Scalar::refine(Cmp::kGe, false, even, one);  // [1, 64]
  EXPECT_EQ(even.umin(), 1u);
  Scalar two = Scalar::constant(2);
  EXPECT_EQ(Scalar::alu64(Scalar::Op::kMul, even, two).umin(), 2u);
  Scalar steps = Scalar::constant(1).join(Scalar::constant(13));  // binary 0001 and 1101: xx01
  Scalar lo = Scalar::constant(2);
  Scalar::refine(Cmp::kGe, false, steps, lo);
  EXPECT_EQ(steps.umin(), 5u);
  EXPECT_EQ(steps.umax(), 13u);
  // Signed bounds too: a multiple of 4 in [-7, 7] is in [-4, 4].
  Scalar m4 = Scalar::alu64(Scalar::Op::kLsh, Scalar::signed_range(-2, 2), Scalar::constant(2));
  Scalar lo_s = Scalar::constant(static_cast<uint64_t>(-7));
  Scalar hi_s = Scalar::constant(7);
  Scalar::refine(Cmp::kSge, false, m4, lo_s);
  Scalar::refine(Cmp::kSle, false, m4, hi_s);
  EXPECT_EQ(m4.smin(), -4);
  EXPECT_EQ(m4.smax(), 4);
  // Nothing left: an odd number in [2, 2].
  Scalar odd = Scalar::constant(1).join(Scalar::constant(3));
  Scalar two_again = Scalar::constant(2);
  Scalar::refine(Cmp::kEq, false, odd, two_again);
  EXPECT_TRUE(odd.is_bottom());
}

TEST(Scalar, JoinAndLeq) {
  const Scalar j = Scalar::constant(1).join(Scalar::constant(2));
  EXPECT_EQ(j, Scalar::unsigned_range(1, 2));
  EXPECT_TRUE(Scalar::constant(2).leq(j));
  EXPECT_FALSE(Scalar::constant(4).leq(j));
  // Known bits keep the join of 1 and 3 odd: 2 is not in it.
  const Scalar odd = Scalar::constant(1).join(Scalar::constant(3));
  EXPECT_EQ(odd.umax(), 3u);
  EXPECT_FALSE(odd.contains(2));
  EXPECT_TRUE(Scalar::bottom().leq(j));
}

// --------------------------------------------------------------- soundness

uint64_t concrete(Scalar::Op op, uint64_t a, uint64_t b, bool is32) {
  if (is32) {
    const auto x = static_cast<uint32_t>(a);
    const auto y = static_cast<uint32_t>(b);
    const auto sx = static_cast<int32_t>(x);
    const auto sy = static_cast<int32_t>(y);
    switch (op) {
      case Scalar::Op::kAdd: return static_cast<uint32_t>(x + y);
      case Scalar::Op::kSub: return static_cast<uint32_t>(x - y);
      case Scalar::Op::kMul: return static_cast<uint32_t>(x * y);
      case Scalar::Op::kDiv: return y == 0 ? 0 : x / y;
      case Scalar::Op::kMod: return y == 0 ? x : x % y;
      case Scalar::Op::kSdiv:
        return y == 0 ? 0 : (sx == INT32_MIN && sy == -1) ? static_cast<uint32_t>(sx) : static_cast<uint32_t>(sx / sy);
      case Scalar::Op::kSmod:
        return y == 0 ? x : sy == -1 ? 0 : static_cast<uint32_t>(sx % sy);
      case Scalar::Op::kAnd: return x & y;
      case Scalar::Op::kOr: return x | y;
      case Scalar::Op::kXor: return x ^ y;
      case Scalar::Op::kLsh: return static_cast<uint32_t>(x << (y & 31));
      case Scalar::Op::kRsh: return x >> (y & 31);
      case Scalar::Op::kArsh: return static_cast<uint32_t>(sx >> (y & 31));
      case Scalar::Op::kMov: return y;
    }
  }
  const auto sa = static_cast<int64_t>(a);
  const auto sb = static_cast<int64_t>(b);
  switch (op) {
    case Scalar::Op::kAdd: return a + b;
    case Scalar::Op::kSub: return a - b;
    case Scalar::Op::kMul: return a * b;
    case Scalar::Op::kDiv: return b == 0 ? 0 : a / b;
    case Scalar::Op::kMod: return b == 0 ? a : a % b;
    case Scalar::Op::kSdiv:
      return b == 0 ? 0 : (sa == INT64_MIN && sb == -1) ? a : static_cast<uint64_t>(sa / sb);
    case Scalar::Op::kSmod: return b == 0 ? a : sb == -1 ? 0 : static_cast<uint64_t>(sa % sb);
    case Scalar::Op::kAnd: return a & b;
    case Scalar::Op::kOr: return a | b;
    case Scalar::Op::kXor: return a ^ b;
    case Scalar::Op::kLsh: return a << (b & 63);
    case Scalar::Op::kRsh: return a >> (b & 63);
    case Scalar::Op::kArsh: return static_cast<uint64_t>(sa >> (b & 63));
    case Scalar::Op::kMov: return b;
  }
  return 0;
}

// A random abstract value and a random member of it.
std::pair<Scalar, uint64_t> random_scalar(std::mt19937_64& rng) {
  const uint64_t base = (rng() % 4 == 0) ? rng() : rng() % 64 - 32;
  const uint64_t span = (rng() % 3 == 0) ? 0 : rng() % 300;
  Scalar s = (rng() % 2) ? Scalar::unsigned_range(base, base + span < base ? UINT64_MAX : base + span)
                         : Scalar::signed_range(static_cast<int64_t>(base),
                                                static_cast<int64_t>(base) + static_cast<int64_t>(span) <
                                                        static_cast<int64_t>(base)
                                                    ? INT64_MAX
                                                    : static_cast<int64_t>(base) + static_cast<int64_t>(span));
  if (s.is_bottom()) s = Scalar::constant(base);
  // A member: walk from umin.
  uint64_t x = s.umin();
  for (int tries = 0; tries < 64; ++tries) {
    const uint64_t cand = s.umin() + (span ? rng() % (span + 1) : 0);
    if (s.contains(cand)) {
      x = cand;
      break;
    }
  }
  if (!s.contains(x)) x = s.smin() == s.smax() ? static_cast<uint64_t>(s.smin()) : s.umin();
  return {s, x};
}

TEST(Scalar, EveryOperationIsSoundOnRandomMembers) {
  std::mt19937_64 rng(11);
  const Scalar::Op ops[] = {Scalar::Op::kAdd, Scalar::Op::kSub, Scalar::Op::kMul, Scalar::Op::kDiv,
                            Scalar::Op::kSdiv, Scalar::Op::kMod, Scalar::Op::kSmod, Scalar::Op::kAnd,
                            Scalar::Op::kOr, Scalar::Op::kXor, Scalar::Op::kLsh, Scalar::Op::kRsh,
                            Scalar::Op::kArsh, Scalar::Op::kMov};
  for (int i = 0; i < 4000; ++i) {
    auto [a, x] = random_scalar(rng);
    auto [b, y] = random_scalar(rng);
    if (!a.contains(x) || !b.contains(y)) continue;
    for (Scalar::Op op : ops) {
      for (bool is32 : {false, true}) {
        const Scalar r = is32 ? Scalar::alu32(op, a, b) : Scalar::alu64(op, a, b);
        ASSERT_TRUE(r.contains(concrete(op, x, y, is32)))
            << "op " << static_cast<int>(op) << (is32 ? " (32)" : "") << " a=" << a.to_string()
            << " x=" << x << " b=" << b.to_string() << " y=" << y << " -> " << r.to_string();
      }
    }
    // Comparisons keep every pair that satisfies them.
    const Cmp cmps[] = {Cmp::kEq, Cmp::kNe, Cmp::kGt, Cmp::kGe, Cmp::kLt, Cmp::kLe,
                        Cmp::kSgt, Cmp::kSge, Cmp::kSlt, Cmp::kSle, Cmp::kSet, Cmp::kNotSet};
    for (Cmp cmp : cmps) {
      for (bool is32 : {false, true}) {
        const uint64_t cx = is32 ? static_cast<uint32_t>(x) : x;
        const uint64_t cy = is32 ? static_cast<uint32_t>(y) : y;
        const int64_t sx = is32 ? static_cast<int32_t>(static_cast<uint32_t>(x)) : static_cast<int64_t>(x);
        const int64_t sy = is32 ? static_cast<int32_t>(static_cast<uint32_t>(y)) : static_cast<int64_t>(y);
        bool holds = false;
        switch (cmp) {
          case Cmp::kEq: holds = cx == cy; break;
          case Cmp::kNe: holds = cx != cy; break;
          case Cmp::kGt: holds = cx > cy; break;
          case Cmp::kGe: holds = cx >= cy; break;
          case Cmp::kLt: holds = cx < cy; break;
          case Cmp::kLe: holds = cx <= cy; break;
          case Cmp::kSgt: holds = sx > sy; break;
          case Cmp::kSge: holds = sx >= sy; break;
          case Cmp::kSlt: holds = sx < sy; break;
          case Cmp::kSle: holds = sx <= sy; break;
          case Cmp::kSet: holds = (cx & cy) != 0; break;
          case Cmp::kNotSet: holds = (cx & cy) == 0; break;
        }
        if (!holds) continue;
        Scalar ra = a;
        Scalar rb = b;
        Scalar::refine(cmp, is32, ra, rb);
        ASSERT_TRUE(ra.contains(x) && rb.contains(y))
            << "cmp " << static_cast<int>(cmp) << (is32 ? " (32)" : "") << " a=" << a.to_string()
            << " x=" << x << " b=" << b.to_string() << " y=" << y;
      }
    }
    // Width changes.
    for (unsigned bytes : {1u, 2u, 4u}) {
      const uint64_t mask = (1ull << (8 * bytes)) - 1;
      ASSERT_TRUE(a.truncate(bytes).contains(x & mask));
      const unsigned bits = 8 * bytes;
      const auto sext = static_cast<uint64_t>(static_cast<int64_t>(x << (64 - bits)) >> (64 - bits));
      ASSERT_TRUE(a.sign_extend(bits).contains(sext)) << a.to_string() << " " << x;
    }
    ASSERT_TRUE(a.join(b).contains(x) && a.join(b).contains(y));
  }
}

}  // namespace
}  // namespace sandbpf::verifier
