/* Safe: each path submits or discards the record. */
#include "rules.h"

struct {
  __uint(type, MAP_RINGBUF);
  __uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int ringbuf_released_all_paths(struct xdp_md *ctx) {
  __u64 *rec = bpf_ringbuf_reserve(&events, 8, 0);
  if (!rec) return XDP_PASS;
  *rec = ctx->ingress_ifindex;
  if (ctx->ingress_ifindex != 0)
    bpf_ringbuf_submit(rec, 0);
  else
    bpf_ringbuf_discard(rec, 0);
  return XDP_PASS;
}
