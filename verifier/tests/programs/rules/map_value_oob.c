/* Unsafe: the value is 8 bytes; the load reads bytes 8..11. */
#include "rules.h"

struct {
  __uint(type, MAP_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} values SEC(".maps");

SEC("xdp")
int map_value_oob(struct xdp_md *ctx) {
  __u32 key = 0;
  __u32 *v = bpf_map_lookup_elem(&values, &key);
  if (!v) return XDP_PASS;
  return v[2] == 1 ? XDP_DROP : XDP_PASS;
}
