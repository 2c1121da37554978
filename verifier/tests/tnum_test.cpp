// Tnum, specified by hand-computed examples: each expected (value, mask)
// pair is worked out bit by bit in the comment beside it.
#include "verifier/domains/tnum.hpp"

#include <gtest/gtest.h>

#include <random>

namespace sandbpf::verifier {
namespace {

Tnum T(uint64_t value, uint64_t mask) { return Tnum::make(value, mask); }

TEST(Tnum, ConstantsAreFullyKnown) {
  const Tnum c = Tnum::constant(42);
  EXPECT_TRUE(c.is_constant());
  EXPECT_EQ(c.min(), 42u);
  EXPECT_EQ(c.max(), 42u);
  EXPECT_TRUE(c.contains(42));
  EXPECT_FALSE(c.contains(43));
}

TEST(Tnum, RangeKeepsTheCommonHighBits) {
  // 16..31 = 0b1xxxx: bit 4 known one, bits 0-3 unknown.
  EXPECT_EQ(Tnum::range(16, 31), T(16, 15));
  // 0..255: the low byte unknown.
  EXPECT_EQ(Tnum::range(0, 255), T(0, 0xff));
  // 5..9 = 0b0101..0b1001: differ from bit 3 down.
  EXPECT_EQ(Tnum::range(5, 9), T(0, 0xf));
  EXPECT_EQ(Tnum::range(7, 7), Tnum::constant(7));
  EXPECT_TRUE(Tnum::range(0, UINT64_MAX).is_unknown());
}

TEST(Tnum, AddPropagatesCarriesFromUnknownBits) {
  // x in {0, 1} plus 1 = {1, 2}: bits 0 and 1 unknown.
  EXPECT_EQ(T(0, 1).add(Tnum::constant(1)), T(0, 3));
  // 4 + 8 = 12 exactly.
  EXPECT_EQ(Tnum::constant(4).add(Tnum::constant(8)), Tnum::constant(12));
  // x in {0, 2} plus {0, 1} = {0, 1, 2, 3}.
  EXPECT_EQ(T(0, 2).add(T(0, 1)), T(0, 3));
}

TEST(Tnum, SubBorrows) {
  // {2, 3} - 1 = {1, 2}: bits 0 and 1 unknown.
  EXPECT_EQ(T(2, 1).sub(Tnum::constant(1)), T(0, 3));
  EXPECT_EQ(Tnum::constant(10).sub(Tnum::constant(3)), Tnum::constant(7));
  // 0 - 1 wraps to all ones.
  EXPECT_EQ(Tnum::constant(0).sub(Tnum::constant(1)), Tnum::constant(UINT64_MAX));
}

TEST(Tnum, BitwiseOperations) {
  const Tnum x = T(0b1000, 0b0110);  // 0b1xx0
  // and with 0b1100 keeps bit 3 (known 1) and bit 2 (unknown).
  EXPECT_EQ(x.bit_and(Tnum::constant(0b1100)), T(0b1000, 0b0100));
  // or with 0b0001 sets bit 0.
  EXPECT_EQ(x.bit_or(Tnum::constant(0b0001)), T(0b1001, 0b0110));
  // xor with 0b1111 flips the known bits, unknown stay unknown.
  EXPECT_EQ(x.bit_xor(Tnum::constant(0b1111)), T(0b0001, 0b0110));
  // and with an unknown value: known zeros stay zero.
  EXPECT_EQ(Tnum::constant(0xf0).bit_and(Tnum::unknown()), T(0, 0xf0));
}

TEST(Tnum, Shifts) {
  const Tnum x = T(0b0100, 0b0001);  // 0b010x
  EXPECT_EQ(x.lsh(4), T(0b01000000, 0b00010000));
  EXPECT_EQ(x.rsh(1), T(0b10, 0));
  // Arithmetic shift copies a known sign bit.
  EXPECT_EQ(Tnum::constant(0x8000000000000000ull).arsh(4, 64), Tnum::constant(0xf800000000000000ull));
  // 32-bit: the sign is bit 31, the result is the low 32 bits.
  EXPECT_EQ(Tnum::constant(0x80000000u).arsh(4, 32), Tnum::constant(0xf8000000u));
  // An unknown sign bit spreads unknown bits.
  EXPECT_EQ(T(0, 0x8000000000000000ull).arsh(1, 64), T(0, 0xc000000000000000ull));
}

TEST(Tnum, MultiplyByConstantsAndUnknowns) {
  EXPECT_EQ(Tnum::constant(6).mul(Tnum::constant(7)), Tnum::constant(42));
  // {0, 1} * 4 = {0, 4}.
  EXPECT_EQ(T(0, 1).mul(Tnum::constant(4)), T(0, 4));
  // A multiple of 8 times anything is a multiple of 8.
  const Tnum r = T(0, ~7ull).mul(Tnum::unknown());
  EXPECT_EQ(r.value() & 7, 0u);
  EXPECT_EQ(r.mask() & 7, 0u);
}

TEST(Tnum, SubregisterViews) {
  const Tnum x = T(0x1234567800000000ull, 0xffffffffull);  // high known, low unknown
  EXPECT_EQ(x.low32(), T(0, 0xffffffffull));
  EXPECT_EQ(x.high32(), Tnum::constant(0x12345678));
  EXPECT_EQ(Tnum::constant(0x80).sign_extend(8), Tnum::constant(0xffffffffffffff80ull));
  EXPECT_EQ(Tnum::constant(0x7f).sign_extend(8), Tnum::constant(0x7f));
  EXPECT_EQ(Tnum::constant(0x1234).byte_swap(2), Tnum::constant(0x3412));
  EXPECT_EQ(T(0x00ff, 0xff00).byte_swap(2), T(0xff00, 0x00ff));
}

TEST(Tnum, LatticeJoinMeetLeq) {
  EXPECT_EQ(Tnum::constant(4).join(Tnum::constant(5)), T(4, 1));
  EXPECT_TRUE(Tnum::constant(4).leq(T(4, 1)));
  EXPECT_FALSE(T(4, 1).leq(Tnum::constant(4)));
  bool empty = false;
  EXPECT_EQ(T(4, 1).meet(T(5, 0), empty), Tnum::constant(5));
  EXPECT_FALSE(empty);
  (void)Tnum::constant(4).meet(Tnum::constant(5), empty);
  EXPECT_TRUE(empty);
}

// Soundness: every concrete result of an operation on members of the
// operands is a member of the abstract result.
TEST(Tnum, OperationsAreSoundOnRandomMembers) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 3000; ++i) {
    const uint64_t am = rng() & rng();
    const uint64_t bm = rng() & rng() & rng();
    const Tnum a = T(rng(), am);
    const Tnum b = T(rng(), bm);
    const uint64_t x = a.value() | (rng() & am);
    const uint64_t y = b.value() | (rng() & bm);
    ASSERT_TRUE(a.add(b).contains(x + y));
    ASSERT_TRUE(a.sub(b).contains(x - y));
    ASSERT_TRUE(a.mul(b).contains(x * y));
    ASSERT_TRUE(a.bit_and(b).contains(x & y));
    ASSERT_TRUE(a.bit_or(b).contains(x | y));
    ASSERT_TRUE(a.bit_xor(b).contains(x ^ y));
    const unsigned s = static_cast<unsigned>(y & 63);
    ASSERT_TRUE(a.lsh(s).contains(x << s));
    ASSERT_TRUE(a.rsh(s).contains(x >> s));
    ASSERT_TRUE(a.arsh(s, 64).contains(static_cast<uint64_t>(static_cast<int64_t>(x) >> s)));
    ASSERT_TRUE(a.join(b).contains(x) && a.join(b).contains(y));
  }
}

}  // namespace
}  // namespace sandbpf::verifier
