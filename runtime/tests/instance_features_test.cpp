// Every runtime feature through a clang-compiled object
// (tests/programs/features.c) on the generic platform with sandbpf's
// standard helpers: each map type, global data, subprograms, bpf_loop,
// tail calls, the ring buffer, perf event output and per-CPU maps. Each
// case runs on every engine, verified (fast code) and unverified (checked
// mode), with exact expected results and map contents, and on the JIT
// with its hardening (constant blinding, Spectre v1 masking).
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "helpers/maps/map_in_map.hpp"
#include "helpers/maps/perf_event_array_map.hpp"
#include "helpers/maps/ring_buffer_map.hpp"
#include "helpers/standard/standard_helpers.hpp"
#include "jit/jit.hpp"
#include "runtime/instance.hpp"

namespace sandbpf {
namespace {

const std::string kFeatures = std::string(SANDBPF_RUNTIME_TEST_OBJECTS) + "/features.o";

std::shared_ptr<const Platform> generic_with_helpers() {
  std::shared_ptr<Platform> platform = Platform::make_generic();
  EXPECT_TRUE(add_standard_helpers(platform->helpers()).has_value());
  return platform;
}

struct Mode {
  Engine engine;
  bool verify;
  // The JIT's hardening (constant blinding and Spectre v1 masking): the
  // same results are expected.
  bool hardened = false;
};

std::string mode_name(const testing::TestParamInfo<Mode>& info) {
  return std::string(engine_name(info.param.engine)) + (info.param.verify ? "_verified" : "_checked") +
         (info.param.hardened ? "_hardened" : "");
}

class Features : public testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    if (GetParam().engine == Engine::kJit && !jit_available())
      GTEST_SKIP() << "no JIT backend for this host";
  }

  std::unique_ptr<Instance> load(const std::string& program, uint32_t slots = 2) {
    InstanceOptions options;
    options.program = program;
    options.engine = GetParam().engine;
    options.verify = GetParam().verify;
    options.blind_constants = GetParam().hardened;
    options.spectre_v1 = GetParam().hardened;
    options.slots = slots;
    options.random_seed = 1;
    auto instance = Instance::load_file(kFeatures, generic_with_helpers(), options);
    EXPECT_TRUE(instance.has_value()) << instance.error().to_string();
    return instance ? std::move(*instance) : nullptr;
  }

  static uint64_t run(Instance& instance, size_t memory_bytes = 16) {
    std::vector<uint8_t> memory(memory_bytes, 0);
    auto r0 = instance.run_memory(memory);
    EXPECT_TRUE(r0.has_value()) << r0.error().to_string();
    return r0.value_or(~0ull);
  }
};

uint64_t host_u64(Map& map, uint32_t key, size_t value_bytes = 8) {
  std::vector<uint8_t> value(value_bytes);
  auto found = map.host_lookup({reinterpret_cast<const uint8_t*>(&key), 4}, value);
  EXPECT_TRUE(found.has_value()) << found.error().to_string();
  uint64_t out = 0;
  std::memcpy(&out, value.data(), std::min<size_t>(8, value_bytes));
  return out;
}

TEST_P(Features, HashMapUpdateFlagsDeleteAndLookup) {
  auto instance = load("hash_ops");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance), 1030u);
  Map& map = *instance->map("hash_map");
  EXPECT_EQ(host_u64(map, 1), 1u);
  EXPECT_EQ(host_u64(map, 4), 1000u);
  EXPECT_EQ(host_u64(map, 5), 25u);
  std::vector<uint8_t> value(8);
  const uint32_t three = 3;
  EXPECT_FALSE(map.host_lookup({reinterpret_cast<const uint8_t*>(&three), 4}, value).has_value());
}

TEST_P(Features, ArrayValuesPersistAcrossRuns) {
  auto instance = load("array_ops");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance), 4u);
  EXPECT_EQ(run(*instance), 8u);
  Map& map = *instance->map("array_map");
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(host_u64(map, i), 2 * (i + 1)) << i;
}

TEST_P(Features, PerCpuMapsCountPerSlot) {
  auto instance = load("percpu_ops", 3);
  ASSERT_TRUE(instance);
  const uint64_t slot = run(*instance);
  ASSERT_LT(slot, 3u);
  run(*instance);
  // The host sees one 8-byte value per slot; the runs of this thread all
  // took the same free slot.
  Map& array = *instance->map("percpu_array");
  ASSERT_EQ(array.host_value_size(), 24u);
  std::vector<uint8_t> values(24);
  const uint32_t zero = 0;
  ASSERT_TRUE(array.host_lookup({reinterpret_cast<const uint8_t*>(&zero), 4}, values).has_value());
  uint64_t per_slot[3];
  std::memcpy(per_slot, values.data(), 24);
  EXPECT_EQ(per_slot[0] + per_slot[1] + per_slot[2], 2u);
  EXPECT_EQ(per_slot[slot], 2u);
  Map& hash = *instance->map("percpu_hash");
  const uint32_t seven = 7;
  ASSERT_TRUE(hash.host_lookup({reinterpret_cast<const uint8_t*>(&seven), 4}, values).has_value());
  std::memcpy(per_slot, values.data(), 24);
  EXPECT_EQ(per_slot[slot], 2u);
}

TEST_P(Features, LruHashKeepsTheMostRecentEntries) {
  auto instance = load("lru_ops");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance), 4u);
  Map& lru = *instance->map("lru_map");
  // Keys 5 and 6 were inserted last: they must be there.
  EXPECT_EQ(host_u64(lru, 5, 4), 5u);
  EXPECT_EQ(host_u64(lru, 6, 4), 6u);
}

TEST_P(Features, QueueAndStackOrder) {
  auto instance = load("queue_stack_ops");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance), 132u);
  // Left: queue 2, 3; stack 2, 1 (popped by the host in that order).
  uint32_t value = 0;
  auto bytes = std::span<uint8_t>(reinterpret_cast<uint8_t*>(&value), 4);
  Map& queue = *instance->map("queue_map");
  ASSERT_TRUE(queue.host_lookup_and_delete({}, bytes).has_value());
  EXPECT_EQ(value, 2u);
  Map& stack = *instance->map("stack_map");
  ASSERT_TRUE(stack.host_lookup_and_delete({}, bytes).has_value());
  EXPECT_EQ(value, 2u);
  ASSERT_TRUE(stack.host_lookup_and_delete({}, bytes).has_value());
  EXPECT_EQ(value, 1u);
}

struct Event {
  uint32_t kind;
  uint32_t length;
  uint64_t value;
};

TEST_P(Features, RingBufferRecordsReachTheHostConsumer) {
  auto instance = load("ringbuf_ops");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance, 24), 0u);
  auto& ring = static_cast<RingBufferMap&>(*instance->map("events"));
  std::vector<Event> events;
  const uint64_t delivered = ring.consume([&](std::span<const uint8_t> record) {
    EXPECT_EQ(record.size(), sizeof(Event));
    Event e{};
    std::memcpy(&e, record.data(), std::min(record.size(), sizeof e));
    events.push_back(e);
    return 0;
  });
  ASSERT_EQ(delivered, 2u);  // the discarded record is skipped
  EXPECT_EQ(events[0].kind, 1u);
  EXPECT_EQ(events[0].length, 24u);
  EXPECT_EQ(events[0].value, 0x1122334455667788ull);
  EXPECT_EQ(events[1].kind, 2u);
  EXPECT_EQ(events[1].value, 42u);
}

TEST_P(Features, PerfEventOutputGoesToTheSlotsBuffer) {
  auto instance = load("perf_ops");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance), 0u);
  auto& perf = static_cast<PerfEventArrayMap&>(*instance->map("perf_events"));
  std::vector<Event> events;
  perf.consume([&](uint32_t, std::span<const uint8_t> record) {
    Event e{};
    std::memcpy(&e, record.data(), std::min(record.size(), sizeof e));
    events.push_back(e);
    return 0;
  });
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, 3u);
  EXPECT_EQ(events[0].value, 0xabcdefu);
}

TEST_P(Features, MapInMapLookupsReachInnerMapsTheHostSet) {
  auto instance = load("map_in_map_ops");
  ASSERT_TRUE(instance);
  // Without inner maps the program sees null and says so.
  EXPECT_EQ(run(*instance), 1u);
  // The host creates two inner maps like the template and puts them in.
  auto& outer_array = static_cast<ArrayOfMaps&>(*instance->map("outer_array"));
  auto& outer_hash = *instance->map("outer_hash");
  const MapDefinition inner = instance->map("inner_template")->definition();
  auto first = instance->create_map(inner);
  auto second = instance->create_map(inner);
  ASSERT_TRUE(first && second);
  std::shared_ptr<Map> a = *first;
  ASSERT_TRUE(outer_array.set_inner(0, a).has_value());
  std::shared_ptr<Map> b_owner = *second;
  Map* b = b_owner.get();
  const uint32_t nine = 9;
  ASSERT_TRUE(outer_hash
                  .host_update({reinterpret_cast<const uint8_t*>(&nine), 4},
                               {reinterpret_cast<const uint8_t*>(&b), sizeof b})
                  .has_value());
  EXPECT_EQ(run(*instance), 0u);
  EXPECT_EQ(run(*instance), 0u);
  EXPECT_EQ(host_u64(*a, 1), 10u);
  EXPECT_EQ(host_u64(*b, 1), 10u);
  // The hash map refers to `b` without owning it: take it out before it goes.
  ASSERT_TRUE(outer_hash.host_delete({reinterpret_cast<const uint8_t*>(&nine), 4}).has_value());
}

TEST_P(Features, GlobalDataStartsWithTheSectionsBytes) {
  auto instance = load("global_data_ops");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance), 107u);
  EXPECT_EQ(run(*instance), 114u);
  EXPECT_EQ(host_u64(*instance->map(".data"), 0), 114u);
  EXPECT_EQ(host_u64(*instance->map(".bss"), 0), 107u + 114u);
  EXPECT_EQ(host_u64(*instance->map(".rodata"), 0), 7u);
  // .rodata is frozen: the host cannot change it either.
  const uint32_t zero = 0;
  const uint64_t other = 9;
  EXPECT_FALSE(instance->map(".rodata")
                   ->host_update({reinterpret_cast<const uint8_t*>(&zero), 4},
                                 {reinterpret_cast<const uint8_t*>(&other), 8})
                   .has_value());
}

TEST_P(Features, SubprogramsWithTheirOwnFrames) {
  auto instance = load("subprogram_ops");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance), 25u);
}

TEST_P(Features, BpfLoopRunsTheCallback) {
  auto instance = load("loop_ops");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance), 45u);
}

TEST_P(Features, TailCallRunsTheTargetAndFailsWithoutOne) {
  auto instance = load("tail_caller");
  ASSERT_TRUE(instance);
  EXPECT_EQ(run(*instance), 1u);  // jump_table[0] empty: the program goes on
  ASSERT_TRUE(instance->set_tail_call("jump_table", 0, "tail_target").has_value());
  EXPECT_EQ(run(*instance), 42u);
}

TEST_P(Features, TailCallChainsStopAfter33) {
  auto instance = load("tail_self");
  ASSERT_TRUE(instance);
  ASSERT_TRUE(instance->set_tail_call("jump_table", 1, "tail_self").has_value());
  EXPECT_EQ(run(*instance), 7u);
  // The entry run and 33 tail calls, as Linux.
  EXPECT_EQ(host_u64(*instance->map("array_map"), 0), 34u);
}

TEST_P(Features, MemoryBoundedByR2) {
  auto instance = load("memory_ops");
  ASSERT_TRUE(instance);
  std::vector<uint8_t> memory(300);
  for (size_t i = 0; i < memory.size(); ++i) memory[i] = static_cast<uint8_t>(i);
  uint64_t expected = 0;
  for (size_t i = 0; i < 256; ++i) expected += memory[i];
  auto r0 = instance->run_memory(memory);
  ASSERT_TRUE(r0.has_value()) << r0.error().to_string();
  EXPECT_EQ(*r0, expected);
  std::vector<uint8_t> small = {1, 2, 3};
  EXPECT_EQ(instance->run_memory(small).value_or(0), 6u);
  // clang indexes the memory with `r4 = r1; r4 += r3` (insn 4), r3 in
  // [0, 255]: the bound Spectre v1 masking clamps r3 to (the _hardened
  // variant runs that masked code).
  if (GetParam().verify) {
    const auto& limits = instance->verification()->facts.pointer_offset_limits;
    ASSERT_GT(limits.size(), 4u);
    EXPECT_EQ(limits[4], (PointerOffsetLimit{3, 255}));
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, Features,
                         testing::Values(Mode{Engine::kInterpreter, true},
                                         Mode{Engine::kInterpreter, false},
                                         Mode{Engine::kJit, true}, Mode{Engine::kJit, false},
                                         Mode{Engine::kJit, true, true}),
                         mode_name);

}  // namespace
}  // namespace sandbpf
