// State: registers with their relations, frames, and the lattice, including
// the relational refinement of intervals (the packet checks rest on it).
#include "verifier/state.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace sandbpf::verifier {
namespace {

TEST(State, EntryHasOnlyTheFramePointer) {
  const State s = State::entry(512);
  EXPECT_FALSE(s.is_bottom());
  EXPECT_EQ(s.reg(10), RegValue::stack_pointer(0, 0));
  EXPECT_TRUE(s.reg(1).maybe_uninit());
}

TEST(State, ConstraintsTightenIntervals) {
  State s = State::entry(512);
  s.set(1, RegValue::pointer(Region::kPacket, Interval::constant(14)));
  // r1 <= packet_size: the packet is at least 14 bytes.
  s.add_constraint(s.var(1), kPacketSizeVar, 0);
  EXPECT_EQ(s.packet_size(), Interval(14, 0xffff));
  // r2 = r1 + 8 keeps the relation: r2 - packet_size <= 8.
  s.copy_reg(2, 1);
  s.zone().shift(s.var(2), 8, 8);
  s.reg(2).set_off(Region::kPacket, Interval::constant(22));
  EXPECT_EQ(s.zone().bound(s.var(2), kPacketSizeVar), 8);
}

TEST(State, ContradictionsMakeBottom) {
  State s = State::entry(512);
  s.set(1, RegValue::number(Scalar::unsigned_range(0, 10)));
  s.set(2, RegValue::number(Scalar::unsigned_range(20, 30)));
  s.add_constraint(s.var(2), s.var(1), 0);  // r2 <= r1: impossible
  EXPECT_TRUE(s.is_bottom());
}

TEST(State, JoinKeepsSharedRelations) {
  State a = State::entry(512);
  a.set(1, RegValue::pointer(Region::kPacket, Interval::constant(14)));
  a.add_constraint(a.var(1), kPacketSizeVar, 0);
  State b = State::entry(512);
  b.set(1, RegValue::pointer(Region::kPacket, Interval::constant(34)));
  b.add_constraint(b.var(1), kPacketSizeVar, 0);
  const State j = State::join(a, b);
  EXPECT_EQ(j.reg(1).off(Region::kPacket), Interval(14, 34));
  EXPECT_EQ(j.zone().bound(j.var(1), kPacketSizeVar), 0);
  EXPECT_TRUE(a.leq(j));
  EXPECT_TRUE(b.leq(j));
  EXPECT_FALSE(j.leq(a));
}

TEST(State, RelationsOfRegistersThatChangeMeaningAreDropped) {
  State a = State::entry(512);
  a.set(1, RegValue::pointer(Region::kPacket, Interval::constant(0)));
  a.add_constraint(a.var(1), kPacketSizeVar, 0);
  State b = State::entry(512);
  b.set(1, RegValue::constant(0));
  const State j = State::join(a, b);
  EXPECT_FALSE(j.zone().mentions(j.var(1)));
}

TEST(State, FramesSaveAndRestoreTheCallersRegisters) {
  State s = State::entry(512);
  s.set(6, RegValue::constant(66));
  s.set(1, RegValue::stack_pointer(0, -8));
  s.push_frame(512);
  EXPECT_EQ(s.depth(), 1u);
  EXPECT_TRUE(s.reg(6).maybe_uninit());
  EXPECT_EQ(s.reg(1), RegValue::stack_pointer(0, -8));  // arguments pass through
  EXPECT_EQ(s.reg(10), RegValue::stack_pointer(1, 0));
  s.set(6, RegValue::constant(1));
  s.pop_frame();
  EXPECT_EQ(s.depth(), 0u);
  EXPECT_EQ(s.reg(6), RegValue::constant(66));
}

TEST(State, PointersIntoAPoppedFrameAreNoLongerPointers) {
  State s = State::entry(512);
  s.push_frame(512);
  s.set(0, RegValue::stack_pointer(1, -8));
  const RegValue r0 = s.reg(0);
  s.pop_frame();
  s.set(0, r0);
  // What the caller gets back is checked by the call's transfer; a saved
  // pointer to the dead frame held in the caller's stack becomes a number.
  State t = State::entry(512);
  t.push_frame(512);
  t.stack(0).store(-8, 8, RegValue::stack_pointer(1, -16));
  t.pop_frame();
  EXPECT_FALSE(t.stack(0).load(-8, 8, false).has(Region::kStack));
}

TEST(State, LoopCountersRelateToLoopVariablesAcrossJoins) {
  // Entry: i = 0, counter = 0. One iteration later: i = 1, counter = 1.
  State entry = State::entry(512);
  entry.set(1, RegValue::constant(0));
  entry.counter_reset(0);
  State back = entry;
  back.set(1, RegValue::constant(1));
  back.counter_increment(0);
  const State j = State::join(entry, back);
  // counter - i <= 0 and i - counter <= 0 are now explicit.
  EXPECT_EQ(j.zone().bound(counter_var(0), j.var(1)), 0);
  EXPECT_EQ(j.zone().bound(j.var(1), counter_var(0)), 0);
}

// The first frame is inline, callees' on the heap: indexing, iteration,
// copies and comparison see one chain either way.
TEST(FrameChain, TheInlineFirstFrameAndTheRestActAsOneList) {
  FrameChain chain;
  EXPECT_EQ(chain.size(), 0u);
  chain.emplace_back(512u);
  chain.emplace_back(256u);
  chain.emplace_back(StackFrame(128));
  ASSERT_EQ(chain.size(), 3u);
  EXPECT_EQ(chain[0].stack.size(), 512u);
  EXPECT_EQ(chain[1].stack.size(), 256u);
  EXPECT_EQ(chain[2].stack.size(), 128u);
  std::vector<uint32_t> sizes;
  for (const Frame& f : std::as_const(chain)) sizes.push_back(f.stack.size());
  EXPECT_EQ(sizes, (std::vector<uint32_t>{512, 256, 128}));
  FrameChain copy = chain;
  EXPECT_TRUE(copy == chain);
  copy[0].stack.store(-8, 8, RegValue::constant(1));
  EXPECT_FALSE(copy == chain);  // the copy's first frame is its own
  chain.pop_back();
  chain.pop_back();
  EXPECT_EQ(chain.size(), 1u);
  chain.pop_back();
  EXPECT_EQ(chain.size(), 0u);
  chain.emplace_back(64u);
  EXPECT_EQ(chain[0].stack.size(), 64u);
}

}  // namespace
}  // namespace sandbpf::verifier
