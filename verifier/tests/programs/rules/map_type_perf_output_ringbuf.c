/* Unsafe: bpf_perf_event_output into a ring buffer (which takes only the
 * ringbuf helpers); the output helper needs a perf event array. */
#include "rules.h"

struct {
  __uint(type, MAP_RINGBUF);
  __uint(max_entries, 4096);
} events SEC(".maps");

SEC("xdp")
int map_type_perf_output_ringbuf(struct xdp_md *ctx) {
  __u64 sample = ctx->ingress_ifindex;
  bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &sample, sizeof(sample));
  return XDP_PASS;
}
