/* Safe: the reserved record is used only after the NULL check. */
#include "rules.h"

struct {
  __uint(type, MAP_RINGBUF);
  __uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int ringbuf_checked(struct xdp_md *ctx) {
  __u32 *rec = bpf_ringbuf_reserve(&events, 4, 0);
  if (rec) {
    *rec = ctx->rx_queue_index;
    bpf_ringbuf_submit(rec, 0);
  }
  return XDP_PASS;
}
