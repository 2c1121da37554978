// devmap, cpumap, xskmap: Linux's definition and update rules
// (kernel/bpf/devmap.c, kernel/bpf/cpumap.c, net/xdp/xskmap.c), host-filled
// entries, program-side lookups as Linux allows them, retirement of
// replaced devmap entries, memory.
#include "helpers/maps/device_array_map.hpp"

#include <atomic>
#include <cerrno>
#include <random>
#include <thread>
#include <vector>

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

struct Pair {
  uint32_t first;  // devmap: ifindex; cpumap: qsize
  int32_t fd;      // a program to attach (<= 0: none)
};

TEST(DeviceArrayMaps, DefinitionChecks) {
  TestEnvironment t;
  for (uint32_t type : {kMapDevmap, kMapCpumap, kMapXskmap}) {
    EXPECT_EQ(t.create_error(map_def("d", type, 4, 4, 8)), "(created)") << type;
    EXPECT_EQ(t.create_error(map_def("d", type, 4, 4, 0)), "map 'd': max_entries must not be 0");
    EXPECT_EQ(t.create_error(map_def("d", type, 8, 4, 8)),
              fmt::format("map 'd': a {} map's key_size must be 4 (a u32 index), not 8",
                          map_type_name(type)));
    EXPECT_EQ(t.create_error(map_def("d", type, 4, 4, 8, kBpfFNumaNode)), "(created)");
    EXPECT_EQ(t.create_error(map_def("d", type, 4, 4, 8, kBpfFNoPrealloc)),
              fmt::format("map 'd': flags 0x1 are not valid for a {} map", map_type_name(type)));
  }
  EXPECT_EQ(t.create_error(map_def("d", kMapDevmap, 4, 8, 8)), "(created)");
  EXPECT_EQ(t.create_error(map_def("d", kMapCpumap, 4, 8, 8)), "(created)");
  EXPECT_EQ(t.create_error(map_def("d", kMapDevmap, 4, 12, 8)),
            "map 'd': a devmap map's value_size must be 4 or 8, not 12");
  EXPECT_EQ(t.create_error(map_def("d", kMapXskmap, 4, 8, 8)),
            "map 'd': a xskmap map's value_size must be 4, not 8");
  EXPECT_EQ(t.create_error(map_def("d", kMapDevmap, 4, 4, 8, kBpfFRdonly)), "(created)");
  EXPECT_EQ(t.create_error(map_def("d", kMapXskmap, 4, 4, 8, kBpfFWronly)), "(created)");
  EXPECT_EQ(t.create_error(map_def("d", kMapCpumap, 4, 4, 8, kBpfFRdonly)),
            "map 'd': flags 0x8 are not valid for a cpumap map");
}

TEST(DeviceArrayMaps, DevmapEntriesAreHostFilledAndProgramsReadThem) {
  TestEnvironment t;
  auto map = t.make(map_def("ports", kMapDevmap, 4, 8, 4));
  uint32_t index = 1;
  Pair value{7, -1};
  EXPECT_EQ(error_of(map->host_update(bytes_of(index), bytes_of(value), kBpfNoExist)),
            "map 'ports': update: the key already exists (EEXIST)");  // array: entries always exist
  {
    EpochDomain::RunGuard run(t.epochs, 0);
    EXPECT_EQ(map->lookup(&index, 0), nullptr);  // empty
    ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(value)));
    auto* held = static_cast<Pair*>(map->lookup(&index, 0));
    ASSERT_NE(held, nullptr);
    EXPECT_EQ(held->first, 7u);
    EXPECT_EQ(held->fd, 0);  // the attached program's id: none
    value.first = 9;
    ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(value), kBpfExist));
    EXPECT_EQ(static_cast<Pair*>(map->lookup(&index, 0))->first, 9u);
    ASSERT_TRUE(map->host_delete(bytes_of(index)));
    EXPECT_EQ(map->lookup(&index, 0), nullptr);
    t.epochs.reclaim();
    EXPECT_EQ(held->first, 7u);  // retired, not freed, while the run holds it
    EXPECT_EQ(t.epochs.pending(), 2u);
    uint32_t beyond = 4;
    EXPECT_EQ(map->lookup(&beyond, 0), nullptr);
    EXPECT_EQ(map->update(&index, &value, kBpfAny, 0), -EINVAL);  // programs only redirect
    EXPECT_EQ(map->erase(&index, 0), -EINVAL);
  }
  t.epochs.reclaim();
  EXPECT_EQ(t.epochs.pending(), 0u);

  Pair out{};
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(index), bytes_of_mut(out))),
            "map 'ports': lookup: no such element (ENOENT)");
  ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(Pair{3, 0})));
  ASSERT_TRUE(map->host_lookup(bytes_of(index), bytes_of_mut(out)));
  EXPECT_EQ(out.first, 3u);
  ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(Pair{0, 0})));  // ifindex 0 empties
  EXPECT_FALSE(map->host_lookup(bytes_of(index), bytes_of_mut(out)));
  EXPECT_EQ(error_of(map->host_update(bytes_of(index), bytes_of(Pair{3, 5}))),
            "map 'ports': update: invalid argument (EINVAL)");  // no program to attach
  uint32_t beyond = 4;
  EXPECT_EQ(error_of(map->host_update(bytes_of(beyond), bytes_of(value))),
            "map 'ports': update: the map is full, or the index is out of range (E2BIG)");
  EXPECT_EQ(error_of(map->host_update(bytes_of(index), bytes_of(value), 3)),
            "map 'ports': update: invalid argument (EINVAL)");
  EXPECT_EQ(error_of(map->host_delete(bytes_of(beyond))), "map 'ports': delete: invalid argument (EINVAL)");
  EXPECT_TRUE(map->host_delete(bytes_of(index)));  // already empty: still fine
  EXPECT_EQ(error_of(map->host_lookup_and_delete(bytes_of(index), bytes_of_mut(out))),
            "map 'ports': lookup and delete: not supported by this map type (ENOTSUPP)");
  // next_key: every index, as an array.
  std::vector<uint32_t> keys;
  uint32_t key = 0, next = 0;
  auto more = map->host_next_key({}, bytes_of_mut(next));
  while (more && *more) {
    keys.push_back(next);
    key = next;
    more = map->host_next_key(bytes_of(key), bytes_of_mut(next));
  }
  EXPECT_EQ(keys, (std::vector<uint32_t>{0, 1, 2, 3}));
}

TEST(DeviceArrayMaps, CreationIsChargedBeforeAllocating) {
  TestEnvironment t(1, 1000);
  EXPECT_EQ(t.create_error(map_def("big", kMapDevmap, 4, 4, 1u << 30)),
            "map 'big' needs 8589934592 bytes, but only 1000 of the instance's 1000-byte map memory "
            "limit remain");
  EXPECT_EQ(t.budget.used(), 0u);
}

TEST(DeviceArrayMaps, DevmapWithFourByteValues) {
  TestEnvironment t;
  auto map = t.make(map_def("ports", kMapDevmap, 4, 4, 2));
  uint32_t index = 0, ifindex = 12;
  ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(ifindex)));
  EpochDomain::RunGuard run(t.epochs, 0);
  EXPECT_EQ(load_u64(map->lookup(&index, 0)) & 0xffffffffu, 12u);
}

TEST(DeviceArrayMaps, CpumapRules) {
  TestEnvironment t(2);  // two slots: CPUs 0 and 1
  auto map = t.make(map_def("cpus", kMapCpumap, 4, 8, 4));
  uint32_t cpu = 1;
  ASSERT_TRUE(map->host_update(bytes_of(cpu), bytes_of(Pair{192, -1})));
  Pair out{};
  ASSERT_TRUE(map->host_lookup(bytes_of(cpu), bytes_of_mut(out)));
  EXPECT_EQ(out.first, 192u);
  EXPECT_EQ(out.fd, 0);
  EXPECT_EQ(error_of(map->host_update(bytes_of(cpu), bytes_of(Pair{16385, 0}))),
            "map 'cpus': update: the value is out of range (EOVERFLOW)");
  uint32_t no_cpu = 3;
  EXPECT_EQ(error_of(map->host_update(bytes_of(no_cpu), bytes_of(Pair{64, 0}))),
            "map 'cpus': update: no such device (for a cpumap: no such CPU) (ENODEV)");
  EXPECT_EQ(error_of(map->host_update(bytes_of(cpu), bytes_of(Pair{64, 0}), kBpfNoExist)),
            "map 'cpus': update: the key already exists (EEXIST)");
  EXPECT_EQ(error_of(map->host_update(bytes_of(cpu), bytes_of(Pair{64, 4}))),
            "map 'cpus': update: invalid argument (EINVAL)");
  {
    EpochDomain::RunGuard run(t.epochs, 0);
    EXPECT_EQ(map->lookup(&cpu, 0), nullptr);  // Linux offers programs no cpumap lookup
  }
  ASSERT_TRUE(map->host_update(bytes_of(cpu), bytes_of(Pair{0, 0})));  // qsize 0 empties
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(cpu), bytes_of_mut(out))),
            "map 'cpus': lookup: no such element (ENOENT)");
  EXPECT_EQ(map->memory_used(), 4u * 8);
}

TEST(DeviceArrayMaps, XskmapRules) {
  TestEnvironment t;
  auto map = t.make(map_def("xsks", kMapXskmap, 4, 4, 2));
  uint32_t index = 0, fd = 17;
  EXPECT_EQ(error_of(map->host_update(bytes_of(index), bytes_of(fd), kBpfExist)),
            "map 'xsks': update: no such element (ENOENT)");
  ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(fd), kBpfNoExist));
  EXPECT_EQ(error_of(map->host_update(bytes_of(index), bytes_of(fd), kBpfNoExist)),
            "map 'xsks': update: the key already exists (EEXIST)");
  ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(fd), kBpfExist));
  uint32_t out = 0;
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(index), bytes_of_mut(out))),
            "map 'xsks': lookup: not supported by this map type (EOPNOTSUPP)");
  {
    EpochDomain::RunGuard run(t.epochs, 0);
    EXPECT_EQ(map->lookup(&index, 0), nullptr);  // no kernel socket to return
  }
  EXPECT_EQ(map->memory_used(), 2u * 8 + 8);
  ASSERT_TRUE(map->host_delete(bytes_of(index)));
  EXPECT_EQ(map->memory_used(), 2u * 8);
  EXPECT_EQ(t.budget.used(), 2u * 8);  // freed at once: no program held it
  ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(fd), kBpfNoExist));  // empty again
  map.reset();
  EXPECT_EQ(t.budget.used(), 0u);
}

TEST(DeviceArrayMaps, DevmapMemoryReturnsAfterTheEpoch) {
  TestEnvironment t;
  auto map = t.make(map_def("ports", kMapDevmap, 4, 8, 3));
  EXPECT_EQ(map->memory_used(), 3u * 8);
  uint32_t index = 2;
  ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(Pair{5, 0})));
  EXPECT_EQ(t.budget.used(), 3u * 8 + 8);
  ASSERT_TRUE(map->host_delete(bytes_of(index)));
  EXPECT_EQ(map->memory_used(), 3u * 8);
  t.epochs.reclaim();
  EXPECT_EQ(t.budget.used(), 3u * 8);
  ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(Pair{5, 0})));
  map.reset();
  EXPECT_EQ(t.budget.used(), 0u);
}

// Program lookups race host updates and deletes: a devmap value a run got
// is one the host wrote, and stays intact until the run ends.
TEST(DeviceArrayMaps, DevmapLookupsRaceHostWrites) {
  constexpr uint32_t kReaders = 3, kEntries = 4;
  TestEnvironment t(kReaders);
  auto map = t.make(map_def("ports", kMapDevmap, 4, 8, kEntries));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> seen{0};
  std::vector<std::thread> readers;
  for (uint32_t slot = 0; slot < kReaders; ++slot)
    readers.emplace_back([&, slot] {
      std::mt19937 random(slot + 3);
      while (!stop.load(std::memory_order_relaxed)) {
        EpochDomain::RunGuard run(t.epochs, slot);
        const uint32_t index = random() % kEntries;
        auto* value = static_cast<uint32_t*>(map->lookup(&index, slot));
        if (!value) continue;
        const uint32_t ifindex = std::atomic_ref<uint32_t>(value[0]).load(std::memory_order_relaxed);
        ASSERT_EQ(ifindex % 100, index);  // written as generation * 100 + index
        ASSERT_EQ(std::atomic_ref<uint32_t>(value[1]).load(std::memory_order_relaxed), 0u);
        std::this_thread::yield();
        ASSERT_EQ(std::atomic_ref<uint32_t>(value[0]).load(std::memory_order_relaxed), ifindex);
        seen.fetch_add(1, std::memory_order_relaxed);
      }
    });
  std::mt19937 random(1);
  // At least 3000 writes, and on until the readers have seen some values.
  for (uint32_t generation = 1;
       generation <= 3000 || (seen.load() < 100 && generation < 1000000); ++generation) {
    const uint32_t index = random() % kEntries;
    if (random() % 3 == 0) {
      ASSERT_TRUE(map->host_delete(bytes_of(index)));
    } else {
      ASSERT_TRUE(map->host_update(bytes_of(index), bytes_of(Pair{generation * 100 + index, -1})));
    }
  }
  stop.store(true);
  for (auto& reader : readers) reader.join();
  EXPECT_GT(seen.load(), 0u);
  map.reset();
  t.epochs.reclaim();
  EXPECT_EQ(t.budget.used(), 0u);
}

}  // namespace
}  // namespace sandbpf
