/* 64-bit FNV-1a over the whole memory: one byte load, a xor and a 64-bit
 * multiply by a constant (an lddw outside the loop) per byte. */
#include "kernel.h"

BENCH_KERNEL(fnv1a) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (uint64_t i = 0; i < len; i++) {
    hash ^= mem[i];
    hash *= 0x100000001b3ull;
  }
  return hash;
}
