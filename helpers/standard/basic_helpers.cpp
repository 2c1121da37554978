// Time, randomness and identity helpers.
#include "helpers/run_services.hpp"
#include "helpers/standard/standard_helpers.hpp"

namespace sandbpf {
namespace {

const HostServices* host_of(RunContext& context) {
  const RunServices* services = run_services(context);
  return services == nullptr ? nullptr : services->host;
}

}  // namespace

uint64_t bpf_ktime_get_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext& context) {
  return host_monotonic_ns(host_of(context));
}

uint64_t bpf_ktime_get_boot_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                               RunContext& context) {
  return host_boot_ns(host_of(context));
}

// Linux's coarse clock is the monotonic clock at tick resolution; the
// precise one is a valid answer.
uint64_t bpf_ktime_get_coarse_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                 RunContext& context) {
  return host_monotonic_ns(host_of(context));
}

uint64_t bpf_get_prandom_u32(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                             RunContext& context) {
  RunServices* services = run_services(context);
  if (services != nullptr && services->random != nullptr) return services->random->next_u32();
  // No generator for this run: one per thread, seeded from its address so
  // threads differ (not reproducible; a host wanting that sets one).
  thread_local RandomStream fallback(reinterpret_cast<uintptr_t>(&fallback));
  return fallback.next_u32();
}

uint64_t bpf_get_smp_processor_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                  RunContext& context) {
  const RunServices* services = run_services(context);
  return services == nullptr ? 0 : services->slot;
}

// One memory node: sandbpf does not model NUMA.
uint64_t bpf_get_numa_node_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext&) {
  return 0;
}

uint64_t bpf_get_current_pid_tgid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                  RunContext& context) {
  return host_pid_tgid(host_of(context));
}

}  // namespace sandbpf
