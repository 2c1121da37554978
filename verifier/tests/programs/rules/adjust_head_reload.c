/* Safe: data and data_end reloaded and rechecked after the adjustment. */
#include "rules.h"

SEC("xdp")
int adjust_head_reload(struct xdp_md *ctx) {
  if (bpf_xdp_adjust_head(ctx, 14) < 0) return XDP_DROP;
  __u8 *data = (__u8 *)(unsigned long)ctx->data;
  __u8 *end = (__u8 *)(unsigned long)ctx->data_end;
  if (data + 1 > end) return XDP_PASS;
  return data[0] == 1 ? XDP_DROP : XDP_PASS;
}
