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
//   that obtained it: deletes, replacements and LRU evictions retire memory
//   through the map's EpochDomain, which frees it only when every run that
//   could have looked it up has finished (epoch.hpp). Program-side calls
//   must therefore be made inside an EpochDomain::RunGuard of the domain
//   the map was created with.
// * Per-CPU maps hold one value per slot; program-side calls use the run's
//   slot (< MapEnvironment::slots), host-side calls see all slots
//   (host_value_size(): each value rounded up to 8 bytes, as Linux does).
// * All memory a map allocates is charged to its MapMemoryBudget.
// * Lifetimes: the budget must outlive the EpochDomain, and the domain must
//   outlive every map created with it (memory a map retired is freed, and
//   released to the budget, by the domain, possibly after the map is gone).
//   A map is destroyed only when no run uses it any more.
//
// Type-specific program-side operations (ring buffer reserve/submit, perf
// event output, tail-call targets, inner maps) live on the concrete classes
// (ring_buffer_map.hpp, perf_event_array_map.hpp, prog_array_map.hpp,
// map_in_map.hpp): a helper checks definition().type, then casts.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/map_definition.hpp"

namespace sandbpf {

class EpochDomain;  // helpers/maps/epoch.hpp
class MapMemoryBudget;  // helpers/maps/map_memory_budget.hpp

// Linux's update flags (bpf_map_update_elem).
inline constexpr uint64_t kBpfAny = 0;
inline constexpr uint64_t kBpfNoExist = 1;
inline constexpr uint64_t kBpfExist = 2;
inline constexpr uint64_t kBpfFLock = 4;  // needs a bpf_spin_lock in the value: refused (-EINVAL)

// Linux's map_flags (BPF_F_*), as in MapDefinition::flags.
inline constexpr uint32_t kBpfFNoPrealloc = 1u << 0;
inline constexpr uint32_t kBpfFNoCommonLru = 1u << 1;
inline constexpr uint32_t kBpfFNumaNode = 1u << 2;
inline constexpr uint32_t kBpfFRdonly = 1u << 3;       // host may not write
inline constexpr uint32_t kBpfFWronly = 1u << 4;       // host may not read
inline constexpr uint32_t kBpfFZeroSeed = 1u << 6;     // hash: deterministic hashing
inline constexpr uint32_t kBpfFRdonlyProg = 1u << 7;   // programs may not write
inline constexpr uint32_t kBpfFWronlyProg = 1u << 8;   // programs may not read
inline constexpr uint32_t kBpfFMmapable = 1u << 10;
inline constexpr uint32_t kBpfFPreserveElems = 1u << 11;
inline constexpr uint32_t kBpfFInnerMap = 1u << 12;    // inner template: max_entries may differ
inline constexpr uint32_t kBpfFAccessMask =
    kBpfFRdonly | kBpfFWronly | kBpfFRdonlyProg | kBpfFWronlyProg;

// Linux's ENOTSUPP (kernel-internal, 524): what the kernel returns for
// operations a map type does not have (ring buffer lookup, ...).
inline constexpr long kENotSupp = 524;

struct MapEnvironment {
  EpochDomain* epochs = nullptr;    // required for maps that free memory while in use
  MapMemoryBudget* budget = nullptr;  // null: unlimited
  uint32_t slots = 1;               // per-CPU value count (the Instance's slots)
};

class Map {
 public:
  // Creates the map for a definition, or an error naming the map and what
  // is unsupported or inconsistent (sizes, flags, type, memory budget).
  // Map-in-map types (array_of_maps, hash_of_maps) need the definition of
  // their inner map's template (MapDefinition::inner_map names it within
  // the object); other types ignore it.
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment,
                                             const MapDefinition* inner_template = nullptr);
  virtual ~Map() = default;
  Map(const Map&) = delete;
  Map& operator=(const Map&) = delete;
  const MapDefinition& definition() const { return definition_; }
  const std::string& name() const { return definition_.name; }

  // ---- program side: called from helpers during a run (inside a RunGuard);
  // `slot` is the run's per-CPU slot. Pointers stay valid until the run ends.
  // lookup: null when absent. For array_of_maps/hash_of_maps it returns the
  // inner Map* itself (what the program then passes as a map argument).
  virtual void* lookup(const void* key, uint32_t slot) = 0;
  virtual long update(const void* key, const void* value, uint64_t flags, uint32_t slot) = 0;
  virtual long erase(const void* key, uint32_t slot) = 0;
  // Queue and stack (bpf_map_push_elem/pop/peek): -EINVAL for other types.
  virtual long push(const void* value, uint64_t flags, uint32_t slot);
  virtual long pop(void* value_out, uint32_t slot);
  virtual long peek(void* value_out, uint32_t slot);
  // Where lddw src=2/6 (BPF_PSEUDO_MAP_VALUE) points: the value storage of
  // an array map with one entry, stable for the map's life (global data).
  // Empty for every other map, as in Linux (array maps with max_entries 1).
  virtual std::span<uint8_t> direct_value() { return {}; }

  // ---- host side: copies, never pointers into the map; no RunGuard
  // needed. key.size() must be key_size, value spans host_value_size().
  // Errors name the map and end with the errno Linux's syscall would give,
  // e.g. "map 'counters': update: the key already exists (EEXIST)".
  Result<void> host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out);
  Result<void> host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                           uint64_t flags = kBpfAny);
  Result<void> host_delete(std::span<const uint8_t> key);
  // BPF_MAP_LOOKUP_AND_DELETE_ELEM: for queue and stack this is pop (key empty).
  Result<void> host_lookup_and_delete(std::span<const uint8_t> key, std::span<uint8_t> value_out);
  // The key after `key` (the first key when key is empty or, as in Linux
  // for hash maps, when `key` is not in the map); false at the end.
  Result<bool> host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out);
  // Every (key, value) pair, in host_next_key's order, at most max_entries
  // of them (an entry deleted meanwhile is skipped): what dumps and
  // comparisons read. Maps without keys to iterate (queue, stack, ring
  // buffer, perf event array) give an empty list.
  struct Entry {
    std::vector<uint8_t> key;
    std::vector<uint8_t> value;
  };
  Result<std::vector<Entry>> host_entries();
  // BPF_MAP_FREEZE: from now on the host may not write (libbpf freezes .rodata).
  void freeze() { frozen_.store(true, std::memory_order_release); }
  bool frozen() const { return frozen_.load(std::memory_order_acquire); }

  // value_size, or value_size rounded up to 8 times slots for per-CPU maps;
  // sizeof(void*) for prog_array and map-in-map (a program handle or a Map*).
  virtual uint64_t host_value_size() const;
  // Bytes this map's live contents hold from the budget (memory retired but
  // not yet reclaimed is still charged to the budget, not to the map).
  virtual uint64_t memory_used() const = 0;

 protected:
  explicit Map(const MapDefinition& definition) : definition_(definition) {}

  // The host-side operations, after the checks every map shares (sizes,
  // access flags, freeze) have passed.
  virtual Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) = 0;
  virtual Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                                      uint64_t flags) = 0;
  virtual Result<void> do_host_delete(std::span<const uint8_t> key) = 0;
  virtual Result<void> do_host_lookup_and_delete(std::span<const uint8_t> key,
                                                 std::span<uint8_t> value_out);
  virtual Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) = 0;

  // "map '<name>': <operation>: <what> (<ERRNO>)" for a negated errno.
  std::unexpected<Error> host_error(std::string_view operation, long negated_errno) const;
  std::unexpected<Error> host_error(std::string_view operation, std::string_view what) const;

 private:
  MapDefinition definition_;
  std::atomic<bool> frozen_{false};
};

// The errno name for a negated errno ("ENOENT" for -ENOENT), for messages.
std::string_view errno_name(long negated_errno);

}  // namespace sandbpf
