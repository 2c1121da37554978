// StateSet: states are kept apart by the kinds of pointers they hold.
#include "verifier/state_set.hpp"

#include <gtest/gtest.h>

namespace sandbpf::verifier {
namespace {

TEST(StateSet, SameKindsJoinDifferentKindsStayApart) {
  State a = State::entry(512);
  a.set(1, RegValue::constant(2));
  State b = State::entry(512);
  b.set(1, RegValue::constant(3));
  StateSet set;
  set.add(a);
  set.add(b);
  EXPECT_EQ(set.size(), 1u);  // numbers other than 0 and 1 never split
  EXPECT_EQ(set.parts()[0].reg(1).num, Scalar::unsigned_range(2, 3));
  State c = State::entry(512);
  c.set(1, RegValue::stack_pointer(0, -8));
  set.add(c);
  EXPECT_EQ(set.size(), 2u);
}

TEST(StateSet, NullAndNonNullStayApart) {
  RegValue p = RegValue::pointer(Region::kMapValue, Interval::constant(0));
  State checked = State::entry(512);
  checked.set(0, p);
  checked.set(6, RegValue::constant(20));
  State maybe = State::entry(512);
  maybe.set(0, p.join(RegValue::constant(0)));
  maybe.set(6, RegValue::constant(30));
  StateSet set;
  set.add(checked);
  set.add(maybe);
  EXPECT_EQ(set.size(), 2u);
}

// A state another partition covers describes no execution the set does not
// already hold: it is dropped, whichever comes first, and the room is left
// for paths that differ.
TEST(StateSet, ACoveredStateIsDropped) {
  RegValue p = RegValue::pointer(Region::kMapValue, Interval::constant(0));
  State checked = State::entry(512);
  checked.set(0, p);
  State maybe = State::entry(512);
  maybe.set(0, p.join(RegValue::constant(0)));
  for (bool covered_first : {false, true}) {
    StateSet set;
    set.add(covered_first ? checked : maybe);
    set.add(covered_first ? maybe : checked);
    ASSERT_EQ(set.size(), 1u);
    EXPECT_TRUE(set.parts()[0] == maybe);
  }
  // Neither covers the other (r6 differs): both stay.
  State other = checked;
  other.set(6, RegValue::constant(1));
  State maybe_other = maybe;
  maybe_other.set(6, RegValue::constant(2));
  StateSet set;
  set.add(other);
  set.add(maybe_other);
  EXPECT_EQ(set.size(), 2u);
}

// A register known to be 0 and one known to be 1 (a flag a check set) stay
// apart, except at loop heads, where merge_flag_partitions() joins them.
TEST(StateSet, ZeroAndOneFlagsStayApartUntilMerged) {
  State zero = State::entry(512);
  zero.set(5, RegValue::constant(0));
  State one = State::entry(512);
  one.set(5, RegValue::constant(1));
  StateSet set;
  set.add(zero);
  set.add(one);
  EXPECT_EQ(set.size(), 2u);
  State pointer = State::entry(512);
  pointer.set(5, RegValue::constant(1));
  pointer.set(1, RegValue::stack_pointer(0, -8));
  set.add(pointer);
  EXPECT_EQ(set.size(), 3u);
  set.merge_flag_partitions();
  EXPECT_EQ(set.size(), 2u);  // the two flag states joined; the pointer state kept apart
}

TEST(StateSet, IsBoundedInSize) {
  StateSet set;
  for (int i = 0; i < 20; ++i) {
    State s = State::entry(512);
    // A distinct pattern of pointers per state.
    for (unsigned r = 0; r < 5; ++r) {
      if (i & (1 << r)) s.set(r, RegValue::stack_pointer(0, -8));
    }
    set.add(s);
  }
  EXPECT_LE(set.size(), StateSet::kMaxParts);
}

TEST(StateSet, LeqComparesPartitions) {
  State a = State::entry(512);
  a.set(1, RegValue::constant(1));
  State wide = State::entry(512);
  wide.set(1, RegValue::number(Scalar::unsigned_range(0, 5)));
  EXPECT_TRUE(StateSet(a).leq(StateSet(wide)));
  EXPECT_FALSE(StateSet(wide).leq(StateSet(a)));
  EXPECT_TRUE(StateSet().leq(StateSet(a)));
}

}  // namespace
}  // namespace sandbpf::verifier
