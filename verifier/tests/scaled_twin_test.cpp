// The scaled twins of a register (scaled_var: 2, 4 and 8 times a number)
// at the State level: a quotient ties its twin to the dividend, and every
// change of the register keeps the twins true or forgets them.
#include <gtest/gtest.h>

#include "verifier/state.hpp"

namespace sandbpf::verifier {
namespace {

constexpr unsigned kTimes8 = 2;  // scale index of 8

// r1 = len (== packet size), then r1 = len >> 3.
State eighth_of_size() {
  State s = State::entry(512);
  s.set(1, RegValue::number(Scalar::unsigned_range(0, 0xffff)));
  s.add_constraint(s.var(1), kPacketSizeVar, 0);
  s.add_constraint(kPacketSizeVar, s.var(1), 0);
  s.assign_quotient(1, 3, RegValue::number(Scalar::unsigned_range(0, 0xffff >> 3)));
  return s;
}

TEST(ScaledTwins, AQuotientTimesItsDivisorIsAtMostTheDividend) {
  const State s = eighth_of_size();
  const VarId eight_r1 = scaled_var(0, 1, kTimes8);
  EXPECT_EQ(s.zone().bound(eight_r1, kPacketSizeVar), 0);   // 8 * (len >> 3) <= len
  EXPECT_EQ(s.zone().bound(kPacketSizeVar, eight_r1), 7);   // len < 8 * (len >> 3) + 8
  EXPECT_EQ(s.interval_of(eight_r1), Interval(0, 0xfff8));  // from r1's interval
}

TEST(ScaledTwins, ChangingTheRegisterMovesOrForgetsItsTwins) {
  const VarId eight_r1 = scaled_var(0, 1, kTimes8);
  State moved = eighth_of_size();
  moved.shift_var(moved.var(1), 1, 1);  // r1 += 1: 8 * r1 moves by 8
  EXPECT_EQ(moved.zone().bound(eight_r1, kPacketSizeVar), 8);
  State set = eighth_of_size();
  set.set(1, RegValue::constant(100));  // r1 = 100: nothing left of len
  EXPECT_FALSE(set.zone().mentions(eight_r1));
  State copied = eighth_of_size();
  copied.copy_reg(2, 1);  // r2 = r1: r2's twin takes the relation
  EXPECT_EQ(copied.zone().bound(scaled_var(0, 2, kTimes8), kPacketSizeVar), 0);
}

TEST(ScaledTwins, AComparisonOfNumbersRelatesTheirTwins) {
  State s = eighth_of_size();
  s.set(3, RegValue::number(Scalar::unsigned_range(0, 100)));
  s.add_constraint(s.var(3), s.var(1), -1);  // r3 < r1
  // 8 * r3 <= 8 * r1 - 8 <= len - 8.
  EXPECT_EQ(s.zone().bound(scaled_var(0, 3, kTimes8), kPacketSizeVar), -8);
}

TEST(ScaledTwins, AProductTakesItsTwinsRelations) {
  State s = eighth_of_size();
  s.assign_product(1, 3, RegValue::number(Scalar::unsigned_range(0, 0xfff8)));  // r1 = (len >> 3) << 3
  EXPECT_EQ(s.zone().bound(s.var(1), kPacketSizeVar), 0);
  EXPECT_FALSE(s.zone().mentions(scaled_var(0, 1, kTimes8)));
}

TEST(ScaledTwins, ACalleesTwinsDieWithItsFrame) {
  State s = eighth_of_size();
  s.push_frame(512);  // r1 passes to the callee with its twins
  EXPECT_EQ(s.zone().bound(scaled_var(1, 1, kTimes8), kPacketSizeVar), 0);
  s.pop_frame();
  EXPECT_FALSE(s.zone().mentions(scaled_var(1, 1, kTimes8)));
  EXPECT_EQ(s.zone().bound(scaled_var(0, 1, kTimes8), kPacketSizeVar), 0);
}

}  // namespace
}  // namespace sandbpf::verifier
