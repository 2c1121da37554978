/* Unsafe: a jump back to itself; the program never reaches an exit. */
#include "rules.h"

SEC("xdp")
NAKED int loop_infinite(void) {
  asm volatile("r0 = 2;"
               "1: r0 += 1;"
               "goto 1b;" ::: "memory");
}
