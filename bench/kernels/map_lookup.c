/* Map lookups in a loop, as "array lookup via helper": the benchmark kernels
 * are raw programs, which cannot carry a map relocation, so helper id 2 (bench_array_lookup) stands in for an array map's
 * bpf_map_lookup_elem: it returns the address of the 64-bit value at index
 * key of a host table of BENCH_ARRAY_ENTRIES entries, or NULL when key is
 * out of range, and the program checks for NULL and reads through the
 * pointer exactly as it would with a map value. What it measures is the
 * helper call plus a load through the returned pointer; a real map lookup
 * adds the map's own lookup code (the same on every engine) and, in the
 * verifier, the map-value pointer type. An ELF-based benchmark through
 * Instance should make it a BPF_MAP_TYPE_ARRAY lookup.
 *
 * One lookup per byte of mem; keys are spread so that about one in nine is
 * out of range (the NULL path runs too). */
#include "kernel.h"

BENCH_KERNEL(map_lookup) {
  uint64_t sum = 0;
  uint64_t misses = 0;
  for (uint64_t i = 0; i < len; i++) {
    uint64_t key = (uint64_t)mem[i] + (mem[i] >> 3);
    uint64_t *value = bench_array_lookup(key);
    if (value)
      sum += *value;
    else
      misses++;
  }
  return sum ^ (misses << 48);
}
