/* Unsafe for sandbpf: the packet's address is stored in a map value, where
 * user space (or another program) can read it. */
#include "rules.h"

struct {
  __uint(type, MAP_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} values SEC(".maps");

SEC("xdp")
int leak_pointer_to_map(struct xdp_md *ctx) {
  __u32 key = 0;
  __u64 *v = bpf_map_lookup_elem(&values, &key);
  if (!v) return XDP_PASS;
  *v = (__u64)ctx->data;
  return XDP_PASS;
}
