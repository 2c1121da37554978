// BPF_MAP_TYPE_PROG_ARRAY: the table bpf_tail_call jumps through. Entries
// are program handles (`const void*`, opaque here: the runtime decides what
// they point to) set by the host. key_size and value_size are 4 as in Linux
// (a program fd there); host-side values are the handle's bytes
// (host_value_size() == sizeof(void*)). As in Linux, programs cannot look
// entries up (null) or change them (-EINVAL), and the host may only update
// with BPF_ANY.
//
// tail_call_target() is one acquire load. When the host replaces or deletes
// a handle, the map hands it to the release function (set_release) through
// the EpochDomain, i.e. only after every run that could have read it has
// ended, so the runtime can drop its reference to the program then.
// Handles still in the map at its destruction are released at once.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include "helpers/maps/epoch.hpp"
#include "helpers/maps/map.hpp"
#include "helpers/maps/map_support.hpp"

namespace sandbpf {

class ProgArrayMap final : public Map {
 public:
  using ReleaseFunction = std::function<void(const void* program)>;

  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);
  ~ProgArrayMap() override;

  // The program at `index`, or null (no entry or index out of range: the
  // tail call does not happen and the caller continues).
  const void* tail_call_target(uint32_t index) const {
    if (index >= definition().max_entries) return nullptr;
    return entries_[index].load(std::memory_order_acquire);
  }
  Result<void> set_program(uint32_t index, const void* program);
  Result<void> clear(uint32_t index);
  void set_release(ReleaseFunction release);

  void* lookup(const void*, uint32_t) override { return nullptr; }
  long update(const void*, const void*, uint64_t, uint32_t) override { return -EINVAL; }
  long erase(const void*, uint32_t) override { return -EINVAL; }
  uint64_t host_value_size() const override { return sizeof(void*); }
  uint64_t memory_used() const override { return account_.used(); }

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) override;
  Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) override;
  Result<void> do_host_delete(std::span<const uint8_t> key) override;
  Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) override;

 private:
  ProgArrayMap(const MapDefinition& definition, const MapEnvironment& environment);
  long exchange(uint32_t index, const void* program);  // 0 or -E2BIG / -ENOENT
  void release_later(const void* program);

  EpochDomain* epochs_;
  maps_internal::MemoryAccount account_;
  std::unique_ptr<std::atomic<const void*>[]> entries_;
  std::mutex release_lock_;
  std::shared_ptr<ReleaseFunction> release_;  // shared with pending retirements
};

}  // namespace sandbpf
