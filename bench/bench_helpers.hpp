// The helpers the benchmark kernels call (bench/kernels/kernel.h), for both
// sides of the comparison: as sandbpf helper functions (ids 1 and 2 of the
// benchmark Environment) and as the plain C function pointers the natively
// compiled kernels call. Both sides run the same code.
#pragma once

#include <cstdint>

#include "vm/environment.hpp"

namespace sandbpf::bench {

inline constexpr uint64_t kHelperMix = 1;          // bench_mix
inline constexpr uint64_t kHelperArrayLookup = 2;  // bench_array_lookup

// The Environment every kernel runs in: helpers 1 and 2, no maps, no host
// variables. Immutable, shared by all benchmarks and threads.
const Environment& kernel_environment();

// The host table behind bench_array_lookup (BENCH_ARRAY_ENTRIES values).
// Read-only in practice: no kernel writes through the pointers it gets, so
// every run of a kernel gives the same result.
const uint64_t* array_lookup_table();

}  // namespace sandbpf::bench
