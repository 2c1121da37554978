// Map definitions: what a BPF object (or a host) declares about a map. The
// loader fills them in; helpers/ implements the maps; the verifier checks
// programs against them. Plain data, shared by those layers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sandbpf {

// Linux's BPF_MAP_TYPE_* numbers (uapi/linux/bpf.h). Kept as numbers in
// MapDefinition so objects naming types sandbpf does not implement still
// load (the runtime refuses them with a clear error).
enum MapTypeId : uint32_t {
  kMapUnspec = 0,
  kMapHash = 1,
  kMapArray = 2,
  kMapProgArray = 3,
  kMapPerfEventArray = 4,
  kMapPercpuHash = 5,
  kMapPercpuArray = 6,
  kMapStackTrace = 7,
  kMapCgroupArray = 8,
  kMapLruHash = 9,
  kMapLruPercpuHash = 10,
  kMapLpmTrie = 11,
  kMapArrayOfMaps = 12,
  kMapHashOfMaps = 13,
  kMapDevmap = 14,
  kMapSockmap = 15,
  kMapCpumap = 16,
  kMapXskmap = 17,
  kMapSockhash = 18,
  kMapCgroupStorage = 19,
  kMapReuseportSockarray = 20,
  kMapPercpuCgroupStorage = 21,
  kMapQueue = 22,
  kMapStack = 23,
  kMapSkStorage = 24,
  kMapDevmapHash = 25,
  kMapStructOps = 26,
  kMapRingbuf = 27,
  kMapInodeStorage = 28,
  kMapTaskStorage = 29,
  kMapBloomFilter = 30,
  kMapUserRingbuf = 31,
  kMapCgrpStorage = 32,
  kMapArena = 33,
};

std::string_view map_type_name(uint32_t type);  // "hash", "array", ... or "unknown"

enum class MapOrigin : uint8_t {
  kLegacySection,  // a struct bpf_map_def record in a `maps` section
  kBtf,            // a variable of the BTF `.maps` section
  kGlobalData,     // .data*, .rodata*, .bss: an array map of one value
};

struct MapDefinition {
  std::string name;  // symbol name; for global data the section name
  uint32_t type = kMapUnspec;
  uint32_t key_size = 0;
  uint32_t value_size = 0;
  uint32_t max_entries = 0;
  uint32_t flags = 0;
  uint32_t pinning = 0;
  // Map-in-map: the index in Object::maps of the inner map's template.
  std::optional<uint32_t> inner_map;
  MapOrigin origin = MapOrigin::kLegacySection;
  std::string section;  // the ELF section it came from
  // Global data: the section's initial bytes (empty for .bss, whose value
  // starts as zeros); value_size is the section's size, key_size 4,
  // max_entries 1.
  std::vector<uint8_t> initial_value;
  bool readonly = false;  // .rodata*: programs may not write it
};

}  // namespace sandbpf
