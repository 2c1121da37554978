// Zone (difference-bound matrix): closure, the lattice operations, and how
// intervals outside it keep relations they imply.
#include "verifier/domains/zone.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace sandbpf::verifier {
namespace {

Zone::IntervalOf intervals(std::map<VarId, Interval> m) {
  return [m](VarId v) {
    auto it = m.find(v);
    return it == m.end() ? Interval::top() : it->second;
  };
}

TEST(Zone, AddingAConstraintClosesTransitively) {
  Zone z;
  ASSERT_TRUE(z.add(1, 2, 3));  // x1 - x2 <= 3
  ASSERT_TRUE(z.add(2, 3, 4));  // x2 - x3 <= 4
  EXPECT_EQ(z.bound(1, 3), 7);  // x1 - x3 <= 7
  EXPECT_FALSE(z.bound(3, 1).has_value());
}

TEST(Zone, NegativeCyclesAreContradictions) {
  Zone z;
  ASSERT_TRUE(z.add(1, 2, -1));  // x1 < x2
  EXPECT_FALSE(z.add(2, 1, 0));  // x2 <= x1: contradiction
  Zone w;
  ASSERT_TRUE(w.add(1, 2, 0));
  ASSERT_TRUE(w.add(2, 3, 0));
  EXPECT_FALSE(w.add(3, 1, -1));  // x1 <= x2 <= x3 < x1
}

TEST(Zone, AssignCopiesRelationsWithAnOffset) {
  Zone z;
  ASSERT_TRUE(z.add(1, 0, 0));  // x1 <= packet_size (x0)
  z.assign(2, 1, 8);            // x2 := x1 + 8
  EXPECT_EQ(z.bound(2, 0), 8);  // x2 - x0 <= 8
  EXPECT_EQ(z.bound(2, 1), 8);
  EXPECT_EQ(z.bound(1, 2), -8);
}

TEST(Zone, ShiftMovesEveryConstraintOfAVariable) {
  Zone z;
  ASSERT_TRUE(z.add(1, 0, 0));
  ASSERT_TRUE(z.add(0, 1, 10));
  z.shift(1, 2, 5);              // x1 += [2, 5]
  EXPECT_EQ(z.bound(1, 0), 5);   // x1 - x0 <= 0 + 5
  EXPECT_EQ(z.bound(0, 1), 8);   // x0 - x1 <= 10 - 2
}

TEST(Zone, ForgetDropsOnlyThatVariable) {
  Zone z;
  ASSERT_TRUE(z.add(1, 2, 0));
  ASSERT_TRUE(z.add(3, 4, 0));
  z.forget(1);
  EXPECT_FALSE(z.mentions(1));
  EXPECT_TRUE(z.bound(3, 4).has_value());
}

TEST(Zone, JoinKeepsTheWeakerBoundAndUsesIntervals) {
  Zone a;
  ASSERT_TRUE(a.add(1, 0, -4));  // x1 <= x0 - 4
  Zone b;
  ASSERT_TRUE(b.add(1, 0, -2));
  Zone j = Zone::join(a, intervals({}), b, intervals({}));
  EXPECT_EQ(j.bound(1, 0), -2);
  // When b has no relation but its intervals imply one (x1 = 5, x0 in
  // [20, 30]: x1 - x0 <= -15), the join keeps the weaker of -4 and -15.
  Zone empty;
  j = Zone::join(a, intervals({}), empty, intervals({{1, Interval(5, 5)}, {0, Interval(20, 30)}}));
  EXPECT_EQ(j.bound(1, 0), -4);
  // Without intervals, nothing is implied: the relation goes.
  j = Zone::join(a, intervals({}), empty, intervals({}));
  EXPECT_FALSE(j.bound(1, 0).has_value());
}

// The join walks both sorted lists at once: edges on one side only, on
// both, interleaved, must each come out with the weaker bound, sorted.
TEST(Zone, JoinOfInterleavedEdgesMatchesEdgeByEdge) {
  Zone a;
  ASSERT_TRUE(a.add(1, 0, 3));
  ASSERT_TRUE(a.add(5, 2, 7));
  ASSERT_TRUE(a.add(9, 4, -1));
  Zone b;
  ASSERT_TRUE(b.add(1, 0, 6));
  ASSERT_TRUE(b.add(3, 2, 2));
  ASSERT_TRUE(b.add(9, 4, -5));
  // b knows x5 - x2 <= 0 from its intervals only; a knows x3 - x2 through its.
  const Zone::IntervalOf ia = intervals({{3, Interval(0, 1)}, {2, Interval(0, 10)}});
  const Zone::IntervalOf ib = intervals({{5, Interval(0, 0)}, {2, Interval(0, 10)}});
  const Zone j = Zone::join(a, ia, b, ib);
  EXPECT_EQ(j.bound(1, 0), 6);
  EXPECT_EQ(j.bound(5, 2), 7);
  EXPECT_EQ(j.bound(3, 2), 2);   // max(1 - 0, 2)
  EXPECT_EQ(j.bound(9, 4), -1);
  EXPECT_TRUE(std::is_sorted(j.edges().begin(), j.edges().end(), [](const auto& l, const auto& r) {
    return std::pair(l.x, l.y) < std::pair(r.x, r.y);
  }));
  // Joined with itself, a zone is itself.
  EXPECT_EQ(Zone::join(a, intervals({}), a, intervals({})), a);
}

TEST(Zone, LeqComparesEveryConstraintOfTheBiggerZone) {
  Zone strong;
  ASSERT_TRUE(strong.add(1, 0, -4));
  Zone weak;
  ASSERT_TRUE(weak.add(1, 0, 0));
  EXPECT_TRUE(strong.leq(weak, intervals({})));
  EXPECT_FALSE(weak.leq(strong, intervals({})));
  EXPECT_TRUE(Zone().leq(Zone(), intervals({})));
  // Intervals can stand in for a missing relation.
  EXPECT_TRUE(Zone().leq(weak, intervals({{1, Interval(0, 3)}, {0, Interval(10, 20)}})));
}

TEST(Zone, WideningKeepsOnlyStableConstraints) {
  Zone old;
  ASSERT_TRUE(old.add(1, 2, 0));
  ASSERT_TRUE(old.add(2, 1, 0));
  Zone newer;
  ASSERT_TRUE(newer.add(1, 2, 0));
  ASSERT_TRUE(newer.add(2, 1, 1));  // grew
  const Zone w = old.widen(newer, intervals({}));
  EXPECT_EQ(w.bound(1, 2), 0);
  EXPECT_FALSE(w.bound(2, 1).has_value());
}

TEST(Zone, BoundWithCombinesIntervals) {
  Zone z;
  ASSERT_TRUE(z.add(1, 0, 10));
  // x1 in [0, 3], x0 in [5, 9]: x1 - x0 <= 3 - 5 = -2 beats the relation's 10.
  EXPECT_EQ(z.bound_with(1, 0, intervals({{1, Interval(0, 3)}, {0, Interval(5, 9)}})), -2);
  EXPECT_EQ(z.bound_with(1, 0, intervals({})), 10);
  EXPECT_EQ(Zone().bound_with(1, 0, intervals({})), kPlusInf);
}

TEST(Zone, SeveralShiftsAtOnceAreTheShiftsOneByOne) {
  Zone z;
  ASSERT_TRUE(z.add_equal(1, 2, 0));  // x1 == x2
  ASSERT_TRUE(z.add(2, 3, -8));      // x2 - x3 <= -8
  Zone one_by_one = z;
  one_by_one.shift(1, 8, 8);
  one_by_one.shift(2, 1, 4);
  const Zone::Shift shifts[] = {{1, 8, 8}, {2, 1, 4}};
  z.shift(shifts);
  EXPECT_EQ(z, one_by_one);
  EXPECT_EQ(z.bound(1, 2), 7);   // x1 + 8 - (x2 + 1)
  EXPECT_EQ(z.bound(2, 1), -4);  // x2 + 4 - (x1 + 8)
  EXPECT_EQ(z.bound(2, 3), -4);
}

TEST(Zone, ForgettingSeveralVariablesDropsAllTheirRelations) {
  Zone z;
  ASSERT_TRUE(z.add(1, 2, 0));
  ASSERT_TRUE(z.add(3, 4, 0));
  ASSERT_TRUE(z.add(5, 6, 0));
  const VarId gone[] = {1, 4};
  z.forget(gone);
  EXPECT_FALSE(z.mentions(1));
  EXPECT_FALSE(z.mentions(4));
  EXPECT_EQ(z.bound(5, 6), 0);
  EXPECT_TRUE(z.any_from(5, 6));
  EXPECT_FALSE(z.any_from(6, 100));
}

}  // namespace
}  // namespace sandbpf::verifier
