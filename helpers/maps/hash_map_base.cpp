#include "helpers/maps/hash_map_base.hpp"

#include <cerrno>

namespace sandbpf {

using namespace maps_internal;

namespace {

// Linux's HTAB_CREATE_FLAG_MASK.
constexpr uint32_t kHashFlags =
    kBpfFNoPrealloc | kBpfFNoCommonLru | kBpfFNumaNode | kBpfFAccessMask | kBpfFZeroSeed;

bool is_lru(uint32_t type) { return type == kMapLruHash || type == kMapLruPercpuHash; }
bool is_percpu(uint32_t type) { return type == kMapPercpuHash || type == kMapLruPercpuHash; }

}  // namespace

HashMapBase::HashMapBase(const MapDefinition& definition, const MapEnvironment& environment)
    : Map(definition), slots_(environment.slots), account_(environment.budget) {}

Result<void> HashMapBase::validate(const MapDefinition& d, const MapEnvironment& environment) {
  const bool lru = is_lru(d.type);
  const bool percpu = is_percpu(d.type);
  const std::string_view type = map_type_name(d.type);
  if (d.flags & ~kHashFlags)
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for a {} map",
                                           d.flags & ~kHashFlags, type));
  if (!lru && (d.flags & kBpfFNoCommonLru))
    return definition_error(d, "BPF_F_NO_COMMON_LRU is only for LRU hash maps");
  if (lru && (d.flags & kBpfFNoPrealloc))
    return definition_error(d, fmt::format("a {} map is always preallocated: BPF_F_NO_PREALLOC is "
                                           "not supported",
                                           type));
  if (d.max_entries == 0) return definition_error(d, "max_entries must not be 0");
  if (d.key_size == 0) return definition_error(d, "key_size must not be 0");
  if (d.value_size == 0) return definition_error(d, "value_size must not be 0");
  if (d.key_size > kMaxBpfStack)
    return definition_error(d, fmt::format("key_size {} exceeds Linux's limit of {} bytes (the BPF "
                                           "stack)",
                                           d.key_size, kMaxBpfStack));
  if (uint64_t{d.key_size} + d.value_size >= kKmallocMaxSize - kMaxBpfStack - kHashNodeHeader)
    return definition_error(d, fmt::format("key_size + value_size ({}) exceeds Linux's limit",
                                           uint64_t{d.key_size} + d.value_size));
  if (percpu && round_up8(d.value_size) > kPcpuMinUnitSize)
    return definition_error(d, fmt::format("value_size {} exceeds Linux's per-CPU limit of {} bytes",
                                           d.value_size, kPcpuMinUnitSize));
  const uint64_t node = kHashNodeHeader + round_up8(d.key_size) +
                        round_up8(d.value_size) * (percpu ? environment.slots : 1);
  if (node > 0xffffffffull)
    return definition_error(d, fmt::format("one element would need {} bytes", node));
  if (!environment.epochs)
    return definition_error(d, fmt::format("a {} map needs an EpochDomain (MapEnvironment::epochs) "
                                           "to free elements safely",
                                           type));
  return {};
}

Result<void> HashMapBase::initialize(const MapEnvironment& environment, uint32_t value_size,
                                     void (*value_free)(uint8_t*)) {
  const MapDefinition& d = definition();
  if (auto charged = charge_at_creation(account_, d, HashTable::bucket_bytes(d.max_entries));
      !charged)
    return charged;
  HashTableConfig config;
  config.key_size = d.key_size;
  config.value_size = value_size;
  config.max_entries = d.max_entries;
  config.copies = is_percpu(d.type) ? environment.slots : 1;
  config.percpu = is_percpu(d.type);
  config.lru = is_lru(d.type);
  config.zero_seed = (d.flags & kBpfFZeroSeed) != 0;
  config.value_free = value_free;
  table_ = std::make_unique<HashTable>(config, environment.epochs, &account_);
  return {};
}

void* HashMapBase::lookup(const void* key, uint32_t slot) {
  return table_->lookup(key, percpu() ? slot : 0, /*mark_referenced=*/true);
}

long HashMapBase::update(const void* key, const void* value, uint64_t flags, uint32_t slot) {
  if (definition().flags & kBpfFRdonlyProg) return -EPERM;
  ValueSource source;
  source.data = static_cast<const uint8_t*>(value);
  if (percpu()) {
    source.kind = ValueSource::Kind::kOneSlot;
    source.slot = slot;
  }
  return table_->update(key, source, flags);
}

long HashMapBase::erase(const void* key, uint32_t) {
  if (definition().flags & kBpfFRdonlyProg) return -EPERM;
  return table_->erase(key);
}

uint64_t HashMapBase::host_value_size() const {
  return percpu() ? round_up8(definition().value_size) * slots_ : definition().value_size;
}

Result<void> HashMapBase::do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) {
  if (long err = table_->copy_out(key.data(), value_out.data())) return host_error("lookup", err);
  return {};
}

Result<void> HashMapBase::do_host_update(std::span<const uint8_t> key,
                                         std::span<const uint8_t> value, uint64_t flags) {
  ValueSource source;
  source.data = value.data();
  if (percpu()) source.kind = ValueSource::Kind::kAllSlots;
  if (long err = table_->update(key.data(), source, flags)) return host_error("update", err);
  return {};
}

Result<void> HashMapBase::do_host_delete(std::span<const uint8_t> key) {
  if (long err = table_->erase(key.data())) return host_error("delete", err);
  return {};
}

Result<bool> HashMapBase::do_host_next_key(std::span<const uint8_t> key,
                                           std::span<uint8_t> next_out) {
  return table_->next_key(key.empty() ? nullptr : key.data(), next_out.data());
}

}  // namespace sandbpf
