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

// Offsets are kept in three slots; a fourth region and more share one, the
// hull of theirs. Every region's offset must still contain what it held.
TEST(RegValue, AFourthOffsetRegionSharesASlotAndStaysSound) {
  const RegValue ctx = RegValue::pointer(Region::kContext, Interval::constant(4));
  const RegValue stack = RegValue::stack_pointer(0, -16);
  const RegValue pkt = RegValue::pointer(Region::kPacket, Interval(14, 20));
  const RegValue mem = RegValue::pointer(Region::kMemory, Interval::constant(100));
  const RegValue sock = RegValue::pointer(Region::kSocket, Interval::constant(8));
  const RegValue j = ctx.join(stack).join(pkt).join(mem).join(sock);
  for (const RegValue* part : {&ctx, &stack, &pkt, &mem, &sock}) {
    const Region r = *part->single_offset_region();
    EXPECT_TRUE(j.has(r));
    EXPECT_TRUE(part->off(r).leq(j.off(r))) << region_name(r) << ": " << j.to_string();
    EXPECT_TRUE(part->leq(j));
  }
  // Regions take slots in their order: the first two keep their own
  // offsets exactly; the third shares the last slot with the later ones.
  EXPECT_EQ(j.off(Region::kContext), Interval::constant(4));
  EXPECT_EQ(j.off(Region::kStack), Interval::constant(-16));
  EXPECT_EQ(j.off(Region::kPacket), Interval(8, 100));
  // Moving the pointer moves every region once, the shared slot included.
  RegValue moved = j;
  moved.shift_offsets(Interval::constant(2));
  EXPECT_EQ(moved.off(Region::kStack), Interval::constant(-14));
  EXPECT_TRUE(Interval::constant(102).leq(moved.off(Region::kMemory)));
  EXPECT_TRUE(Interval::constant(10).leq(moved.off(Region::kSocket)));
  EXPECT_EQ(moved.off(Region::kMemory), Interval(10, 102));
}

TEST(RegValue, SlotsOfDroppedRegionsAreReused) {
  RegValue v = RegValue::pointer(Region::kContext, Interval::constant(0))
                   .join(RegValue::stack_pointer(0, -8))
                   .join(RegValue::pointer(Region::kPacket, Interval::constant(2)));
  // The null check of a comparison keeps only the packet pointer (as the
  // transfer functions do, by clearing regions): its offset can then be
  // narrowed without touching the others'.
  v.regions = bit(Region::kPacket);
  v.set_off(Region::kPacket, Interval::constant(2));
  ASSERT_EQ(v.single_offset_region(), Region::kPacket);
  // A new region after that takes a stale slot, and its offset is its own.
  v.regions |= bit(Region::kMapValue);
  v.set_off(Region::kMapValue, Interval(0, 4));
  EXPECT_EQ(v.off(Region::kMapValue), Interval(0, 4));
  EXPECT_EQ(v.off(Region::kPacket), Interval::constant(2));
  // A region the value does not hold has no offset to speak of: top.
  EXPECT_EQ(v.off(Region::kSocket), Interval::top());
}

}  // namespace
}  // namespace sandbpf::verifier
