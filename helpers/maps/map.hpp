// Maps: the shared state between BPF programs and their host. One Map
// object serves many threads at once: programs reach it through helpers
// (bpf_map_lookup_elem, ...), the host through the host-side API. Every
// map type implements this interface; Map::create picks the class from the
// definition's type.
//
// Rules every implementation keeps:
// * Linux semantics and error numbers (returned negated: -ENOENT, -E2BIG,
//   -EEXIST, -EINVAL, -ENOMEM) for the program-side calls, so programs
//   compiled for Linux behave the same.
// * A value pointer returned to a program stays valid for the whole run
//   that obtained it: deletes and LRU evictions retire memory through the
//   map's EpochDomain, which frees it only when every run that could have
//   looked it up has finished (epoch.hpp).
// * Per-CPU maps hold one value per slot; program-side calls use the run's
//   slot, host-side calls see all slots (value_size * slots bytes, each
//   value rounded up to 8 bytes as Linux does).
// * All memory a map allocates is charged to its MapMemoryBudget.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "sandbpf/error.hpp"
#include "vm/map_definition.hpp"

namespace sandbpf {

class EpochDomain;  // helpers/maps/epoch.hpp
class MapMemoryBudget;  // helpers/maps/map_memory_budget.hpp

// Linux's update flags.
inline constexpr uint64_t kBpfAny = 0;
inline constexpr uint64_t kBpfNoExist = 1;
inline constexpr uint64_t kBpfExist = 2;

struct MapEnvironment {
  EpochDomain* epochs = nullptr;    // required for maps that free memory
  MapMemoryBudget* budget = nullptr;  // null: unlimited
  uint32_t slots = 1;               // per-CPU value count (the Instance's slots)
};

class Map {
 public:
  // Creates the map for a definition, or an error naming the map and what
  // is unsupported or inconsistent (sizes, flags, type, memory budget).
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);
  virtual ~Map() = default;
  const MapDefinition& definition() const { return definition_; }

  // ---- program side: called from helpers during a run; `slot` is the
  // run's per-CPU slot. Pointers stay valid until the run ends.
  virtual void* lookup(const void* key, uint32_t slot) = 0;  // null when absent
  virtual long update(const void* key, const void* value, uint64_t flags, uint32_t slot) = 0;
  virtual long erase(const void* key, uint32_t slot) = 0;
  // Queue, stack (and bloom filter push): -EINVAL for other types.
  virtual long push(const void* value, uint64_t flags, uint32_t slot);
  virtual long pop(void* value_out, uint32_t slot);
  virtual long peek(void* value_out, uint32_t slot);

  // ---- host side: copies, never pointers into the map.
  // value_out.size() must be host_value_size().
  virtual Result<void> host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) = 0;
  virtual Result<void> host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                                   uint64_t flags = kBpfAny) = 0;
  virtual Result<void> host_delete(std::span<const uint8_t> key) = 0;
  // The key after `key` (the first key when key is empty); false at the end.
  virtual Result<bool> host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) = 0;
  // value_size, or value_size rounded up to 8 times slots for per-CPU maps.
  virtual uint64_t host_value_size() const;
  // Bytes this map holds from its budget.
  virtual uint64_t memory_used() const = 0;

 protected:
  explicit Map(const MapDefinition& definition) : definition_(definition) {}

 private:
  MapDefinition definition_;
};

}  // namespace sandbpf
