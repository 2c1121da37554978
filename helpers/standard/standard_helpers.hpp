// The helpers sandbpf implements itself, with Linux's ids and semantics, so
// programs compiled for Linux run unchanged. Each is a HelperFunction; the
// per-run data they use is a RunServices (helpers/run_services.hpp).
//
// The linux platform attaches them to its prototypes; a host on the
// generic platform adds the ones it wants with add_standard_helpers().
#pragma once

#include <cstdint>
#include <span>

#include "helpers/helper_registry.hpp"
#include "sandbpf/error.hpp"
#include "vm/environment.hpp"

namespace sandbpf {

// ---- maps (handle = Map*, slot = the run's): helpers/standard/map_helpers.cpp
uint64_t bpf_map_lookup_elem(uint64_t map, uint64_t key, uint64_t, uint64_t, uint64_t,
                             RunContext& context);
uint64_t bpf_map_update_elem(uint64_t map, uint64_t key, uint64_t value, uint64_t flags, uint64_t,
                             RunContext& context);
uint64_t bpf_map_delete_elem(uint64_t map, uint64_t key, uint64_t, uint64_t, uint64_t,
                             RunContext& context);
uint64_t bpf_map_push_elem(uint64_t map, uint64_t value, uint64_t flags, uint64_t, uint64_t,
                           RunContext& context);
uint64_t bpf_map_pop_elem(uint64_t map, uint64_t value, uint64_t, uint64_t, uint64_t,
                          RunContext& context);
uint64_t bpf_map_peek_elem(uint64_t map, uint64_t value, uint64_t, uint64_t, uint64_t,
                           RunContext& context);

// ---- time, randomness, identity: helpers/standard/basic_helpers.cpp
uint64_t bpf_ktime_get_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext& context);
uint64_t bpf_ktime_get_boot_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                               RunContext& context);
uint64_t bpf_ktime_get_coarse_ns(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                 RunContext& context);
uint64_t bpf_get_prandom_u32(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext& context);
uint64_t bpf_get_smp_processor_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                  RunContext& context);
uint64_t bpf_get_numa_node_id(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                              RunContext& context);
uint64_t bpf_get_current_pid_tgid(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                  RunContext& context);

// ---- control: helpers/standard/control_helpers.cpp
// bpf_tail_call(ctx, prog_array, index): records the target in
// RunServices::tail_call and ends the program; a negative error (and the
// program goes on) when the index is out of range, the entry empty, or
// the chain already made `limit` tail calls.
uint64_t bpf_tail_call(uint64_t ctx, uint64_t map, uint64_t index, uint64_t, uint64_t,
                       RunContext& context);
// bpf_loop(nr_loops, callback, callback_ctx, flags): calls callback(i,
// callback_ctx) for i in [0, nr_loops) until it returns non-zero; returns
// the number of calls made. flags must be 0 (-EINVAL), nr_loops at most
// 1 << 23 (-E2BIG).
uint64_t bpf_loop(uint64_t nr_loops, uint64_t callback, uint64_t callback_ctx, uint64_t flags,
                  uint64_t, RunContext& context);
inline constexpr uint64_t kBpfLoopMax = 1u << 23;

// ---- strings: helpers/standard/string_helpers.cpp, format.cpp
uint64_t bpf_strtol(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t result, uint64_t,
                    RunContext& context);
uint64_t bpf_strtoul(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t result, uint64_t,
                     RunContext& context);
uint64_t bpf_strncmp(uint64_t s1, uint64_t s1_size, uint64_t s2, uint64_t, uint64_t,
                     RunContext& context);
uint64_t bpf_trace_printk(uint64_t fmt, uint64_t fmt_size, uint64_t arg1, uint64_t arg2,
                          uint64_t arg3, RunContext& context);
uint64_t bpf_trace_vprintk(uint64_t fmt, uint64_t fmt_size, uint64_t data, uint64_t data_len,
                           uint64_t, RunContext& context);
uint64_t bpf_snprintf(uint64_t str, uint64_t str_size, uint64_t fmt, uint64_t data,
                      uint64_t data_len, RunContext& context);

// ---- ring buffers and perf events: helpers/standard/output_helpers.cpp
uint64_t bpf_perf_event_output(uint64_t ctx, uint64_t map, uint64_t flags, uint64_t data,
                               uint64_t size, RunContext& context);
uint64_t bpf_ringbuf_output(uint64_t map, uint64_t data, uint64_t size, uint64_t flags, uint64_t,
                            RunContext& context);
uint64_t bpf_ringbuf_reserve(uint64_t map, uint64_t size, uint64_t flags, uint64_t, uint64_t,
                             RunContext& context);
uint64_t bpf_ringbuf_submit(uint64_t record, uint64_t flags, uint64_t, uint64_t, uint64_t,
                            RunContext& context);
uint64_t bpf_ringbuf_discard(uint64_t record, uint64_t flags, uint64_t, uint64_t, uint64_t,
                             RunContext& context);
uint64_t bpf_ringbuf_query(uint64_t map, uint64_t flags, uint64_t, uint64_t, uint64_t,
                           RunContext& context);

struct StandardHelper {
  uint32_t id;  // Linux's
  HelperFunction function;
};

// Every standard helper this build has (map helpers only when helpers/maps
// is built), by id.
std::span<const StandardHelper> standard_helpers();

// Sets the implementation of every standard helper whose id the registry
// already knows by prototype (the linux platform). Returns how many.
size_t attach_standard_helpers(HelperRegistry& registry);

// Adds standard helpers, with their Linux prototypes and names, to a
// registry (a generic-platform host): the given ids, or all when `ids` is
// empty. Error for an id sandbpf does not implement.
Result<void> add_standard_helpers(HelperRegistry& registry, std::span<const uint32_t> ids = {});

}  // namespace sandbpf
