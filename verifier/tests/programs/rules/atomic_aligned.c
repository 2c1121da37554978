/* Safe: the same add on the aligned field b. */
#include "rules.h"

struct pair {
  __u64 a;
  __u64 b;
};

struct {
  __uint(type, MAP_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct pair);
} values SEC(".maps");

SEC("xdp")
int atomic_aligned(struct xdp_md *ctx) {
  __u32 key = 0;
  struct pair *v = bpf_map_lookup_elem(&values, &key);
  if (!v) return XDP_PASS;
  __sync_fetch_and_add(&v->b, 1);
  return XDP_PASS;
}
