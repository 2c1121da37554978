// perf_event_array: bpf_perf_event_output's flags (index or
// BPF_F_CURRENT_CPU in the low 32 bits), -E2BIG past max_entries, records
// drained by the host with their index.
#include "helpers/maps/perf_event_array_map.hpp"

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

using Records = std::vector<std::pair<uint32_t, std::string>>;

Records drain(PerfEventArrayMap& perf) {
  Records records;
  perf.consume([&](uint32_t index, std::span<const uint8_t> r) {
    records.emplace_back(index, std::string(r.begin(), r.end()));
    return 0;
  });
  return records;
}

TEST(PerfEventArrayMap, RecordsGoToTheSlotOrTheIndexGiven) {
  TestEnvironment t(4);
  auto map = t.make(map_def("perf", kMapPerfEventArray, 4, 4, 0));
  ASSERT_EQ(map->definition().max_entries, 4u);  // 0: one per slot, as libbpf does per CPU
  auto& perf = static_cast<PerfEventArrayMap&>(*map);
  EXPECT_EQ(perf.output(kBpfFCurrentCpu, "s2", 2, 2), 0);
  EXPECT_EQ(perf.output(0, "i0", 2, 3), 0);
  EXPECT_EQ(perf.output(kBpfFCurrentCpu, "s2b", 3, 2), 0);
  EXPECT_EQ(perf.output(4, "x", 1, 0), -E2BIG);
  EXPECT_EQ(perf.output(uint64_t{1} << 63, "x", 1, 0), -EINVAL);
  EXPECT_EQ(perf.output((uint64_t{5} << 32) | 1, "ctx", 3, 0), 0);  // BPF_F_CTXLEN bits accepted
  EXPECT_EQ(drain(perf), (Records{{0, "i0"}, {1, "ctx"}, {2, "s2"}, {2, "s2b"}}));
  EXPECT_TRUE(drain(perf).empty());
}

TEST(PerfEventArrayMap, AFullBufferLosesRecords) {
  TestEnvironment t(1);
  auto map = t.make(map_def("perf", kMapPerfEventArray, 4, 4, 1));
  auto& perf = static_cast<PerfEventArrayMap&>(*map);
  perf.set_buffer_size(40);
  EXPECT_EQ(perf.output(0, "0123456789", 10, 0), 0);  // 16 + 8 bytes
  EXPECT_EQ(perf.memory_used(), 24u);
  EXPECT_EQ(perf.output(0, "0123456789", 10, 0), -ENOSPC);
  EXPECT_EQ(perf.lost(0), 1u);
  EXPECT_EQ(perf.output(0, "01234567", 8, 0), 0);  // exactly 40
  EXPECT_EQ(drain(perf).size(), 2u);
  EXPECT_EQ(perf.memory_used(), 0u);
}

TEST(PerfEventArrayMap, ConsumeOneIndexAndStop) {
  TestEnvironment t(2);
  auto map = t.make(map_def("perf", kMapPerfEventArray, 4, 4, 2));
  auto& perf = static_cast<PerfEventArrayMap&>(*map);
  for (char c : std::string("abc")) ASSERT_EQ(perf.output(1, &c, 1, 0), 0);
  ASSERT_EQ(perf.output(0, "z", 1, 0), 0);
  std::string got;
  EXPECT_EQ(perf.consume(1, [&](uint32_t, std::span<const uint8_t> r) {
    got.push_back(static_cast<char>(r[0]));
    return got.size() == 2 ? 1 : 0;
  }), 2u);
  EXPECT_EQ(got, "ab");
  EXPECT_EQ(drain(perf), (Records{{0, "z"}, {1, "c"}}));
}

TEST(PerfEventArrayMap, HostSideAndDefinition) {
  TestEnvironment t(2);
  auto map = t.make(map_def("perf", kMapPerfEventArray, 4, 4, 2));
  EXPECT_EQ(map->lookup(nullptr, 0), nullptr);
  uint32_t key = 0, value = 0;
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(key), bytes_of_mut(value))),
            "map 'perf': lookup: not supported by this map type (ENOTSUPP)");
  auto& perf = static_cast<PerfEventArrayMap&>(*map);
  ASSERT_EQ(perf.output(0, "gone", 4, 0), 0);
  ASSERT_TRUE(map->host_delete(bytes_of(key)));  // drops what waits
  EXPECT_TRUE(drain(perf).empty());
  uint32_t next = 9;
  ASSERT_TRUE(*map->host_next_key({}, bytes_of_mut(next)));
  EXPECT_EQ(next, 0u);
  EXPECT_EQ(t.create_error(map_def("perf", kMapPerfEventArray, 4, 8, 2)),
            "map 'perf': a perf_event_array map has key_size and value_size 4, not 4 and 8");
  EXPECT_EQ(t.create_error(map_def("perf", kMapPerfEventArray, 4, 4, 2, kBpfFPreserveElems)),
            "(created)");
}

}  // namespace
}  // namespace sandbpf
