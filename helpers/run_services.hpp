// What the standard helpers need from the run and from the host, handed to
// them as the run's per-run data (RunInput::run_data -> RunContext::run_data()).
//
// The runtime fills one RunServices per run:
//
//   RunServices services;
//   services.slot = slot;                       // this run's per-CPU slot
//   services.host = &instance_host_services;    // shared, read-only
//   services.random = &instance_random[slot];   // this slot's generator
//   services.tail_call.limit = platform.stack().max_tail_calls;
//   input.run_data = &services;
//   ... run ...
//   while (services.tail_call.next_program != nullptr) {
//     // bpf_tail_call ended the program: run the target with the same
//     // context, keeping tail_call.count, after clearing next_program.
//   }
//
// Helpers reach it with run_services(context); when a run has no run data
// (a test, an embedding that does not care) they fall back to defaults:
// slot 0, the host defaults below, a per-thread random stream, and tail
// calls that always fail (the program continues, as Linux does when the
// target is missing).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>

#include "vm/environment.hpp"

namespace sandbpf {

// Services of the host, shared by every run (and thread) of an Instance:
// set before runs start, then only read. The functions are called from
// many threads at once. Each may be left empty for its default.
struct HostServices {
  // bpf_ktime_get_ns: a monotonic clock in nanoseconds (Linux's
  // CLOCK_MONOTONIC). Default: std::chrono::steady_clock.
  std::function<uint64_t()> monotonic_ns;
  // bpf_ktime_get_boot_ns: the same, counting time suspended (Linux's
  // CLOCK_BOOTTIME). Default: CLOCK_BOOTTIME where the host has it, else
  // monotonic_ns. A host replacing monotonic_ns for tests should replace
  // this too.
  std::function<uint64_t()> boot_ns;
  // bpf_get_current_pid_tgid: (process id << 32) | thread id. Default: the
  // calling thread's (getpid, gettid).
  std::function<uint64_t()> pid_tgid;
  // Where bpf_trace_printk's formatted lines go (without a trailing
  // newline added). Default: discarded; the helper still returns the length.
  std::function<void(std::string_view)> trace;
};

// The value of one of HostServices' clocks (or its default).
uint64_t host_monotonic_ns(const HostServices* host);
uint64_t host_boot_ns(const HostServices* host);
uint64_t host_pid_tgid(const HostServices* host);

// bpf_get_prandom_u32's generator. Reproducible: the same seed gives the
// same sequence (SplitMix64 over an atomic counter, so runs sharing a
// slot on several threads never race; their interleaving then decides who
// gets which number). An Instance keeps one per slot, seeded with
// slot_seed(instance_seed, slot).
class RandomStream {
 public:
  explicit RandomStream(uint64_t seed = 0) : state_(seed) {}
  RandomStream(const RandomStream&) = delete;
  RandomStream& operator=(const RandomStream&) = delete;

  void reseed(uint64_t seed) { state_.store(seed, std::memory_order_relaxed); }
  uint32_t next_u32();
  uint64_t next_u64();

  // Distinct, well-mixed seeds for each slot of one Instance seed.
  static uint64_t slot_seed(uint64_t instance_seed, uint32_t slot);

 private:
  std::atomic<uint64_t> state_;
};

// bpf_tail_call's outcome. On success the helper stores the prog_array's
// entry (the runtime's program handle, what the prog_array map holds),
// counts the call, and ends the program (RunContext::end_program); the
// runtime then runs next_program with the same context. A tail call fails
// (and the program goes on, as in Linux) when the index is out of range,
// the entry is empty, or count has reached limit.
struct TailCallState {
  const void* next_program = nullptr;  // set by a successful bpf_tail_call
  uint32_t count = 0;                  // tail calls taken so far in this chain
  uint32_t limit = 33;                 // StackRules::max_tail_calls
};

// What helpers may touch through pointers. accessible(data, address, max,
// write) returns how many bytes, at most max, from address on the program
// may read (write: write) -- 0 when none. Two uses:
// * Pointers the verifier did not check (trace_printk's and snprintf's %s,
//   %pI4...): read only as far as the probe allows; without a probe a %s
//   prints as an empty string (Linux prints what it could not read the same
//   way). The runtime answers from the regions it knows (context, packet,
//   stack, global data, map values it handed out).
// * In checked mode (check_arguments), every pointer argument, which the
//   verifier has not proven: a helper refuses one the probe does not fully
//   allow by failing the run (RunContext::fail), never by touching it.
struct MemoryProbe {
  uint64_t (*accessible)(const void* data, uint64_t address, uint64_t max, bool write) = nullptr;
  const void* data = nullptr;

  uint64_t bytes(uint64_t address, uint64_t max, bool write) const {
    return accessible == nullptr ? 0 : accessible(data, address, max, write);
  }
};

// Checked mode's record of pointers helpers handed out during the run, so
// later helpers can tell them from forged ones: inner maps a map-in-map
// lookup returned (valid map arguments) and ring buffer records reserved
// and not yet submitted or discarded.
struct CheckedHandles {
  static constexpr uint32_t kMax = 32;
  std::array<const void*, kMax> inner_maps{};
  uint32_t inner_map_count = 0;
  std::array<const void*, kMax> records{};
  uint32_t record_count = 0;
};

struct RunServices {
  // The run's per-CPU slot: bpf_get_smp_processor_id's answer and the slot
  // of every program-side map call (per-CPU values, ring buffers).
  uint32_t slot = 0;
  const HostServices* host = nullptr;  // null: every default
  RandomStream* random = nullptr;      // this slot's; null: a per-thread stream
  TailCallState tail_call;
  MemoryProbe memory;
  // The program was not verified (checked mode): helpers check pointer
  // arguments with `memory` and map handles against the Environment's maps.
  bool check_arguments = false;
  CheckedHandles handles;  // checked mode's bookkeeping (helpers fill it)
  // The run's packet, for bpf_perf_event_output's BPF_F_CTXLEN_MASK (Linux
  // appends that many bytes of the packet to the record): the runtime sets
  // it for packet program types (the same bytes LD_ABS reads).
  const uint8_t* packet = nullptr;
  uint64_t packet_size = 0;
};

// The run's services, or null when the run has none.
inline RunServices* run_services(RunContext& context) {
  return static_cast<RunServices*>(context.run_data());
}

}  // namespace sandbpf
