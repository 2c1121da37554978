/* Unsafe (no provable bound): the counter starts at a value read from the
 * context, which may be past 64; counting up it then reaches 64 only after
 * wrapping around 2^32, up to 4 billion iterations. */
#include "rules.h"

SEC("socket")
NAKED int loop_eq32_wrap_asm(void) {
  asm volatile("r0 = 0;"
               "w2 = *(u32 *)(r1 + 48);"
               "1: r0 += r2;"
               "w2 += 1;"
               "if w2 != 64 goto 1b;"
               "exit;" ::: "memory");
}
