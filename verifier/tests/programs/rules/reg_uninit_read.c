/* Unsafe: r3 is never written; only r1 (the context) and r10 are set at entry. */
#include "rules.h"

SEC("xdp")
NAKED int reg_uninit_read(void) {
  asm volatile("r0 = 2;"
               "r0 += r3;"
               "exit;" ::: "memory");
}
