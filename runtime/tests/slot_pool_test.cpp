#include "runtime/slot_pool.hpp"

#include <gtest/gtest.h>

#include <set>

namespace sandbpf {
namespace {

TEST(SlotPool, HandsOutEachSlotOnce) {
  SlotPool pool(3);
  std::set<uint32_t> taken;
  for (int i = 0; i < 3; ++i) {
    auto slot = pool.acquire(SlotPolicy::kError);
    ASSERT_TRUE(slot.has_value());
    EXPECT_LT(*slot, 3u);
    EXPECT_TRUE(taken.insert(*slot).second);
  }
  EXPECT_FALSE(pool.acquire(SlotPolicy::kError).has_value());
  pool.release(1);
  EXPECT_EQ(pool.acquire(SlotPolicy::kError), 1u);
}

TEST(SlotPool, ZeroSlotsMeansOne) {
  SlotPool pool(0);
  EXPECT_EQ(pool.size(), 1u);
}

}  // namespace
}  // namespace sandbpf
