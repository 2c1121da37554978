// MapMemoryBudget: creation past the limit is a clear error, updates past
// it are -ENOMEM, and memory comes back when maps free it.
#include "helpers/maps/map_memory_budget.hpp"

#include <cerrno>
#include <optional>

#include "helpers/maps/hash_table.hpp"
#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

TEST(MapMemoryBudget, ChargesUpToTheLimitExactly) {
  MapMemoryBudget budget(100);
  EXPECT_TRUE(budget.charge(60));
  EXPECT_FALSE(budget.charge(41));
  EXPECT_EQ(budget.used(), 60u);
  EXPECT_TRUE(budget.charge(40));
  EXPECT_EQ(budget.remaining(), 0u);
  EXPECT_FALSE(budget.charge(1));
  budget.release(100);
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_FALSE(budget.charge(UINT64_MAX));
}

TEST(MapMemoryBudget, CreationPastTheLimitNamesTheMapAndTheNumbers) {
  TestEnvironment t(1, 1048576);
  // 1025 values of 4096 bytes, preallocated.
  EXPECT_EQ(t.create_error(map_def("counters", kMapArray, 4, 4096, 1025)),
            "map 'counters' needs 4198400 bytes, but only 1048576 of the instance's 1048576-byte map "
            "memory limit remain");
  EXPECT_EQ(t.budget.used(), 0u);
  auto small = t.make(map_def("small", kMapArray, 4, 4096, 200));  // 819200 bytes
  EXPECT_EQ(t.budget.used(), 819200u);
  EXPECT_EQ(t.create_error(map_def("more", kMapPercpuArray, 4, 8, 32768)),
            "map 'more' needs 262144 bytes, but only 229376 of the instance's 1048576-byte map "
            "memory limit remain");
  small.reset();
  EXPECT_EQ(t.budget.used(), 0u);
}

TEST(MapMemoryBudget, HashUpdatesPastTheLimitAreEnomem) {
  const uint64_t buckets = maps_internal::HashTable::bucket_bytes(16);
  const uint64_t element = maps_internal::kHashNodeHeader + 8 + 8;
  TestEnvironment t(1, buckets + 2 * element);
  auto map = t.make(map_def("h", kMapHash, 4, 8, 16));
  std::optional<EpochDomain::RunGuard> run;
  run.emplace(t.epochs, 0);
  uint64_t value = 0;
  for (uint32_t key = 0; key < 2; ++key) ASSERT_EQ(map->update(&key, &value, kBpfAny, 0), 0);
  uint32_t third = 2;
  EXPECT_EQ(map->update(&third, &value, kBpfAny, 0), -ENOMEM);
  uint32_t first = 0;
  // Replacing needs a new element while the old one may still be read.
  EXPECT_EQ(map->update(&first, &value, kBpfExist, 0), -ENOMEM);
  ASSERT_EQ(map->erase(&first, 0), 0);
  EXPECT_EQ(map->update(&third, &value, kBpfAny, 0), -ENOMEM);  // deleted, not yet freed
  run.reset();
  t.epochs.reclaim();
  EXPECT_EQ(map->update(&third, &value, kBpfAny, 0), 0);
  EXPECT_EQ(t.budget.used(), buckets + 2 * element);
}

TEST(MapMemoryBudget, EveryTypeChargesWhatItPreallocates) {
  TestEnvironment t(2, 1 << 30);
  const MapDefinition inner = map_def("inner", kMapArray, 4, 4, 1);
  struct Case {
    MapDefinition definition;
    uint64_t bytes;
  };
  for (const Case& c : {Case{map_def("a", kMapArray, 4, 12, 10), 160},
                        Case{map_def("pa", kMapPercpuArray, 4, 12, 10), 320},
                        Case{map_def("h", kMapHash, 4, 4, 10), 16 * 16},
                        Case{map_def("q", kMapQueue, 0, 3, 5), 40},
                        Case{map_def("p", kMapProgArray, 4, 4, 5), 40},
                        Case{map_def("aom", kMapArrayOfMaps, 4, 4, 5), 40},
                        Case{map_def("rb", kMapRingbuf, 0, 0, 4096), 64 + 8192},
                        Case{map_def("perf", kMapPerfEventArray, 4, 4, 2), 0}}) {
    auto made = Map::create(c.definition, t.env(), &inner);
    ASSERT_TRUE(made) << made.error().message;
    EXPECT_EQ((*made)->memory_used(), c.bytes) << c.definition.name;
    EXPECT_EQ(t.budget.used(), c.bytes) << c.definition.name;
  }
  EXPECT_EQ(t.budget.used(), 0u);
}

}  // namespace
}  // namespace sandbpf
