#include "helpers/maps/lru_hash_map.hpp"

namespace sandbpf {

Result<std::unique_ptr<Map>> LruHashMap::create(const MapDefinition& definition,
                                                const MapEnvironment& environment) {
  if (auto valid = validate(definition, environment); !valid) return std::unexpected(valid.error());
  std::unique_ptr<LruHashMap> map(new LruHashMap(definition, environment));
  if (auto made = map->initialize(environment, definition.value_size); !made)
    return std::unexpected(made.error());
  return std::unique_ptr<Map>(std::move(map));
}

}  // namespace sandbpf
