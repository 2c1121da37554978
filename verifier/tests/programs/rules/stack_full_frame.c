/* Safe: the lowest slot of the frame, r10 - 512, is inside it. */
#include "rules.h"

SEC("xdp")
NAKED int stack_full_frame(void) {
  asm volatile("r0 = 2;"
               "*(u64 *)(r10 - 512) = r0;"
               "r0 = *(u64 *)(r10 - 512);"
               "exit;" ::: "memory");
}
