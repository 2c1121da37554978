/* Unsafe: r0 is set on one path only, so the exit may return garbage. */
#include "rules.h"

SEC("xdp")
NAKED int reg_uninit_one_path(void) {
  asm volatile("r2 = *(u32 *)(r1 + 12);"
               "if r2 == 0 goto 1f;"
               "r0 = 2;"
               "1: exit;" ::: "memory");
}
