/* Unsafe: r10 points one past the frame; [r10, r10 + 8) is the caller's. */
#include "rules.h"

SEC("xdp")
NAKED int stack_above_frame(void) {
  asm volatile("r0 = 2;"
               "*(u64 *)(r10 + 0) = r0;"
               "exit;" ::: "memory");
}
