#include "runtime/slot_pool.hpp"

#include <algorithm>
#include <functional>
#include <thread>

namespace sandbpf {

SlotPool::SlotPool(uint32_t slots)
    : size_(std::max<uint32_t>(slots, 1)),
      busy_(new std::atomic<uint8_t>[size_]),
      free_count_(size_) {
  for (uint32_t i = 0; i < size_; ++i) busy_[i].store(0, std::memory_order_relaxed);
}

std::optional<uint32_t> SlotPool::try_acquire() {
  // Start where this thread's id points, so threads spread over the slots
  // and a thread tends to reuse the same one (its per-CPU values stay warm).
  const uint32_t start =
      static_cast<uint32_t>(std::hash<std::thread::id>{}(std::this_thread::get_id()) % size_);
  for (uint32_t k = 0; k < size_; ++k) {
    const uint32_t slot = (start + k) % size_;
    uint8_t expected = 0;
    if (busy_[slot].load(std::memory_order_relaxed) == 0 &&
        busy_[slot].compare_exchange_strong(expected, 1, std::memory_order_acquire)) {
      free_count_.fetch_sub(1, std::memory_order_relaxed);
      return slot;
    }
  }
  return std::nullopt;
}

std::optional<uint32_t> SlotPool::acquire(SlotPolicy policy) {
  for (;;) {
    if (auto slot = try_acquire()) return slot;
    if (policy == SlotPolicy::kError) return std::nullopt;
    // Sleep until a release makes the count non-zero.
    free_count_.wait(0, std::memory_order_relaxed);
  }
}

void SlotPool::release(uint32_t slot) {
  busy_[slot].store(0, std::memory_order_release);
  free_count_.fetch_add(1, std::memory_order_relaxed);
  free_count_.notify_one();
}

}  // namespace sandbpf
