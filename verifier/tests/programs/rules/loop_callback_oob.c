/* Unsafe: the callback indexes the caller's array with the iteration
 * number, which bpf_loop may count up to nr_loops - 1 = 7: past slot 3. */
#include "rules.h"

struct sums {
  __u64 slot[4];
};

static int add_one(__u32 index, struct sums *sums) {
  sums->slot[index] += index;
  return 0;
}

SEC("xdp")
int loop_callback_oob(struct xdp_md *ctx) {
  struct sums sums = {};
  bpf_loop(8, add_one, &sums, 0);
  return sums.slot[0] == 1 ? XDP_DROP : XDP_PASS;
}
