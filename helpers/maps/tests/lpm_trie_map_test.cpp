// lpm_trie: Linux's semantics (Documentation/bpf/map_lpm_trie.rst, uapi
// struct bpf_lpm_trie_key, bpf(2)), its limits and errors, the next_key
// order, memory accounting, and lookups racing updates and deletes.
#include "helpers/maps/lpm_trie_map.hpp"

#include <atomic>
#include <cerrno>
#include <initializer_list>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "helpers/maps/hash_table.hpp"
#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

struct Key4 {
  uint32_t prefixlen;
  uint8_t data[4];
};
struct Key6 {
  uint32_t prefixlen;
  uint8_t data[16];
};
static_assert(sizeof(Key4) == 8 && sizeof(Key6) == 20);

Key4 v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint32_t prefixlen = 32) {
  return Key4{prefixlen, {a, b, c, d}};
}

// An IPv6 key from its first 16-bit groups (the rest zero).
Key6 v6(std::initializer_list<uint16_t> groups, uint32_t prefixlen = 128) {
  Key6 key{prefixlen, {}};
  int i = 0;
  for (uint16_t g : groups) {
    key.data[i++] = static_cast<uint8_t>(g >> 8);
    key.data[i++] = static_cast<uint8_t>(g);
  }
  return key;
}

MapDefinition trie_def(uint32_t key_size, uint32_t value_size, uint32_t max_entries,
                       uint32_t flags = kBpfFNoPrealloc) {
  return map_def("routes", kMapLpmTrie, key_size, value_size, max_entries, flags);
}

uint64_t program_lookup(Map& map, const void* key) {
  void* value = map.lookup(key, 0);
  return value ? load_u64(value) : ~uint64_t{0};
}
constexpr uint64_t kNone = ~uint64_t{0};

template <typename K>
uint64_t host_lookup(Map& map, const K& key) {
  uint64_t value = 0;
  return map.host_lookup(bytes_of(key), bytes_of_mut(value)) ? value : kNone;
}

template <typename K>
std::vector<K> iterate(Map& map) {
  std::vector<K> keys;
  K key{}, next{};
  auto more = map.host_next_key({}, bytes_of_mut(next));
  while (more && *more) {
    keys.push_back(next);
    if (keys.size() > 10000) break;  // a cycle would never end
    key = next;
    more = map.host_next_key(bytes_of(key), bytes_of_mut(next));
  }
  EXPECT_TRUE(more.has_value());
  return keys;
}

std::string text(const Key4& k) {
  return std::to_string(k.data[0]) + "." + std::to_string(k.data[1]) + "." +
         std::to_string(k.data[2]) + "." + std::to_string(k.data[3]) + "/" +
         std::to_string(k.prefixlen);
}

TEST(LpmTrie, DefinitionChecks) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(trie_def(8, 8, 16)), "(created)");
  EXPECT_EQ(t.create_error(trie_def(8, 8, 16, 0)),
            "map 'routes': an lpm_trie map must be created with BPF_F_NO_PREALLOC");
  EXPECT_EQ(t.create_error(trie_def(8, 8, 16, kBpfFNoPrealloc | kBpfFZeroSeed)),
            "map 'routes': flags 0x40 are not valid for an lpm_trie map");
  EXPECT_EQ(t.create_error(trie_def(8, 8, 16, kBpfFNoPrealloc | kBpfFRdonly | kBpfFNumaNode)),
            "(created)");
  EXPECT_EQ(t.create_error(trie_def(8, 8, 0)), "map 'routes': max_entries must not be 0");
  EXPECT_EQ(t.create_error(trie_def(8, 0, 16)), "map 'routes': value_size must not be 0");
  EXPECT_EQ(t.create_error(trie_def(4, 8, 16)),
            "map 'routes': an lpm_trie map's key_size must be 4 (prefixlen) + 1 to 256 data "
            "bytes, not 4");
  EXPECT_EQ(t.create_error(trie_def(5, 1, 16)), "(created)");
  EXPECT_EQ(t.create_error(trie_def(260, 8, 16)), "(created)");
  EXPECT_EQ(t.create_error(trie_def(261, 8, 16)),
            "map 'routes': an lpm_trie map's key_size must be 4 (prefixlen) + 1 to 256 data "
            "bytes, not 261");
  EXPECT_NE(t.create_error(trie_def(8, 1u << 22, 16)), "(created)");

  MapEnvironment no_epochs{nullptr, nullptr, 1};
  auto made = Map::create(trie_def(8, 8, 16), no_epochs);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().message,
            "map 'routes': an lpm_trie map needs an EpochDomain (MapEnvironment::epochs) to free "
            "elements safely");
}

TEST(LpmTrie, Ipv4LongestPrefixWins) {
  TestEnvironment t;
  auto map = t.make(trie_def(8, 8, 64));
  ASSERT_TRUE(map);
  EXPECT_EQ(static_cast<LpmTrieMap&>(*map).max_prefixlen(), 32u);
  EpochDomain::RunGuard run(t.epochs, 0);
  const Key4 address = v4(10, 1, 2, 3);
  EXPECT_EQ(map->lookup(&address, 0), nullptr);  // empty
  struct Route {
    Key4 key;
    uint64_t value;
  };
  const Route routes[] = {{v4(0, 0, 0, 0, 0), 100},   {v4(10, 0, 0, 0, 8), 108},
                          {v4(10, 1, 0, 0, 16), 116}, {v4(10, 1, 2, 0, 24), 124},
                          {v4(10, 1, 2, 3, 32), 132}};
  for (const Route& r : routes) ASSERT_EQ(map->update(&r.key, &r.value, kBpfNoExist, 0), 0);
  EXPECT_EQ(program_lookup(*map, &address), 132u);
  const Key4 in24 = v4(10, 1, 2, 200), in16 = v4(10, 1, 77, 3), in8 = v4(10, 200, 2, 3),
             outside = v4(11, 1, 2, 3);
  EXPECT_EQ(program_lookup(*map, &in24), 124u);
  EXPECT_EQ(program_lookup(*map, &in16), 116u);
  EXPECT_EQ(program_lookup(*map, &in8), 108u);
  EXPECT_EQ(program_lookup(*map, &outside), 100u);  // the default route
  // The host's lookup is the same longest-prefix match.
  EXPECT_EQ(host_lookup(*map, address), 132u);
  EXPECT_EQ(host_lookup(*map, in16), 116u);
  EXPECT_EQ(host_lookup(*map, outside), 100u);
  // The key's prefixlen bounds the match: 10.1.2.3/20 cannot use the /24 or /32.
  const Key4 short_key = v4(10, 1, 2, 3, 20);
  EXPECT_EQ(program_lookup(*map, &short_key), 116u);
  const Key4 zero_len = v4(10, 1, 2, 3, 0);
  EXPECT_EQ(program_lookup(*map, &zero_len), 100u);
  // A prefixlen beyond 32 is treated as the full width.
  const Key4 long_key = v4(10, 1, 2, 3, 1000);
  EXPECT_EQ(program_lookup(*map, &long_key), 132u);

  // Deleting the more specific prefixes exposes the shorter ones.
  ASSERT_EQ(map->erase(&routes[4].key, 0), 0);
  EXPECT_EQ(program_lookup(*map, &address), 124u);
  ASSERT_EQ(map->erase(&routes[3].key, 0), 0);
  EXPECT_EQ(program_lookup(*map, &address), 116u);
  ASSERT_EQ(map->erase(&routes[0].key, 0), 0);
  EXPECT_EQ(map->lookup(&outside, 0), nullptr);  // no default route any more
  EXPECT_EQ(host_lookup(*map, outside), kNone);
  uint64_t out;
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(outside), bytes_of_mut(out))),
            "map 'routes': lookup: no such element (ENOENT)");
}

TEST(LpmTrie, Ipv4PrefixesNotOnByteBoundaries) {
  TestEnvironment t;
  auto map = t.make(trie_def(8, 8, 64));
  EpochDomain::RunGuard run(t.epochs, 0);
  const Key4 net23 = v4(192, 168, 0, 0, 23), net9 = v4(10, 128, 0, 0, 9), host31 = v4(1, 2, 3, 4, 31);
  uint64_t a = 23, b = 9, c = 31;
  ASSERT_EQ(map->update(&net23, &a, kBpfAny, 0), 0);
  ASSERT_EQ(map->update(&net9, &b, kBpfAny, 0), 0);
  ASSERT_EQ(map->update(&host31, &c, kBpfAny, 0), 0);
  const Key4 hit23 = v4(192, 168, 1, 255), miss23 = v4(192, 168, 2, 0);
  EXPECT_EQ(program_lookup(*map, &hit23), 23u);
  EXPECT_EQ(program_lookup(*map, &miss23), kNone);
  const Key4 hit9 = v4(10, 255, 1, 1), miss9 = v4(10, 127, 255, 255);
  EXPECT_EQ(program_lookup(*map, &hit9), 9u);
  EXPECT_EQ(program_lookup(*map, &miss9), kNone);
  const Key4 hit31 = v4(1, 2, 3, 5), miss31 = v4(1, 2, 3, 6);
  EXPECT_EQ(program_lookup(*map, &hit31), 31u);
  EXPECT_EQ(program_lookup(*map, &miss31), kNone);
}

TEST(LpmTrie, Ipv6LongestPrefixWins) {
  TestEnvironment t;
  auto map = t.make(trie_def(20, 8, 64));
  EXPECT_EQ(static_cast<LpmTrieMap&>(*map).max_prefixlen(), 128u);
  EpochDomain::RunGuard run(t.epochs, 0);
  struct Route {
    Key6 key;
    uint64_t value;
  };
  const Route routes[] = {
      {v6({}, 0), 1},
      {v6({0x2001, 0x0db8}, 32), 32},
      {v6({0x2001, 0x0db8, 0x0001}, 48), 48},
      {v6({0x2001, 0x0db8, 0x0001, 0x0002}, 64), 64},
      {v6({0x2001, 0x0db8, 0x0001, 0x0002, 0, 0, 0, 0x0010}, 127), 127},
      {v6({0x2001, 0x0db8, 0x0001, 0x0002, 0, 0, 0, 0x0011}, 128), 128},
  };
  for (const Route& r : routes) ASSERT_EQ(map->update(&r.key, &r.value, kBpfAny, 0), 0);
  const Key6 exact = v6({0x2001, 0x0db8, 0x0001, 0x0002, 0, 0, 0, 0x0011});
  const Key6 pair = v6({0x2001, 0x0db8, 0x0001, 0x0002, 0, 0, 0, 0x0010});
  const Key6 in64 = v6({0x2001, 0x0db8, 0x0001, 0x0002, 0xffff});
  const Key6 in48 = v6({0x2001, 0x0db8, 0x0001, 0x0003});
  const Key6 in32 = v6({0x2001, 0x0db8, 0xabcd});
  const Key6 other = v6({0x2001, 0x0db9});
  EXPECT_EQ(program_lookup(*map, &exact), 128u);
  EXPECT_EQ(program_lookup(*map, &pair), 127u);  // ::10 is in ::10/127 ...
  const Key6 pair_odd = v6({0x2001, 0x0db8, 0x0001, 0x0002, 0, 0, 0, 0x0013});
  EXPECT_EQ(program_lookup(*map, &pair_odd), 64u);  // ... ::13 is not
  EXPECT_EQ(program_lookup(*map, &in64), 64u);
  EXPECT_EQ(program_lookup(*map, &in48), 48u);
  EXPECT_EQ(program_lookup(*map, &in32), 32u);
  EXPECT_EQ(program_lookup(*map, &other), 1u);
  EXPECT_EQ(host_lookup(*map, in48), 48u);
  const Key6 bad = v6({0x2001}, 129);
  uint64_t value = 0;
  EXPECT_EQ(map->update(&bad, &value, kBpfAny, 0), -EINVAL);
}

TEST(LpmTrie, UpdateFlagsAndErrors) {
  TestEnvironment t;
  auto map = t.make(trie_def(8, 8, 16));
  EpochDomain::RunGuard run(t.epochs, 0);
  const Key4 net = v4(172, 16, 0, 0, 12);
  uint64_t value = 1;
  EXPECT_EQ(map->update(&net, &value, kBpfExist, 0), -ENOENT);
  EXPECT_EQ(map->update(&net, &value, kBpfNoExist, 0), 0);
  EXPECT_EQ(map->update(&net, &value, kBpfNoExist, 0), -EEXIST);
  value = 2;
  EXPECT_EQ(map->update(&net, &value, kBpfExist, 0), 0);
  EXPECT_EQ(program_lookup(*map, &net), 2u);
  value = 3;
  EXPECT_EQ(map->update(&net, &value, kBpfAny, 0), 0);
  EXPECT_EQ(program_lookup(*map, &net), 3u);
  EXPECT_EQ(map->update(&net, &value, 3, 0), -EINVAL);
  EXPECT_EQ(map->update(&net, &value, kBpfFLock, 0), -EINVAL);
  const Key4 too_long = v4(1, 2, 3, 4, 33);
  EXPECT_EQ(map->update(&too_long, &value, kBpfAny, 0), -EINVAL);
  EXPECT_EQ(map->erase(&too_long, 0), -EINVAL);
  // The same prefix written with other bits past prefixlen is the same key.
  const Key4 same = v4(172, 31, 9, 9, 12);
  EXPECT_EQ(map->update(&same, &value, kBpfNoExist, 0), -EEXIST);
  const Key4 longer = v4(172, 16, 0, 0, 13);
  EXPECT_EQ(map->erase(&longer, 0), -ENOENT);  // not an exact prefix
  EXPECT_EQ(map->erase(&same, 0), 0);
  EXPECT_EQ(map->erase(&net, 0), -ENOENT);
  EXPECT_EQ(map->lookup(&net, 0), nullptr);
  EXPECT_EQ(static_cast<LpmTrieMap&>(*map).size(), 0u);

  // Host side: the same errnos, named.
  EXPECT_EQ(error_of(map->host_update(bytes_of(net), bytes_of(value), kBpfExist)),
            "map 'routes': update: no such element (ENOENT)");
  ASSERT_TRUE(map->host_update(bytes_of(net), bytes_of(value)));
  EXPECT_EQ(error_of(map->host_update(bytes_of(net), bytes_of(value), kBpfNoExist)),
            "map 'routes': update: the key already exists (EEXIST)");
  EXPECT_EQ(error_of(map->host_update(bytes_of(too_long), bytes_of(value))),
            "map 'routes': update: invalid argument (EINVAL)");
  EXPECT_EQ(error_of(map->host_delete(bytes_of(longer))),
            "map 'routes': delete: no such element (ENOENT)");
  uint64_t out = 0;
  EXPECT_EQ(error_of(map->host_lookup_and_delete(bytes_of(net), bytes_of_mut(out))),
            "map 'routes': lookup and delete: not supported by this map type (ENOTSUPP)");
  ASSERT_TRUE(map->host_delete(bytes_of(net)));
  EXPECT_EQ(error_of(map->host_delete(bytes_of(net))),
            "map 'routes': delete: no such element (ENOENT)");
}

TEST(LpmTrie, ReadOnlyForProgramsRefusesProgramWrites) {
  TestEnvironment t;
  auto map = t.make(trie_def(8, 8, 4, kBpfFNoPrealloc | kBpfFRdonlyProg));
  const Key4 net = v4(10, 0, 0, 0, 8);
  uint64_t value = 7;
  ASSERT_TRUE(map->host_update(bytes_of(net), bytes_of(value)));
  EpochDomain::RunGuard run(t.epochs, 0);
  EXPECT_EQ(map->update(&net, &value, kBpfAny, 0), -EPERM);
  EXPECT_EQ(map->erase(&net, 0), -EPERM);
  EXPECT_EQ(program_lookup(*map, &net), 7u);
}

TEST(LpmTrie, MaxEntriesLimitsNewPrefixesOnly) {
  TestEnvironment t;
  auto map = t.make(trie_def(8, 8, 3));
  EpochDomain::RunGuard run(t.epochs, 0);
  uint64_t value = 1;
  const Key4 a = v4(10, 0, 0, 0, 8), b = v4(10, 1, 0, 0, 16), c = v4(10, 1, 1, 0, 24),
             d = v4(10, 1, 1, 1, 32);
  ASSERT_EQ(map->update(&a, &value, kBpfAny, 0), 0);
  ASSERT_EQ(map->update(&b, &value, kBpfAny, 0), 0);
  ASSERT_EQ(map->update(&c, &value, kBpfAny, 0), 0);
  EXPECT_EQ(map->update(&d, &value, kBpfAny, 0), -ENOSPC);
  EXPECT_EQ(map->update(&d, &value, kBpfNoExist, 0), -ENOSPC);
  EXPECT_EQ(error_of(map->host_update(bytes_of(d), bytes_of(value))),
            "map 'routes': update: no space left (ENOSPC)");
  value = 2;
  EXPECT_EQ(map->update(&b, &value, kBpfAny, 0), 0);  // a replacement fits in a full trie
  EXPECT_EQ(map->update(&b, &value, kBpfExist, 0), 0);
  EXPECT_EQ(program_lookup(*map, &d), 1u);  // d itself is not there: c matches
  const Key4 in_b = v4(10, 1, 2, 0);
  EXPECT_EQ(program_lookup(*map, &in_b), 2u);
  EXPECT_EQ(static_cast<LpmTrieMap&>(*map).size(), 3u);
  ASSERT_EQ(map->erase(&a, 0), 0);
  EXPECT_EQ(map->update(&d, &value, kBpfAny, 0), 0);
  EXPECT_EQ(static_cast<LpmTrieMap&>(*map).size(), 3u);
}

TEST(LpmTrie, IterationFollowsLinuxPostOrder) {
  TestEnvironment t;
  auto map = t.make(trie_def(8, 8, 16));
  uint64_t value = 0;
  EXPECT_TRUE(iterate<Key4>(*map).empty());
  // Linux's own example (kernel/bpf/lpm_trie.c documents the order) plus a
  // default route, a host route and a prefix elsewhere, inserted shuffled.
  for (const Key4& k : {v4(192, 168, 128, 0, 24), v4(0, 0, 0, 0, 0), v4(192, 168, 0, 0, 16),
                        v4(192, 168, 1, 0, 24), v4(10, 0, 0, 0, 8), v4(192, 168, 0, 0, 24),
                        v4(192, 168, 1, 7, 32)})
    ASSERT_TRUE(map->host_update(bytes_of(k), bytes_of(value)));
  std::vector<std::string> order;
  for (const Key4& k : iterate<Key4>(*map)) order.push_back(text(k));
  const std::vector<std::string> expected = {
      "10.0.0.0/8",        "192.168.0.0/24", "192.168.1.7/32", "192.168.1.0/24",
      "192.168.128.0/24",  "192.168.0.0/16", "0.0.0.0/0"};
  EXPECT_EQ(order, expected);

  // A key not in the map, or with a prefixlen past 32: the first key.
  Key4 next{};
  const Key4 missing = v4(192, 168, 0, 0, 20), invalid = v4(192, 168, 0, 0, 40);
  ASSERT_TRUE(*map->host_next_key(bytes_of(missing), bytes_of_mut(next)));
  EXPECT_EQ(text(next), "10.0.0.0/8");
  ASSERT_TRUE(*map->host_next_key(bytes_of(invalid), bytes_of_mut(next)));
  EXPECT_EQ(text(next), "10.0.0.0/8");
  // The last key: the end.
  const Key4 last = v4(0, 0, 0, 0, 0);
  EXPECT_FALSE(*map->host_next_key(bytes_of(last), bytes_of_mut(next)));
  // A key matched by prefix, whatever its bits past prefixlen.
  const Key4 loose = v4(192, 168, 0, 99, 24);
  ASSERT_TRUE(*map->host_next_key(bytes_of(loose), bytes_of_mut(next)));
  EXPECT_EQ(text(next), "192.168.1.7/32");
}

TEST(LpmTrie, KeysKeepTheBitsTheyWereWrittenWith) {
  TestEnvironment t;
  auto map = t.make(trie_def(8, 8, 4));
  uint64_t value = 1;
  ASSERT_TRUE(map->host_update(bytes_of(v4(10, 1, 2, 3, 8)), bytes_of(value)));
  auto keys = iterate<Key4>(*map);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(text(keys[0]), "10.1.2.3/8");
  value = 2;
  ASSERT_TRUE(map->host_update(bytes_of(v4(10, 9, 9, 9, 8)), bytes_of(value), kBpfExist));
  keys = iterate<Key4>(*map);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(text(keys[0]), "10.9.9.9/8");
  EXPECT_EQ(host_lookup(*map, v4(10, 0, 0, 1)), 2u);
}

TEST(LpmTrie, ReplacedValueStaysReadableUntilTheRunEnds) {
  TestEnvironment t;
  auto map = t.make(trie_def(8, 16, 4));
  const Key4 net = v4(10, 0, 0, 0, 8), address = v4(10, 2, 3, 4);
  uint64_t value[2] = {111, 0};
  {
    EpochDomain::RunGuard run(t.epochs, 0);
    ASSERT_EQ(map->update(&net, value, kBpfAny, 0), 0);
    void* old = map->lookup(&address, 0);
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(old) % 8, 0u);
    value[0] = 222;
    ASSERT_TRUE(map->host_update(bytes_of(net), bytes_of(value)));
    void* fresh = map->lookup(&address, 0);
    EXPECT_NE(old, fresh);
    EXPECT_EQ(load_u64(old), 111u);
    EXPECT_EQ(load_u64(fresh), 222u);
    ASSERT_TRUE(map->host_delete(bytes_of(net)));
    EXPECT_EQ(map->lookup(&address, 0), nullptr);
    t.epochs.reclaim();
    EXPECT_EQ(load_u64(old), 111u);  // retired, not freed: the run still holds it
    EXPECT_EQ(load_u64(fresh), 222u);
    EXPECT_EQ(t.epochs.pending(), 2u);
  }
  t.epochs.reclaim();
  EXPECT_EQ(t.epochs.pending(), 0u);
}

TEST(LpmTrie, MemoryIsChargedAndReleased) {
  TestEnvironment t;
  auto map = t.make(trie_def(8, 12, 5));
  const uint64_t at_creation = map->memory_used();
  EXPECT_GE(at_creation, maps_internal::HashTable::bucket_bytes(5));
  EXPECT_EQ(t.budget.used(), at_creation);
  const uint64_t element = maps_internal::kHashNodeHeader + 8 + 16 + LpmTrieMap::index_entry_bytes(8);
  uint8_t value[12] = {};
  ASSERT_TRUE(map->host_update(bytes_of(v4(10, 0, 0, 0, 8)), value));
  EXPECT_EQ(map->memory_used(), at_creation + element);
  EXPECT_EQ(t.budget.used(), at_creation + element);
  ASSERT_TRUE(map->host_update(bytes_of(v4(10, 0, 0, 0, 8)), value));  // replaced: same count
  EXPECT_EQ(map->memory_used(), at_creation + element);
  ASSERT_TRUE(map->host_delete(bytes_of(v4(10, 0, 0, 0, 8))));
  EXPECT_EQ(map->memory_used(), at_creation);
  t.epochs.reclaim();
  EXPECT_EQ(t.budget.used(), at_creation);
  ASSERT_TRUE(map->host_update(bytes_of(v4(10, 0, 0, 0, 8)), value));
  map.reset();  // what is still stored goes back with the map
  t.epochs.reclaim();
  EXPECT_EQ(t.budget.used(), 0u);
}

TEST(LpmTrie, BudgetExhaustionGivesEnomem) {
  const MapDefinition d = trie_def(8, 8, 1000);
  // Room for the map and two prefixes, not three.
  TestEnvironment probe;
  const uint64_t base = probe.make(d)->memory_used();
  const uint64_t element = maps_internal::kHashNodeHeader + 8 + 8 + LpmTrieMap::index_entry_bytes(8);
  TestEnvironment t(1, base + 2 * element + element / 2);
  auto map = t.make(d);
  ASSERT_TRUE(map);
  EpochDomain::RunGuard run(t.epochs, 0);
  uint64_t value = 5;
  const Key4 a = v4(1, 0, 0, 0, 8), b = v4(2, 0, 0, 0, 8), c = v4(3, 0, 0, 0, 8);
  ASSERT_EQ(map->update(&a, &value, kBpfAny, 0), 0);
  ASSERT_EQ(map->update(&b, &value, kBpfAny, 0), 0);
  EXPECT_EQ(map->update(&c, &value, kBpfAny, 0), -ENOMEM);
  EXPECT_EQ(map->lookup(&c, 0), nullptr);  // nothing half-inserted
  EXPECT_EQ(static_cast<LpmTrieMap&>(*map).size(), 2u);
  EXPECT_LE(t.budget.used(), t.budget.limit());
  const uint64_t used = t.budget.used();
  ASSERT_EQ(map->erase(&a, 0), 0);
  EXPECT_LT(t.budget.used(), used);  // the index entry at once; the element after its epoch
}

// Readers (program-side lookups inside RunGuards) race a program-side
// writer and a host writer that insert, replace and delete the more
// specific prefixes under 10.1.0.0/16. 0.0.0.0/0, 10.0.0.0/8 and
// 10.1.0.0/16 are never removed, so every lookup must find something, and
// what it finds must be a value that was written for a prefix containing
// the address, intact (its two words agree) and still intact at the end of
// the run.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
constexpr uint32_t kLpmScale = 1;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
constexpr uint32_t kLpmScale = 1;
#else
constexpr uint32_t kLpmScale = 4;
#endif
#else
constexpr uint32_t kLpmScale = 4;
#endif

// A value names its prefix (length and masked address) and a generation.
uint64_t tag_of(uint32_t prefixlen, uint32_t address_be_as_host, uint32_t generation) {
  return (uint64_t{generation} << 40) | (uint64_t{prefixlen} << 32) | address_be_as_host;
}

uint32_t address_of(const Key4& k) {
  return (uint32_t{k.data[0]} << 24) | (uint32_t{k.data[1]} << 16) | (uint32_t{k.data[2]} << 8) |
         k.data[3];
}

TEST(LpmTrie, ConcurrentLookupsSeeOnlyWrittenValues) {
  constexpr uint32_t kReaders = 3;
  TestEnvironment t(kReaders + 1);
  auto map = t.make(trie_def(8, 16, 512));
  auto write = [&](const Key4& k, uint32_t generation, uint64_t flags, bool host) {
    const uint32_t masked =
        k.prefixlen == 0 ? 0 : address_of(k) & (~uint32_t{0} << (32 - k.prefixlen));
    const uint64_t tag = tag_of(k.prefixlen, masked, generation);
    uint64_t value[2] = {tag, ~tag};
    if (host) return map->host_update(bytes_of(k), bytes_of(value), flags) ? 0L : -1L;
    return map->update(&k, value, flags, kReaders);
  };
  ASSERT_EQ(write(v4(0, 0, 0, 0, 0), 0, kBpfAny, true), 0);
  ASSERT_EQ(write(v4(10, 0, 0, 0, 8), 0, kBpfAny, true), 0);
  ASSERT_EQ(write(v4(10, 1, 0, 0, 16), 0, kBpfAny, true), 0);

  const uint32_t rounds = 4000 * kLpmScale;
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> found_specific{0};
  // The churned prefixes: /24s and /32s and some odd lengths under 10.1/16.
  auto churn_key = [](std::mt19937& random) {
    const uint32_t lengths[] = {17, 20, 24, 24, 28, 32, 32};
    const uint32_t length = lengths[random() % 7];
    return v4(10, 1, static_cast<uint8_t>(random() % 8), static_cast<uint8_t>(random() % 8), length);
  };
  auto writer = [&](bool host, uint32_t seed) {
    std::mt19937 random(seed);
    for (uint32_t i = 1; i <= rounds; ++i) {
      const Key4 k = churn_key(random);
      const uint32_t op = random() % 3;
      if (host) {
        if (op < 2) {
          ASSERT_EQ(write(k, i, kBpfAny, true), 0);
        } else {
          (void)map->host_delete(bytes_of(k));
        }
      } else {
        EpochDomain::RunGuard run(t.epochs, kReaders);
        if (op < 2) {
          ASSERT_EQ(write(k, i, kBpfAny, false), 0);
        } else {
          const long err = map->erase(&k, kReaders);
          ASSERT_TRUE(err == 0 || err == -ENOENT) << err;
        }
      }
    }
  };
  std::vector<std::thread> readers;
  for (uint32_t slot = 0; slot < kReaders; ++slot)
    readers.emplace_back([&, slot] {
      std::mt19937 random(slot + 7);
      uint64_t specific = 0;
      // Some lookups even if the writers finish before this thread starts.
      for (uint32_t done = 0; !stop.load(std::memory_order_relaxed) || done < 200; ++done) {
        EpochDomain::RunGuard run(t.epochs, slot);
        const Key4 address = v4(10, 1, static_cast<uint8_t>(random() % 8),
                                static_cast<uint8_t>(random() % 8));
        void* value = map->lookup(&address, slot);
        ASSERT_NE(value, nullptr);
        auto* words = static_cast<uint64_t*>(value);
        const uint64_t tag = std::atomic_ref<uint64_t>(words[0]).load(std::memory_order_relaxed);
        ASSERT_EQ(std::atomic_ref<uint64_t>(words[1]).load(std::memory_order_relaxed), ~tag);
        const uint32_t length = static_cast<uint32_t>(tag >> 32) & 0xff;
        const uint32_t prefix = static_cast<uint32_t>(tag);
        ASSERT_GE(length, 16u);  // 10.1/16 is always there, so nothing shorter wins
        ASSERT_LE(length, 32u);
        const uint32_t mask = ~uint32_t{0} << (32 - length);
        ASSERT_EQ(address_of(address) & mask, prefix) << std::hex << tag;
        ASSERT_LE(tag >> 40, rounds);
        if (length > 16) ++specific;
        // Held across whatever the writers do meanwhile: still intact.
        std::this_thread::yield();
        ASSERT_EQ(std::atomic_ref<uint64_t>(words[0]).load(std::memory_order_relaxed), tag);
        ASSERT_EQ(std::atomic_ref<uint64_t>(words[1]).load(std::memory_order_relaxed), ~tag);
      }
      found_specific.fetch_add(specific);
    });
  std::thread program_writer(writer, false, 1);
  std::thread host_writer(writer, true, 2);
  // The host iterates meanwhile: every key it is given is well formed.
  std::thread iterator([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      for (const Key4& k : iterate<Key4>(*map)) {
        ASSERT_LE(k.prefixlen, 32u);
      }
    }
  });
  program_writer.join();
  host_writer.join();
  stop.store(true);
  for (auto& reader : readers) reader.join();
  iterator.join();
  EXPECT_GT(found_specific.load(), 0u);  // the churned prefixes were seen too

  // Afterwards the map still answers exactly: compare with the index.
  EpochDomain::RunGuard run(t.epochs, 0);
  const Key4 host = v4(10, 1, 0, 0, 32);
  (void)map->erase(&host, 0);
  uint64_t exact[2] = {42, ~uint64_t{42}};
  ASSERT_EQ(map->update(&host, exact, kBpfNoExist, 0), 0);
  EXPECT_EQ(program_lookup(*map, &host), 42u);
  const size_t stored = iterate<Key4>(*map).size();
  EXPECT_EQ(stored, static_cast<LpmTrieMap&>(*map).size());
}

}  // namespace
}  // namespace sandbpf
