/* Unsafe: a bpf_loop callback returns 0 (go on) or 1 (stop); 2 means
 * nothing. */
#include "rules.h"

static int step(__u32 index, void *unused) {
  return 2;
}

SEC("xdp")
int loop_callback_bad_return(struct xdp_md *ctx) {
  bpf_loop(4, step, 0, 0);
  return XDP_PASS;
}
