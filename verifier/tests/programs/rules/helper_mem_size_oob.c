/* Unsafe: 600 bytes copied into a 16-byte stack buffer. */
#include "rules.h"

SEC("tc")
int helper_mem_size_oob(struct __sk_buff *skb) {
  __u8 buf[16];
  if (bpf_skb_load_bytes(skb, 0, buf, 600) < 0) return 0;
  return buf[0];
}
