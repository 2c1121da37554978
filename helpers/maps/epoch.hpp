// Epoch-based reclamation for maps shared between threads (DESIGN.md: a
// delete or an LRU eviction never frees a value a running program may still
// hold). Each run enters the domain for its duration (RunGuard); memory
// retired while runs are in progress is freed only after every run that was
// in progress at retirement time has left. Host-side map calls copy values
// and so need no guard.
//
// Design (two-parity counters, in the spirit of SRCU):
// * A global epoch E only grows. Each slot has two reader counters, one
//   per parity of E, on their own cache line.
// * Entering: read E, add 1 to counter[slot][E & 1] (relaxed RMW), then a
//   seq_cst fence. Leaving: subtract 1 from the same counter (release).
//   The guard remembers which counter it used, so a slot may be shared by
//   several threads at once and guards nest freely.
// * retire(f): a seq_cst fence (the caller has already unlinked the memory),
//   then tag = E; f waits in a list with its tag.
// * Advancing E from e to e+1 (one thread at a time) needs every counter of
//   parity (e+1) & 1 to read 0 (acquire), after a seq_cst fence. Readers
//   that entered while E was e count in parity e & 1 and do not block it,
//   so a steady stream of runs cannot stop the epoch; a run that stays
//   blocks E from passing its parity's next-but-one epoch.
// * Memory tagged t is freed once E >= t + 3. Why 3: the check that took
//   E from t to t+1 may have been made before the retirement; the checks for
//   t+1 -> t+2 (parity t) and t+2 -> t+3 (parity t+1) were both made after
//   it, so between them they saw every counter at 0 at some moment after
//   the retirement. A reader counted at retirement time stays counted until
//   it leaves, so it had left (its release decrement synchronises with the
//   check's acquire load: the free happens after its last access). A reader
//   the check did not count incremented after the check's fence in the
//   seq_cst order; its own fence then makes all its loads see the unlink,
//   so it never obtained the memory (the store-buffering argument: both
//   sides fence between their write and their read).
// * reclaim() advances E as far as it can (at most three steps) and runs the
//   frees that became safe, outside every lock (a free may retire more,
//   e.g. an inner map's destructor). retire() calls it every kReclaimEvery
//   retirements.
// Cost for readers: one RMW plus one fence to enter, one RMW to leave, on a
// cache line only that slot's runs touch.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace sandbpf {

class EpochDomain {
 public:
  explicit EpochDomain(uint32_t slots);
  ~EpochDomain();  // frees everything still retired (no run may be in progress)
  EpochDomain(const EpochDomain&) = delete;
  EpochDomain& operator=(const EpochDomain&) = delete;

  class RunGuard {
   public:
    // slot should be the run's slot (< slots); any value works (it is
    // reduced modulo slots), only contention differs.
    RunGuard(EpochDomain& domain, uint32_t slot);
    ~RunGuard();
    RunGuard(const RunGuard&) = delete;
    RunGuard& operator=(const RunGuard&) = delete;

   private:
    std::atomic<uint64_t>* counter_;
  };

  // Hands memory to the domain; `free` runs once no run that may hold it
  // remains (possibly on another thread, possibly at destruction).
  void retire(std::function<void()> free);
  // The same without a std::function: free(object, context).
  void retire(void (*free)(void* object, void* context), void* object, void* context);
  // Frees what can be freed now; called by retire() from time to time.
  void reclaim();
  uint64_t pending() const;  // retired, not yet freed (for tests)
  uint64_t epoch() const;    // the global epoch (for tests)
  uint32_t slots() const;

  static constexpr uint32_t kReclaimEvery = 64;

 private:
  struct State;
  State* state_;
};

}  // namespace sandbpf
