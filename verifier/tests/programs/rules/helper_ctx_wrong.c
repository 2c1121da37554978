/* Unsafe: bpf_skb_load_bytes wants the context in r1, not a stack pointer. */
#include "rules.h"

SEC("tc")
int helper_ctx_wrong(struct __sk_buff *skb) {
  __u8 buf[16] = {};
  __u8 out[4];
  buf[0] = (__u8)skb->len;
  if (bpf_skb_load_bytes(buf, 0, out, sizeof out) < 0) return 0;
  return out[0];
}
