/* Unsafe: one 8-byte load over xdp_md.data and data_end, the two u32
 * fields that stand for pointers: it would read them as a number. */
#include "rules.h"

SEC("xdp")
NAKED int ctx_wide_pointer_load(void) {
  asm volatile("r0 = *(u64 *)(r1 + 0);"
               "r0 &= 3;"
               "exit;" ::: "memory");
}
