// The helpers and the map the benchmark kernels use (bench/kernels/kernel.h),
// for both sides of the comparison: as sandbpf helper functions (ids 1 and 2
// of the benchmark Environment, 2 being the standard bpf_map_lookup_elem) and
// as the plain C function pointers the natively compiled kernels call. Both
// sides use the same code and the same map.
#pragma once

#include <cstdint>
#include <span>

#include "vm/environment.hpp"
#include "vm/map_definition.hpp"

namespace sandbpf::bench {

inline constexpr uint64_t kHelperMix = 1;        // bench_mix
inline constexpr uint64_t kHelperMapLookup = 2;  // bpf_map_lookup_elem

// The Environment every kernel runs in: helpers 1 and 2, the array map as
// map 0, no host variables. Shared by all benchmarks and threads (the map
// is only read).
const Environment& kernel_environment();

// The definitions of the kernels' maps, as the verifier sees them (map 0:
// the array bench_map_lookup reads).
std::span<const MapDefinition> kernel_maps();

}  // namespace sandbpf::bench
