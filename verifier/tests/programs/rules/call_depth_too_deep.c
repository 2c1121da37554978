/* Unsafe: the entry and eight nested calls make nine frames; Linux allows
 * eight (MAX_CALL_FRAMES). */
#include "rules.h"

NOINLINE int d8(int x) { return x ^ (int)bpf_get_prandom_u32(); }
NOINLINE int d7(int x) { return d8(x + 7) & 3; }
NOINLINE int d6(int x) { return d7(x + 6) & 3; }
NOINLINE int d5(int x) { return d6(x + 5) & 3; }
NOINLINE int d4(int x) { return d5(x + 4) & 3; }
NOINLINE int d3(int x) { return d4(x + 3) & 3; }
NOINLINE int d2(int x) { return d3(x + 2) & 3; }
NOINLINE int d1(int x) { return d2(x + 1) & 3; }

SEC("xdp")
int call_depth_too_deep(struct xdp_md *ctx) {
  return d1((int)ctx->ingress_ifindex);
}
