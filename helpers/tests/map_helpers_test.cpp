// The map helpers, bpf_tail_call and the output helpers over real maps
// (helpers/maps), called as a program would call them.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "helpers/maps/epoch.hpp"
#include "helpers/maps/map.hpp"
#include "helpers/maps/map_in_map.hpp"
#include "helpers/maps/map_memory_budget.hpp"
#include "helpers/maps/perf_event_array_map.hpp"
#include "helpers/maps/prog_array_map.hpp"
#include "helpers/maps/ring_buffer_map.hpp"
#include "helpers/standard/standard_helpers.hpp"
#include "helpers/tests/fake_run_context.hpp"

namespace sandbpf {
namespace {

using testing::addr;
using testing::FakeRunContext;

MapDefinition definition(uint32_t type, uint32_t key_size, uint32_t value_size,
                         uint32_t max_entries) {
  MapDefinition d;
  d.name = "m";
  d.type = type;
  d.key_size = key_size;
  d.value_size = value_size;
  d.max_entries = max_entries;
  return d;
}

class MapHelpers : public ::testing::Test {
 protected:
  std::unique_ptr<Map> make(const MapDefinition& d, const MapDefinition* inner = nullptr) {
    auto made = Map::create(d, MapEnvironment{&epochs, &budget, 4}, inner);
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().to_string());
    return made ? std::move(*made) : nullptr;
  }
  static uint64_t handle(const std::unique_ptr<Map>& map) { return addr(map.get()); }

  MapMemoryBudget budget{uint64_t{1} << 30};
  EpochDomain epochs{4};
  EpochDomain::RunGuard guard{epochs, 0};
};

TEST_F(MapHelpers, LookupUpdateDeleteOnAHashMap) {
  auto map = make(definition(kMapHash, 4, 8, 16));
  FakeRunContext context;
  const uint32_t key = 7;
  const uint64_t value = 0x1122334455667788;
  EXPECT_EQ(bpf_map_lookup_elem(handle(map), addr(&key), 0, 0, 0, context), 0u);
  EXPECT_EQ(bpf_map_update_elem(handle(map), addr(&key), addr(&value), kBpfAny, 0, context), 0u);
  const uint64_t found = bpf_map_lookup_elem(handle(map), addr(&key), 0, 0, 0, context);
  ASSERT_NE(found, 0u);
  uint64_t stored = 0;
  std::memcpy(&stored, reinterpret_cast<const void*>(found), 8);
  EXPECT_EQ(stored, value);
  // Checked engines learn about the value.
  ASSERT_EQ(context.regions.size(), 1u);
  EXPECT_EQ(context.regions[0].base, found);
  EXPECT_EQ(context.regions[0].size, 8u);
  EXPECT_TRUE(context.regions[0].writable);
  EXPECT_EQ(static_cast<int64_t>(bpf_map_update_elem(handle(map), addr(&key), addr(&value),
                                                     kBpfNoExist, 0, context)),
            -17);  // -EEXIST
  EXPECT_EQ(bpf_map_delete_elem(handle(map), addr(&key), 0, 0, 0, context), 0u);
  EXPECT_EQ(static_cast<int64_t>(bpf_map_delete_elem(handle(map), addr(&key), 0, 0, 0, context)),
            -2);
}

TEST_F(MapHelpers, PerCpuValuesFollowTheRunsSlot) {
  auto map = make(definition(kMapPercpuArray, 4, 8, 2));
  const uint32_t key = 1;
  const uint64_t one = 1, two = 2;
  RunServices slot1;
  slot1.slot = 1;
  RunServices slot3;
  slot3.slot = 3;
  FakeRunContext on1(&slot1);
  FakeRunContext on3(&slot3);
  ASSERT_EQ(bpf_map_update_elem(handle(map), addr(&key), addr(&one), 0, 0, on1), 0u);
  ASSERT_EQ(bpf_map_update_elem(handle(map), addr(&key), addr(&two), 0, 0, on3), 0u);
  uint64_t seen1 = 0, seen3 = 0;
  std::memcpy(
      &seen1,
      reinterpret_cast<const void*>(bpf_map_lookup_elem(handle(map), addr(&key), 0, 0, 0, on1)), 8);
  std::memcpy(
      &seen3,
      reinterpret_cast<const void*>(bpf_map_lookup_elem(handle(map), addr(&key), 0, 0, 0, on3)), 8);
  EXPECT_EQ(seen1, 1u);
  EXPECT_EQ(seen3, 2u);
}

TEST_F(MapHelpers, ReadOnlyGlobalDataIsNotWritableForCheckedEngines) {
  MapDefinition rodata = definition(kMapArray, 4, 16, 1);
  rodata.readonly = true;
  rodata.flags = kBpfFRdonlyProg;
  auto map = make(rodata);
  FakeRunContext context;
  const uint32_t key = 0;
  ASSERT_NE(bpf_map_lookup_elem(handle(map), addr(&key), 0, 0, 0, context), 0u);
  ASSERT_EQ(context.regions.size(), 1u);
  EXPECT_FALSE(context.regions[0].writable);
}

TEST_F(MapHelpers, QueuePushPopPeek) {
  auto queue = make(definition(kMapQueue, 0, 4, 2));
  FakeRunContext context;
  const uint32_t a = 10, b = 20, c = 30;
  EXPECT_EQ(bpf_map_push_elem(handle(queue), addr(&a), 0, 0, 0, context), 0u);
  EXPECT_EQ(bpf_map_push_elem(handle(queue), addr(&b), 0, 0, 0, context), 0u);
  EXPECT_EQ(static_cast<int64_t>(bpf_map_push_elem(handle(queue), addr(&c), 0, 0, 0, context)),
            -7);  // -E2BIG
  uint32_t out = 0;
  EXPECT_EQ(bpf_map_peek_elem(handle(queue), addr(&out), 0, 0, 0, context), 0u);
  EXPECT_EQ(out, 10u);
  EXPECT_EQ(bpf_map_pop_elem(handle(queue), addr(&out), 0, 0, 0, context), 0u);
  EXPECT_EQ(out, 10u);
  EXPECT_EQ(bpf_map_pop_elem(handle(queue), addr(&out), 0, 0, 0, context), 0u);
  EXPECT_EQ(out, 20u);
  EXPECT_EQ(static_cast<int64_t>(bpf_map_pop_elem(handle(queue), addr(&out), 0, 0, 0, context)),
            -2);
}

TEST_F(MapHelpers, CheckedModeRefusesForgedMapsAndBadKeys) {
  auto map = make(definition(kMapHash, 4, 8, 16));
  std::vector<MapBinding> bindings = {MapBinding{map.get()}};
  const uint32_t key = 1;
  testing::RegionProbe regions;
  RunServices services;
  services.check_arguments = true;
  services.memory = regions.probe();

  FakeRunContext forged(&services);
  forged.env.maps = bindings;
  const uint64_t not_a_map = 0x1000;
  EXPECT_EQ(bpf_map_lookup_elem(not_a_map, addr(&key), 0, 0, 0, forged), 0u);
  EXPECT_TRUE(forged.failed());
  EXPECT_NE(forged.failure.find("is not a map of this program"), std::string::npos);

  FakeRunContext bad_key(&services);
  bad_key.env.maps = bindings;
  EXPECT_EQ(bpf_map_lookup_elem(handle(map), addr(&key), 0, 0, 0, bad_key), 0u);
  EXPECT_TRUE(bad_key.failed());
  EXPECT_NE(bad_key.failure.find("key"), std::string::npos);

  regions.add(&key, sizeof(key), false);
  FakeRunContext good(&services);
  good.env.maps = bindings;
  EXPECT_EQ(bpf_map_lookup_elem(handle(map), addr(&key), 0, 0, 0, good), 0u);
  EXPECT_FALSE(good.failed());
}

TEST_F(MapHelpers, MapInMapLookupReturnsTheInnerMapUsableAsAMapArgument) {
  MapDefinition inner_template = definition(kMapArray, 4, 8, 4);
  MapDefinition outer_definition = definition(kMapArrayOfMaps, 4, 4, 2);
  auto outer = make(outer_definition, &inner_template);
  std::shared_ptr<Map> inner = make(inner_template);
  ASSERT_TRUE(static_cast<ArrayOfMaps*>(outer.get())->set_inner(1, inner));
  std::vector<MapBinding> bindings = {MapBinding{outer.get()}};
  const uint32_t index = 1;
  const uint32_t key = 2;
  testing::RegionProbe regions;
  regions.add(&index, sizeof(index), false);
  regions.add(&key, sizeof(key), false);
  RunServices services;
  services.check_arguments = true;
  services.memory = regions.probe();
  FakeRunContext context(&services);
  context.env.maps = bindings;
  const uint64_t inner_handle = bpf_map_lookup_elem(handle(outer), addr(&index), 0, 0, 0, context);
  EXPECT_EQ(inner_handle, addr(inner.get()));
  EXPECT_TRUE(context.regions.empty());  // a map, not memory
  EXPECT_NE(bpf_map_lookup_elem(inner_handle, addr(&key), 0, 0, 0, context), 0u);
  EXPECT_FALSE(context.failed()) << context.failure;
}

TEST_F(MapHelpers, TailCallRecordsTheTargetAndEndsTheProgram) {
  auto progs = make(definition(kMapProgArray, 4, 4, 4));
  int program_a = 0;
  ASSERT_TRUE(static_cast<ProgArrayMap*>(progs.get())->set_program(2, &program_a));
  RunServices services;
  services.tail_call.limit = 33;
  FakeRunContext context(&services);
  EXPECT_EQ(bpf_tail_call(0, handle(progs), 2, 0, 0, context), 0u);
  EXPECT_TRUE(context.ended);
  EXPECT_EQ(services.tail_call.next_program, &program_a);
  EXPECT_EQ(services.tail_call.count, 1u);
}

TEST_F(MapHelpers, FailedTailCallsLetTheProgramContinue) {
  auto progs = make(definition(kMapProgArray, 4, 4, 4));
  int program_a = 0;
  ASSERT_TRUE(static_cast<ProgArrayMap*>(progs.get())->set_program(0, &program_a));
  RunServices services;
  FakeRunContext context(&services);
  EXPECT_EQ(static_cast<int64_t>(bpf_tail_call(0, handle(progs), 1, 0, 0, context)), -2);  // empty
  EXPECT_EQ(static_cast<int64_t>(bpf_tail_call(0, handle(progs), 4, 0, 0, context)),
            -2);  // out of range
  EXPECT_EQ(
      static_cast<int64_t>(bpf_tail_call(0, handle(progs), (uint64_t{1} << 32) | 9, 0, 0, context)),
      -2);
  EXPECT_FALSE(context.ended);
  EXPECT_EQ(services.tail_call.next_program, nullptr);
  services.tail_call.count = 33;  // the chain is at the kernel's limit
  EXPECT_EQ(static_cast<int64_t>(bpf_tail_call(0, handle(progs), 0, 0, 0, context)), -7);
  EXPECT_FALSE(context.ended);
  // Without RunServices there is nowhere to record the target.
  FakeRunContext bare;
  EXPECT_EQ(static_cast<int64_t>(bpf_tail_call(0, handle(progs), 0, 0, 0, bare)), -95);
  EXPECT_FALSE(bare.ended);
  // Not a program array.
  auto hash = make(definition(kMapHash, 4, 4, 4));
  EXPECT_EQ(static_cast<int64_t>(bpf_tail_call(0, handle(hash), 0, 0, 0, context)), -22);
}

TEST_F(MapHelpers, RingbufReserveSubmitDiscardOutputQuery) {
  auto ring = make(definition(kMapRingbuf, 0, 0, 4096));
  auto* rb = static_cast<RingBufferMap*>(ring.get());
  FakeRunContext context;
  const uint64_t record = bpf_ringbuf_reserve(handle(ring), 16, 0, 0, 0, context);
  ASSERT_NE(record, 0u);
  ASSERT_EQ(context.regions.size(), 1u);
  EXPECT_EQ(context.regions[0].base, record);
  EXPECT_EQ(context.regions[0].size, 16u);
  EXPECT_TRUE(context.regions[0].writable);
  std::memcpy(reinterpret_cast<void*>(record), "0123456789abcdef", 16);
  bpf_ringbuf_submit(record, 0, 0, 0, 0, context);
  const uint64_t dropped = bpf_ringbuf_reserve(handle(ring), 8, 0, 0, 0, context);
  ASSERT_NE(dropped, 0u);
  bpf_ringbuf_discard(dropped, 0, 0, 0, 0, context);
  const char text[] = "hello";
  EXPECT_EQ(bpf_ringbuf_output(handle(ring), addr(text), 5, 0, 0, context), 0u);
  EXPECT_EQ(bpf_ringbuf_query(handle(ring), kBpfRbRingSize, 0, 0, 0, context), 4096u);
  EXPECT_EQ(bpf_ringbuf_reserve(handle(ring), 8, 1, 0, 0, context), 0u);  // flags must be 0
  std::vector<std::string> records;
  rb->consume([&](std::span<const uint8_t> bytes) {
    records.emplace_back(bytes.begin(), bytes.end());
    return 0;
  });
  EXPECT_EQ(records, (std::vector<std::string>{"0123456789abcdef", "hello"}));
}

TEST_F(MapHelpers, CheckedModeTracksReservedRecords) {
  auto ring = make(definition(kMapRingbuf, 0, 0, 4096));
  std::vector<MapBinding> bindings = {MapBinding{ring.get()}};
  RunServices services;
  services.check_arguments = true;
  FakeRunContext context(&services);
  context.env.maps = bindings;
  const uint64_t record = bpf_ringbuf_reserve(handle(ring), 8, 0, 0, 0, context);
  ASSERT_NE(record, 0u);
  EXPECT_EQ(services.handles.record_count, 1u);
  bpf_ringbuf_submit(record, 0, 0, 0, 0, context);
  EXPECT_FALSE(context.failed());
  EXPECT_EQ(services.handles.record_count, 0u);
  bpf_ringbuf_submit(record, 0, 0, 0, 0, context);  // twice
  EXPECT_TRUE(context.failed());
  EXPECT_NE(context.failure.find("not a record this run reserved"), std::string::npos);
}

TEST_F(MapHelpers, PerfEventOutputAppendsToTheSlotsBufferWithPacketBytes) {
  auto perf = make(definition(kMapPerfEventArray, 4, 4, 0));
  auto* events = static_cast<PerfEventArrayMap*>(perf.get());
  const uint8_t packet[] = {0xaa, 0xbb, 0xcc, 0xdd};
  RunServices services;
  services.slot = 2;
  services.packet = packet;
  services.packet_size = sizeof(packet);
  FakeRunContext context(&services);
  const char data[] = "ev";
  EXPECT_EQ(bpf_perf_event_output(0, handle(perf), kBpfFCurrentCpu, addr(data), 2, context), 0u);
  const uint64_t with_packet = kBpfFCurrentCpu | (uint64_t{3} << 32);
  EXPECT_EQ(bpf_perf_event_output(0, handle(perf), with_packet, addr(data), 2, context), 0u);
  const uint64_t too_much = kBpfFCurrentCpu | (uint64_t{5} << 32);
  EXPECT_EQ(static_cast<int64_t>(
                bpf_perf_event_output(0, handle(perf), too_much, addr(data), 2, context)),
            -14);
  std::vector<std::pair<uint32_t, std::vector<uint8_t>>> records;
  events->consume([&](uint32_t index, std::span<const uint8_t> bytes) {
    records.emplace_back(index, std::vector<uint8_t>(bytes.begin(), bytes.end()));
    return 0;
  });
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].first, 2u);
  EXPECT_EQ(records[0].second, (std::vector<uint8_t>{'e', 'v'}));
  EXPECT_EQ(records[1].second, (std::vector<uint8_t>{'e', 'v', 0xaa, 0xbb, 0xcc}));
  auto hash = make(definition(kMapHash, 4, 4, 4));
  EXPECT_EQ(static_cast<int64_t>(bpf_perf_event_output(0, handle(hash), 0, addr(data), 2, context)),
            -22);
}

}  // namespace
}  // namespace sandbpf
