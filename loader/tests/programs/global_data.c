/* Global data: .data, .rodata and .bss variables, referenced by name (a
 * symbol) and inside an array (the section symbol plus an offset). */
#include "bpf_defs.h"

int counter = 7;                           /* .data */
const volatile int limits[4] = {1, 2, 3, 4};  /* .rodata */
__u64 seen;                                /* .bss */
static volatile __u32 table[8];            /* .bss, static: the section symbol */

SEC("xdp") int use_globals(struct xdp_md *ctx) {
  __u32 i = ctx->rx_queue_index & 3;
  counter += limits[i];
  seen++;
  table[5] = (__u32)counter;
  return counter > limits[3] ? 1 : 0;
}

char _license[] SEC("license") = "GPL";
