#include "helpers/maps/array_map.hpp"

#include <algorithm>
#include <cerrno>

namespace sandbpf {

using namespace maps_internal;

namespace {

// Linux's ARRAY_CREATE_FLAG_MASK.
constexpr uint32_t kArrayFlags =
    kBpfFNumaNode | kBpfFMmapable | kBpfFAccessMask | kBpfFPreserveElems | kBpfFInnerMap;

}  // namespace

ArrayMap::ArrayMap(const MapDefinition& definition, const MapEnvironment& environment)
    : Map(definition),
      copies_(definition.type == kMapPercpuArray ? environment.slots : 1),
      stride_(round_up8(definition.value_size)),
      account_(environment.budget) {}

Result<std::unique_ptr<Map>> ArrayMap::create(const MapDefinition& definition,
                                              const MapEnvironment& environment) {
  const bool percpu = definition.type == kMapPercpuArray;
  const auto& d = definition;
  if (d.key_size != 4)
    return definition_error(d, fmt::format("an {} map's key_size must be 4 (a u32 index), not {}",
                                           map_type_name(d.type), d.key_size));
  if (d.value_size == 0) return definition_error(d, "value_size must not be 0");
  if (d.max_entries == 0) return definition_error(d, "max_entries must not be 0");
  if (d.flags & ~kArrayFlags)
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for an {} map",
                                           d.flags & ~kArrayFlags, map_type_name(d.type)));
  if (d.flags & kBpfFPreserveElems)
    return definition_error(d, "BPF_F_PRESERVE_ELEMS is only for perf_event_array maps");
  if (percpu && (d.flags & kBpfFMmapable))
    return definition_error(d, "a percpu_array map cannot be BPF_F_MMAPABLE");
  if (percpu && d.value_size > kPcpuMinUnitSize)
    return definition_error(d, fmt::format("value_size {} exceeds Linux's per-CPU limit of {} bytes",
                                           d.value_size, kPcpuMinUnitSize));
  if (d.value_size > kKmallocMaxSize)
    return definition_error(d, fmt::format("value_size {} exceeds Linux's limit of {} bytes",
                                           d.value_size, kKmallocMaxSize));
  if (!d.initial_value.empty() && d.initial_value.size() > d.value_size)
    return definition_error(d, fmt::format("the initial value has {} bytes, more than value_size {}",
                                           d.initial_value.size(), d.value_size));
  const uint64_t stride = round_up8(d.value_size);
  const uint64_t copies = percpu ? environment.slots : 1;
  const uint64_t bytes = uint64_t{d.max_entries} * stride * copies;
  if (!percpu && bytes >= 0xffffffffull - kPageSize)
    return definition_error(d, fmt::format("{} entries of {} bytes exceed Linux's 4 GiB array limit",
                                           d.max_entries, stride));

  std::unique_ptr<ArrayMap> map(new ArrayMap(definition, environment));
  if (auto charged = charge_at_creation(map->account_, d, bytes); !charged)
    return std::unexpected(charged.error());
  map->storage_ = allocate_zeroed(bytes);
  if (!d.initial_value.empty() && !percpu)
    std::copy(d.initial_value.begin(), d.initial_value.end(), map->storage_.get());
  return std::unique_ptr<Map>(std::move(map));
}

uint8_t* ArrayMap::element(uint32_t index, uint32_t slot) const {
  if (index >= definition().max_entries || slot >= copies_) return nullptr;
  return storage_.get() + (uint64_t{index} * copies_ + slot) * stride_;
}

void* ArrayMap::lookup(const void* key, uint32_t slot) {
  return element(read_u32(key), percpu() ? slot : 0);
}

long ArrayMap::check_update(uint32_t index, uint64_t flags) const {
  if ((flags & ~kBpfFLock) > kBpfExist) return -EINVAL;
  if (index >= definition().max_entries) return -E2BIG;
  if (flags & kBpfNoExist) return -EEXIST;
  if (flags & kBpfFLock) return -EINVAL;  // no bpf_spin_lock in sandbpf's values
  return 0;
}

long ArrayMap::update(const void* key, const void* value, uint64_t flags, uint32_t slot) {
  const uint32_t index = read_u32(key);
  if (long err = check_update(index, flags)) return err;
  if ((definition().flags & kBpfFRdonlyProg) || definition().readonly) return -EPERM;
  uint8_t* target = element(index, percpu() ? slot : 0);
  if (!target) return -EINVAL;  // a slot beyond the environment's
  copy_into_shared(target, value, definition().value_size);
  return 0;
}

long ArrayMap::erase(const void*, uint32_t) { return -EINVAL; }

std::span<uint8_t> ArrayMap::direct_value() {
  if (percpu() || definition().max_entries != 1) return {};
  return {storage_.get(), definition().value_size};
}

uint64_t ArrayMap::host_value_size() const {
  return percpu() ? stride_ * copies_ : definition().value_size;
}

Result<void> ArrayMap::do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) {
  const uint32_t index = read_u32(key.data());
  if (index >= definition().max_entries) return host_error("lookup", -ENOENT);
  if (!percpu()) {
    copy_from_shared(value_out.data(), element(index, 0), definition().value_size);
    return {};
  }
  std::fill(value_out.begin(), value_out.end(), uint8_t{0});
  for (uint32_t s = 0; s < copies_; ++s)
    copy_from_shared(value_out.data() + s * stride_, element(index, s), definition().value_size);
  return {};
}

Result<void> ArrayMap::do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                                      uint64_t flags) {
  const uint32_t index = read_u32(key.data());
  if (long err = check_update(index, flags)) return host_error("update", err);
  if (!percpu()) {
    copy_into_shared(element(index, 0), value.data(), definition().value_size);
    return {};
  }
  for (uint32_t s = 0; s < copies_; ++s)
    copy_into_shared(element(index, s), value.data() + s * stride_, definition().value_size);
  return {};
}

Result<void> ArrayMap::do_host_delete(std::span<const uint8_t>) {
  return host_error("delete", -EINVAL);
}

Result<bool> ArrayMap::do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) {
  return array_next_key(key, definition().max_entries, next_out.data());
}

void bind_array_layout(const Map& map, MapBinding& binding) {
  binding.array_values = nullptr;
  binding.array_stride = 0;
  binding.array_entries = 0;
  const auto* array = dynamic_cast<const ArrayMap*>(&map);
  if (array == nullptr || map.definition().type != kMapArray) return;
  binding.array_values = array->element(0, 0);
  binding.array_stride = array->stride();
  binding.array_entries = map.definition().max_entries;
}

}  // namespace sandbpf
