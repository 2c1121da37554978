/* A helper call in a loop: for every 64-bit word of mem, one call of helper
 * id 1 (bench_mix) on the running value. Measures the engine's helper call
 * path (argument passing, the indirect call, the return). */
#include "kernel.h"

BENCH_KERNEL(helper_call) {
  const bench_u64 *words = (const bench_u64 *)mem;
  uint64_t acc = len;
  for (uint64_t i = 0; i < len / 8; i++)
    acc = bench_mix(acc + words[i]);
  return acc;
}
