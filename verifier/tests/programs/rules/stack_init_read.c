/* Safe: the slot is written (from the context) before it is read back. */
#include "rules.h"

SEC("xdp")
NAKED int stack_init_read(void) {
  asm volatile("r2 = *(u32 *)(r1 + 12);"
               "*(u64 *)(r10 - 8) = r2;"
               "r0 = *(u64 *)(r10 - 8);"
               "r0 &= 3;"
               "exit;" ::: "memory");
}
