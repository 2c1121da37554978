/* Safe: 256 + 256 bytes, exactly the chain's 512. */
#include "rules.h"

__attribute__((noinline, used)) NAKED static int fill_256(void) {
  asm volatile("r0 = 0;"
               "*(u64 *)(r10 - 256) = r0;"
               "exit;" ::: "memory");
}

SEC("xdp")
NAKED int stack_chain_ok(void) {
  asm volatile("r0 = 0;"
               "*(u64 *)(r10 - 256) = r0;"
               "call fill_256;"
               "r0 = 2;"
               "exit;" ::: "memory");
}
