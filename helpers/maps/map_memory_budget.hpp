// The memory limit for all maps of one instance: creating or growing a map
// past it fails with a clear error (map creation) or -ENOMEM (updates).
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

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
};

}  // namespace sandbpf
