/* Safe: bpf_redirect_map on a device map, the kind of map it takes. */
#include "rules.h"

struct {
  __uint(type, MAP_DEVMAP);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} ports SEC(".maps");

SEC("xdp")
int map_type_redirect_ok(struct xdp_md *ctx) {
  return (int)bpf_redirect_map(&ports, ctx->rx_queue_index & 3, XDP_PASS);
}
