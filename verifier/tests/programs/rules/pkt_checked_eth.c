/* Safe: the Ethernet header is read after checking its 14 bytes. */
#include "rules.h"

struct ethhdr {
  __u8 dst[6];
  __u8 src[6];
  __u16 proto;
};

SEC("xdp")
int pkt_checked_eth(struct xdp_md *ctx) {
  void *data = (void *)(unsigned long)ctx->data;
  void *end = (void *)(unsigned long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > end) return XDP_DROP;
  return eth->proto == 0x0008 && eth->src[0] != 0xff ? XDP_PASS : XDP_DROP;
}
