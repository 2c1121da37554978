/* Unsafe: 4 bytes written, 8 read: the upper half is uninitialized. */
#include "rules.h"

SEC("xdp")
NAKED int stack_uninit_partial(void) {
  asm volatile("*(u32 *)(r10 - 8) = 1;"
               "r0 = *(u64 *)(r10 - 8);"
               "r0 &= 3;"
               "exit;" ::: "memory");
}
