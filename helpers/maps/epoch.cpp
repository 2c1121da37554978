// EpochDomain: see epoch.hpp for the design and the argument for why it is
// correct.
#include "helpers/maps/epoch.hpp"

#include <memory>
#include <mutex>
#include <new>
#include <utility>
#include <deque>
#include <vector>

namespace sandbpf {
namespace {

struct alignas(64) SlotCounters {
  std::atomic<uint64_t> readers[2] = {0, 0};  // by parity of the epoch at entry
};

struct Retired {
  uint64_t tag = 0;
  void (*free)(void*, void*) = nullptr;  // when set, free(object, context)
  void* object = nullptr;
  void* context = nullptr;
  std::function<void()> function;       // otherwise

  void run() {
    if (free)
      free(object, context);
    else if (function)
      function();
  }
};

}  // namespace

struct EpochDomain::State {
  explicit State(uint32_t n) : slots(n == 0 ? 1 : n), counters(new SlotCounters[slots]) {}

  const uint32_t slots;
  std::unique_ptr<SlotCounters[]> counters;
  alignas(64) std::atomic<uint64_t> epoch{0};

  mutable std::mutex list_lock;        // guards retired and since_reclaim
  std::deque<Retired> retired;         // tags never decrease along the list
  uint32_t since_reclaim = 0;
  std::atomic<uint64_t> pending{0};

  std::mutex advance_lock;             // one thread advances the epoch at a time

  // Takes the epoch one step if no reader of the parity it would reuse
  // remains. Caller holds advance_lock.
  bool try_advance() {
    const uint64_t e = epoch.load(std::memory_order_acquire);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const uint32_t parity = static_cast<uint32_t>((e + 1) & 1);
    for (uint32_t s = 0; s < slots; ++s)
      if (counters[s].readers[parity].load(std::memory_order_acquire) != 0) return false;
    epoch.store(e + 1, std::memory_order_release);
    return true;
  }

  void add(Retired&& item) {
    std::atomic_thread_fence(std::memory_order_seq_cst);
    bool reclaim_now = false;
    {
      std::lock_guard<std::mutex> hold(list_lock);
      // Read under the lock, so the list stays sorted by tag.
      item.tag = epoch.load(std::memory_order_acquire);
      retired.push_back(std::move(item));
      pending.fetch_add(1, std::memory_order_relaxed);
      if (++since_reclaim >= kReclaimEvery) {
        since_reclaim = 0;
        reclaim_now = true;
      }
    }
    if (reclaim_now) reclaim(false);
  }

  // Advances as far as possible, then runs the frees that became safe.
  // `wait`: block for the advance lock (explicit reclaim()) rather than
  // leaving the work to whoever holds it (periodic reclaim from retire()).
  void reclaim(bool wait) {
    uint64_t now;
    {
      std::unique_lock<std::mutex> advancing(advance_lock, std::defer_lock);
      if (wait)
        advancing.lock();
      else if (!advancing.try_lock())
        return;
      for (int step = 0; step < 3 && try_advance(); ++step) {
      }
      now = epoch.load(std::memory_order_acquire);
    }
    std::vector<Retired> ready;
    {
      std::lock_guard<std::mutex> hold(list_lock);
      while (!retired.empty() && retired.front().tag + 3 <= now) {
        ready.push_back(std::move(retired.front()));
        retired.pop_front();
      }
    }
    for (Retired& item : ready) {
      item.run();
      pending.fetch_sub(1, std::memory_order_relaxed);
    }
  }
};

EpochDomain::EpochDomain(uint32_t slots) : state_(new State(slots)) {}

EpochDomain::~EpochDomain() {
  // No run is in progress any more: everything retired can go. A free may
  // retire more (an inner map's destructor), so repeat until nothing is left.
  for (;;) {
    std::deque<Retired> all;
    {
      std::lock_guard<std::mutex> hold(state_->list_lock);
      all.swap(state_->retired);
    }
    if (all.empty()) break;
    for (Retired& item : all) item.run();
  }
  delete state_;
}

EpochDomain::RunGuard::RunGuard(EpochDomain& domain, uint32_t slot) {
  State& state = *domain.state_;
  const uint64_t e = state.epoch.load(std::memory_order_acquire);
  counter_ = &state.counters[slot < state.slots ? slot : slot % state.slots].readers[e & 1];
  counter_->fetch_add(1, std::memory_order_relaxed);
  // Orders the announcement before every load the run makes (epoch.hpp).
  std::atomic_thread_fence(std::memory_order_seq_cst);
}

EpochDomain::RunGuard::~RunGuard() { counter_->fetch_sub(1, std::memory_order_release); }

void EpochDomain::retire(std::function<void()> free) {
  Retired item;
  item.function = std::move(free);
  state_->add(std::move(item));
}

void EpochDomain::retire(void (*free)(void*, void*), void* object, void* context) {
  Retired item;
  item.free = free;
  item.object = object;
  item.context = context;
  state_->add(std::move(item));
}

void EpochDomain::reclaim() { state_->reclaim(true); }

uint64_t EpochDomain::pending() const { return state_->pending.load(std::memory_order_relaxed); }

uint64_t EpochDomain::epoch() const { return state_->epoch.load(std::memory_order_acquire); }

uint32_t EpochDomain::slots() const { return state_->slots; }

}  // namespace sandbpf
