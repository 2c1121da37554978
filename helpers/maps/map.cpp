// Map: creation (validation shared by every type, then the type's own
// factory) and the host-side checks every map shares.
#include "helpers/maps/map.hpp"

#include <cerrno>

#include <fmt/format.h>

#include "helpers/maps/array_map.hpp"
#include "helpers/maps/device_array_map.hpp"
#include "helpers/maps/hash_map.hpp"
#include "helpers/maps/lpm_trie_map.hpp"
#include "helpers/maps/lru_hash_map.hpp"
#include "helpers/maps/map_in_map.hpp"
#include "helpers/maps/map_support.hpp"
#include "helpers/maps/perf_event_array_map.hpp"
#include "helpers/maps/prog_array_map.hpp"
#include "helpers/maps/queue_stack_map.hpp"
#include "helpers/maps/ring_buffer_map.hpp"
#include "helpers/maps/stack_trace_map.hpp"

namespace sandbpf {

using maps_internal::definition_error;

std::string_view errno_name(long negated_errno) {
  switch (-negated_errno) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENODEV: return "ENODEV";
    case EOVERFLOW: return "EOVERFLOW";
    case ENOENT: return "ENOENT";
    case E2BIG: return "E2BIG";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case EINVAL: return "EINVAL";
    case ENOSPC: return "ENOSPC";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case kENotSupp: return "ENOTSUPP";
    default: return "EUNKNOWN";
  }
}

namespace {

std::string_view errno_text(long negated_errno) {
  switch (-negated_errno) {
    case EPERM: return "not permitted by the map's flags";
    case ENODEV: return "no such device (for a cpumap: no such CPU)";
    case EOVERFLOW: return "the value is out of range";
    case ENOENT: return "no such element";
    case E2BIG: return "the map is full, or the index is out of range";
    case EAGAIN: return "no room now";
    case ENOMEM: return "out of map memory";
    case EEXIST: return "the key already exists";
    case EINVAL: return "invalid argument";
    case ENOSPC: return "no space left";
    case EOPNOTSUPP:
    case kENotSupp: return "not supported by this map type";
    default: return "failed";
  }
}

}  // namespace

std::unexpected<Error> Map::host_error(std::string_view operation, long negated_errno) const {
  return make_error(ErrorKind::kRuntime,
                    fmt::format("map '{}': {}: {} ({})", name(), operation,
                                errno_text(negated_errno), errno_name(negated_errno)));
}

std::unexpected<Error> Map::host_error(std::string_view operation, std::string_view what) const {
  return make_error(ErrorKind::kRuntime, fmt::format("map '{}': {}: {}", name(), operation, what));
}

Result<std::unique_ptr<Map>> Map::create(const MapDefinition& definition,
                                         const MapEnvironment& environment,
                                         const MapDefinition* inner_template) {
  const uint32_t flags = definition.flags;
  if ((flags & kBpfFRdonly) && (flags & kBpfFWronly))
    return definition_error(definition, "flags BPF_F_RDONLY and BPF_F_WRONLY exclude each other");
  if ((flags & kBpfFRdonlyProg) && (flags & kBpfFWronlyProg))
    return definition_error(definition,
                            "flags BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG exclude each other");
  if (environment.slots == 0)
    return definition_error(definition, "the environment has no per-CPU slots (slots is 0)");

  switch (definition.type) {
    case kMapArray:
    case kMapPercpuArray:
      return ArrayMap::create(definition, environment);
    case kMapHash:
    case kMapPercpuHash:
      return HashMap::create(definition, environment);
    case kMapLruHash:
    case kMapLruPercpuHash:
      return LruHashMap::create(definition, environment);
    case kMapStackTrace:
      return StackTraceMap::create(definition, environment);
    case kMapDevmap:
    case kMapCpumap:
    case kMapXskmap:
      return DeviceArrayMap::create(definition, environment);
    case kMapLpmTrie:
      return LpmTrieMap::create(definition, environment);
    case kMapRingbuf:
      return RingBufferMap::create(definition, environment);
    case kMapPerfEventArray:
      return PerfEventArrayMap::create(definition, environment);
    case kMapProgArray:
      return ProgArrayMap::create(definition, environment);
    case kMapQueue:
    case kMapStack:
      return QueueStackMap::create(definition, environment);
    case kMapArrayOfMaps:
      return ArrayOfMaps::create(definition, environment, inner_template);
    case kMapHashOfMaps:
      return HashOfMaps::create(definition, environment, inner_template);
    default:
      return definition_error(definition, fmt::format("map type '{}' ({}) is not supported",
                                                      map_type_name(definition.type),
                                                      definition.type));
  }
}

long Map::push(const void*, uint64_t, uint32_t) { return -EINVAL; }
long Map::pop(void*, uint32_t) { return -EINVAL; }
long Map::peek(void*, uint32_t) { return -EINVAL; }

uint64_t Map::host_value_size() const { return definition_.value_size; }

namespace {

std::string size_mismatch(std::string_view what, size_t got, uint64_t expected) {
  return fmt::format("the {} is {} bytes, the map's is {} (EINVAL)", what, got, expected);
}

}  // namespace

Result<void> Map::host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) {
  if (key.size() != definition_.key_size)
    return host_error("lookup", size_mismatch("key", key.size(), definition_.key_size));
  if (value_out.size() != host_value_size())
    return host_error("lookup", size_mismatch("value buffer", value_out.size(), host_value_size()));
  if (definition_.flags & kBpfFWronly) return host_error("lookup", -EPERM);
  return do_host_lookup(key, value_out);
}

Result<void> Map::host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) {
  if (key.size() != definition_.key_size)
    return host_error("update", size_mismatch("key", key.size(), definition_.key_size));
  if (value.size() != host_value_size())
    return host_error("update", size_mismatch("value", value.size(), host_value_size()));
  if ((definition_.flags & kBpfFRdonly) || frozen()) return host_error("update", -EPERM);
  return do_host_update(key, value, flags);
}

Result<void> Map::host_delete(std::span<const uint8_t> key) {
  if (key.size() != definition_.key_size)
    return host_error("delete", size_mismatch("key", key.size(), definition_.key_size));
  if ((definition_.flags & kBpfFRdonly) || frozen()) return host_error("delete", -EPERM);
  return do_host_delete(key);
}

Result<void> Map::host_lookup_and_delete(std::span<const uint8_t> key,
                                         std::span<uint8_t> value_out) {
  if (key.size() != definition_.key_size)
    return host_error("lookup and delete", size_mismatch("key", key.size(), definition_.key_size));
  if (value_out.size() != host_value_size())
    return host_error("lookup and delete",
                      size_mismatch("value buffer", value_out.size(), host_value_size()));
  if (definition_.flags & (kBpfFRdonly | kBpfFWronly) || frozen())
    return host_error("lookup and delete", -EPERM);
  return do_host_lookup_and_delete(key, value_out);
}

Result<void> Map::do_host_lookup_and_delete(std::span<const uint8_t> key,
                                            std::span<uint8_t> value_out) {
  if (auto found = do_host_lookup(key, value_out); !found) return found;
  return do_host_delete(key);
}

Result<bool> Map::host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) {
  if (!key.empty() && key.size() != definition_.key_size)
    return host_error("next key", size_mismatch("key", key.size(), definition_.key_size));
  if (next_out.size() != definition_.key_size)
    return host_error("next key", size_mismatch("key buffer", next_out.size(), definition_.key_size));
  if (definition_.flags & kBpfFWronly) return host_error("next key", -EPERM);
  return do_host_next_key(key, next_out);
}

Result<std::vector<Map::Entry>> Map::host_entries() {
  std::vector<Entry> entries;
  const uint32_t type = definition_.type;
  if (type == kMapQueue || type == kMapStack || type == kMapRingbuf || type == kMapPerfEventArray)
    return entries;
  std::vector<uint8_t> key(definition_.key_size), next(definition_.key_size),
      value(host_value_size());
  bool first = true;
  // max_entries + 1 steps at most: a hash map whose keys change meanwhile
  // may restart from its first key (Linux's rule), and must not loop forever.
  for (uint64_t step = 0; step <= definition_.max_entries; ++step) {
    auto more = host_next_key(first ? std::span<const uint8_t>{} : std::span<const uint8_t>(key), next);
    if (!more) return std::unexpected(std::move(more.error()));
    if (!*more) break;
    first = false;
    key = next;
    if (host_lookup(key, value)) entries.push_back({key, value});
  }
  return entries;
}

}  // namespace sandbpf
