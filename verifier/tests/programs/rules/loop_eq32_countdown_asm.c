/* Safe: a 32-bit counter counting down from 64 by `w2 += -1` (what clang
 * emits for i--) leaves on `w2 == 0`. */
#include "rules.h"

SEC("socket")
NAKED int loop_eq32_countdown_asm(void) {
  asm volatile("r0 = 0;"
               "w2 = 64;"
               "1: r0 += r2;"
               "w2 += -1;"
               "if w2 != 0 goto 1b;"
               "exit;" ::: "memory");
}
