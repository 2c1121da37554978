// RegValue: region kinds, nullness as the number 0, and the lattice.
#include "verifier/domains/reg_value.hpp"

#include <gtest/gtest.h>

namespace sandbpf::verifier {
namespace {

RegValue map_value(size_t map, Interval off) {
  RegValue v = RegValue::pointer(Region::kMapValue, off);
  v.maps.set(map);
  return v;
}

TEST(RegValue, MaybeNullIsAPointerJoinedWithZero) {
  const RegValue maybe = map_value(0, Interval::constant(0)).join(RegValue::constant(0));
  EXPECT_TRUE(maybe.maybe_null_pointer());
  EXPECT_TRUE(maybe.has(Region::kMapValue));
  EXPECT_TRUE(maybe.has(Region::kNumber));
  EXPECT_FALSE(map_value(0, Interval::constant(0)).maybe_null_pointer());
  // A pointer joined with a nonzero number is not "maybe null".
  EXPECT_FALSE(map_value(0, Interval::constant(0)).join(RegValue::constant(5)).maybe_null_pointer());
}

TEST(RegValue, JoinUnitesRegionsAndOffsets) {
  const RegValue a = RegValue::pointer(Region::kPacket, Interval::constant(14));
  const RegValue b = RegValue::pointer(Region::kPacket, Interval::constant(34));
  const RegValue j = a.join(b);
  EXPECT_TRUE(j.only(Region::kPacket));
  EXPECT_EQ(j.off(Region::kPacket), Interval(14, 34));
  EXPECT_TRUE(a.leq(j));
  EXPECT_FALSE(j.leq(a));
  // Map sets unite.
  const RegValue m = map_value(1, Interval::constant(0)).join(map_value(3, Interval::constant(0)));
  EXPECT_TRUE(m.maps.test(1) && m.maps.test(3));
}

TEST(RegValue, StackPointersOfDifferentFramesJoinToAnyFrame) {
  const RegValue a = RegValue::stack_pointer(0, -8);
  const RegValue b = RegValue::stack_pointer(1, -8);
  EXPECT_EQ(a.join(b).frame, kAnyFrame);
  EXPECT_EQ(a.join(a).frame, 0);
}

TEST(RegValue, UninitializedIsItsOwnRegion) {
  const RegValue u = RegValue::uninit();
  EXPECT_TRUE(u.maybe_uninit());
  const RegValue j = u.join(RegValue::constant(1));
  EXPECT_TRUE(j.maybe_uninit());
  EXPECT_TRUE(j.has(Region::kNumber));
  EXPECT_TRUE(RegValue::bottom().leq(u));
}

TEST(RegValue, IdsSurviveOnlyWhenBothSidesAgree) {
  RegValue a = map_value(0, Interval::constant(0));
  a.id = 7;
  RegValue b = a;
  EXPECT_EQ(a.join(b).id, 7u);
  b.id = 8;
  EXPECT_EQ(a.join(b).id, 0u);
}

TEST(RegValue, WideningGoesThroughThresholds) {
  const std::vector<int64_t> thresholds{0, 64};
  const RegValue a = RegValue::pointer(Region::kPacket, Interval(0, 1));
  const RegValue b = RegValue::pointer(Region::kPacket, Interval(0, 2));
  EXPECT_EQ(a.widen(b, thresholds).off(Region::kPacket), Interval(0, 64));
}

}  // namespace
}  // namespace sandbpf::verifier
