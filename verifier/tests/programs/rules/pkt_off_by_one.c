/* Unsafe: the check proves one byte, the load reads the second. */
#include "rules.h"

SEC("xdp")
int pkt_off_by_one(struct xdp_md *ctx) {
  __u8 *data = (__u8 *)(unsigned long)ctx->data;
  __u8 *end = (__u8 *)(unsigned long)ctx->data_end;
  if (data + 1 > end) return XDP_PASS;
  return data[1] == 1 ? XDP_DROP : XDP_PASS;
}
