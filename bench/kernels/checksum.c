/* A byte-wise checksum (Fletcher-style running sums, without the modulo)
 * over the whole memory: one byte load per iteration. */
#include "kernel.h"

BENCH_KERNEL(checksum) {
  uint64_t sum1 = 1;
  uint64_t sum2 = 0;
  for (uint64_t i = 0; i < len; i++) {
    sum1 += mem[i];
    sum2 += sum1;
  }
  return (sum2 << 32) ^ sum1;
}
