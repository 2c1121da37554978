/* Unsafe: when ingress_ifindex is 0 the record is neither submitted nor
 * discarded, so it stays reserved (the ring stalls behind it). */
#include "rules.h"

struct {
  __uint(type, MAP_RINGBUF);
  __uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int ringbuf_leak_one_path(struct xdp_md *ctx) {
  __u64 *rec = bpf_ringbuf_reserve(&events, 8, 0);
  if (!rec) return XDP_PASS;
  *rec = ctx->ingress_ifindex;
  if (ctx->ingress_ifindex != 0) bpf_ringbuf_submit(rec, 0);
  return XDP_PASS;
}
