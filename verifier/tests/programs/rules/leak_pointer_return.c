/* Unsafe for sandbpf: the context's address returned as the verdict. */
#include "rules.h"

SEC("socket")
NAKED int leak_pointer_return(void) {
  asm volatile("r0 = r1;"
               "exit;" ::: "memory");
}
