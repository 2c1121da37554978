#include "helpers/maps/prog_array_map.hpp"

#include <cerrno>
#include <cstring>

namespace sandbpf {

using namespace maps_internal;

namespace {

constexpr uint32_t kFdArrayFlags =
    kBpfFNumaNode | kBpfFMmapable | kBpfFRdonly | kBpfFWronly | kBpfFInnerMap;

}  // namespace

ProgArrayMap::ProgArrayMap(const MapDefinition& definition, const MapEnvironment& environment)
    : Map(definition),
      epochs_(environment.epochs),
      account_(environment.budget),
      entries_(new std::atomic<const void*>[definition.max_entries]) {
  for (uint32_t i = 0; i < definition.max_entries; ++i)
    entries_[i].store(nullptr, std::memory_order_relaxed);
}

ProgArrayMap::~ProgArrayMap() {
  std::shared_ptr<ReleaseFunction> release;
  {
    std::lock_guard<std::mutex> hold(release_lock_);
    release = release_;
  }
  for (uint32_t i = 0; i < definition().max_entries; ++i) {
    const void* program = entries_[i].load(std::memory_order_relaxed);
    if (program && release && *release) (*release)(program);
  }
}

Result<std::unique_ptr<Map>> ProgArrayMap::create(const MapDefinition& d,
                                                  const MapEnvironment& environment) {
  if (d.key_size != 4 || d.value_size != 4)
    return definition_error(d, fmt::format("a prog_array map has key_size and value_size 4, not {} "
                                           "and {}",
                                           d.key_size, d.value_size));
  if (d.max_entries == 0) return definition_error(d, "max_entries must not be 0");
  if (d.flags & ~kFdArrayFlags)
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for a prog_array map",
                                           d.flags & ~kFdArrayFlags));
  std::unique_ptr<ProgArrayMap> map(new ProgArrayMap(d, environment));
  if (auto charged = charge_at_creation(map->account_, d, uint64_t{d.max_entries} * sizeof(void*));
      !charged)
    return std::unexpected(charged.error());
  return std::unique_ptr<Map>(std::move(map));
}

void ProgArrayMap::set_release(ReleaseFunction release) {
  std::lock_guard<std::mutex> hold(release_lock_);
  release_ = std::make_shared<ReleaseFunction>(std::move(release));
}

void ProgArrayMap::release_later(const void* program) {
  std::shared_ptr<ReleaseFunction> release;
  {
    std::lock_guard<std::mutex> hold(release_lock_);
    release = release_;
  }
  if (!program || !release || !*release) return;
  if (!epochs_) {
    (*release)(program);  // no domain: the host promised no run is in progress
    return;
  }
  epochs_->retire([release, program] { (*release)(program); });
}

long ProgArrayMap::exchange(uint32_t index, const void* program) {
  if (index >= definition().max_entries) return -E2BIG;
  const void* old = entries_[index].exchange(program, std::memory_order_acq_rel);
  if (!program && !old) return -ENOENT;
  release_later(old);
  return 0;
}

Result<void> ProgArrayMap::set_program(uint32_t index, const void* program) {
  if (!program) return host_error("update", "the program handle is null (EINVAL)");
  if ((definition().flags & kBpfFRdonly) || frozen()) return host_error("update", -EPERM);
  if (long err = exchange(index, program)) return host_error("update", err);
  return {};
}

Result<void> ProgArrayMap::clear(uint32_t index) {
  if ((definition().flags & kBpfFRdonly) || frozen()) return host_error("delete", -EPERM);
  if (long err = exchange(index, nullptr)) return host_error("delete", err);
  return {};
}

Result<void> ProgArrayMap::do_host_lookup(std::span<const uint8_t> key,
                                          std::span<uint8_t> value_out) {
  const void* program = tail_call_target(read_u32(key.data()));
  if (!program) return host_error("lookup", -ENOENT);
  std::memcpy(value_out.data(), &program, sizeof(program));
  return {};
}

Result<void> ProgArrayMap::do_host_update(std::span<const uint8_t> key,
                                          std::span<const uint8_t> value, uint64_t flags) {
  if (flags != kBpfAny) return host_error("update", -EINVAL);  // Linux: fd arrays take BPF_ANY only
  const void* program;
  std::memcpy(&program, value.data(), sizeof(program));
  return set_program(read_u32(key.data()), program);
}

Result<void> ProgArrayMap::do_host_delete(std::span<const uint8_t> key) {
  return clear(read_u32(key.data()));
}

Result<bool> ProgArrayMap::do_host_next_key(std::span<const uint8_t> key,
                                            std::span<uint8_t> next_out) {
  return array_next_key(key, definition().max_entries, next_out.data());
}

}  // namespace sandbpf
