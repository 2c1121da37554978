/* Unsafe: reads the first packet byte without comparing against data_end. */
#include "rules.h"

SEC("xdp")
int pkt_unchecked(struct xdp_md *ctx) {
  __u8 *data = (__u8 *)(unsigned long)ctx->data;
  return data[0] == 1 ? XDP_DROP : XDP_PASS;
}
