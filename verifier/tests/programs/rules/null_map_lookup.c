/* Unsafe: the lookup's result may be NULL and is dereferenced unchecked. */
#include "rules.h"

struct {
  __uint(type, MAP_HASH);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

SEC("xdp")
int null_map_lookup(struct xdp_md *ctx) {
  __u32 key = ctx->ingress_ifindex;
  __u64 *count = bpf_map_lookup_elem(&counters, &key);
  *count += 1;
  return XDP_PASS;
}
