/* Safe: bpf_perf_event_output into a perf event array. */
#include "rules.h"

struct {
  __uint(type, MAP_PERF_EVENT_ARRAY);
  __uint(key_size, sizeof(__u32));
  __uint(value_size, sizeof(__u32));
} events SEC(".maps");

SEC("xdp")
int map_type_perf_output_ok(struct xdp_md *ctx) {
  __u64 sample = ctx->ingress_ifindex;
  bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, &sample, sizeof(sample));
  return XDP_PASS;
}
