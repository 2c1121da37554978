/* Unsafe: struct xdp_md is read-only; ingress_ifindex cannot be written. */
#include "rules.h"

SEC("xdp")
int ctx_write_readonly(struct xdp_md *ctx) {
  ctx->ingress_ifindex = 0;
  return XDP_PASS;
}
