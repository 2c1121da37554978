/* Unsafe (no provable bound): a 32-bit counter stepping by 3 from 0 steps
 * over 64 (63, 66, ...) and only meets it after wrapping around 2^32, some
 * 2.9 billion iterations later. */
#include "rules.h"

SEC("socket")
NAKED int loop_eq32_step3_asm(void) {
  asm volatile("r0 = 0;"
               "w2 = 0;"
               "1: r0 += r2;"
               "w2 += 3;"
               "if w2 != 64 goto 1b;"
               "exit;" ::: "memory");
}
