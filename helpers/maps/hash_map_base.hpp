// What hash, percpu_hash, lru_hash, lru_percpu_hash and hash_of_maps share:
// a Map over a HashTable (hash_table.hpp has the design), the Linux checks
// of a hash map's definition, and the host-side API.
#pragma once

#include <memory>

#include "helpers/maps/hash_table.hpp"
#include "helpers/maps/map.hpp"

namespace sandbpf {

class HashMapBase : public Map {
 public:
  void* lookup(const void* key, uint32_t slot) override;
  long update(const void* key, const void* value, uint64_t flags, uint32_t slot) override;
  long erase(const void* key, uint32_t slot) override;
  uint64_t host_value_size() const override;
  uint64_t memory_used() const override { return account_.used(); }

  bool percpu() const {
    return definition().type == kMapPercpuHash || definition().type == kMapLruPercpuHash;
  }
  uint32_t size() const { return table_->size(); }  // elements now in the map

 protected:
  HashMapBase(const MapDefinition& definition, const MapEnvironment& environment);
  // Checks the definition as Linux's htab_map_alloc_check does, charges the
  // bucket table and makes the table. value_size: bytes the table stores
  // per value (the definition's, except for hash_of_maps).
  static Result<void> validate(const MapDefinition& definition, const MapEnvironment& environment);
  Result<void> initialize(const MapEnvironment& environment, uint32_t value_size,
                          void (*value_free)(uint8_t*) = nullptr);

  Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) override;
  Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) override;
  Result<void> do_host_delete(std::span<const uint8_t> key) override;
  Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) override;

  uint32_t slots_;
  maps_internal::MemoryAccount account_;
  std::unique_ptr<maps_internal::HashTable> table_;
};

}  // namespace sandbpf
