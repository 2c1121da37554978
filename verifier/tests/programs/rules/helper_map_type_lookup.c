/* Unsafe: bpf_map_lookup_elem on a program array (its values are program
 * references; the kernel offers no lookup on it from programs). */
#include "rules.h"

struct {
  __uint(type, MAP_PROG_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} jumps SEC(".maps");

SEC("xdp")
int helper_map_type_lookup(struct xdp_md *ctx) {
  __u32 key = 0;
  __u32 *slot = bpf_map_lookup_elem(&jumps, &key);
  if (!slot) return XDP_PASS;
  *slot = ctx->ingress_ifindex;
  return XDP_DROP;
}
