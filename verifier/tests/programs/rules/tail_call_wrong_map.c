/* Unsafe: bpf_tail_call needs a program array; this is a hash map. */
#include "rules.h"

struct {
  __uint(type, MAP_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} not_jumps SEC(".maps");

SEC("xdp")
int tail_call_wrong_map(struct xdp_md *ctx) {
  bpf_tail_call(ctx, &not_jumps, 0);
  return XDP_PASS;
}
