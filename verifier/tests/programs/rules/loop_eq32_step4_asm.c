/* Safe: a 32-bit counter stepping by 4 from 0 leaves on `w2 == 64`: every
 * value it takes is a multiple of 4, so it reaches 64 (16 iterations). */
#include "rules.h"

SEC("socket")
NAKED int loop_eq32_step4_asm(void) {
  asm volatile("r0 = 0;"
               "w2 = 0;"
               "1: r0 += r2;"
               "w2 += 4;"
               "if w2 != 64 goto 1b;"
               "exit;" ::: "memory");
}
