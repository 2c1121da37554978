/* Safe: r0 is set before the branch and overwritten on one path only. */
#include "rules.h"

SEC("xdp")
NAKED int reg_init_all_paths(void) {
  asm volatile("r2 = *(u32 *)(r1 + 12);"
               "r0 = 1;"
               "if r2 == 0 goto 1f;"
               "r0 = 2;"
               "1: exit;" ::: "memory");
}
