/* Unsafe: 320 bytes in the entry's frame and 320 in its callee's: each
 * fits 512, the chain does not (assembly: clang would shrink a C array
 * whose bytes the program does not all use). */
#include "rules.h"

__attribute__((noinline, used)) NAKED static int fill_320(void) {
  asm volatile("r0 = 0;"
               "*(u64 *)(r10 - 320) = r0;"
               "exit;" ::: "memory");
}

SEC("xdp")
NAKED int stack_chain_too_big(void) {
  asm volatile("r0 = 0;"
               "*(u64 *)(r10 - 320) = r0;"
               "call fill_320;"
               "r0 = 2;"
               "exit;" ::: "memory");
}
