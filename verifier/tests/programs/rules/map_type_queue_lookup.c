/* Unsafe: a queue map has no keys; bpf_map_lookup_elem may not be used on
 * it (push, pop and peek only). */
#include "rules.h"

struct {
  __uint(type, MAP_QUEUE);
  __uint(max_entries, 8);
  __type(value, __u32);
} pending SEC(".maps");

SEC("xdp")
int map_type_queue_lookup(struct xdp_md *ctx) {
  __u32 key = 0;
  __u32 *head = bpf_map_lookup_elem(&pending, &key);
  if (!head) return XDP_PASS;
  return *head == ctx->ingress_ifindex ? XDP_DROP : XDP_PASS;
}
