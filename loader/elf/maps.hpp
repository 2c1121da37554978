// The maps an object defines: legacy `maps` sections (struct bpf_map_def and
// its longer variants), BTF-defined `.maps` (with inner map templates for
// map-in-map), and global data sections (.data*, .rodata*, .bss*), each an
// array map of one value. Also where each map lives, so that lddw
// relocations can be resolved to map indices.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "loader/btf/btf.hpp"
#include "loader/elf/elf_file.hpp"
#include "vm/map_definition.hpp"

namespace sandbpf::elf {

bool is_legacy_maps_section(const Section& section);
bool is_btf_maps_section(const Section& section);
bool is_global_data_section(const Section& section);

struct MapTable {
  std::vector<MapDefinition> maps;
  // (section index, byte offset) of each legacy or BTF map -> its index.
  std::map<std::pair<uint32_t, uint64_t>, uint32_t> by_location;
  // global data section index -> its map's index.
  std::map<uint32_t, uint32_t> global_data;
};

// Errors are kind kLoad with where.file = path and where.section set.
Result<MapTable> collect_maps(const ElfFile& elf, const btf::Btf* btf, const std::string& path,
                              const LoadOptions& options);

}  // namespace sandbpf::elf
