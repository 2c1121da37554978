// The helper registry: helpers by id, with their prototypes and (where this
// host has them) implementations. A Platform starts from its standard set;
// a host adds its own.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "helpers/helper_prototype.hpp"
#include "sandbpf/error.hpp"

namespace sandbpf {

class HelperRegistry {
 public:
  HelperRegistry() = default;
  // Copies own their names (prototypes' names point into the registry).
  HelperRegistry(const HelperRegistry& other);
  HelperRegistry& operator=(const HelperRegistry& other);
  HelperRegistry(HelperRegistry&&) noexcept = default;
  HelperRegistry& operator=(HelperRegistry&&) noexcept = default;

  // Adds or replaces the helper with this id. Errors: id 0, an id above
  // the limit (1 << 20), a name already used by another id, or argument
  // kinds that do not fit together (a size without memory before it, ...).
  Result<void> add(const HelperDefinition& helper);
  // Sets the implementation of a helper already known by prototype (null
  // makes it prototype-only again). Error when no helper has this id.
  Result<void> set_function(uint32_t id, HelperFunction function);
  // Checks a prototype without adding it (what add() refuses, and why).
  static Result<void> validate(const HelperPrototype& prototype);

  const HelperDefinition* find(uint32_t id) const;
  const HelperDefinition* find(std::string_view name) const;
  std::vector<const HelperDefinition*> all() const;  // by id
  size_t size() const { return by_id_.size(); }

  static constexpr uint32_t kMaxId = 1u << 20;

  // The table an Environment uses: index = id, null where there is no
  // implementation.
  std::vector<HelperFunction> function_table() const;

 private:
  std::map<uint32_t, HelperDefinition> by_id_;
  std::deque<std::string> names_;  // owned copies of registered names (stable addresses)
};

}  // namespace sandbpf
