// The memory limit for all maps of one instance: creating or growing a map
// past it fails with a clear error (map creation) or -ENOMEM (updates).
//
// What is charged (the bytes each map allocates for keys and values, not
// the few bytes of its C++ object):
// * array, per-CPU array: every value, preallocated at creation
//   (max_entries x round_up(value_size, 8) [x slots]).
// * hash, per-CPU hash, LRU hash, LRU per-CPU hash, hash_of_maps: the
//   bucket table at creation; each element as it is added (header + key +
//   value(s)), released when the element is freed after its epoch. Linux
//   preallocates elements by default; sandbpf allocates on demand (as
//   BPF_F_NO_PREALLOC does) because a replaced or deleted element must stay
//   readable until the runs that saw it end, so memory is not bounded by
//   max_entries anyway. An update that cannot be charged fails with -ENOMEM.
// * ring buffer: its data area (twice its size, see ring_buffer_map.hpp).
// * perf event array: each record while it waits for the host (-ENOSPC
//   when it does not fit, like a full perf buffer).
// * queue, stack: max_entries values at creation. prog_array and the
//   array_of_maps: one pointer per entry at creation.
#pragma once

#include <atomic>
#include <cstdint>

namespace sandbpf {

class MapMemoryBudget {
 public:
  explicit MapMemoryBudget(uint64_t limit_bytes) : limit_(limit_bytes) {}
  // Reserves bytes; false (nothing reserved) when the limit would be passed.
  bool charge(uint64_t bytes);
  void release(uint64_t bytes);
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }
  uint64_t remaining() const {
    const uint64_t u = used();
    return u >= limit_ ? 0 : limit_ - u;
  }

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
};

}  // namespace sandbpf
