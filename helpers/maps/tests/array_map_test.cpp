// array and percpu_array: Linux's semantics (kernel/bpf/arraymap.c,
// bpf(2) and Documentation/bpf/map_array.rst).
#include "helpers/maps/array_map.hpp"

#include <cerrno>
#include <memory>
#include <vector>

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

TEST(ArrayMap, StartsZeroedWithAlignedValues) {
  TestEnvironment t;
  auto map = t.make(map_def("a", kMapArray, 4, 5, 3));
  for (uint32_t i = 0; i < 3; ++i) {
    auto* value = static_cast<uint8_t*>(map->lookup(&i, 0));
    ASSERT_NE(value, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(value) % 8, 0u);
    for (int b = 0; b < 5; ++b) EXPECT_EQ(value[b], 0);
  }
  uint32_t zero = 0, one = 1;
  EXPECT_EQ(static_cast<uint8_t*>(map->lookup(&one, 0)) - static_cast<uint8_t*>(map->lookup(&zero, 0)),
            8);  // value_size 5 rounded up to 8
  uint32_t out_of_range = 3;
  EXPECT_EQ(map->lookup(&out_of_range, 0), nullptr);
  EXPECT_EQ(map->memory_used(), 3u * 8);
}

// The layout a JIT compiles lookups inline with: entry i at values + i *
// stride, exactly where lookup() finds it; only plain arrays have one.
TEST(ArrayMap, OnlyPlainArraysBindAnInlineLayout) {
  TestEnvironment t;
  auto map = t.make(map_def("a", kMapArray, 4, 20, 6));
  MapBinding binding;
  bind_array_layout(*map, binding);
  ASSERT_NE(binding.array_values, nullptr);
  EXPECT_EQ(binding.array_stride, 24u);
  EXPECT_EQ(binding.array_entries, 6u);
  for (uint32_t i = 0; i < 6; ++i)
    EXPECT_EQ(binding.array_values + i * binding.array_stride, map->lookup(&i, 0)) << "entry " << i;

  const MapDefinition inner = map_def("inner", kMapArray, 4, 8, 4);
  const std::vector<std::unique_ptr<Map>> others = [&] {
    std::vector<std::unique_ptr<Map>> v;
    v.push_back(t.make(map_def("p", kMapPercpuArray, 4, 8, 4)));
    v.push_back(t.make(map_def("h", kMapHash, 4, 8, 4)));
    v.push_back(t.make(map_def("o", kMapArrayOfMaps, 4, 4, 4), &inner));
    return v;
  }();
  for (const auto& other : others) {
    MapBinding stale = binding;  // a binding reused: cleared, not kept
    bind_array_layout(*other, stale);
    EXPECT_EQ(stale.array_values, nullptr) << other->definition().name;
    EXPECT_EQ(stale.array_stride, 0u);
    EXPECT_EQ(stale.array_entries, 0u);
  }
}

TEST(ArrayMap, UpdateFlagsAndErrors) {
  TestEnvironment t;
  auto map = t.make(map_def("a", kMapArray, 4, 8, 4));
  uint32_t key = 2;
  uint64_t value = 0x1122334455667788;
  EXPECT_EQ(map->update(&key, &value, kBpfAny, 0), 0);
  EXPECT_EQ(map->update(&key, &value, kBpfExist, 0), 0);
  EXPECT_EQ(map->update(&key, &value, kBpfNoExist, 0), -EEXIST);  // every element exists
  EXPECT_EQ(map->update(&key, &value, 3, 0), -EINVAL);
  EXPECT_EQ(map->update(&key, &value, kBpfFLock, 0), -EINVAL);    // no bpf_spin_lock
  uint32_t beyond = 4;
  EXPECT_EQ(map->update(&beyond, &value, kBpfAny, 0), -E2BIG);
  EXPECT_EQ(map->erase(&key, 0), -EINVAL);
  EXPECT_EQ(load_u64(map->lookup(&key, 0)), 0x1122334455667788u);
}

TEST(ArrayMap, UpdatesAreVisibleThroughPointersHeldBefore) {
  TestEnvironment t;
  auto map = t.make(map_def("a", kMapArray, 4, 8, 1));
  uint32_t key = 0;
  void* held = map->lookup(&key, 0);
  uint64_t value = 42;
  ASSERT_EQ(map->update(&key, &value, kBpfAny, 0), 0);
  EXPECT_EQ(load_u64(held), 42u);  // in place, as in Linux
}

TEST(ArrayMap, HostSideLookupUpdateDeleteAndIteration) {
  TestEnvironment t;
  auto map = t.make(map_def("a", kMapArray, 4, 4, 3));
  uint32_t key = 1, value = 7, out = 0;
  ASSERT_TRUE(map->host_update(bytes_of(key), bytes_of(value)));
  ASSERT_TRUE(map->host_lookup(bytes_of(key), bytes_of_mut(out)));
  EXPECT_EQ(out, 7u);
  uint32_t beyond = 3;
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(beyond), bytes_of_mut(out))),
            "map 'a': lookup: no such element (ENOENT)");
  EXPECT_EQ(error_of(map->host_update(bytes_of(beyond), bytes_of(value))),
            "map 'a': update: the map is full, or the index is out of range (E2BIG)");
  EXPECT_EQ(error_of(map->host_update(bytes_of(key), bytes_of(value), kBpfNoExist)),
            "map 'a': update: the key already exists (EEXIST)");
  EXPECT_EQ(error_of(map->host_delete(bytes_of(key))), "map 'a': delete: invalid argument (EINVAL)");

  uint32_t next = 99;
  auto first = map->host_next_key({}, bytes_of_mut(next));
  ASSERT_TRUE(first && *first);
  EXPECT_EQ(next, 0u);
  uint32_t k = 1;
  ASSERT_TRUE(*map->host_next_key(bytes_of(k), bytes_of_mut(next)));
  EXPECT_EQ(next, 2u);
  k = 2;
  EXPECT_FALSE(*map->host_next_key(bytes_of(k), bytes_of_mut(next)));  // the last index
  k = 50;
  ASSERT_TRUE(*map->host_next_key(bytes_of(k), bytes_of_mut(next)));  // out of range: first
  EXPECT_EQ(next, 0u);
}

TEST(ArrayMap, HostChecksSizes) {
  TestEnvironment t;
  auto map = t.make(map_def("a", kMapArray, 4, 4, 3));
  uint64_t wide_key = 0;
  uint32_t value = 0;
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(wide_key), bytes_of_mut(value))),
            "map 'a': lookup: the key is 8 bytes, the map's is 4 (EINVAL)");
}

TEST(ArrayMap, PercpuArrayHasAValuePerSlot) {
  TestEnvironment t(3);
  auto map = t.make(map_def("p", kMapPercpuArray, 4, 4, 2));
  EXPECT_EQ(map->host_value_size(), 3u * 8);
  EXPECT_EQ(map->memory_used(), 2u * 3 * 8);
  uint32_t key = 1;
  for (uint32_t slot = 0; slot < 3; ++slot) {
    uint32_t value = 100 + slot;
    ASSERT_EQ(map->update(&key, &value, kBpfAny, slot), 0);
  }
  EXPECT_NE(map->lookup(&key, 0), map->lookup(&key, 1));
  uint32_t v;
  std::memcpy(&v, map->lookup(&key, 2), 4);
  EXPECT_EQ(v, 102u);
  EXPECT_EQ(map->lookup(&key, 3), nullptr);  // no such slot

  uint8_t all[24];
  std::memset(all, 0xee, sizeof all);
  ASSERT_TRUE(map->host_lookup(bytes_of(key), all));
  for (uint32_t slot = 0; slot < 3; ++slot) {
    std::memcpy(&v, all + slot * 8, 4);
    EXPECT_EQ(v, 100 + slot);
    EXPECT_EQ(all[slot * 8 + 4], 0);  // padding is zero
  }
  uint8_t fresh[24] = {};
  fresh[8] = 9;
  ASSERT_TRUE(map->host_update(bytes_of(key), fresh));
  std::memcpy(&v, map->lookup(&key, 1), 4);
  EXPECT_EQ(v, 9u);
  EXPECT_TRUE(map->direct_value().empty());
}

TEST(ArrayMap, GlobalDataHasDirectValueAccessWithItsInitialBytes) {
  TestEnvironment t;
  MapDefinition d = map_def(".data", kMapArray, 4, 6, 1);
  d.origin = MapOrigin::kGlobalData;
  d.initial_value = {1, 2, 3, 4, 5, 6};
  auto map = t.make(d);
  std::span<uint8_t> direct = map->direct_value();
  ASSERT_EQ(direct.size(), 6u);
  EXPECT_EQ(direct[5], 6);
  uint32_t key = 0;
  EXPECT_EQ(map->lookup(&key, 0), direct.data());
  direct[0] = 0x7f;  // a program's store through lddw src=2
  uint8_t out[6];
  ASSERT_TRUE(map->host_lookup(bytes_of(key), out));
  EXPECT_EQ(out[0], 0x7f);

  auto two = t.make(map_def("two", kMapArray, 4, 8, 2));
  EXPECT_TRUE(two->direct_value().empty());  // Linux: max_entries must be 1
}

TEST(ArrayMap, AccessFlags) {
  TestEnvironment t;
  uint32_t key = 0;
  uint64_t value = 1;
  MapDefinition rodata = map_def(".rodata", kMapArray, 4, 8, 1);
  rodata.readonly = true;
  auto ro = t.make(rodata);
  EXPECT_EQ(ro->update(&key, &value, kBpfAny, 0), -EPERM);
  EXPECT_TRUE(ro->host_update(bytes_of(key), bytes_of(value)));  // until frozen
  ro->freeze();
  EXPECT_EQ(error_of(ro->host_update(bytes_of(key), bytes_of(value))),
            "map '.rodata': update: not permitted by the map's flags (EPERM)");

  auto prog_ro = t.make(map_def("r", kMapArray, 4, 8, 1, kBpfFRdonlyProg));
  EXPECT_EQ(prog_ro->update(&key, &value, kBpfAny, 0), -EPERM);
  auto host_ro = t.make(map_def("h", kMapArray, 4, 8, 1, kBpfFRdonly));
  EXPECT_FALSE(host_ro->host_update(bytes_of(key), bytes_of(value)));
  auto host_wo = t.make(map_def("w", kMapArray, 4, 8, 1, kBpfFWronly));
  uint64_t out;
  EXPECT_FALSE(host_wo->host_lookup(bytes_of(key), bytes_of_mut(out)));
  EXPECT_TRUE(host_wo->host_update(bytes_of(key), bytes_of(value)));
}

TEST(ArrayMap, DefinitionChecks) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(map_def("a", kMapArray, 8, 4, 1)),
            "map 'a': an array map's key_size must be 4 (a u32 index), not 8");
  EXPECT_EQ(t.create_error(map_def("a", kMapArray, 4, 0, 1)), "map 'a': value_size must not be 0");
  EXPECT_EQ(t.create_error(map_def("a", kMapArray, 4, 4, 0)), "map 'a': max_entries must not be 0");
  EXPECT_EQ(t.create_error(map_def("a", kMapArray, 4, 4, 1, kBpfFNoPrealloc)),
            "map 'a': flags 0x1 are not valid for an array map");
  EXPECT_EQ(t.create_error(map_def("a", kMapPercpuArray, 4, 4, 1, kBpfFMmapable)),
            "map 'a': a percpu_array map cannot be BPF_F_MMAPABLE");
  EXPECT_EQ(t.create_error(map_def("a", kMapPercpuArray, 4, 32769, 1)),
            "map 'a': value_size 32769 exceeds Linux's per-CPU limit of 32768 bytes");
  EXPECT_EQ(t.create_error(map_def("a", kMapArray, 4, 4, 1, kBpfFPreserveElems)),
            "map 'a': BPF_F_PRESERVE_ELEMS is only for perf_event_array maps");
  EXPECT_EQ(t.create_error(map_def("a", kMapArray, 4, 4, 1, kBpfFMmapable | kBpfFRdonlyProg)),
            "(created)");
}

}  // namespace
}  // namespace sandbpf
