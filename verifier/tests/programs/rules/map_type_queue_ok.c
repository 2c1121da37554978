/* Safe: a queue map used through push and pop. */
#include "rules.h"

struct {
  __uint(type, MAP_QUEUE);
  __uint(max_entries, 8);
  __type(value, __u32);
} pending SEC(".maps");

SEC("xdp")
int map_type_queue_ok(struct xdp_md *ctx) {
  __u32 in = ctx->ingress_ifindex;
  __u32 out = 0;
  bpf_map_push_elem(&pending, &in, 0);
  if (bpf_map_pop_elem(&pending, &out) != 0) return XDP_PASS;
  return out == in ? XDP_PASS : XDP_DROP;
}
