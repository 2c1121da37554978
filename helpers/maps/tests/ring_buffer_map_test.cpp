// ringbuf: Linux's record layout and positions (kernel/bpf/ringbuf.c,
// Documentation/bpf/ringbuf.rst): 8-byte headers, records rounded up to 8,
// the producer at most size - 1 bytes ahead of the consumer.
#include "helpers/maps/ring_buffer_map.hpp"

#include <cerrno>
#include <string>
#include <thread>
#include <vector>

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

RingBufferMap& ring(std::unique_ptr<Map>& map) { return static_cast<RingBufferMap&>(*map); }

std::vector<std::string> drain(RingBufferMap& rb) {
  std::vector<std::string> records;
  rb.consume([&](std::span<const uint8_t> r) {
    records.emplace_back(r.begin(), r.end());
    return 0;
  });
  return records;
}

TEST(RingBufferMap, OutputAndConsumeInOrder) {
  TestEnvironment t;
  auto map = t.make(map_def("events", kMapRingbuf, 0, 0, 4096));
  RingBufferMap& rb = ring(map);
  EXPECT_EQ(rb.output("hello", 5, 0), 0);
  EXPECT_EQ(rb.query(kBpfRbProdPos), 16u);  // 8 header + 5 data, rounded up to 8
  EXPECT_EQ(rb.query(kBpfRbAvailData), 16u);
  EXPECT_EQ(rb.output("world!!!", 8, 0), 0);
  EXPECT_EQ(rb.query(kBpfRbProdPos), 32u);
  EXPECT_EQ(drain(rb), (std::vector<std::string>{"hello", "world!!!"}));
  EXPECT_EQ(rb.query(kBpfRbConsPos), 32u);
  EXPECT_EQ(rb.query(kBpfRbAvailData), 0u);
  EXPECT_EQ(rb.query(kBpfRbRingSize), 4096u);
  EXPECT_EQ(rb.query(17), 0u);
  EXPECT_TRUE(drain(rb).empty());
}

TEST(RingBufferMap, DiscardedRecordsAreSkipped) {
  TestEnvironment t;
  auto map = t.make(map_def("events", kMapRingbuf, 0, 0, 4096));
  RingBufferMap& rb = ring(map);
  ASSERT_EQ(rb.output("a", 1, 0), 0);
  auto* first = static_cast<char*>(rb.reserve(3, 0));
  auto* second = static_cast<char*>(rb.reserve(2, 0));
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  std::memcpy(first, "xyz", 3);
  std::memcpy(second, "ok", 2);
  RingBufferMap::discard(first, 0);
  RingBufferMap::submit(second, 0);
  EXPECT_EQ(drain(rb), (std::vector<std::string>{"a", "ok"}));
  EXPECT_EQ(rb.query(kBpfRbConsPos), 48u);  // the discarded record's space is consumed too
}

TEST(RingBufferMap, ConsumerStopsAtARecordStillBeingWritten) {
  TestEnvironment t;
  auto map = t.make(map_def("events", kMapRingbuf, 0, 0, 4096));
  RingBufferMap& rb = ring(map);
  auto* pending = static_cast<char*>(rb.reserve(4, 0));
  ASSERT_EQ(rb.output("late", 4, 0), 0);
  EXPECT_TRUE(drain(rb).empty());  // the first record is busy
  std::memcpy(pending, "busy", 4);
  RingBufferMap::submit(pending, 0);
  EXPECT_EQ(drain(rb), (std::vector<std::string>{"busy", "late"}));
}

TEST(RingBufferMap, ReserveChecksFlagsSizeAndRoom) {
  TestEnvironment t;
  auto map = t.make(map_def("events", kMapRingbuf, 0, 0, 4096));
  RingBufferMap& rb = ring(map);
  EXPECT_EQ(rb.reserve(8, 1), nullptr);     // flags must be 0
  EXPECT_EQ(rb.reserve(4081, 0), nullptr);  // 4096 bytes with its header: more than size - 1
  void* biggest = rb.reserve(4080, 0);      // 4088 bytes
  ASSERT_NE(biggest, nullptr);
  RingBufferMap::discard(biggest, 0);
  EXPECT_EQ(drain(rb).size(), 0u);

  // Fill: 2008 + 2008 + 72 = 4088 bytes; 16 more would put the producer
  // 4104 bytes ahead.
  void* a = rb.reserve(2000, 0);
  void* b = rb.reserve(2000, 0);
  void* c = rb.reserve(64, 0);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(rb.reserve(8, 0), nullptr);
  EXPECT_EQ(rb.output("x", 1, 0), -EAGAIN);
  EXPECT_EQ(rb.output("x", 1, 4), -EINVAL);  // unknown flag
  RingBufferMap::submit(a, 0);
  RingBufferMap::submit(b, 0);
  RingBufferMap::submit(c, 0);
  EXPECT_EQ(drain(rb).size(), 3u);
  EXPECT_EQ(rb.output("x", 1, 0), 0);
}

TEST(RingBufferMap, RecordsWrapAroundTheEndIntact) {
  TestEnvironment t;
  auto map = t.make(map_def("events", kMapRingbuf, 0, 0, 4096));
  RingBufferMap& rb = ring(map);
  std::string filler(1000, 'f');
  for (int i = 0; i < 3; ++i) ASSERT_EQ(rb.output(filler.data(), filler.size(), 0), 0);
  EXPECT_EQ(rb.query(kBpfRbProdPos), 3024u);  // 3 x 1008
  EXPECT_EQ(drain(rb).size(), 3u);
  // Starts at offset 3024 and runs 2008 bytes: past the end of the ring.
  auto* record = static_cast<uint8_t*>(rb.reserve(2000, 0));
  ASSERT_NE(record, nullptr);
  for (int i = 0; i < 2000; ++i) record[i] = static_cast<uint8_t>(i * 7);
  RingBufferMap::submit(record, 0);
  ASSERT_EQ(rb.output("next", 4, 0), 0);  // at offset 5032 & 4095 = 936
  std::vector<std::string> records = drain(rb);
  ASSERT_EQ(records.size(), 2u);
  ASSERT_EQ(records[0].size(), 2000u);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(static_cast<uint8_t>(records[0][i]), static_cast<uint8_t>(i * 7));
  EXPECT_EQ(records[1], "next");
  EXPECT_EQ(rb.query(kBpfRbConsPos), 5048u);
  EXPECT_EQ(rb.query(kBpfRbProdPos), 5048u);
}

TEST(RingBufferMap, ACallbackReturningNonZeroStopsAfterItsRecord) {
  TestEnvironment t;
  auto map = t.make(map_def("events", kMapRingbuf, 0, 0, 4096));
  RingBufferMap& rb = ring(map);
  for (char c : std::string("abc")) ASSERT_EQ(rb.output(&c, 1, 0), 0);
  int seen = 0;
  EXPECT_EQ(rb.consume([&](std::span<const uint8_t>) { return ++seen == 2 ? 1 : 0; }), 2u);
  EXPECT_EQ(drain(rb), (std::vector<std::string>{"c"}));
}

TEST(RingBufferMap, WakeupsFollowLinux) {
  TestEnvironment t;
  auto map = t.make(map_def("events", kMapRingbuf, 0, 0, 4096));
  RingBufferMap& rb = ring(map);
  int wakeups = 0;
  rb.set_notify([&] { ++wakeups; });
  ASSERT_EQ(rb.output("1", 1, 0), 0);  // the consumer is at this record: wake
  EXPECT_EQ(wakeups, 1);
  ASSERT_EQ(rb.output("2", 1, 0), 0);  // the consumer has not reached it: no
  EXPECT_EQ(wakeups, 1);
  ASSERT_EQ(rb.output("3", 1, kBpfRbForceWakeup), 0);
  EXPECT_EQ(wakeups, 2);
  drain(rb);
  ASSERT_EQ(rb.output("4", 1, kBpfRbNoWakeup), 0);
  EXPECT_EQ(wakeups, 2);
  void* r = rb.reserve(1, 0);
  RingBufferMap::submit(r, kBpfRbForceWakeup);
  EXPECT_EQ(wakeups, 3);
}

TEST(RingBufferMap, HasNoElements) {
  TestEnvironment t;
  auto map = t.make(map_def("events", kMapRingbuf, 0, 0, 8192));
  EXPECT_EQ(map->lookup(nullptr, 0), nullptr);
  EXPECT_EQ(map->update(nullptr, nullptr, 0, 0), -kENotSupp);
  EXPECT_EQ(map->erase(nullptr, 0), -kENotSupp);
  EXPECT_EQ(error_of(map->host_delete({})), "map 'events': delete: not supported by this map type (ENOTSUPP)");
  EXPECT_EQ(map->memory_used(), 64u + 2 * 8192);
}

TEST(RingBufferMap, DefinitionChecks) {
  TestEnvironment t;
  const std::string rule = "a ringbuf map's max_entries is its size in bytes, a power of 2 and a "
                           "multiple of 4096; ";
  EXPECT_EQ(t.create_error(map_def("rb", kMapRingbuf, 0, 0, 4095)), "map 'rb': " + rule + "4095 is not");
  EXPECT_EQ(t.create_error(map_def("rb", kMapRingbuf, 0, 0, 12288)), "map 'rb': " + rule + "12288 is not");
  EXPECT_EQ(t.create_error(map_def("rb", kMapRingbuf, 0, 0, 2048)), "map 'rb': " + rule + "2048 is not");
  EXPECT_EQ(t.create_error(map_def("rb", kMapRingbuf, 4, 0, 4096)),
            "map 'rb': a ringbuf map has key_size and value_size 0, not 4 and 0");
  EXPECT_EQ(t.create_error(map_def("rb", kMapRingbuf, 0, 0, 4096, kBpfFRdonlyProg)),
            "map 'rb': flags 0x80 are not valid for a ringbuf map");
  EXPECT_EQ(t.create_error(map_def("rb", kMapRingbuf, 0, 0, 1 << 20)), "(created)");
}

TEST(RingBufferMap, ConcurrentProducersKeepTheirOwnOrder) {
  TestEnvironment t;
  auto map = t.make(map_def("events", kMapRingbuf, 0, 0, 16384));
  RingBufferMap& rb = ring(map);
  constexpr uint32_t kProducers = 3, kRecords = 20000;
  std::atomic<uint32_t> done{0};
  std::vector<std::thread> producers;
  for (uint32_t p = 0; p < kProducers; ++p)
    producers.emplace_back([&, p] {
      for (uint32_t i = 0; i < kRecords;) {
        uint32_t record[2] = {p, i};
        if (i % 3 == 0) {
          void* r = rb.reserve(sizeof record, 0);
          if (!r) {
            std::this_thread::yield();
            continue;
          }
          std::memcpy(r, record, sizeof record);
          RingBufferMap::submit(r, 0);
        } else if (rb.output(record, sizeof record, 0) != 0) {
          std::this_thread::yield();
          continue;
        }
        ++i;
      }
      done.fetch_add(1);
    });
  std::vector<uint32_t> next(kProducers, 0);
  uint64_t total = 0;
  bool ordered = true;
  auto take = [&](std::span<const uint8_t> r) {
    uint32_t record[2];
    std::memcpy(record, r.data(), sizeof record);
    if (r.size() != sizeof record || record[0] >= kProducers || record[1] != next[record[0]])
      ordered = false;
    else
      ++next[record[0]];
    ++total;
    return 0;
  };
  while (done.load() < kProducers) {
    if (rb.consume(take) == 0) std::this_thread::yield();
  }
  for (auto& p : producers) p.join();
  rb.consume(take);
  EXPECT_TRUE(ordered);
  EXPECT_EQ(total, uint64_t{kProducers} * kRecords);
}

}  // namespace
}  // namespace sandbpf
