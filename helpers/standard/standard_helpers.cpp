#include "helpers/standard/standard_helpers.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "helpers/linux/linux_platform.hpp"

namespace sandbpf {
namespace {

const StandardHelper kStandardHelpers[] = {
#if SANDBPF_HAVE_MAPS
    {1, bpf_map_lookup_elem},
    {2, bpf_map_update_elem},
    {3, bpf_map_delete_elem},
#endif
    {5, bpf_ktime_get_ns},
    {6, bpf_trace_printk},
    {7, bpf_get_prandom_u32},
    {8, bpf_get_smp_processor_id},
#if SANDBPF_HAVE_MAPS
    {12, bpf_tail_call},
#endif
    {14, bpf_get_current_pid_tgid},
#if SANDBPF_HAVE_MAPS
    {25, bpf_perf_event_output},
#endif
    {42, bpf_get_numa_node_id},
#if SANDBPF_HAVE_MAPS
    {87, bpf_map_push_elem},
    {88, bpf_map_pop_elem},
    {89, bpf_map_peek_elem},
#endif
    {105, bpf_strtol},
    {106, bpf_strtoul},
    {125, bpf_ktime_get_boot_ns},
#if SANDBPF_HAVE_MAPS
    {130, bpf_ringbuf_output},
    {131, bpf_ringbuf_reserve},
    {132, bpf_ringbuf_submit},
    {133, bpf_ringbuf_discard},
    {134, bpf_ringbuf_query},
#endif
    {160, bpf_ktime_get_coarse_ns},
    {165, bpf_snprintf},
    {177, bpf_trace_vprintk},
    {181, bpf_loop},
    {182, bpf_strncmp},
};

const HelperPrototype* linux_prototype(uint32_t id) {
  for (const HelperPrototype& prototype : linux_helper_prototypes()) {
    if (prototype.id == id) return &prototype;
  }
  return nullptr;
}

}  // namespace

std::span<const StandardHelper> standard_helpers() { return kStandardHelpers; }

size_t attach_standard_helpers(HelperRegistry& registry) {
  size_t attached = 0;
  for (const StandardHelper& helper : kStandardHelpers) {
    if (registry.find(helper.id) != nullptr && registry.set_function(helper.id, helper.function))
      ++attached;
  }
  return attached;
}

Result<void> add_standard_helpers(HelperRegistry& registry, std::span<const uint32_t> ids) {
  std::vector<uint32_t> wanted(ids.begin(), ids.end());
  if (wanted.empty()) {
    for (const StandardHelper& helper : kStandardHelpers) wanted.push_back(helper.id);
  }
  for (uint32_t id : wanted) {
    const auto* helper = std::find_if(std::begin(kStandardHelpers), std::end(kStandardHelpers),
                                      [&](const StandardHelper& h) { return h.id == id; });
    const HelperPrototype* prototype = linux_prototype(id);
    if (helper == std::end(kStandardHelpers) || prototype == nullptr) {
      return make_error(ErrorKind::kUsage,
                        fmt::format("helper {}: sandbpf has no standard implementation of it", id));
    }
    if (auto added = registry.add(HelperDefinition{*prototype, helper->function}); !added)
      return added;
  }
  return {};
}

}  // namespace sandbpf
