/* Unsafe: an 8-byte load of the 4-byte __sk_buff.mark (it would also read
 * queue_mapping, and the kernel rewrites each field load by its width). */
#include "rules.h"

SEC("tc")
NAKED int ctx_bad_width(void) {
  asm volatile("r0 = *(u64 *)(r1 + 8);"
               "r0 &= 1;"
               "exit;" ::: "memory");
}
