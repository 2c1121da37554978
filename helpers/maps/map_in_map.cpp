#include "helpers/maps/map_in_map.hpp"

#include <cerrno>
#include <cstring>

namespace sandbpf {

using namespace maps_internal;

namespace {

constexpr uint32_t kFdArrayFlags =
    kBpfFNumaNode | kBpfFMmapable | kBpfFRdonly | kBpfFWronly | kBpfFInnerMap;

bool is_map_in_map(uint32_t type) { return type == kMapArrayOfMaps || type == kMapHashOfMaps; }

bool is_supported(uint32_t type) {
  switch (type) {
    case kMapArray: case kMapPercpuArray: case kMapHash: case kMapPercpuHash: case kMapLruHash:
    case kMapLruPercpuHash: case kMapRingbuf: case kMapPerfEventArray: case kMapProgArray:
    case kMapQueue: case kMapStack: case kMapLpmTrie:
      return true;
    default:
      return false;
  }
}

Result<void> check_template(const MapDefinition& d, const MapDefinition* inner_template) {
  if (!inner_template)
    return definition_error(d, fmt::format("an {} map needs the definition of its inner map (none "
                                           "was given)",
                                           map_type_name(d.type)));
  if (is_map_in_map(inner_template->type))
    return definition_error(d, fmt::format("its inner map '{}' is itself a map of maps; Linux allows "
                                           "one level only",
                                           inner_template->name));
  if (!is_supported(inner_template->type))
    return definition_error(d, fmt::format("its inner map '{}' has map type '{}' ({}), which is not "
                                           "supported",
                                           inner_template->name,
                                           map_type_name(inner_template->type),
                                           inner_template->type));
  if (d.value_size != 4)
    return definition_error(d, fmt::format("an {} map has value_size 4 (an inner map), not {}",
                                           map_type_name(d.type), d.value_size));
  return {};
}

template <typename Holder>
void retire_holder(EpochDomain* epochs, Holder* holder) {
  if (!holder) return;
  epochs->retire([](void* object, void*) { delete static_cast<Holder*>(object); }, holder, nullptr);
}

}  // namespace

Result<void> check_inner_map(const MapDefinition& outer, const MapDefinition& t, const Map& inner) {
  const MapDefinition& d = inner.definition();
  auto mismatch = [&](std::string_view what, uint64_t got, uint64_t expected) {
    return make_error(ErrorKind::kRuntime,
                      fmt::format("map '{}': inner map '{}' does not match the template '{}': {} {}, "
                                  "expected {}",
                                  outer.name, d.name, t.name, what, got, expected));
  };
  if (d.type != t.type)
    return make_error(ErrorKind::kRuntime,
                      fmt::format("map '{}': inner map '{}' does not match the template '{}': map "
                                  "type '{}', expected '{}'",
                                  outer.name, d.name, t.name, map_type_name(d.type),
                                  map_type_name(t.type)));
  if (d.key_size != t.key_size) return mismatch("key_size", d.key_size, t.key_size);
  if (d.value_size != t.value_size) return mismatch("value_size", d.value_size, t.value_size);
  if (d.flags != t.flags) return mismatch("flags", d.flags, t.flags);
  if (t.type == kMapArray && !(t.flags & kBpfFInnerMap) && d.max_entries != t.max_entries)
    return mismatch("max_entries", d.max_entries, t.max_entries);
  return {};
}

// ---- array_of_maps

ArrayOfMaps::ArrayOfMaps(const MapDefinition& definition, const MapEnvironment& environment,
                         const MapDefinition& inner_template)
    : Map(definition),
      template_(inner_template),
      epochs_(environment.epochs),
      account_(environment.budget),
      entries_(new std::atomic<Holder*>[definition.max_entries]) {
  for (uint32_t i = 0; i < definition.max_entries; ++i)
    entries_[i].store(nullptr, std::memory_order_relaxed);
}

ArrayOfMaps::~ArrayOfMaps() {
  for (uint32_t i = 0; i < definition().max_entries; ++i)
    delete entries_[i].load(std::memory_order_relaxed);
}

Result<std::unique_ptr<Map>> ArrayOfMaps::create(const MapDefinition& d,
                                                 const MapEnvironment& environment,
                                                 const MapDefinition* inner_template) {
  if (auto valid = check_template(d, inner_template); !valid) return std::unexpected(valid.error());
  if (d.key_size != 4)
    return definition_error(d, fmt::format("an array_of_maps map's key_size must be 4 (a u32 "
                                           "index), not {}",
                                           d.key_size));
  if (d.max_entries == 0) return definition_error(d, "max_entries must not be 0");
  if (d.flags & ~kFdArrayFlags)
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for an array_of_maps map",
                                           d.flags & ~kFdArrayFlags));
  if (!environment.epochs)
    return definition_error(d, "an array_of_maps map needs an EpochDomain (MapEnvironment::epochs) "
                               "to let go of inner maps safely");
  std::unique_ptr<ArrayOfMaps> map(new ArrayOfMaps(d, environment, *inner_template));
  if (auto charged = charge_at_creation(map->account_, d, uint64_t{d.max_entries} * sizeof(void*));
      !charged)
    return std::unexpected(charged.error());
  return std::unique_ptr<Map>(std::move(map));
}

void* ArrayOfMaps::lookup(const void* key, uint32_t) {
  const uint32_t index = read_u32(key);
  if (index >= definition().max_entries) return nullptr;
  Holder* holder = entries_[index].load(std::memory_order_acquire);
  return holder ? holder->map.get() : nullptr;
}

Result<void> ArrayOfMaps::store(uint32_t index, std::shared_ptr<Map> inner,
                                std::string_view operation) {
  if ((definition().flags & kBpfFRdonly) || frozen()) return host_error(operation, -EPERM);
  if (index >= definition().max_entries) return host_error(operation, -E2BIG);
  Holder* fresh = nullptr;
  if (inner) {
    if (auto ok = check_inner_map(definition(), template_, *inner); !ok) return ok;
    fresh = new Holder{std::move(inner)};
  }
  std::lock_guard<std::mutex> hold(host_lock_);
  Holder* old = entries_[index].exchange(fresh, std::memory_order_acq_rel);
  if (!fresh && !old) return host_error(operation, -ENOENT);
  retire_holder(epochs_, old);
  return {};
}

Result<void> ArrayOfMaps::set_inner(uint32_t index, std::shared_ptr<Map> inner) {
  if (!inner) return host_error("update", "the inner map is null (EINVAL)");
  return store(index, std::move(inner), "update");
}

std::shared_ptr<Map> ArrayOfMaps::inner(uint32_t index) const {
  if (index >= definition().max_entries) return nullptr;
  std::lock_guard<std::mutex> hold(host_lock_);
  Holder* holder = entries_[index].load(std::memory_order_acquire);
  return holder ? holder->map : nullptr;
}

Result<void> ArrayOfMaps::do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) {
  std::shared_ptr<Map> found = inner(read_u32(key.data()));
  if (!found) return host_error("lookup", -ENOENT);
  Map* raw = found.get();
  std::memcpy(value_out.data(), &raw, sizeof(raw));
  return {};
}

Result<void> ArrayOfMaps::do_host_update(std::span<const uint8_t> key,
                                         std::span<const uint8_t> value, uint64_t flags) {
  if (flags != kBpfAny) return host_error("update", -EINVAL);  // Linux: fd arrays take BPF_ANY only
  Map* raw;
  std::memcpy(&raw, value.data(), sizeof(raw));
  if (!raw) return host_error("update", "the inner map is null (EINVAL)");
  return store(read_u32(key.data()), std::shared_ptr<Map>(raw, [](Map*) {}), "update");
}

Result<void> ArrayOfMaps::do_host_delete(std::span<const uint8_t> key) {
  return store(read_u32(key.data()), nullptr, "delete");
}

Result<bool> ArrayOfMaps::do_host_next_key(std::span<const uint8_t> key,
                                           std::span<uint8_t> next_out) {
  return array_next_key(key, definition().max_entries, next_out.data());
}

// ---- hash_of_maps

HashOfMaps::HashOfMaps(const MapDefinition& definition, const MapEnvironment& environment,
                       const MapDefinition& inner_template)
    : HashMapBase(definition, environment), template_(inner_template) {}

void HashOfMaps::free_holder(uint8_t* value) {
  Holder* holder;
  std::memcpy(&holder, value, sizeof(holder));
  delete holder;
}

Result<std::unique_ptr<Map>> HashOfMaps::create(const MapDefinition& d,
                                                const MapEnvironment& environment,
                                                const MapDefinition* inner_template) {
  if (auto valid = check_template(d, inner_template); !valid) return std::unexpected(valid.error());
  if (auto valid = validate(d, environment); !valid) return std::unexpected(valid.error());
  std::unique_ptr<HashOfMaps> map(new HashOfMaps(d, environment, *inner_template));
  if (auto made = map->initialize(environment, sizeof(Holder*), &HashOfMaps::free_holder); !made)
    return std::unexpected(made.error());
  return std::unique_ptr<Map>(std::move(map));
}

void* HashOfMaps::lookup(const void* key, uint32_t) {
  const uint8_t* value = table_->lookup(key, 0, false);
  if (!value) return nullptr;
  Holder* holder;
  std::memcpy(&holder, value, sizeof(holder));
  return holder->map.get();
}

HashOfMaps::Holder* HashOfMaps::holder_at(std::span<const uint8_t> key) const {
  Holder* holder = nullptr;
  if (table_->copy_out(key.data(), reinterpret_cast<uint8_t*>(&holder)) != 0) return nullptr;
  return holder;
}

Result<void> HashOfMaps::set_inner(std::span<const uint8_t> key, std::shared_ptr<Map> inner,
                                   uint64_t flags) {
  if (key.size() != definition().key_size)
    return host_error("update", fmt::format("the key is {} bytes, the map's is {} (EINVAL)",
                                            key.size(), definition().key_size));
  if ((definition().flags & kBpfFRdonly) || frozen()) return host_error("update", -EPERM);
  if (!inner) return host_error("update", "the inner map is null (EINVAL)");
  if (auto ok = check_inner_map(definition(), template_, *inner); !ok) return ok;
  auto* holder = new Holder{std::move(inner)};
  ValueSource source;
  source.data = reinterpret_cast<const uint8_t*>(&holder);
  std::lock_guard<std::mutex> hold(host_lock_);
  if (long err = table_->update(key.data(), source, flags)) {
    delete holder;
    return host_error("update", err);
  }
  return {};
}

std::shared_ptr<Map> HashOfMaps::inner(std::span<const uint8_t> key) const {
  if (key.size() != definition().key_size) return nullptr;
  std::lock_guard<std::mutex> hold(host_lock_);
  Holder* holder = holder_at(key);
  return holder ? holder->map : nullptr;
}

Result<void> HashOfMaps::do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) {
  std::lock_guard<std::mutex> hold(host_lock_);
  Holder* holder = holder_at(key);
  if (!holder) return host_error("lookup", -ENOENT);
  Map* raw = holder->map.get();
  std::memcpy(value_out.data(), &raw, sizeof(raw));
  return {};
}

Result<void> HashOfMaps::do_host_update(std::span<const uint8_t> key,
                                        std::span<const uint8_t> value, uint64_t flags) {
  Map* raw;
  std::memcpy(&raw, value.data(), sizeof(raw));
  if (!raw) return host_error("update", "the inner map is null (EINVAL)");
  return set_inner(key, std::shared_ptr<Map>(raw, [](Map*) {}), flags);
}

Result<void> HashOfMaps::do_host_delete(std::span<const uint8_t> key) {
  std::lock_guard<std::mutex> hold(host_lock_);
  if (long err = table_->erase(key.data())) return host_error("delete", err);
  return {};
}

}  // namespace sandbpf
