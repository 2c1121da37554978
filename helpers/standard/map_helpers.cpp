// The map helpers and bpf_tail_call: the handle is a Map* (MapBinding.handle),
// the slot the run's (RunServices::slot).
#include <algorithm>

#include "helpers/maps/map.hpp"
#include "helpers/maps/prog_array_map.hpp"
#include "helpers/standard/helper_support.hpp"
#include "helpers/standard/standard_helpers.hpp"

namespace sandbpf {
namespace {

using namespace errno_value;

bool is_map_of_maps(uint32_t type) { return type == kMapArrayOfMaps || type == kMapHashOfMaps; }

// Checked mode: a map handle is one of the program's maps or an inner map
// an earlier lookup of this run returned.
Map* checked_map(RunContext& context, uint64_t handle, std::string_view helper) {
  RunServices* services = run_services(context);
  if (services != nullptr && services->check_arguments) {
    const auto* pointer = reinterpret_cast<const void*>(static_cast<uintptr_t>(handle));
    const CheckedHandles& handles = services->handles;
    const auto* end = handles.inner_maps.begin() + handles.inner_map_count;
    if (pointer != nullptr && std::find(handles.inner_maps.begin(), end, pointer) != end)
      return reinterpret_cast<Map*>(static_cast<uintptr_t>(handle));
  }
  return map_argument(context, handle, helper);
}

}  // namespace

uint64_t bpf_map_lookup_elem(uint64_t map_handle, uint64_t key, uint64_t, uint64_t, uint64_t,
                             RunContext& context) {
  constexpr std::string_view kName = "bpf_map_lookup_elem";
  Map* map = checked_map(context, map_handle, kName);
  if (map == nullptr) return 0;
  const MapDefinition& definition = map->definition();
  if (!may_access(context, key, definition.key_size, false, kName, "key")) return 0;
  void* value = map->lookup(reinterpret_cast<const void*>(key), run_slot(context));
  if (value == nullptr) return 0;
  if (is_map_of_maps(definition.type)) {
    // The inner Map* itself: a map argument, not memory.
    RunServices* services = run_services(context);
    if (services != nullptr && services->check_arguments) {
      CheckedHandles& handles = services->handles;
      auto* end = handles.inner_maps.begin() + handles.inner_map_count;
      const void* inner = value;
      if (std::find(handles.inner_maps.begin(), end, inner) == end &&
          handles.inner_map_count < CheckedHandles::kMax)
        handles.inner_maps[handles.inner_map_count++] = value;
    }
  } else {
    const bool writable = !definition.readonly && (definition.flags & kBpfFRdonlyProg) == 0;
    context.allow_region(value, definition.value_size, writable);
  }
  return reinterpret_cast<uint64_t>(value);
}

uint64_t bpf_map_update_elem(uint64_t map_handle, uint64_t key, uint64_t value, uint64_t flags,
                             uint64_t, RunContext& context) {
  constexpr std::string_view kName = "bpf_map_update_elem";
  Map* map = checked_map(context, map_handle, kName);
  if (map == nullptr) return 0;
  const MapDefinition& definition = map->definition();
  if (!may_access(context, key, definition.key_size, false, kName, "key") ||
      !may_access(context, value, definition.value_size, false, kName, "value"))
    return 0;
  return static_cast<uint64_t>(map->update(reinterpret_cast<const void*>(key),
                                           reinterpret_cast<const void*>(value), flags,
                                           run_slot(context)));
}

uint64_t bpf_map_delete_elem(uint64_t map_handle, uint64_t key, uint64_t, uint64_t, uint64_t,
                             RunContext& context) {
  constexpr std::string_view kName = "bpf_map_delete_elem";
  Map* map = checked_map(context, map_handle, kName);
  if (map == nullptr) return 0;
  if (!may_access(context, key, map->definition().key_size, false, kName, "key")) return 0;
  return static_cast<uint64_t>(map->erase(reinterpret_cast<const void*>(key), run_slot(context)));
}

uint64_t bpf_map_push_elem(uint64_t map_handle, uint64_t value, uint64_t flags, uint64_t, uint64_t,
                           RunContext& context) {
  constexpr std::string_view kName = "bpf_map_push_elem";
  Map* map = checked_map(context, map_handle, kName);
  if (map == nullptr) return 0;
  if (!may_access(context, value, map->definition().value_size, false, kName, "value")) return 0;
  return static_cast<uint64_t>(
      map->push(reinterpret_cast<const void*>(value), flags, run_slot(context)));
}

uint64_t bpf_map_pop_elem(uint64_t map_handle, uint64_t value, uint64_t, uint64_t, uint64_t,
                          RunContext& context) {
  constexpr std::string_view kName = "bpf_map_pop_elem";
  Map* map = checked_map(context, map_handle, kName);
  if (map == nullptr) return 0;
  if (!may_access(context, value, map->definition().value_size, true, kName, "value")) return 0;
  return static_cast<uint64_t>(map->pop(reinterpret_cast<void*>(value), run_slot(context)));
}

uint64_t bpf_map_peek_elem(uint64_t map_handle, uint64_t value, uint64_t, uint64_t, uint64_t,
                           RunContext& context) {
  constexpr std::string_view kName = "bpf_map_peek_elem";
  Map* map = checked_map(context, map_handle, kName);
  if (map == nullptr) return 0;
  if (!may_access(context, value, map->definition().value_size, true, kName, "value")) return 0;
  return static_cast<uint64_t>(map->peek(reinterpret_cast<void*>(value), run_slot(context)));
}

uint64_t bpf_tail_call(uint64_t, uint64_t map_handle, uint64_t index, uint64_t, uint64_t,
                       RunContext& context) {
  Map* map = checked_map(context, map_handle, "bpf_tail_call");
  if (map == nullptr) return 0;
  if (map->definition().type != kMapProgArray) return helper_error(kEINVAL);
  // The kernel's index is a u32; out of range and empty entries both fail.
  const void* target =
      static_cast<ProgArrayMap*>(map)->tail_call_target(static_cast<uint32_t>(index));
  if (target == nullptr) return helper_error(kENOENT);
  RunServices* services = run_services(context);
  if (services == nullptr) return helper_error(kEOPNOTSUPP);  // nowhere to record it
  TailCallState& state = services->tail_call;
  if (state.count >= state.limit) return helper_error(kE2BIG);
  state.next_program = target;
  ++state.count;
  context.end_program();
  return 0;
}

}  // namespace sandbpf
