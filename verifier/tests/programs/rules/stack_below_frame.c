/* Unsafe: r10 - 520 is below the 512-byte frame. */
#include "rules.h"

SEC("xdp")
NAKED int stack_below_frame(void) {
  asm volatile("r0 = 2;"
               "*(u64 *)(r10 - 520) = r0;"
               "exit;" ::: "memory");
}
