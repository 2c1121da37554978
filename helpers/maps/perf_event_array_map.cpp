#include "helpers/maps/perf_event_array_map.hpp"

#include <cerrno>

namespace sandbpf {

using namespace maps_internal;

namespace {

constexpr uint32_t kArrayFlags =
    kBpfFNumaNode | kBpfFMmapable | kBpfFAccessMask | kBpfFPreserveElems | kBpfFInnerMap;

}  // namespace

PerfEventArrayMap::PerfEventArrayMap(const MapDefinition& definition,
                                     const MapEnvironment& environment)
    : Map(definition),
      account_(environment.budget),
      channels_(new Channel[definition.max_entries]) {}

PerfEventArrayMap::~PerfEventArrayMap() = default;  // the account returns waiting records' bytes

Result<std::unique_ptr<Map>> PerfEventArrayMap::create(const MapDefinition& definition,
                                                       const MapEnvironment& environment) {
  MapDefinition d = definition;
  if (d.max_entries == 0) d.max_entries = environment.slots;  // as libbpf: one per CPU
  if (d.key_size != 4 || d.value_size != 4)
    return definition_error(d, fmt::format("a perf_event_array map has key_size and value_size 4, "
                                           "not {} and {}",
                                           d.key_size, d.value_size));
  if (d.flags & ~kArrayFlags)
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for a perf_event_array map",
                                           d.flags & ~kArrayFlags));
  return std::unique_ptr<Map>(new PerfEventArrayMap(d, environment));
}

long PerfEventArrayMap::output(uint64_t flags, const void* data, uint64_t size, uint32_t slot) {
  if (flags & ~(kBpfFIndexMask | kBpfFCtxlenMask)) return -EINVAL;
  uint64_t index = flags & kBpfFIndexMask;
  if (index == kBpfFCurrentCpu) index = slot;
  if (index >= definition().max_entries) return -E2BIG;
  Channel& channel = channels_[index];
  const uint64_t bytes = cost(size);
  std::lock_guard<std::mutex> hold(channel.lock);
  if (channel.bytes + bytes > capacity_.load(std::memory_order_relaxed) || !account_.charge(bytes)) {
    ++channel.lost;
    return -ENOSPC;
  }
  const auto* p = static_cast<const uint8_t*>(data);
  channel.records.emplace_back(p, p + size);
  channel.bytes += bytes;
  return 0;
}

uint64_t PerfEventArrayMap::drain(uint32_t index, const RecordCallback& record, bool& stop) {
  Channel& channel = channels_[index];
  uint64_t delivered = 0;
  while (!stop) {
    std::vector<uint8_t> next;
    {
      std::lock_guard<std::mutex> hold(channel.lock);
      if (channel.records.empty()) break;
      next = std::move(channel.records.front());
      channel.records.pop_front();
      channel.bytes -= cost(next.size());
      account_.release(cost(next.size()));
    }
    ++delivered;
    if (record(index, std::span<const uint8_t>(next))) stop = true;
  }
  return delivered;
}

uint64_t PerfEventArrayMap::consume(const RecordCallback& record) {
  bool stop = false;
  uint64_t delivered = 0;
  for (uint32_t i = 0; i < definition().max_entries && !stop; ++i) delivered += drain(i, record, stop);
  return delivered;
}

uint64_t PerfEventArrayMap::consume(uint32_t index, const RecordCallback& record) {
  if (index >= definition().max_entries) return 0;
  bool stop = false;
  return drain(index, record, stop);
}

uint64_t PerfEventArrayMap::lost(uint32_t index) const {
  if (index >= definition().max_entries) return 0;
  std::lock_guard<std::mutex> hold(channels_[index].lock);
  return channels_[index].lost;
}

void PerfEventArrayMap::set_buffer_size(uint64_t bytes) {
  capacity_.store(bytes, std::memory_order_relaxed);
}

Result<void> PerfEventArrayMap::do_host_lookup(std::span<const uint8_t>, std::span<uint8_t>) {
  return host_error("lookup", -kENotSupp);
}

Result<void> PerfEventArrayMap::do_host_update(std::span<const uint8_t>, std::span<const uint8_t>,
                                               uint64_t) {
  return host_error("update", "there are no perf event files to store; every index already has a "
                              "buffer (EOPNOTSUPP)");
}

Result<void> PerfEventArrayMap::do_host_delete(std::span<const uint8_t> key) {
  const uint32_t index = read_u32(key.data());
  if (index >= definition().max_entries) return host_error("delete", -E2BIG);
  Channel& channel = channels_[index];
  std::lock_guard<std::mutex> hold(channel.lock);
  account_.release(channel.bytes);
  channel.bytes = 0;
  channel.records.clear();
  return {};
}

Result<bool> PerfEventArrayMap::do_host_next_key(std::span<const uint8_t> key,
                                                 std::span<uint8_t> next_out) {
  return array_next_key(key, definition().max_entries, next_out.data());
}

}  // namespace sandbpf
