/* Unsafe: a number used as an address. */
#include "rules.h"

SEC("xdp")
NAKED int scalar_deref(void) {
  asm volatile("r1 = 4096;"
               "r0 = *(u64 *)(r1 + 0);"
               "exit;" ::: "memory");
}
