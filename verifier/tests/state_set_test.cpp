// StateSet: states are kept apart by the kinds of pointers they hold.
#include "verifier/state_set.hpp"

#include <gtest/gtest.h>

namespace sandbpf::verifier {
namespace {

TEST(StateSet, SameKindsJoinDifferentKindsStayApart) {
  State a = State::entry(512);
  a.set(1, RegValue::constant(1));
  State b = State::entry(512);
  b.set(1, RegValue::constant(2));
  StateSet set;
  set.add(a);
  set.add(b);
  EXPECT_EQ(set.size(), 1u);  // numbers never split
  EXPECT_EQ(set.parts()[0].reg(1).num, Scalar::unsigned_range(1, 2));
  State c = State::entry(512);
  c.set(1, RegValue::stack_pointer(0, -8));
  set.add(c);
  EXPECT_EQ(set.size(), 2u);
}

TEST(StateSet, NullAndNonNullStayApart) {
  RegValue p = RegValue::pointer(Region::kMapValue, Interval::constant(0));
  State checked = State::entry(512);
  checked.set(0, p);
  State maybe = State::entry(512);
  maybe.set(0, p.join(RegValue::constant(0)));
  StateSet set;
  set.add(checked);
  set.add(maybe);
  EXPECT_EQ(set.size(), 2u);
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
