// BPF_MAP_TYPE_HASH and BPF_MAP_TYPE_PERCPU_HASH: keys of key_size bytes to
// values, at most max_entries of them (-E2BIG beyond). hash_table.hpp has
// the design (lock-free lookups, bucket locks, epoch-retired elements).
#pragma once

#include "helpers/maps/hash_map_base.hpp"

namespace sandbpf {

class HashMap final : public HashMapBase {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);

 private:
  using HashMapBase::HashMapBase;
};

}  // namespace sandbpf
