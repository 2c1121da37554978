/* Unsafe: a stack pointer where bpf_map_lookup_elem wants a map. */
#include "rules.h"

SEC("xdp")
int helper_not_a_map(struct xdp_md *ctx) {
  __u32 key = ctx->ingress_ifindex;
  return bpf_map_lookup_elem(&key, &key) ? XDP_DROP : XDP_PASS;
}
