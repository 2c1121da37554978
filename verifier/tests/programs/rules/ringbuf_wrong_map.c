/* Unsafe: bpf_ringbuf_reserve on an array map. */
#include "rules.h"

struct {
  __uint(type, MAP_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} not_events SEC(".maps");

SEC("xdp")
int ringbuf_wrong_map(struct xdp_md *ctx) {
  __u64 *rec = bpf_ringbuf_reserve(&not_events, 8, 0);
  if (!rec) return XDP_PASS;
  *rec = ctx->ingress_ifindex;
  bpf_ringbuf_submit(rec, 0);
  return XDP_PASS;
}
