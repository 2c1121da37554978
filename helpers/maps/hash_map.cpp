#include "helpers/maps/hash_map.hpp"

namespace sandbpf {

Result<std::unique_ptr<Map>> HashMap::create(const MapDefinition& definition,
                                             const MapEnvironment& environment) {
  if (auto valid = validate(definition, environment); !valid) return std::unexpected(valid.error());
  std::unique_ptr<HashMap> map(new HashMap(definition, environment));
  if (auto made = map->initialize(environment, definition.value_size); !made)
    return std::unexpected(made.error());
  return std::unique_ptr<Map>(std::move(map));
}

}  // namespace sandbpf
