/* Unsafe: bpf_xdp_adjust_head moves the packet; `data` still points where
 * it was and its bounds check no longer holds. */
#include "rules.h"

SEC("xdp")
int adjust_head_stale(struct xdp_md *ctx) {
  __u8 *data = (__u8 *)(unsigned long)ctx->data;
  __u8 *end = (__u8 *)(unsigned long)ctx->data_end;
  if (data + 1 > end) return XDP_PASS;
  if (bpf_xdp_adjust_head(ctx, 14) < 0) return XDP_DROP;
  return data[0] == 1 ? XDP_DROP : XDP_PASS;
}
