/* Unsafe: the slot index comes from the context unchecked. */
#include "rules.h"

struct slots {
  __u64 slot[4];
};

struct {
  __uint(type, MAP_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct slots);
} values SEC(".maps");

SEC("xdp")
int map_value_unbounded_index(struct xdp_md *ctx) {
  __u32 key = 0;
  struct slots *v = bpf_map_lookup_elem(&values, &key);
  if (!v) return XDP_PASS;
  v->slot[ctx->rx_queue_index] += 1;
  return XDP_PASS;
}
