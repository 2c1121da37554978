#include "bench/bench_helpers.hpp"

#include <array>
#include <cstdlib>
#include <cstdio>
#include <memory>

#include "helpers/maps/array_map.hpp"
#include "helpers/maps/map.hpp"
#include "helpers/standard/standard_helpers.hpp"

extern "C" {
#include "bench/kernels/kernel.h"
}

namespace sandbpf::bench {
namespace {

// splitmix64's finalizer: cheap, a bijection, and impossible for a compiler
// to see through when it sits behind a function pointer.
inline uint64_t mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

MapDefinition array_definition() {
  MapDefinition d;
  d.name = "bench_array";
  d.type = kMapArray;
  d.key_size = 4;
  d.value_size = 8;
  d.max_entries = BENCH_ARRAY_ENTRIES;
  d.origin = MapOrigin::kBtf;
  return d;
}

const std::array<MapDefinition, 1> kMaps = {array_definition()};

// The array map both sides look keys up in, filled once with fixed values.
// Nothing writes it afterwards (no kernel writes through the pointers it
// gets), so every run of a kernel gives the same result.
Map& array_map() {
  static const std::unique_ptr<Map> map = [] {
    auto created = Map::create(kMaps[0], MapEnvironment{});
    if (!created) {
      std::fprintf(stderr, "bench: %s\n", created.error().to_string().c_str());
      std::abort();
    }
    uint64_t x = 0x243f6a8885a308d3ull;
    for (uint32_t key = 0; key < BENCH_ARRAY_ENTRIES; ++key) {
      x = x * 6364136223846793005ull + 1442695040888963407ull;
      const uint64_t value = x >> 16;
      if (!(*created)->host_update({reinterpret_cast<const uint8_t*>(&key), sizeof key},
                                   {reinterpret_cast<const uint8_t*>(&value), sizeof value}))
        std::abort();
    }
    return std::move(*created);
  }();
  return *map;
}

// The native kernels' side: called through the function pointers below.
uint64_t native_mix(uint64_t x) { return mix(x); }
void* native_map_lookup(void* map, const void* key) { return static_cast<Map*>(map)->lookup(key, 0); }

// The BPF side: sandbpf's helper calling convention (helper 2 is the
// standard bpf_map_lookup_elem).
uint64_t mix_helper(uint64_t r1, uint64_t, uint64_t, uint64_t, uint64_t, RunContext&) {
  return mix(r1);
}

constexpr std::array<HelperFunction, 3> kHelpers = {nullptr, &mix_helper, &bpf_map_lookup_elem};
static_assert(kHelperMix == 1 && kHelperMapLookup == 2);

}  // namespace

const Environment& kernel_environment() {
  // The array's layout too: the JIT may compile lookups in it inline, as
  // the runtime's Instance allows for its array maps.
  static const std::array<MapBinding, 1> maps = [] {
    MapBinding binding{.handle = &array_map(),
                       .direct_value = array_map().direct_value().data(),
                       .value_size = 8,
                       .writable = true};
    bind_array_layout(array_map(), binding);
    return std::array<MapBinding, 1>{binding};
  }();
  static const Environment environment{
      .helpers = kHelpers, .maps = maps, .array_lookup = &bpf_map_lookup_elem};
  return environment;
}

std::span<const MapDefinition> kernel_maps() { return kMaps; }

}  // namespace sandbpf::bench

// Defined in this translation unit, so the natively compiled kernels cannot
// inline the helpers: each helper call is an indirect call, as in an engine.
extern "C" {
uint64_t (*const bench_mix)(uint64_t x) = &sandbpf::bench::native_mix;
void* (*const bench_map_lookup)(void* map, const void* key) = &sandbpf::bench::native_map_lookup;
void* bench_array_map(void) { return &sandbpf::bench::array_map(); }
}
