// array_of_maps and hash_of_maps: a program's lookup gives the inner Map*;
// the host's inner maps must match the template (Linux's
// bpf_map_meta_equal, and array_map_meta_equal's max_entries rule).
#include "helpers/maps/map_in_map.hpp"

#include <cerrno>

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

TEST(ArrayOfMaps, LookupGivesTheInnerMap) {
  TestEnvironment t;
  const MapDefinition inner_def = map_def("inner", kMapArray, 4, 8, 16);
  auto outer = t.make(map_def("outer", kMapArrayOfMaps, 4, 4, 2), &inner_def);
  auto& maps = static_cast<ArrayOfMaps&>(*outer);
  std::shared_ptr<Map> inner = t.make(map_def("inner_0", kMapArray, 4, 8, 16));
  ASSERT_TRUE(maps.set_inner(1, inner));
  EpochDomain::RunGuard run(t.epochs, 0);
  uint32_t index = 1;
  auto* found = static_cast<Map*>(outer->lookup(&index, 0));
  ASSERT_EQ(found, inner.get());
  uint32_t key = 3;
  uint64_t value = 5;
  EXPECT_EQ(found->update(&key, &value, kBpfAny, 0), 0);  // used as a map argument
  index = 0;
  EXPECT_EQ(outer->lookup(&index, 0), nullptr);
  index = 2;
  EXPECT_EQ(outer->lookup(&index, 0), nullptr);
  EXPECT_EQ(outer->update(&index, &value, kBpfAny, 0), -EINVAL);
  EXPECT_EQ(outer->erase(&index, 0), -EINVAL);
}

TEST(ArrayOfMaps, InnerMapsMustMatchTheTemplate) {
  TestEnvironment t;
  const MapDefinition inner_def = map_def("tmpl", kMapArray, 4, 8, 16);
  auto outer = t.make(map_def("outer", kMapArrayOfMaps, 4, 4, 2), &inner_def);
  auto& maps = static_cast<ArrayOfMaps&>(*outer);
  EXPECT_EQ(error_of(maps.set_inner(0, t.make(map_def("x", kMapArray, 4, 4, 16)))),
            "map 'outer': inner map 'x' does not match the template 'tmpl': value_size 4, expected 8");
  EXPECT_EQ(error_of(maps.set_inner(0, t.make(map_def("x", kMapArray, 4, 8, 32)))),
            "map 'outer': inner map 'x' does not match the template 'tmpl': max_entries 32, expected 16");
  EXPECT_EQ(error_of(maps.set_inner(0, t.make(map_def("x", kMapHash, 4, 8, 16)))),
            "map 'outer': inner map 'x' does not match the template 'tmpl': map type 'hash', expected "
            "'array'");
  EXPECT_EQ(error_of(maps.set_inner(0, t.make(map_def("x", kMapArray, 4, 8, 16, kBpfFRdonlyProg)))),
            "map 'outer': inner map 'x' does not match the template 'tmpl': flags 128, expected 0");
  EXPECT_EQ(error_of(maps.set_inner(2, t.make(map_def("x", kMapArray, 4, 8, 16)))),
            "map 'outer': update: the map is full, or the index is out of range (E2BIG)");

  // BPF_F_INNER_MAP: array inner maps may differ in size.
  const MapDefinition any_size = map_def("tmpl", kMapArray, 4, 8, 1, kBpfFInnerMap);
  auto flexible = t.make(map_def("flex", kMapArrayOfMaps, 4, 4, 1), &any_size);
  EXPECT_TRUE(static_cast<ArrayOfMaps&>(*flexible)
                  .set_inner(0, t.make(map_def("big", kMapArray, 4, 8, 100, kBpfFInnerMap))));
  // Hash inner maps may always differ in max_entries.
  const MapDefinition hash_tmpl = map_def("ht", kMapHash, 4, 8, 1);
  auto of_hashes = t.make(map_def("hashes", kMapArrayOfMaps, 4, 4, 1), &hash_tmpl);
  EXPECT_TRUE(static_cast<ArrayOfMaps&>(*of_hashes).set_inner(0, t.make(map_def("h", kMapHash, 4, 8, 64))));
}

TEST(ArrayOfMaps, HostSideUsesMapPointers) {
  TestEnvironment t;
  const MapDefinition inner_def = map_def("tmpl", kMapHash, 4, 4, 8);
  auto outer = t.make(map_def("outer", kMapArrayOfMaps, 4, 4, 2), &inner_def);
  auto inner = t.make(map_def("i", kMapHash, 4, 4, 8));
  uint32_t key = 0;
  Map* raw = inner.get();
  EXPECT_EQ(outer->host_value_size(), sizeof(void*));
  ASSERT_TRUE(outer->host_update(bytes_of(key), bytes_of(raw)));
  EXPECT_EQ(error_of(outer->host_update(bytes_of(key), bytes_of(raw), kBpfExist)),
            "map 'outer': update: invalid argument (EINVAL)");
  Map* out = nullptr;
  ASSERT_TRUE(outer->host_lookup(bytes_of(key), bytes_of_mut(out)));
  EXPECT_EQ(out, raw);
  ASSERT_TRUE(outer->host_delete(bytes_of(key)));
  EXPECT_EQ(error_of(outer->host_delete(bytes_of(key))), "map 'outer': delete: no such element (ENOENT)");
  t.epochs.reclaim();
  EXPECT_NE(inner->lookup(&key, 0), reinterpret_cast<void*>(1));  // not owned: still alive
}

TEST(ArrayOfMaps, AReplacedInnerMapLivesUntilRunsEnd) {
  TestEnvironment t;
  const MapDefinition inner_def = map_def("tmpl", kMapArray, 4, 8, 4);
  auto outer = t.make(map_def("outer", kMapArrayOfMaps, 4, 4, 1), &inner_def);
  auto& maps = static_cast<ArrayOfMaps&>(*outer);
  std::shared_ptr<Map> first = t.make(map_def("first", kMapArray, 4, 8, 4));
  std::weak_ptr<Map> watch = first;
  ASSERT_TRUE(maps.set_inner(0, std::move(first)));
  {
    EpochDomain::RunGuard run(t.epochs, 0);
    uint32_t index = 0;
    auto* held = static_cast<Map*>(outer->lookup(&index, 0));
    ASSERT_TRUE(maps.set_inner(0, t.make(map_def("second", kMapArray, 4, 8, 4))));
    t.epochs.reclaim();
    EXPECT_FALSE(watch.expired());
    EXPECT_EQ(held->name(), "first");
  }
  t.epochs.reclaim();
  EXPECT_TRUE(watch.expired());
}

TEST(HashOfMaps, KeysToInnerMaps) {
  TestEnvironment t;
  const MapDefinition inner_def = map_def("tmpl", kMapQueue, 0, 4, 8);
  auto outer = t.make(map_def("outer", kMapHashOfMaps, 8, 4, 4), &inner_def);
  auto& maps = static_cast<HashOfMaps&>(*outer);
  std::shared_ptr<Map> q = t.make(map_def("q", kMapQueue, 0, 4, 8));
  uint64_t key = 42;
  ASSERT_TRUE(maps.set_inner(bytes_of(key), q));
  EXPECT_EQ(error_of(maps.set_inner(bytes_of(key), q, kBpfNoExist)),
            "map 'outer': update: the key already exists (EEXIST)");
  EXPECT_EQ(error_of(maps.set_inner(bytes_of(key), t.make(map_def("x", kMapQueue, 0, 8, 8)))),
            "map 'outer': inner map 'x' does not match the template 'tmpl': value_size 8, expected 4");
  {
    EpochDomain::RunGuard run(t.epochs, 0);
    EXPECT_EQ(outer->lookup(&key, 0), q.get());
    uint64_t missing = 1;
    EXPECT_EQ(outer->lookup(&missing, 0), nullptr);
    EXPECT_EQ(outer->update(&key, &key, kBpfAny, 0), -EINVAL);
  }
  Map* out = nullptr;
  ASSERT_TRUE(outer->host_lookup(bytes_of(key), bytes_of_mut(out)));
  EXPECT_EQ(out, q.get());
  EXPECT_EQ(maps.inner(bytes_of(key)), q);
  uint64_t next = 0;
  ASSERT_TRUE(*outer->host_next_key({}, bytes_of_mut(next)));
  EXPECT_EQ(next, 42u);
  ASSERT_TRUE(outer->host_delete(bytes_of(key)));
  t.epochs.reclaim();
  EXPECT_EQ(q.use_count(), 1);  // the map let go of it
  EXPECT_EQ(maps.inner(bytes_of(key)), nullptr);
}

TEST(MapInMap, DefinitionChecks) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(map_def("o", kMapArrayOfMaps, 4, 4, 1)),
            "map 'o': an array_of_maps map needs the definition of its inner map (none was given)");
  const MapDefinition nested = map_def("n", kMapHashOfMaps, 4, 4, 1);
  EXPECT_EQ(t.create_error(map_def("o", kMapArrayOfMaps, 4, 4, 1), &nested),
            "map 'o': its inner map 'n' is itself a map of maps; Linux allows one level only");
  const MapDefinition sockets = map_def("s", kMapSockmap, 4, 4, 1);
  EXPECT_EQ(t.create_error(map_def("o", kMapHashOfMaps, 4, 4, 1), &sockets),
            "map 'o': its inner map 's' has map type 'sockmap' (15), which is not supported");
  const MapDefinition fine = map_def("f", kMapArray, 4, 4, 1);
  EXPECT_EQ(t.create_error(map_def("o", kMapArrayOfMaps, 4, 8, 1), &fine),
            "map 'o': an array_of_maps map has value_size 4 (an inner map), not 8");
  EXPECT_EQ(t.create_error(map_def("o", kMapArrayOfMaps, 8, 4, 1), &fine),
            "map 'o': an array_of_maps map's key_size must be 4 (a u32 index), not 8");
  EXPECT_EQ(t.create_error(map_def("o", kMapHashOfMaps, 0, 4, 1), &fine), "map 'o': key_size must not be 0");
}

}  // namespace
}  // namespace sandbpf
