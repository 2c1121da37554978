/* Map lookups in a loop: bpf_map_lookup_elem (helper id 2 here) on a
 * BPF_MAP_TYPE_ARRAY of BENCH_ARRAY_ENTRIES 8-byte values that the benchmark
 * creates (kernels/kernel.h), with the standard prototype, so the verifier
 * types the result as a map value or NULL; the program checks for NULL and
 * reads the value. Natively the same lookup runs in the same map through a
 * function pointer.
 *
 * One lookup per byte of mem; keys are spread so that about one in nine is
 * out of range (the NULL path runs too). */
#include "kernel.h"

BENCH_KERNEL(map_lookup) {
  void *map = bench_array_map();
  uint64_t sum = 0;
  uint64_t misses = 0;
  for (uint64_t i = 0; i < len; i++) {
    uint32_t key = (uint32_t)mem[i] + (mem[i] >> 3);
    uint64_t *value = bench_map_lookup(map, &key);
    if (value)
      sum += *value;
    else
      misses++;
  }
  return sum ^ (misses << 48);
}
