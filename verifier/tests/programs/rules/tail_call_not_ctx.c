/* Unsafe: bpf_tail_call's first argument must be the context (the next
 * program receives it); this passes a stack pointer. */
#include "rules.h"

struct {
  __uint(type, MAP_PROG_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} jumps SEC(".maps");

SEC("xdp")
int tail_call_not_ctx(struct xdp_md *ctx) {
  __u64 fake[3] = {ctx->ingress_ifindex, 0, 0};
  bpf_tail_call(fake, &jumps, 0);
  return XDP_PASS;
}
