// BPF_MAP_TYPE_ARRAY and BPF_MAP_TYPE_PERCPU_ARRAY: max_entries values,
// preallocated and zeroed at creation, indexed by a u32 key. Values are
// 8-byte aligned and never move or get freed while the map lives, so
// updates copy in place (as in Linux: a program holding a value sees later
// updates) and no epoch is needed. Elements cannot be deleted (-EINVAL).
//
// Global data (.data, .rodata, .bss) is an array with one entry whose
// value starts as MapDefinition::initial_value; direct_value() gives lddw
// src=2 its stable address. MapDefinition::readonly (.rodata) and
// BPF_F_RDONLY_PROG make program-side updates fail with -EPERM (the
// verifier refuses such programs first; this is the checked-mode backstop).
#pragma once

#include "helpers/maps/map.hpp"
#include "helpers/maps/map_support.hpp"
#include "vm/environment.hpp"

namespace sandbpf {

class ArrayMap final : public Map {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);

  void* lookup(const void* key, uint32_t slot) override;
  long update(const void* key, const void* value, uint64_t flags, uint32_t slot) override;
  long erase(const void* key, uint32_t slot) override;  // -EINVAL, as in Linux
  std::span<uint8_t> direct_value() override;
  uint64_t host_value_size() const override;
  uint64_t memory_used() const override { return account_.used(); }

  bool percpu() const { return definition().type == kMapPercpuArray; }
  // The value of entry `index` in `slot` (slot 0 for a plain array), or null.
  uint8_t* element(uint32_t index, uint32_t slot) const;
  // Bytes from one entry's value to the next's (a plain array: entry i at
  // element(0, 0) + i * stride()); fixed for the map's life.
  uint64_t stride() const { return stride_ * copies_; }

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) override;
  Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) override;
  Result<void> do_host_delete(std::span<const uint8_t> key) override;
  Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) override;

 private:
  ArrayMap(const MapDefinition& definition, const MapEnvironment& environment);
  long check_update(uint32_t index, uint64_t flags) const;

  uint32_t copies_;   // values per entry: slots for per-CPU, else 1
  uint64_t stride_;   // round_up(value_size, 8)
  maps_internal::MemoryAccount account_;
  maps_internal::RawStorage storage_;
};

// Fills `binding`'s array layout (MapBinding::array_values, array_stride,
// array_entries) when `map` is a plain array (BPF_MAP_TYPE_ARRAY: not
// per-CPU, not of maps), so that a JIT may compile its lookups inline;
// leaves it null for every other map. One place decides which maps
// qualify, for the runtime's Instance and the benchmarks alike.
void bind_array_layout(const Map& map, MapBinding& binding);

}  // namespace sandbpf
