/* Unsafe: the map's key is 8 bytes but the program passes a 4-byte one, so
 * the helper would read 4 bytes past it. */
#include "rules.h"

struct {
  __uint(type, MAP_HASH);
  __uint(max_entries, 16);
  __type(key, __u64);
  __type(value, __u64);
} counters SEC(".maps");

SEC("xdp")
int helper_key_too_small(struct xdp_md *ctx) {
  __u32 key = ctx->ingress_ifindex;
  return bpf_map_lookup_elem(&counters, &key) ? XDP_DROP : XDP_PASS;
}
