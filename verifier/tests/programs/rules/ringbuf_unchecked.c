/* Unsafe: bpf_ringbuf_reserve returns NULL when the ring is full; the
 * record is written without checking. */
#include "rules.h"

struct {
  __uint(type, MAP_RINGBUF);
  __uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int ringbuf_unchecked(struct xdp_md *ctx) {
  __u64 *rec = bpf_ringbuf_reserve(&events, 8, 0);
  *rec = ctx->ingress_ifindex;
  bpf_ringbuf_submit(rec, 0);
  return XDP_PASS;
}
