/* Unsafe: offset 24 is past the end of the 24-byte struct xdp_md. */
#include "rules.h"

SEC("xdp")
NAKED int ctx_bad_offset(void) {
  asm volatile("r0 = *(u32 *)(r1 + 24);"
               "r0 &= 3;"
               "exit;" ::: "memory");
}
