// Shared by the map tests: an environment (budget, epoch domain), map
// definitions, and byte views of keys and values.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "helpers/maps/epoch.hpp"
#include "helpers/maps/map.hpp"
#include "helpers/maps/map_memory_budget.hpp"

namespace sandbpf::testing {

inline MapDefinition map_def(std::string name, uint32_t type, uint32_t key_size, uint32_t value_size,
                             uint32_t max_entries, uint32_t flags = 0) {
  MapDefinition d;
  d.name = std::move(name);
  d.type = type;
  d.key_size = key_size;
  d.value_size = value_size;
  d.max_entries = max_entries;
  d.flags = flags;
  return d;
}

// The budget outlives the domain, which outlives the maps (map.hpp).
struct TestEnvironment {
  explicit TestEnvironment(uint32_t slot_count = 4, uint64_t limit = uint64_t{1} << 32)
      : budget(limit), epochs(slot_count), slots(slot_count) {}
  MapEnvironment env() { return MapEnvironment{&epochs, &budget, slots}; }

  std::unique_ptr<Map> make(const MapDefinition& d, const MapDefinition* inner = nullptr) {
    auto made = Map::create(d, env(), inner);
    EXPECT_TRUE(made.has_value()) << (made ? "" : made.error().to_string());
    return made ? std::move(*made) : nullptr;
  }
  std::string create_error(const MapDefinition& d, const MapDefinition* inner = nullptr) {
    auto made = Map::create(d, env(), inner);
    return made ? std::string("(created)") : made.error().message;
  }

  MapMemoryBudget budget;
  EpochDomain epochs;
  uint32_t slots;
};

template <typename T>
std::span<const uint8_t> bytes_of(const T& value) {
  return {reinterpret_cast<const uint8_t*>(&value), sizeof(T)};
}
template <typename T>
std::span<uint8_t> bytes_of_mut(T& value) {
  return {reinterpret_cast<uint8_t*>(&value), sizeof(T)};
}

inline uint64_t load_u64(const void* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

template <typename R>
std::string error_of(const R& result) {
  return result ? std::string("(ok)") : result.error().message;
}

}  // namespace sandbpf::testing
