// hash and percpu_hash: Linux's semantics (kernel/bpf/hashtab.c, bpf(2),
// Documentation/bpf/map_hash.rst).
#include "helpers/maps/hash_map.hpp"

#include <cerrno>
#include <set>

#include "helpers/maps/hash_table.hpp"
#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

TEST(HashMap, InsertLookupUpdateDelete) {
  TestEnvironment t;
  auto map = t.make(map_def("h", kMapHash, 4, 8, 4));
  EpochDomain::RunGuard run(t.epochs, 0);
  uint32_t key = 10;
  uint64_t value = 1;
  EXPECT_EQ(map->lookup(&key, 0), nullptr);
  EXPECT_EQ(map->update(&key, &value, kBpfExist, 0), -ENOENT);
  EXPECT_EQ(map->update(&key, &value, kBpfNoExist, 0), 0);
  EXPECT_EQ(map->update(&key, &value, kBpfNoExist, 0), -EEXIST);
  value = 2;
  EXPECT_EQ(map->update(&key, &value, kBpfExist, 0), 0);
  EXPECT_EQ(load_u64(map->lookup(&key, 0)), 2u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(map->lookup(&key, 0)) % 8, 0u);
  EXPECT_EQ(map->update(&key, &value, 3, 0), -EINVAL);
  EXPECT_EQ(map->update(&key, &value, kBpfFLock, 0), -EINVAL);
  EXPECT_EQ(map->erase(&key, 0), 0);
  EXPECT_EQ(map->erase(&key, 0), -ENOENT);
  EXPECT_EQ(map->lookup(&key, 0), nullptr);
}

TEST(HashMap, FullMapRefusesNewKeysButUpdatesExistingOnes) {
  TestEnvironment t;
  auto map = t.make(map_def("h", kMapHash, 4, 4, 2));
  EpochDomain::RunGuard run(t.epochs, 0);
  uint32_t value = 0;
  for (uint32_t key = 0; key < 2; ++key) EXPECT_EQ(map->update(&key, &value, kBpfAny, 0), 0);
  uint32_t third = 2;
  EXPECT_EQ(map->update(&third, &value, kBpfAny, 0), -E2BIG);
  uint32_t first = 0;
  value = 5;
  EXPECT_EQ(map->update(&first, &value, kBpfAny, 0), 0);
  EXPECT_EQ(map->erase(&first, 0), 0);
  EXPECT_EQ(map->update(&third, &value, kBpfAny, 0), 0);
}

TEST(HashMap, UpdateReplacesTheElementAndOldReadersKeepTheOldValue) {
  TestEnvironment t;
  auto map = t.make(map_def("h", kMapHash, 4, 8, 4));
  uint32_t key = 1;
  uint64_t value = 111;
  {
    EpochDomain::RunGuard run(t.epochs, 0);
    ASSERT_EQ(map->update(&key, &value, kBpfAny, 0), 0);
    void* old = map->lookup(&key, 0);
    value = 222;
    ASSERT_EQ(map->update(&key, &value, kBpfAny, 0), 0);
    void* fresh = map->lookup(&key, 0);
    EXPECT_NE(old, fresh);
    EXPECT_EQ(load_u64(old), 111u);  // still readable: retired, not freed
    EXPECT_EQ(load_u64(fresh), 222u);
    ASSERT_EQ(map->erase(&key, 0), 0);
    t.epochs.reclaim();
    EXPECT_EQ(load_u64(old), 111u);
    EXPECT_EQ(load_u64(fresh), 222u);
    EXPECT_EQ(t.epochs.pending(), 2u);
  }
  t.epochs.reclaim();
  EXPECT_EQ(t.epochs.pending(), 0u);
}

TEST(HashMap, IterationVisitsEveryKeyOnce) {
  TestEnvironment t;
  auto map = t.make(map_def("h", kMapHash, 8, 4, 100));
  std::set<uint64_t> inserted;
  for (uint64_t key = 1000; key < 1100; key += 3) {
    uint32_t value = static_cast<uint32_t>(key);
    ASSERT_TRUE(map->host_update(bytes_of(key), bytes_of(value)));
    inserted.insert(key);
  }
  std::set<uint64_t> seen;
  uint64_t key = 0;
  auto next = map->host_next_key({}, bytes_of_mut(key));
  ASSERT_TRUE(next);
  while (*next) {
    EXPECT_TRUE(seen.insert(key).second) << key;
    uint32_t value;
    ASSERT_TRUE(map->host_lookup(bytes_of(key), bytes_of_mut(value)));
    EXPECT_EQ(value, static_cast<uint32_t>(key));
    uint64_t current = key;
    next = map->host_next_key(bytes_of(current), bytes_of_mut(key));
    ASSERT_TRUE(next);
  }
  EXPECT_EQ(seen, inserted);

  // A key not in the map: iteration starts over from the first key.
  uint64_t first = 0, again = 0, missing = 7;
  ASSERT_TRUE(*map->host_next_key({}, bytes_of_mut(first)));
  ASSERT_TRUE(*map->host_next_key(bytes_of(missing), bytes_of_mut(again)));
  EXPECT_EQ(first, again);

  auto empty = t.make(map_def("e", kMapHash, 8, 4, 4));
  EXPECT_FALSE(*empty->host_next_key({}, bytes_of_mut(key)));
}

TEST(HashMap, HostSideErrors) {
  TestEnvironment t;
  auto map = t.make(map_def("h", kMapHash, 4, 4, 1));
  uint32_t key = 3, value = 4;
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(key), bytes_of_mut(value))),
            "map 'h': lookup: no such element (ENOENT)");
  EXPECT_EQ(error_of(map->host_delete(bytes_of(key))), "map 'h': delete: no such element (ENOENT)");
  EXPECT_EQ(error_of(map->host_update(bytes_of(key), bytes_of(value), kBpfExist)),
            "map 'h': update: no such element (ENOENT)");
  ASSERT_TRUE(map->host_update(bytes_of(key), bytes_of(value)));
  uint32_t other = 5;
  EXPECT_EQ(error_of(map->host_update(bytes_of(other), bytes_of(value))),
            "map 'h': update: the map is full, or the index is out of range (E2BIG)");
  uint32_t out = 0;
  ASSERT_TRUE(map->host_lookup_and_delete(bytes_of(key), bytes_of_mut(out)));
  EXPECT_EQ(out, 4u);
  EXPECT_FALSE(map->host_lookup(bytes_of(key), bytes_of_mut(out)));
}

TEST(HashMap, PercpuHashUpdatesOneSlotAndZeroesTheOthersOfANewElement) {
  TestEnvironment t(3);
  auto map = t.make(map_def("p", kMapPercpuHash, 4, 4, 8));
  EXPECT_EQ(map->host_value_size(), 24u);
  EpochDomain::RunGuard run(t.epochs, 1);
  uint32_t key = 5, value = 77;
  ASSERT_EQ(map->update(&key, &value, kBpfAny, 1), 0);
  uint8_t all[24];
  ASSERT_TRUE(map->host_lookup(bytes_of(key), all));
  uint32_t v[3];
  for (int s = 0; s < 3; ++s) std::memcpy(&v[s], all + 8 * s, 4);
  EXPECT_EQ(v[0], 0u);
  EXPECT_EQ(v[1], 77u);
  EXPECT_EQ(v[2], 0u);
  // An existing element is updated in place: the pointer stays.
  void* held = map->lookup(&key, 2);
  value = 9;
  ASSERT_EQ(map->update(&key, &value, kBpfExist, 2), 0);
  EXPECT_EQ(map->lookup(&key, 2), held);
  uint32_t now;
  std::memcpy(&now, held, 4);
  EXPECT_EQ(now, 9u);
  std::memcpy(&now, map->lookup(&key, 1), 4);
  EXPECT_EQ(now, 77u);  // the other slots keep theirs
  EXPECT_EQ(map->lookup(&key, 3), nullptr);
}

TEST(HashMap, PercpuHashWithOneSlotStillUpdatesInPlace) {
  TestEnvironment t(1);
  auto map = t.make(map_def("p", kMapPercpuHash, 4, 4, 2));
  EXPECT_EQ(map->host_value_size(), 8u);
  EpochDomain::RunGuard run(t.epochs, 0);
  uint32_t key = 1, value = 5;
  ASSERT_EQ(map->update(&key, &value, kBpfAny, 0), 0);
  void* held = map->lookup(&key, 0);
  value = 6;
  ASSERT_EQ(map->update(&key, &value, kBpfAny, 0), 0);
  EXPECT_EQ(map->lookup(&key, 0), held);
  uint8_t out[8];
  std::memset(out, 0xee, sizeof out);
  ASSERT_TRUE(map->host_lookup(bytes_of(key), out));
  EXPECT_EQ(out[0], 6);
  EXPECT_EQ(out[7], 0);  // padding zeroed
}

TEST(HashMap, MemoryIsChargedPerElementAndReleasedAfterReclaim) {
  TestEnvironment t;
  auto map = t.make(map_def("h", kMapHash, 4, 12, 5));
  const uint64_t buckets = maps_internal::HashTable::bucket_bytes(5);
  EXPECT_EQ(buckets, 8u * 16);  // 5 rounded up to 8 buckets of 16 bytes
  EXPECT_EQ(map->memory_used(), buckets);
  const uint64_t element = maps_internal::kHashNodeHeader + 8 + 16;
  uint32_t key = 1;
  uint8_t value[12] = {};
  ASSERT_TRUE(map->host_update(bytes_of(key), value));
  EXPECT_EQ(map->memory_used(), buckets + element);
  EXPECT_EQ(t.budget.used(), buckets + element);
  ASSERT_TRUE(map->host_delete(bytes_of(key)));
  EXPECT_EQ(map->memory_used(), buckets);
  EXPECT_EQ(t.budget.used(), buckets + element);  // retired, not yet freed
  t.epochs.reclaim();
  EXPECT_EQ(t.budget.used(), buckets);
  map.reset();
  EXPECT_EQ(t.budget.used(), 0u);
}

TEST(HashMap, ZeroSeedHashesDeterministically) {
  TestEnvironment t;
  auto a = t.make(map_def("a", kMapHash, 4, 4, 64, kBpfFZeroSeed));
  auto b = t.make(map_def("b", kMapHash, 4, 4, 64, kBpfFZeroSeed));
  for (uint32_t key = 0; key < 40; ++key) {
    ASSERT_TRUE(a->host_update(bytes_of(key), bytes_of(key)));
    ASSERT_TRUE(b->host_update(bytes_of(key), bytes_of(key)));
  }
  uint32_t ka = 0, kb = 0;
  bool more = *a->host_next_key({}, bytes_of_mut(ka));
  ASSERT_TRUE(*b->host_next_key({}, bytes_of_mut(kb)));
  while (more) {
    EXPECT_EQ(ka, kb);
    uint32_t pa = ka, pb = kb;
    more = *a->host_next_key(bytes_of(pa), bytes_of_mut(ka));
    EXPECT_EQ(more, *b->host_next_key(bytes_of(pb), bytes_of_mut(kb)));
  }
}

TEST(HashMap, DefinitionChecks) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(map_def("h", kMapHash, 0, 4, 1)), "map 'h': key_size must not be 0");
  EXPECT_EQ(t.create_error(map_def("h", kMapHash, 4, 0, 1)), "map 'h': value_size must not be 0");
  EXPECT_EQ(t.create_error(map_def("h", kMapHash, 4, 4, 0)), "map 'h': max_entries must not be 0");
  EXPECT_EQ(t.create_error(map_def("h", kMapHash, 512, 4, 1)), "(created)");
  EXPECT_EQ(t.create_error(map_def("h", kMapHash, 513, 4, 1)),
            "map 'h': key_size 513 exceeds Linux's limit of 512 bytes (the BPF stack)");
  EXPECT_EQ(t.create_error(map_def("h", kMapHash, 4, 4, 1, kBpfFNoCommonLru)),
            "map 'h': BPF_F_NO_COMMON_LRU is only for LRU hash maps");
  EXPECT_EQ(t.create_error(map_def("h", kMapHash, 4, 4, 1, kBpfFMmapable)),
            "map 'h': flags 0x400 are not valid for a hash map");
  EXPECT_EQ(t.create_error(map_def("h", kMapHash, 4, 4, 1, kBpfFNoPrealloc)), "(created)");
  EXPECT_EQ(t.create_error(map_def("h", kMapPercpuHash, 4, 32769, 1)),
            "map 'h': value_size 32769 exceeds Linux's per-CPU limit of 32768 bytes");

  MapEnvironment no_epochs{nullptr, nullptr, 1};
  auto made = Map::create(map_def("h", kMapHash, 4, 4, 1), no_epochs);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().message,
            "map 'h': a hash map needs an EpochDomain (MapEnvironment::epochs) to free elements "
            "safely");
}

}  // namespace
}  // namespace sandbpf
