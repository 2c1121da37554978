#include "helpers/maps/ring_buffer_map.hpp"

#include <bit>
#include <cerrno>
#include <cstring>

namespace sandbpf {

using namespace maps_internal;

namespace {

constexpr uint32_t kBusyBit = 1u << 31;
constexpr uint32_t kDiscardBit = 1u << 30;
constexpr uint64_t kHeaderSize = 8;
constexpr uint64_t kMaxRecordSize = 0xffffffffull / 4;  // Linux's RINGBUF_MAX_RECORD_SZ
constexpr uint64_t kControlSize = 64;                  // holds the owner pointer

// Record header fields, accessed atomically (the length is the commit flag).
std::atomic_ref<uint32_t> header_length(uint8_t* header) {
  return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(header));
}
uint32_t& header_offset(uint8_t* header) { return *reinterpret_cast<uint32_t*>(header + 4); }

}  // namespace

RingBufferMap::RingBufferMap(const MapDefinition& definition, const MapEnvironment& environment)
    : Map(definition),
      size_(definition.max_entries),
      mask_(definition.max_entries - 1),
      account_(environment.budget) {}

Result<std::unique_ptr<Map>> RingBufferMap::create(const MapDefinition& d,
                                                   const MapEnvironment& environment) {
  if (d.key_size != 0 || d.value_size != 0)
    return definition_error(d, fmt::format("a ringbuf map has key_size and value_size 0, not {} and {}",
                                           d.key_size, d.value_size));
  if (d.flags & ~kBpfFNumaNode)
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for a ringbuf map",
                                           d.flags & ~kBpfFNumaNode));
  if (d.max_entries == 0 || !std::has_single_bit(d.max_entries) || d.max_entries % kPageSize != 0)
    return definition_error(d, fmt::format("a ringbuf map's max_entries is its size in bytes, a power "
                                           "of 2 and a multiple of {}; {} is not",
                                           kPageSize, d.max_entries));
  std::unique_ptr<RingBufferMap> map(new RingBufferMap(d, environment));
  const uint64_t bytes = kControlSize + 2 * uint64_t{d.max_entries};
  if (auto charged = charge_at_creation(map->account_, d, bytes); !charged)
    return std::unexpected(charged.error());
  map->memory_ = allocate_zeroed(bytes);
  *reinterpret_cast<RingBufferMap**>(map->memory_.get()) = map.get();
  map->data_ = map->memory_.get() + kControlSize;
  return std::unique_ptr<Map>(std::move(map));
}

void* RingBufferMap::reserve(uint64_t size, uint64_t flags) {
  if (flags != 0 || size > kMaxRecordSize) return nullptr;
  const uint64_t length = round_up8(size + kHeaderSize);
  if (length > size_) return nullptr;
  std::lock_guard<SpinLock> hold(producer_lock_);
  const uint64_t consumer = consumer_pos_.load(std::memory_order_acquire);
  const uint64_t producer = producer_pos_.load(std::memory_order_relaxed);
  const uint64_t next = producer + length;
  if (next - consumer > mask_) return nullptr;
  uint8_t* header = data_ + (producer & mask_);
  header_length(header).store(static_cast<uint32_t>(size) | kBusyBit, std::memory_order_relaxed);
  header_offset(header) = static_cast<uint32_t>((header - memory_.get()) / 8);
  producer_pos_.store(next, std::memory_order_release);
  return header + kHeaderSize;
}

void RingBufferMap::commit(void* sample, uint64_t flags, bool discard) {
  uint8_t* header = static_cast<uint8_t*>(sample) - kHeaderSize;
  uint8_t* base = header - uint64_t{header_offset(header)} * 8;
  RingBufferMap* ring = *reinterpret_cast<RingBufferMap**>(base);
  const uint64_t record_offset = static_cast<uint64_t>(header - ring->data_);
  const uint64_t consumer = ring->consumer_pos_.load(std::memory_order_acquire) & ring->mask_;
  uint32_t length = header_length(header).load(std::memory_order_relaxed) & ~kBusyBit;
  if (discard) length |= kDiscardBit;
  header_length(header).exchange(length, std::memory_order_acq_rel);
  const bool wake = (flags & kBpfRbForceWakeup) ||
                    (consumer == record_offset && !(flags & kBpfRbNoWakeup));
  if (wake && ring->has_notify_.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> hold(ring->notify_lock_);
    if (ring->notify_) ring->notify_();
  }
}

void RingBufferMap::submit(void* sample, uint64_t flags) { commit(sample, flags, false); }
void RingBufferMap::discard(void* sample, uint64_t flags) { commit(sample, flags, true); }

long RingBufferMap::output(const void* data, uint64_t size, uint64_t flags) {
  if (flags & ~(kBpfRbNoWakeup | kBpfRbForceWakeup)) return -EINVAL;
  void* record = reserve(size, 0);
  if (!record) return -EAGAIN;
  std::memcpy(record, data, size);
  submit(record, flags);
  return 0;
}

uint64_t RingBufferMap::query(uint64_t flags) const {
  switch (flags) {
    case kBpfRbAvailData:
      return producer_pos_.load(std::memory_order_acquire) -
             consumer_pos_.load(std::memory_order_acquire);
    case kBpfRbRingSize: return size_;
    case kBpfRbConsPos: return consumer_pos_.load(std::memory_order_acquire);
    case kBpfRbProdPos: return producer_pos_.load(std::memory_order_acquire);
    default: return 0;
  }
}

uint64_t RingBufferMap::consume(const RecordCallback& record) {
  std::lock_guard<std::mutex> hold(consumer_lock_);
  uint64_t consumer = consumer_pos_.load(std::memory_order_relaxed);
  uint64_t delivered = 0;
  for (;;) {
    const uint64_t producer = producer_pos_.load(std::memory_order_acquire);
    if (consumer >= producer) return delivered;
    while (consumer < producer) {
      uint8_t* header = data_ + (consumer & mask_);
      const uint32_t length = header_length(header).load(std::memory_order_acquire);
      if (length & kBusyBit) return delivered;
      const uint32_t data_size = length & ~(kBusyBit | kDiscardBit);
      consumer += round_up8(data_size + kHeaderSize);
      int stop = 0;
      if (!(length & kDiscardBit)) {
        ++delivered;
        stop = record(std::span<const uint8_t>(header + kHeaderSize, data_size));
      }
      consumer_pos_.store(consumer, std::memory_order_release);
      if (stop) return delivered;
    }
  }
}

void RingBufferMap::set_notify(std::function<void()> notify) {
  std::lock_guard<std::mutex> hold(notify_lock_);
  notify_ = std::move(notify);
  has_notify_.store(static_cast<bool>(notify_), std::memory_order_release);
}

Result<void> RingBufferMap::do_host_lookup(std::span<const uint8_t>, std::span<uint8_t>) {
  return host_error("lookup", -kENotSupp);
}
Result<void> RingBufferMap::do_host_update(std::span<const uint8_t>, std::span<const uint8_t>,
                                           uint64_t) {
  return host_error("update", -kENotSupp);
}
Result<void> RingBufferMap::do_host_delete(std::span<const uint8_t>) {
  return host_error("delete", -kENotSupp);
}
Result<bool> RingBufferMap::do_host_next_key(std::span<const uint8_t>, std::span<uint8_t>) {
  return host_error("next key", -kENotSupp);
}

}  // namespace sandbpf
