/* Safe: the same index, checked against the array's length first. */
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
int map_value_bounded_index(struct xdp_md *ctx) {
  __u32 key = 0;
  __u32 queue = ctx->rx_queue_index;
  struct slots *v = bpf_map_lookup_elem(&values, &key);
  if (!v || queue >= 4) return XDP_PASS;
  v->slot[queue] += 1;
  return XDP_PASS;
}
