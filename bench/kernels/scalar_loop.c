/* A scalar loop: integer arithmetic only, no memory access, len iterations.
 * Measures the cost of dispatching plain ALU instructions. */
#include "kernel.h"

BENCH_KERNEL(scalar_loop) {
  (void)mem;
  uint64_t a = len;
  uint64_t b = 0;
  for (uint64_t i = 0; i < len; i++) {
    a = a * 31 + i;
    a ^= a >> 13;
    b += a & 0xffff;
    b = (b << 3) | (b >> 61);
  }
  return a ^ b;
}
