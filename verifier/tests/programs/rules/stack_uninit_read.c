/* Unsafe: reads a stack slot nothing wrote (it would hand out whatever an
 * earlier program or call left there). */
#include "rules.h"

SEC("xdp")
NAKED int stack_uninit_read(void) {
  asm volatile("r0 = *(u64 *)(r10 - 8);"
               "r0 &= 3;"
               "exit;" ::: "memory");
}
