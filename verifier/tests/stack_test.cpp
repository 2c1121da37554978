// StackFrame: initialization per byte, spilled values, narrow stores and the
// lattice.
#include "verifier/domains/stack.hpp"

#include <gtest/gtest.h>

namespace sandbpf::verifier {
namespace {

TEST(StackFrame, StoresInitializeExactlyTheirBytes) {
  StackFrame s;
  EXPECT_FALSE(s.all_initialized(-8, 0));
  s.store(-8, 4, RegValue::constant(1));
  EXPECT_TRUE(s.all_initialized(-8, -4));
  EXPECT_FALSE(s.all_initialized(-8, 0));
  auto run = s.uninitialized_run(-8, 0);
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->first, -4);
  EXPECT_EQ(run->second, -1);
}

TEST(StackFrame, SpilledPointersComeBackWhole) {
  StackFrame s;
  const RegValue p = RegValue::pointer(Region::kPacket, Interval(0, 14));
  s.store(-16, 8, p);
  EXPECT_EQ(s.load(-16, 8, false), p);
  // Part of a pointer reads as an unknown number of that width.
  EXPECT_EQ(s.load(-16, 4, false), RegValue::number(Scalar::of_width(4)));
}

TEST(StackFrame, NarrowStoresKeepTruncatedNumbers) {
  StackFrame s;
  s.store(-4, 2, RegValue::constant(0x12345));
  EXPECT_EQ(s.load(-4, 2, false), RegValue::constant(0x2345));
  // Bytes of a known 8-byte constant can be read back individually.
  s.store(-16, 8, RegValue::constant(0x1122334455667788ull));
  EXPECT_EQ(s.load(-16, 1, false), RegValue::constant(0x88));
  EXPECT_EQ(s.load(-12, 4, false), RegValue::constant(0x11223344));
  // Sign-extending loads.
  s.store(-24, 1, RegValue::constant(0xff));
  EXPECT_EQ(s.load(-24, 1, true), RegValue::constant(UINT64_MAX));
}

TEST(StackFrame, OverlappingStoresReplaceCells) {
  StackFrame s;
  s.store(-8, 8, RegValue::pointer(Region::kContext, Interval::constant(0)));
  s.store(-4, 4, RegValue::constant(7));
  EXPECT_EQ(s.cell_at(-8, 8), nullptr);
  EXPECT_EQ(s.load(-4, 4, false), RegValue::constant(7));
  EXPECT_TRUE(s.all_initialized(-8, 0));
}

TEST(StackFrame, VariableStoresLoseValuesNotInitialization) {
  StackFrame s;
  s.store(-8, 8, RegValue::constant(5));
  s.havoc(-16, 0);
  EXPECT_TRUE(s.all_initialized(-8, 0));
  EXPECT_EQ(s.cell_at(-8, 8), nullptr);
  EXPECT_FALSE(s.all_initialized(-16, -8));
}

TEST(StackFrame, JoinKeepsCommonBytesAndCells) {
  StackFrame a;
  a.store(-8, 8, RegValue::constant(1));
  a.store(-16, 8, RegValue::constant(1));
  StackFrame b;
  b.store(-8, 8, RegValue::constant(2));
  const StackFrame j = a.join(b);
  EXPECT_TRUE(j.all_initialized(-8, 0));
  EXPECT_FALSE(j.all_initialized(-16, -8));
  ASSERT_NE(j.cell_at(-8, 8), nullptr);
  EXPECT_EQ(j.cell_at(-8, 8)->value.num, Scalar::unsigned_range(1, 2));
  EXPECT_TRUE(a.leq(j));
  EXPECT_TRUE(b.leq(j));
  EXPECT_FALSE(j.leq(a));
}

// The join walks both cell lists at once: cells at the same offset and of
// the same width join; a cell on one side only, or of another width, goes.
TEST(StackFrame, JoinMatchesCellsByOffsetAndWidth) {
  StackFrame a;
  a.store(-32, 8, RegValue::constant(1));
  a.store(-20, 4, RegValue::constant(7));
  a.store(-8, 8, RegValue::constant(3));
  StackFrame b;
  b.store(-24, 8, RegValue::constant(5));
  b.store(-20, 2, RegValue::constant(7));
  b.store(-8, 8, RegValue::constant(4));
  const StackFrame j = a.join(b);
  EXPECT_EQ(j.cell_at(-32, 8), nullptr);
  EXPECT_EQ(j.cell_at(-24, 8), nullptr);
  EXPECT_EQ(j.cell_at(-20, 4), nullptr);
  EXPECT_EQ(j.cell_at(-20, 2), nullptr);
  ASSERT_NE(j.cell_at(-8, 8), nullptr);
  EXPECT_EQ(j.cell_at(-8, 8)->value.num, Scalar::unsigned_range(3, 4));
  EXPECT_TRUE(a.leq(j));
  EXPECT_TRUE(b.leq(j));
  // A copy shares its cells: joined with the original it is the original.
  const StackFrame copy = a;
  EXPECT_EQ(a.join(copy), a);
  EXPECT_TRUE(copy.leq(a));
}

TEST(StackFrame, BoundsOfTheFrame) {
  StackFrame s(512);
  EXPECT_TRUE(s.in_bounds(-512, -504));
  EXPECT_FALSE(s.in_bounds(-513, -505));
  EXPECT_FALSE(s.in_bounds(-4, 4));
}

}  // namespace
}  // namespace sandbpf::verifier
