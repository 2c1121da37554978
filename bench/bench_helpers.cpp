#include "bench/bench_helpers.hpp"

#include <array>

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

constexpr std::array<uint64_t, BENCH_ARRAY_ENTRIES> make_table() {
  std::array<uint64_t, BENCH_ARRAY_ENTRIES> table{};
  uint64_t x = 0x243f6a8885a308d3ull;
  for (auto& value : table) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    value = x >> 16;
  }
  return table;
}

// Writable storage, as a map value is; nothing writes it (see the header).
std::array<uint64_t, BENCH_ARRAY_ENTRIES> g_table = make_table();

inline uint64_t* array_lookup(uint64_t key) {
  return key < g_table.size() ? &g_table[key] : nullptr;
}

// The native kernels' side: called through the function pointers below.
uint64_t native_mix(uint64_t x) { return mix(x); }
uint64_t* native_array_lookup(uint64_t key) { return array_lookup(key); }

// The BPF side: sandbpf's helper calling convention.
uint64_t mix_helper(uint64_t r1, uint64_t, uint64_t, uint64_t, uint64_t, RunContext&) {
  return mix(r1);
}
uint64_t array_lookup_helper(uint64_t r1, uint64_t, uint64_t, uint64_t, uint64_t, RunContext&) {
  return reinterpret_cast<uint64_t>(array_lookup(r1));
}

constexpr std::array<HelperFunction, 3> kHelpers = {nullptr, &mix_helper, &array_lookup_helper};
static_assert(kHelperMix == 1 && kHelperArrayLookup == 2);

}  // namespace

const Environment& kernel_environment() {
  static const Environment environment{.helpers = kHelpers};
  return environment;
}

const uint64_t* array_lookup_table() { return g_table.data(); }

}  // namespace sandbpf::bench

// Defined in this translation unit, so the natively compiled kernels cannot
// inline the helpers: each helper call is an indirect call, as in an engine.
extern "C" {
uint64_t (*const bench_mix)(uint64_t x) = &sandbpf::bench::native_mix;
uint64_t* (*const bench_array_lookup)(uint64_t key) = &sandbpf::bench::native_array_lookup;
}
