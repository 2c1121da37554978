// BPF_MAP_TYPE_PERF_EVENT_ARRAY: bpf_perf_event_output(ctx, map, flags,
// data, size) appends a record to the buffer of one index (an index per
// CPU in Linux; here usually one per slot: BPF_F_CURRENT_CPU picks the
// run's slot). The host drains the buffers with consume(), getting each
// record with its index. key_size and value_size are 4 (Linux: a perf event
// fd); max_entries 0 means one index per slot (libbpf uses the CPU count).
//
// Each index's buffer holds at most buffer_size() bytes of records (each
// record costs its size rounded up to 8 plus 8): a record that does not fit
// is lost (counted, -ENOSPC, as when a perf ring is full). Records are
// charged to the memory budget while they wait.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "helpers/maps/map.hpp"
#include "helpers/maps/map_support.hpp"

namespace sandbpf {

inline constexpr uint64_t kBpfFIndexMask = 0xffffffffull;
inline constexpr uint64_t kBpfFCurrentCpu = kBpfFIndexMask;
inline constexpr uint64_t kBpfFCtxlenMask = 0xfffffull << 32;

class PerfEventArrayMap final : public Map {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);
  ~PerfEventArrayMap() override;

  // ---- program side. flags: the index (or BPF_F_CURRENT_CPU for `slot`)
  // in the low 32 bits; BPF_F_CTXLEN_MASK bits are accepted (the helper
  // appends the context bytes to `data` itself). 0, -EINVAL (other flag
  // bits), -E2BIG (index >= max_entries), -ENOSPC (buffer full: lost).
  long output(uint64_t flags, const void* data, uint64_t size, uint32_t slot);

  // ---- host side.
  using RecordCallback = std::function<int(uint32_t index, std::span<const uint8_t> record)>;
  // Drains every index in order of index, each in output order; a non-zero
  // return stops (that record counts as consumed). Returns records delivered.
  uint64_t consume(const RecordCallback& record);
  uint64_t consume(uint32_t index, const RecordCallback& record);
  uint64_t lost(uint32_t index) const;           // records that did not fit
  void set_buffer_size(uint64_t bytes);          // per index, default 64 KiB
  uint64_t buffer_size() const { return capacity_.load(std::memory_order_relaxed); }

  // ---- Map: no elements a program can look up or change.
  void* lookup(const void*, uint32_t) override { return nullptr; }
  long update(const void*, const void*, uint64_t, uint32_t) override { return -EINVAL; }
  long erase(const void*, uint32_t) override { return -EINVAL; }
  uint64_t memory_used() const override { return account_.used(); }

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t>, std::span<uint8_t>) override;
  Result<void> do_host_update(std::span<const uint8_t>, std::span<const uint8_t>, uint64_t) override;
  // Drops the index's waiting records.
  Result<void> do_host_delete(std::span<const uint8_t> key) override;
  Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) override;

 private:
  struct Channel {
    mutable std::mutex lock;
    std::deque<std::vector<uint8_t>> records;
    uint64_t bytes = 0;
    uint64_t lost = 0;
  };
  PerfEventArrayMap(const MapDefinition& definition, const MapEnvironment& environment);
  static uint64_t cost(uint64_t size) { return maps_internal::round_up8(size) + 8; }
  uint64_t drain(uint32_t index, const RecordCallback& record, bool& stop);

  maps_internal::MemoryAccount account_;
  std::unique_ptr<Channel[]> channels_;
  std::atomic<uint64_t> capacity_{64 * 1024};
};

}  // namespace sandbpf
