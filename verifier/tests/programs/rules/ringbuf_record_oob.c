/* Unsafe: the record is 8 bytes; the second store writes bytes 8..15. */
#include "rules.h"

struct {
  __uint(type, MAP_RINGBUF);
  __uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int ringbuf_record_oob(struct xdp_md *ctx) {
  __u64 *rec = bpf_ringbuf_reserve(&events, 8, 0);
  if (!rec) return XDP_PASS;
  rec[0] = ctx->ingress_ifindex;
  rec[1] = ctx->rx_queue_index;
  bpf_ringbuf_submit(rec, 0);
  return XDP_PASS;
}
