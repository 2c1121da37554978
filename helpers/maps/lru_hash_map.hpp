// BPF_MAP_TYPE_LRU_HASH and BPF_MAP_TYPE_LRU_PERCPU_HASH: a hash map that,
// when full, makes room for a new key by evicting the least recently used
// element (second-chance order: an element a program looked up since it
// was last examined goes back to the head once). hash_table.hpp has the
// design. BPF_F_NO_COMMON_LRU is accepted and ignored (one list per map).
#pragma once

#include "helpers/maps/hash_map_base.hpp"

namespace sandbpf {

class LruHashMap final : public HashMapBase {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);

 private:
  using HashMapBase::HashMapBase;
};

}  // namespace sandbpf
