/* CO-RE: compiled against its own, reordered copy of struct __sk_buff
 * (protocol at offset 4, len at 8); the relocations must make it read the
 * real fields (len at 0, protocol at 16) when the runtime prepares it. */
#include "sandbpf_bpf.h"

struct __sk_buff {
  __u32 mark;
  __u32 protocol;
  __u32 len;
} __attribute__((preserve_access_index));

SEC("tc") int core_skb(struct __sk_buff *skb) {
  return skb->protocol + (skb->len << 16);
}

char LICENSE[] SEC("license") = "GPL";
