/* Unsafe: bpf_redirect_map takes device, CPU and XSK maps; this is a hash
 * map (the kernel's redirect would read its value as a net_device). */
#include "rules.h"

struct {
  __uint(type, MAP_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} not_ports SEC(".maps");

SEC("xdp")
int map_type_redirect_hash(struct xdp_md *ctx) {
  return (int)bpf_redirect_map(&not_ports, ctx->rx_queue_index & 3, XDP_PASS);
}
