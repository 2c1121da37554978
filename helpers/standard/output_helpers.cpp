// bpf_perf_event_output and the ring buffer helpers, through the maps'
// program-side API (perf_event_array_map.hpp, ring_buffer_map.hpp).
#include <algorithm>
#include <cstring>
#include <vector>

#include "helpers/maps/perf_event_array_map.hpp"
#include "helpers/maps/ring_buffer_map.hpp"
#include "helpers/standard/helper_support.hpp"
#include "helpers/standard/standard_helpers.hpp"

namespace sandbpf {
namespace {

using namespace errno_value;
constexpr int64_t kEFAULT = 14;

RingBufferMap* ring_buffer(RunContext& context, uint64_t handle, std::string_view helper) {
  Map* map = map_argument(context, handle, helper);
  if (map == nullptr || map->definition().type != kMapRingbuf) return nullptr;
  return static_cast<RingBufferMap*>(map);
}

// Checked mode: is `record` one this run reserved and still holds? Forgets
// it when `release`.
bool held_record(RunContext& context, uint64_t record, std::string_view helper, bool release) {
  RunServices* services = run_services(context);
  if (services == nullptr || !services->check_arguments) return record != 0;
  CheckedHandles& handles = services->handles;
  const auto* pointer = reinterpret_cast<const void*>(static_cast<uintptr_t>(record));
  auto* end = handles.records.begin() + handles.record_count;
  auto* found = std::find(handles.records.begin(), end, pointer);
  if (pointer == nullptr || found == end) {
    context.fail(std::string(helper) +
                 ": r1 is not a record this run reserved (or it was already released)");
    return false;
  }
  if (release) {
    *found = *(end - 1);
    --handles.record_count;
  }
  return true;
}

}  // namespace

uint64_t bpf_perf_event_output(uint64_t, uint64_t map_handle, uint64_t flags, uint64_t data,
                               uint64_t size, RunContext& context) {
  constexpr std::string_view kName = "bpf_perf_event_output";
  Map* map = map_argument(context, map_handle, kName);
  if (map == nullptr) return 0;
  if (map->definition().type != kMapPerfEventArray) return helper_error(kEINVAL);
  if (!may_access(context, data, size, false, kName, "data")) return 0;
  const uint64_t packet_bytes = (flags & kBpfFCtxlenMask) >> 32;
  const uint32_t slot = run_slot(context);
  auto* perf = static_cast<PerfEventArrayMap*>(map);
  if (packet_bytes == 0) {
    return static_cast<uint64_t>(
        perf->output(flags, reinterpret_cast<const void*>(data), size, slot));
  }
  // BPF_F_CTXLEN_MASK: Linux appends that many bytes of the packet.
  const RunServices* services = run_services(context);
  if (services == nullptr || services->packet == nullptr || packet_bytes > services->packet_size)
    return helper_error(kEFAULT);
  std::vector<uint8_t> record(size + packet_bytes);
  if (size > 0) std::memcpy(record.data(), reinterpret_cast<const void*>(data), size);
  std::memcpy(record.data() + size, services->packet, packet_bytes);
  return static_cast<uint64_t>(perf->output(flags, record.data(), record.size(), slot));
}

uint64_t bpf_ringbuf_output(uint64_t map_handle, uint64_t data, uint64_t size, uint64_t flags,
                            uint64_t, RunContext& context) {
  constexpr std::string_view kName = "bpf_ringbuf_output";
  RingBufferMap* ring = ring_buffer(context, map_handle, kName);
  if (ring == nullptr) return context.failed() ? 0 : helper_error(kEINVAL);
  if (!may_access(context, data, size, false, kName, "data")) return 0;
  return static_cast<uint64_t>(ring->output(reinterpret_cast<const void*>(data), size, flags));
}

uint64_t bpf_ringbuf_reserve(uint64_t map_handle, uint64_t size, uint64_t flags, uint64_t, uint64_t,
                             RunContext& context) {
  RingBufferMap* ring = ring_buffer(context, map_handle, "bpf_ringbuf_reserve");
  if (ring == nullptr) return 0;
  RunServices* services = run_services(context);
  const bool checked = services != nullptr && services->check_arguments;
  if (checked && services->handles.record_count == CheckedHandles::kMax)
    return 0;  // as if the ring were full
  void* record = ring->reserve(size, flags);
  if (record == nullptr) return 0;
  if (checked) services->handles.records[services->handles.record_count++] = record;
  context.allow_region(record, size, true);
  return reinterpret_cast<uint64_t>(record);
}

uint64_t bpf_ringbuf_submit(uint64_t record, uint64_t flags, uint64_t, uint64_t, uint64_t,
                            RunContext& context) {
  if (held_record(context, record, "bpf_ringbuf_submit", true))
    RingBufferMap::submit(reinterpret_cast<void*>(record), flags);
  return 0;
}

uint64_t bpf_ringbuf_discard(uint64_t record, uint64_t flags, uint64_t, uint64_t, uint64_t,
                             RunContext& context) {
  if (held_record(context, record, "bpf_ringbuf_discard", true))
    RingBufferMap::discard(reinterpret_cast<void*>(record), flags);
  return 0;
}

uint64_t bpf_ringbuf_query(uint64_t map_handle, uint64_t flags, uint64_t, uint64_t, uint64_t,
                           RunContext& context) {
  RingBufferMap* ring = ring_buffer(context, map_handle, "bpf_ringbuf_query");
  return ring == nullptr ? 0 : ring->query(flags);
}

}  // namespace sandbpf
