/* Subprograms: static and global functions in .text, a function in another
 * section called across sections, a callback passed by address (lddw src=4)
 * and a program that calls nothing. */
#include "bpf_defs.h"

static __attribute__((noinline)) int add_one(int x) { return x + 1; }

__attribute__((noinline)) int twice(int x) { return add_one(x) + add_one(x); }

/* A function placed in a section of its own, called from xdp/entry. */
SEC("xdp/lib") __attribute__((noinline)) int in_other_section(int x) { return twice(x) * 3; }

static long count_step(__u32 index, void *ctx) {
  *(int *)ctx += (int)index;
  return 0;
}

SEC("xdp/entry") int entry(struct xdp_md *ctx) {
  int total = 0;
  bpf_loop(4, count_step, &total, 0);
  return in_other_section((int)ctx->rx_queue_index) + total;
}

SEC("xdp/leaf") int leaf(struct xdp_md *ctx) { return (int)ctx->ingress_ifindex & 1; }

SEC("xdp/twice") int call_twice(struct xdp_md *ctx) { return twice((int)ctx->data_meta); }

char _license[] SEC("license") = "GPL";
