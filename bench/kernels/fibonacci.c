/* Iterative Fibonacci: F(len) modulo 2^64, len iterations of a loop whose
 * body is a few register moves and one addition. */
#include "kernel.h"

BENCH_KERNEL(fibonacci) {
  (void)mem;
  uint64_t a = 0;
  uint64_t b = 1;
  for (uint64_t i = 0; i < len; i++) {
    uint64_t next = a + b;
    a = b;
    b = next;
  }
  return a;
}
