// Interval over int64 with infinite ends: lattice operations and saturating
// arithmetic.
#include "verifier/domains/interval.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sandbpf::verifier {
namespace {

TEST(Interval, JoinMeetLeq) {
  const Interval a(0, 10);
  const Interval b(5, 20);
  EXPECT_EQ(a.join(b), Interval(0, 20));
  EXPECT_EQ(a.meet(b), Interval(5, 10));
  EXPECT_TRUE(Interval(2, 3).leq(a));
  EXPECT_FALSE(b.leq(a));
  EXPECT_TRUE(Interval(0, 4).meet(Interval(5, 9)).is_bottom());
  EXPECT_TRUE(Interval::bottom().leq(a));
  EXPECT_EQ(Interval::bottom().join(a), a);
}

TEST(Interval, ArithmeticSaturatesAtInfinity) {
  EXPECT_EQ(Interval(1, 2).add(Interval(10, 20)), Interval(11, 22));
  EXPECT_EQ(Interval(1, 2).sub(Interval(10, 20)), Interval(-19, -8));
  EXPECT_EQ(Interval(0, kPlusInf).add(Interval::constant(5)), Interval(5, kPlusInf));
  EXPECT_EQ(Interval(INT64_MAX - 1, INT64_MAX - 1).add(Interval::constant(10)).hi(), kPlusInf);
  EXPECT_EQ(Interval(3, 7).neg(), Interval(-7, -3));
}

TEST(Interval, WideningJumpsToThresholdsThenInfinity) {
  const std::vector<int64_t> thresholds{-1, 0, 16, 64};
  // Upper bound grows from 1 to 2: the next threshold at or above 2 is 16.
  EXPECT_EQ(Interval(0, 1).widen(Interval(0, 2), thresholds), Interval(0, 16));
  // Growing past every threshold: infinity.
  EXPECT_EQ(Interval(0, 64).widen(Interval(0, 65), thresholds), Interval(0, kPlusInf));
  // Lower bound decreasing to -5: the greatest threshold below is none -> -oo.
  EXPECT_EQ(Interval(0, 1).widen(Interval(-5, 1), thresholds), Interval(kMinusInf, 1));
  // Stable bounds stay.
  EXPECT_EQ(Interval(0, 10).widen(Interval(2, 9), thresholds), Interval(0, 10));
}

TEST(Interval, NarrowingRefinesOnlyInfiniteEnds) {
  EXPECT_EQ(Interval(0, kPlusInf).narrow(Interval(1, 9)), Interval(0, 9));
  EXPECT_EQ(Interval(0, 20).narrow(Interval(1, 9)), Interval(0, 20));
}

}  // namespace
}  // namespace sandbpf::verifier
