// devmap, cpumap, xskmap: see device_array_map.hpp.
#include "helpers/maps/device_array_map.hpp"

#include <cerrno>
#include <cstring>
#include <new>

namespace sandbpf {

using namespace maps_internal;

namespace {

constexpr uint32_t kQsizeMax = 16384;  // cpumap's sanity limit on a queue size

uint32_t allowed_flags(uint32_t type) {
  if (type == kMapCpumap) return kBpfFNumaNode;
  return kBpfFNumaNode | kBpfFRdonly | kBpfFWronly;
}

}  // namespace

DeviceArrayMap::DeviceArrayMap(const MapDefinition& definition, const MapEnvironment& environment)
    : Map(definition),
      epochs_(environment.epochs),
      cpus_(environment.slots),
      stride_(round_up8(definition.value_size)),
      account_(environment.budget) {}

DeviceArrayMap::~DeviceArrayMap() {
  if (!entries_) return;
  // No run uses the map any more: free what is still stored.
  for (uint32_t i = 0; i < definition().max_entries; ++i)
    ::operator delete(entries_[i].load(std::memory_order_relaxed));
  // Their bytes are still in account_, which returns them to the budget.
}

Result<std::unique_ptr<Map>> DeviceArrayMap::create(const MapDefinition& d,
                                                    const MapEnvironment& environment) {
  const std::string_view type = map_type_name(d.type);
  if (d.max_entries == 0) return definition_error(d, "max_entries must not be 0");
  if (d.key_size != 4)
    return definition_error(d, fmt::format("a {} map's key_size must be 4 (a u32 index), not {}",
                                           type, d.key_size));
  const bool pair = d.type != kMapXskmap;  // devmap and cpumap take 4 or 8
  if (!(d.value_size == 4 || (pair && d.value_size == 8)))
    return definition_error(d, fmt::format("a {} map's value_size must be {}, not {}", type,
                                           pair ? "4 or 8" : "4", d.value_size));
  if (d.flags & ~allowed_flags(d.type))
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for a {} map",
                                           d.flags & ~allowed_flags(d.type), type));
  if (d.type == kMapDevmap && !environment.epochs)
    return definition_error(d, "a devmap map needs an EpochDomain (MapEnvironment::epochs) to free "
                               "entries safely");
  std::unique_ptr<DeviceArrayMap> map(new DeviceArrayMap(d, environment));
  if (auto charged = charge_at_creation(map->account_, d, uint64_t{d.max_entries} * sizeof(void*));
      !charged)
    return std::unexpected(charged.error());
  // Allocated once charged, so the budget refuses an absurd max_entries first.
  map->entries_.reset(new std::atomic<uint8_t*>[d.max_entries]);
  for (uint32_t i = 0; i < d.max_entries; ++i)
    map->entries_[i].store(nullptr, std::memory_order_relaxed);
  return std::unique_ptr<Map>(std::move(map));
}

void DeviceArrayMap::replace(uint32_t index, uint8_t* entry) {
  uint8_t* old = entries_[index].exchange(entry, std::memory_order_acq_rel);
  if (!old) return;
  account_.forget(stride_);
  if (definition().type == kMapDevmap) {
    // A run may hold it (devmap lookups return it): free after the epoch.
    const uint64_t bytes = stride_;
    MapMemoryBudget* budget = account_.budget();
    epochs_->retire([old, bytes, budget] {
      ::operator delete(old);
      MemoryAccount::release_budget(budget, bytes);
    });
  } else {
    ::operator delete(old);  // programs never see cpumap or xskmap entries
    MemoryAccount::release_budget(account_.budget(), stride_);
  }
}

long DeviceArrayMap::store(uint32_t index, const uint8_t* value, uint64_t flags) {
  const MapDefinition& d = definition();
  if (flags > kBpfExist) return -EINVAL;
  if (index >= d.max_entries) return -E2BIG;
  uint32_t first = 0, fd = 0;
  std::memcpy(&first, value, 4);
  if (d.value_size == 8) std::memcpy(&fd, value + 4, 4);
  std::lock_guard<std::mutex> hold(lock_);
  const bool used = entries_[index].load(std::memory_order_relaxed) != nullptr;
  bool empty_it = false;
  switch (d.type) {
    case kMapDevmap:
      if (flags == kBpfNoExist) return -EEXIST;
      if (static_cast<int32_t>(fd) > 0) return -EINVAL;  // no program to attach
      empty_it = first == 0;                             // ifindex 0
      fd = 0;                                            // the program id reads 0
      break;
    case kMapCpumap:
      if (flags == kBpfNoExist) return -EEXIST;
      if (first > kQsizeMax) return -EOVERFLOW;
      if (index >= cpus_) return -ENODEV;
      if (static_cast<int32_t>(fd) > 0) return -EINVAL;
      empty_it = first == 0;  // qsize 0
      fd = 0;
      break;
    default:  // xskmap
      if (used && flags == kBpfNoExist) return -EEXIST;
      if (!used && flags == kBpfExist) return -ENOENT;
      break;
  }
  if (empty_it) {
    replace(index, nullptr);
    return 0;
  }
  if (!account_.charge(stride_)) return -ENOMEM;
  auto* entry = static_cast<uint8_t*>(::operator new(stride_, std::nothrow));
  if (!entry) {
    account_.release(stride_);
    return -ENOMEM;
  }
  std::memset(entry, 0, stride_);
  std::memcpy(entry, &first, 4);
  if (d.value_size == 8) std::memcpy(entry + 4, &fd, 4);
  replace(index, entry);
  return 0;
}

void* DeviceArrayMap::lookup(const void* key, uint32_t) {
  if (definition().type != kMapDevmap) return nullptr;
  const uint32_t index = read_u32(key);
  if (index >= definition().max_entries) return nullptr;
  return entries_[index].load(std::memory_order_acquire);
}

Result<void> DeviceArrayMap::do_host_lookup(std::span<const uint8_t> key,
                                            std::span<uint8_t> value_out) {
  if (definition().type == kMapXskmap) return host_error("lookup", -EOPNOTSUPP);
  const uint32_t index = read_u32(key.data());
  if (index >= definition().max_entries) return host_error("lookup", -ENOENT);
  std::lock_guard<std::mutex> hold(lock_);  // no entry is replaced while it is copied
  const uint8_t* entry = entries_[index].load(std::memory_order_relaxed);
  if (!entry) return host_error("lookup", -ENOENT);
  copy_from_shared(value_out.data(), entry, definition().value_size);
  return {};
}

Result<void> DeviceArrayMap::do_host_update(std::span<const uint8_t> key,
                                            std::span<const uint8_t> value, uint64_t flags) {
  if (long err = store(read_u32(key.data()), value.data(), flags)) return host_error("update", err);
  return {};
}

Result<void> DeviceArrayMap::do_host_delete(std::span<const uint8_t> key) {
  const uint32_t index = read_u32(key.data());
  if (index >= definition().max_entries) return host_error("delete", -EINVAL);
  std::lock_guard<std::mutex> hold(lock_);
  replace(index, nullptr);
  return {};
}

Result<void> DeviceArrayMap::do_host_lookup_and_delete(std::span<const uint8_t>,
                                                       std::span<uint8_t>) {
  return host_error("lookup and delete", -kENotSupp);
}

Result<bool> DeviceArrayMap::do_host_next_key(std::span<const uint8_t> key,
                                              std::span<uint8_t> next_out) {
  return array_next_key(key, definition().max_entries, next_out.data());
}

}  // namespace sandbpf
