/* Safe: a 64-iteration loop whose exit compares the counter with `<`
 * (the form loop_bounded.c's C compiles to uses `==` instead). */
#include "rules.h"

SEC("socket")
NAKED int loop_bounded_asm(void) {
  asm volatile("r0 = 0;"
               "r2 = 0;"
               "1: r0 += r2;"
               "r2 += 1;"
               "if r2 < 64 goto 1b;"
               "exit;" ::: "memory");
}
