// lru_hash and lru_percpu_hash: a full map makes room by evicting the least
// recently used element; programs' lookups mark use (the ref bit, as in
// Linux), the host's do not. The order is second chance (lru_hash_map.hpp).
#include "helpers/maps/lru_hash_map.hpp"

#include <cerrno>
#include <set>

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

std::set<uint32_t> keys_of(Map& map) {
  std::set<uint32_t> keys;
  uint32_t key = 0;
  bool more = *map.host_next_key({}, bytes_of_mut(key));
  while (more) {
    keys.insert(key);
    uint32_t current = key;
    more = *map.host_next_key(bytes_of(current), bytes_of_mut(key));
  }
  return keys;
}

void put(Map& map, uint32_t key, uint64_t flags = kBpfAny) {
  uint32_t value = key * 10;
  ASSERT_EQ(map.update(&key, &value, flags, 0), 0) << key;
}

TEST(LruHashMap, WithoutLookupsTheOldestInsertIsEvicted) {
  TestEnvironment t;
  auto map = t.make(map_def("lru", kMapLruHash, 4, 4, 3));
  EpochDomain::RunGuard run(t.epochs, 0);
  for (uint32_t key = 1; key <= 5; ++key) put(*map, key);
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{3, 4, 5}));
}

TEST(LruHashMap, ALookedUpElementGetsASecondChance) {
  TestEnvironment t;
  auto map = t.make(map_def("lru", kMapLruHash, 4, 4, 3));
  EpochDomain::RunGuard run(t.epochs, 0);
  put(*map, 1);
  put(*map, 2);
  put(*map, 3);
  uint32_t one = 1;
  ASSERT_NE(map->lookup(&one, 0), nullptr);
  put(*map, 4);  // 1 was used: 2 goes
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{1, 3, 4}));
  put(*map, 5);  // 1 went back to the head: 3 goes
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{1, 4, 5}));
  put(*map, 6);  // 1 not used since its second chance: it goes
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{4, 5, 6}));
}

TEST(LruHashMap, HostLookupsDoNotCountAsUse) {
  TestEnvironment t;
  auto map = t.make(map_def("lru", kMapLruHash, 4, 4, 3));
  EpochDomain::RunGuard run(t.epochs, 0);
  put(*map, 1);
  put(*map, 2);
  put(*map, 3);
  uint32_t one = 1, value = 0;
  ASSERT_TRUE(map->host_lookup(bytes_of(one), bytes_of_mut(value)));
  EXPECT_EQ(value, 10u);
  put(*map, 4);
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{2, 3, 4}));
}

TEST(LruHashMap, UpdatingAnExistingKeyEvictsNothingAndMakesItNewest) {
  TestEnvironment t;
  auto map = t.make(map_def("lru", kMapLruHash, 4, 4, 3));
  EpochDomain::RunGuard run(t.epochs, 0);
  put(*map, 1);
  put(*map, 2);
  put(*map, 3);
  put(*map, 2, kBpfExist);
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{1, 2, 3}));
  put(*map, 4);
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{2, 3, 4}));
  put(*map, 5);
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{2, 4, 5}));
  put(*map, 6);
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{4, 5, 6}));
}

TEST(LruHashMap, DeletedElementsLeaveRoomWithoutEviction) {
  TestEnvironment t;
  auto map = t.make(map_def("lru", kMapLruHash, 4, 4, 3));
  EpochDomain::RunGuard run(t.epochs, 0);
  put(*map, 1);
  put(*map, 2);
  put(*map, 3);
  uint32_t one = 1;
  ASSERT_EQ(map->erase(&one, 0), 0);
  put(*map, 4);
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{2, 3, 4}));
  uint32_t four = 4;
  uint32_t value = 0;
  EXPECT_EQ(map->update(&four, &value, kBpfNoExist, 0), -EEXIST);
  uint32_t nine = 9;
  EXPECT_EQ(map->update(&nine, &value, kBpfExist, 0), -ENOENT);
}

TEST(LruHashMap, EvictedValuesStayReadableUntilTheRunEnds) {
  TestEnvironment t;
  auto map = t.make(map_def("lru", kMapLruHash, 4, 8, 1));
  {
    EpochDomain::RunGuard run(t.epochs, 0);
    uint32_t key = 1;
    uint64_t value = 0xabcdef;
    ASSERT_EQ(map->update(&key, &value, kBpfAny, 0), 0);
    void* held = map->lookup(&key, 0);
    uint32_t other = 2;
    ASSERT_EQ(map->update(&other, &value, kBpfAny, 0), 0);  // evicts key 1 despite its ref: only one
    EXPECT_EQ(map->lookup(&key, 0), nullptr);
    t.epochs.reclaim();
    EXPECT_EQ(load_u64(held), 0xabcdefu);
    EXPECT_EQ(t.epochs.pending(), 1u);
  }
  t.epochs.reclaim();
  EXPECT_EQ(t.epochs.pending(), 0u);
}

TEST(LruHashMap, PercpuVariant) {
  TestEnvironment t(2);
  auto map = t.make(map_def("lp", kMapLruPercpuHash, 4, 8, 2));
  EXPECT_EQ(map->host_value_size(), 16u);
  EpochDomain::RunGuard run(t.epochs, 0);
  for (uint32_t key = 1; key <= 3; ++key) {
    uint64_t value = key;
    ASSERT_EQ(map->update(&key, &value, kBpfAny, key % 2), 0);
  }
  EXPECT_EQ(keys_of(*map), (std::set<uint32_t>{2, 3}));
  uint32_t three = 3;
  uint64_t all[2];
  ASSERT_TRUE(map->host_lookup(bytes_of(three), bytes_of_mut(all)));
  EXPECT_EQ(all[0], 0u);
  EXPECT_EQ(all[1], 3u);
}

TEST(LruHashMap, DefinitionChecks) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(map_def("l", kMapLruHash, 4, 4, 8, kBpfFNoPrealloc)),
            "map 'l': a lru_hash map is always preallocated: BPF_F_NO_PREALLOC is not supported");
  EXPECT_EQ(t.create_error(map_def("l", kMapLruHash, 4, 4, 8, kBpfFNoCommonLru)), "(created)");
}

}  // namespace
}  // namespace sandbpf
