/* Safe: loop_bounded.c's shape by hand, a 64-bit counter leaving on `==`. */
#include "rules.h"

SEC("socket")
NAKED int loop_bounded_eq_asm(void) {
  asm volatile("r0 = 0;"
               "r2 = 0;"
               "1: r0 += r2;"
               "r2 += 1;"
               "if r2 == 64 goto 2f;"
               "goto 1b;"
               "2: exit;" ::: "memory");
}
