/* Safe: the callback checks the index against the array's length. */
#include "rules.h"

struct sums {
  __u64 slot[4];
};

static int add_one(__u32 index, struct sums *sums) {
  if (index < 4) sums->slot[index] += index;
  return 0;
}

SEC("xdp")
int loop_callback_ok(struct xdp_md *ctx) {
  struct sums sums = {};
  bpf_loop(8, add_one, &sums, 0);
  return sums.slot[3] == 3 ? XDP_PASS : XDP_DROP;
}
