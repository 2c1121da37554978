/* A BPF-to-BPF call in a loop: for every 64-bit word of mem, one call of a
 * subprogram that is kept out of line (call src=1 in BPF, a direct call
 * natively). Measures the engine's local call and exit path (frame push
 * and pop, callee-saved registers r6-r9). */
#include "kernel.h"

static BENCH_NOINLINE uint64_t mix_step(uint64_t acc, uint64_t word);

BENCH_KERNEL(subprog_call) {
  const bench_u64 *words = (const bench_u64 *)mem;
  uint64_t acc = len;
  for (uint64_t i = 0; i < len / 8; i++)
    acc = mix_step(acc, words[i]);
  return acc;
}

/* Defined after the entry so that the entry stays at offset 0 of .text. */
static BENCH_NOINLINE uint64_t mix_step(uint64_t acc, uint64_t word) {
  acc ^= word;
  acc *= 0x9e3779b97f4a7c15ull;
  return acc ^ (acc >> 29);
}
