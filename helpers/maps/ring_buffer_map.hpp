// BPF_MAP_TYPE_RINGBUF: a multi-producer, single-consumer ring of variable
// length records shared by all runs, with Linux's program-side helpers
// (bpf_ringbuf_reserve/submit/discard/output/query) and a host-side
// consumer. max_entries is the ring's size in bytes: a power of 2 and a
// multiple of 4096; key_size and value_size are 0.
//
// Layout and positions are Linux's: each record is an 8-byte header (length
// with a BUSY and a DISCARD bit, and the header's offset, from which submit
// finds the ring) followed by the data, the whole rounded up to 8 bytes.
// Positions only grow; the producer may be at most size - 1 bytes ahead of
// the consumer (so the largest record's data is size - 16 bytes). Linux maps
// the data pages twice so that a record crossing the end stays contiguous;
// sandbpf allocates the data area twice the size instead and lets such a
// record continue into the second half (a record always starts in the first
// half, and live records never overlap in memory), so no copying is needed.
//
// Producers serialise on a spin lock only to reserve (a few instructions);
// writing and committing a record take no lock. The consumer stops at the
// first record still being written (BUSY), even if later ones are done,
// and skips discarded records. Wakeups follow Linux: a commit notifies when
// the consumer had caught up with that record, unless BPF_RB_NO_WAKEUP;
// BPF_RB_FORCE_WAKEUP always notifies. The host sees them via set_notify.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>

#include "helpers/maps/map.hpp"
#include "helpers/maps/map_support.hpp"

namespace sandbpf {

inline constexpr uint64_t kBpfRbNoWakeup = 1;
inline constexpr uint64_t kBpfRbForceWakeup = 2;
// bpf_ringbuf_query flags.
inline constexpr uint64_t kBpfRbAvailData = 0;
inline constexpr uint64_t kBpfRbRingSize = 1;
inline constexpr uint64_t kBpfRbConsPos = 2;
inline constexpr uint64_t kBpfRbProdPos = 3;

class RingBufferMap final : public Map {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);

  // ---- program side (any number of threads).
  // bpf_ringbuf_reserve: null when flags != 0, the record is too large or
  // there is no room.
  void* reserve(uint64_t size, uint64_t flags);
  // bpf_ringbuf_submit / bpf_ringbuf_discard: `sample` is what reserve
  // returned (from any ring buffer: the record knows its ring).
  static void submit(void* sample, uint64_t flags);
  static void discard(void* sample, uint64_t flags);
  // bpf_ringbuf_output: 0, -EINVAL (unknown flags) or -EAGAIN (no room).
  long output(const void* data, uint64_t size, uint64_t flags);
  // bpf_ringbuf_query: available data, ring size, consumer or producer
  // position; 0 for unknown flags.
  uint64_t query(uint64_t flags) const;

  // ---- host side. One consumer at a time (consume serialises).
  // Calls `record` for each submitted record in order, skipping discarded
  // ones, until it reaches one still being written or the producer position.
  // A non-zero return from `record` stops after that record (it counts as
  // consumed, as in libbpf). Returns the number of records delivered.
  using RecordCallback = std::function<int(std::span<const uint8_t> record)>;
  uint64_t consume(const RecordCallback& record);
  void set_notify(std::function<void()> notify);
  uint64_t ring_size() const { return size_; }

  // ---- Map: there are no elements (Linux: ENOTSUPP everywhere).
  void* lookup(const void*, uint32_t) override { return nullptr; }
  long update(const void*, const void*, uint64_t, uint32_t) override { return -kENotSupp; }
  long erase(const void*, uint32_t) override { return -kENotSupp; }
  uint64_t memory_used() const override { return account_.used(); }

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t>, std::span<uint8_t>) override;
  Result<void> do_host_update(std::span<const uint8_t>, std::span<const uint8_t>, uint64_t) override;
  Result<void> do_host_delete(std::span<const uint8_t>) override;
  Result<bool> do_host_next_key(std::span<const uint8_t>, std::span<uint8_t>) override;

 private:
  RingBufferMap(const MapDefinition& definition, const MapEnvironment& environment);
  static void commit(void* sample, uint64_t flags, bool discard);

  const uint64_t size_;
  const uint64_t mask_;
  maps_internal::MemoryAccount account_;
  maps_internal::RawStorage memory_;  // control block, then 2 * size_ bytes of data
  uint8_t* data_ = nullptr;
  maps_internal::SpinLock producer_lock_;
  alignas(64) std::atomic<uint64_t> producer_pos_{0};
  alignas(64) std::atomic<uint64_t> consumer_pos_{0};
  std::mutex consumer_lock_;
  std::mutex notify_lock_;
  std::function<void()> notify_;
  std::atomic<bool> has_notify_{false};
};

}  // namespace sandbpf
