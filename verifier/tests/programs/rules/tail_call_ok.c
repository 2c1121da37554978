/* Safe: a tail call through a program array; when the slot is empty the
 * call returns and the program goes on. */
#include "rules.h"

struct {
  __uint(type, MAP_PROG_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} jumps SEC(".maps");

SEC("xdp")
int tail_call_ok(struct xdp_md *ctx) {
  bpf_tail_call(ctx, &jumps, ctx->rx_queue_index & 3);
  return XDP_PASS;
}
