// Internal pieces the map implementations share: size arithmetic, the
// per-map memory account, value copies that are safe against concurrent
// program accesses, a small spin lock, and creation errors. Not part of the
// maps' public interface.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "helpers/maps/map.hpp"
#include "helpers/maps/map_memory_budget.hpp"

namespace sandbpf::maps_internal {

inline constexpr uint64_t round_up8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

// Linux's limits.
inline constexpr uint32_t kPageSize = 4096;                     // x86-64, arm64 (4K pages)
inline constexpr uint64_t kKmallocMaxSize = uint64_t{1} << 22;  // KMALLOC_MAX_SIZE (4 MiB)
inline constexpr uint32_t kPcpuMinUnitSize = 32768;             // PCPU_MIN_UNIT_SIZE
inline constexpr uint32_t kMaxBpfStack = 512;                   // MAX_BPF_STACK

// A map's share of the instance budget: charges go to the budget (if any)
// and are counted for Map::memory_used().
class MemoryAccount {
 public:
  explicit MemoryAccount(MapMemoryBudget* budget) : budget_(budget) {}
  // Whatever the map still holds goes back to the budget with it.
  ~MemoryAccount() {
    if (budget_) budget_->release(used());
  }
  MemoryAccount(const MemoryAccount&) = delete;
  MemoryAccount& operator=(const MemoryAccount&) = delete;
  bool charge(uint64_t bytes) {
    if (budget_ && !budget_->charge(bytes)) return false;
    used_.fetch_add(bytes, std::memory_order_relaxed);
    return true;
  }
  void release(uint64_t bytes) {
    used_.fetch_sub(bytes, std::memory_order_relaxed);
    if (budget_) budget_->release(bytes);
  }
  // The map stops counting bytes it handed to the epoch domain; the budget
  // keeps them until the domain frees them (release_budget).
  void forget(uint64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }
  static void release_budget(MapMemoryBudget* budget, uint64_t bytes) {
    if (budget) budget->release(bytes);
  }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  MapMemoryBudget* budget() const { return budget_; }

 private:
  MapMemoryBudget* budget_;
  std::atomic<uint64_t> used_{0};
};

// Charges what a map allocates at creation, or the error the brief of
// map_memory_budget.hpp promises.
inline Result<void> charge_at_creation(MemoryAccount& account, const MapDefinition& definition,
                                       uint64_t bytes) {
  if (account.charge(bytes)) return {};
  const MapMemoryBudget* budget = account.budget();
  return load_error(fmt::format(
      "map '{}' needs {} bytes, but only {} of the instance's {}-byte map memory limit remain",
      definition.name, bytes, budget->remaining(), budget->limit()));
}

inline std::unexpected<Error> definition_error(const MapDefinition& definition,
                                               std::string_view what) {
  return load_error(fmt::format("map '{}': {}", definition.name, what));
}

// Copies between a map's value storage (8-byte aligned, possibly being read
// or atomically updated by running programs) and private memory, one
// aligned word at a time with relaxed atomic accesses: never torn within a
// word, and not a data race in the C++ sense (programs' atomic adds on the
// same words stay atomic). Plain loads and stores on x86-64 and arm64.
inline void copy_into_shared(void* shared, const void* source, uint64_t n) {
  auto* d = static_cast<uint8_t*>(shared);
  const auto* s = static_cast<const uint8_t*>(source);
  uint64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, s + i, 8);
    std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(d + i)).store(word, std::memory_order_relaxed);
  }
  for (; i < n; ++i) std::atomic_ref<uint8_t>(d[i]).store(s[i], std::memory_order_relaxed);
}

inline void copy_from_shared(void* destination, const void* shared, uint64_t n) {
  auto* d = static_cast<uint8_t*>(destination);
  auto* s = const_cast<uint8_t*>(static_cast<const uint8_t*>(shared));
  uint64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t word =
        std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(s + i)).load(std::memory_order_relaxed);
    std::memcpy(d + i, &word, 8);
  }
  for (; i < n; ++i) d[i] = std::atomic_ref<uint8_t>(s[i]).load(std::memory_order_relaxed);
}

inline void zero_shared(void* shared, uint64_t n) {
  auto* d = static_cast<uint8_t*>(shared);
  uint64_t i = 0;
  for (; i + 8 <= n; i += 8)
    std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(d + i)).store(0, std::memory_order_relaxed);
  for (; i < n; ++i) std::atomic_ref<uint8_t>(d[i]).store(0, std::memory_order_relaxed);
}

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// A test-and-test-and-set lock for short critical sections (a bucket, a
// queue). Yields after a while so oversubscribed machines make progress.
class SpinLock {
 public:
  void lock() {
    for (uint32_t spins = 0;;) {
      if (!locked_.exchange(true, std::memory_order_acquire)) return;
      while (locked_.load(std::memory_order_relaxed)) {
        if (++spins < 64)
          cpu_relax();
        else
          std::this_thread::yield();
      }
    }
  }
  bool try_lock() { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() { locked_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> locked_{false};
};

// Memory for values: 8-byte aligned (operator new gives 16), zeroed.
struct FreeDeleter {
  void operator()(uint8_t* p) const { ::operator delete(p); }
};
using RawStorage = std::unique_ptr<uint8_t[], FreeDeleter>;
inline RawStorage allocate_zeroed(uint64_t bytes) {
  auto* p = static_cast<uint8_t*>(::operator new(bytes == 0 ? 1 : bytes));
  std::memset(p, 0, bytes);
  return RawStorage(p);
}

inline uint32_t read_u32(const void* key) {
  uint32_t v;
  std::memcpy(&v, key, 4);
  return v;
}

// Linux's next-key rule for every array-like map: the first index for no
// key or an index out of range, the next index, or the end after the last.
inline bool array_next_key(std::span<const uint8_t> key, uint32_t max_entries, uint8_t* next_out) {
  uint32_t next = 0;
  if (!key.empty()) {
    const uint32_t index = read_u32(key.data());
    if (index < max_entries) {
      if (index == max_entries - 1) return false;
      next = index + 1;
    }
  }
  std::memcpy(next_out, &next, 4);
  return true;
}

}  // namespace sandbpf::maps_internal
