// Epoch-based reclamation for maps shared between threads (DESIGN.md: a
// delete or an LRU eviction never frees a value a running program may still
// hold). Each run enters the domain for its duration (RunGuard); memory
// retired while runs are in progress is freed only after every run that was
// in progress at retirement time has left. Host-side map calls copy values
// and so need no guard. Readers pay two atomic stores per run.
#pragma once

#include <cstdint>
#include <functional>

namespace sandbpf {

class EpochDomain {
 public:
  explicit EpochDomain(uint32_t slots);
  ~EpochDomain();  // frees everything still retired
  EpochDomain(const EpochDomain&) = delete;
  EpochDomain& operator=(const EpochDomain&) = delete;

  class RunGuard {
   public:
    RunGuard(EpochDomain& domain, uint32_t slot);
    ~RunGuard();
    RunGuard(const RunGuard&) = delete;
    RunGuard& operator=(const RunGuard&) = delete;

   private:
    EpochDomain& domain_;
    uint32_t slot_;
  };

  // Hands memory to the domain; `free` runs once no run that may hold it
  // remains (possibly on another thread, possibly at destruction).
  void retire(std::function<void()> free);
  // Frees what can be freed now; called by retire() from time to time.
  void reclaim();
  uint64_t pending() const;  // retired, not yet freed (for tests)

 private:
  struct State;
  State* state_;
};

}  // namespace sandbpf
