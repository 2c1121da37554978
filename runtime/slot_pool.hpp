// The slots of an Instance (DESIGN.md, per-CPU maps): each run takes one
// for its duration, and per-CPU map values, bpf_get_smp_processor_id, the
// random stream and the epoch counters are per slot. When every slot is
// busy, a run waits for one or fails, as the host chose.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

namespace sandbpf {

enum class SlotPolicy : uint8_t {
  kWait,   // block until a slot frees up
  kError,  // fail the run at once
};

class SlotPool {
 public:
  explicit SlotPool(uint32_t slots);
  SlotPool(const SlotPool&) = delete;
  SlotPool& operator=(const SlotPool&) = delete;

  // A free slot, or nullopt when every slot is busy and policy is kError.
  std::optional<uint32_t> acquire(SlotPolicy policy);
  void release(uint32_t slot);
  uint32_t size() const { return size_; }

 private:
  std::optional<uint32_t> try_acquire();

  uint32_t size_;
  std::unique_ptr<std::atomic<uint8_t>[]> busy_;
  std::atomic<uint32_t> free_count_;  // waited on when 0
};

// Holds a slot for a scope.
class SlotLease {
 public:
  SlotLease(SlotPool& pool, uint32_t slot) : pool_(&pool), slot_(slot) {}
  SlotLease(const SlotLease&) = delete;
  SlotLease& operator=(const SlotLease&) = delete;
  ~SlotLease() { pool_->release(slot_); }
  uint32_t slot() const { return slot_; }

 private:
  SlotPool* pool_;
  uint32_t slot_;
};

}  // namespace sandbpf
