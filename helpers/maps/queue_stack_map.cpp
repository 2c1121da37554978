#include "helpers/maps/queue_stack_map.hpp"

#include <cerrno>
#include <cstring>
#include <mutex>

namespace sandbpf {

using namespace maps_internal;

QueueStackMap::QueueStackMap(const MapDefinition& definition, const MapEnvironment& environment)
    : Map(definition), stride_(round_up8(definition.value_size)), account_(environment.budget) {}

QueueStackMap::~QueueStackMap() = default;

Result<std::unique_ptr<Map>> QueueStackMap::create(const MapDefinition& d,
                                                   const MapEnvironment& environment) {
  const std::string_view type = map_type_name(d.type);
  if (d.key_size != 0)
    return definition_error(d, fmt::format("a {} map has no key: key_size must be 0, not {}", type,
                                           d.key_size));
  if (d.value_size == 0) return definition_error(d, "value_size must not be 0");
  if (d.max_entries == 0) return definition_error(d, "max_entries must not be 0");
  if (d.flags & ~(kBpfFNumaNode | kBpfFAccessMask))
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for a {} map",
                                           d.flags & ~(kBpfFNumaNode | kBpfFAccessMask), type));
  if (d.value_size > kKmallocMaxSize)
    return definition_error(d, fmt::format("value_size {} exceeds Linux's limit of {} bytes",
                                           d.value_size, kKmallocMaxSize));
  std::unique_ptr<QueueStackMap> map(new QueueStackMap(d, environment));
  const uint64_t bytes = uint64_t{d.max_entries} * map->stride_;
  if (auto charged = charge_at_creation(map->account_, d, bytes); !charged)
    return std::unexpected(charged.error());
  map->storage_ = allocate_zeroed(bytes);
  return std::unique_ptr<Map>(std::move(map));
}

uint32_t QueueStackMap::size() const {
  std::lock_guard<SpinLock> hold(lock_);
  return count_;
}

long QueueStackMap::push(const void* value, uint64_t flags, uint32_t) {
  if ((flags & kBpfNoExist) || flags > kBpfExist) return -EINVAL;
  std::lock_guard<SpinLock> hold(lock_);
  if (count_ == definition().max_entries) {
    if (!(flags & kBpfExist)) return -E2BIG;
    oldest_ = (oldest_ + 1) % definition().max_entries;  // drop the oldest
    --count_;
  }
  std::memcpy(at(oldest_ + count_), value, definition().value_size);
  ++count_;
  return 0;
}

long QueueStackMap::take(void* value_out, bool remove) {
  std::lock_guard<SpinLock> hold(lock_);
  if (count_ == 0) return -ENOENT;
  const uint32_t position = is_stack() ? oldest_ + count_ - 1 : oldest_;
  std::memcpy(value_out, at(position), definition().value_size);
  if (remove) {
    if (!is_stack()) oldest_ = (oldest_ + 1) % definition().max_entries;
    --count_;
  }
  return 0;
}

long QueueStackMap::pop(void* value_out, uint32_t) { return take(value_out, true); }
long QueueStackMap::peek(void* value_out, uint32_t) { return take(value_out, false); }

// Linux's queue_stack_map_update_elem: programs push with bpf_map_push_elem.
long QueueStackMap::update(const void*, const void*, uint64_t, uint32_t) { return -EINVAL; }

Result<void> QueueStackMap::do_host_lookup(std::span<const uint8_t>, std::span<uint8_t> value_out) {
  if (long err = take(value_out.data(), false)) return host_error("lookup", err);
  return {};
}

Result<void> QueueStackMap::do_host_update(std::span<const uint8_t>, std::span<const uint8_t> value,
                                           uint64_t flags) {
  if (long err = push(value.data(), flags, 0)) return host_error("update", err);
  return {};
}

Result<void> QueueStackMap::do_host_delete(std::span<const uint8_t>) {
  return host_error("delete", -EINVAL);
}

Result<void> QueueStackMap::do_host_lookup_and_delete(std::span<const uint8_t>,
                                                      std::span<uint8_t> value_out) {
  if (long err = take(value_out.data(), true)) return host_error("lookup and delete", err);
  return {};
}

Result<bool> QueueStackMap::do_host_next_key(std::span<const uint8_t>, std::span<uint8_t>) {
  return host_error("next key", -EINVAL);
}

}  // namespace sandbpf
