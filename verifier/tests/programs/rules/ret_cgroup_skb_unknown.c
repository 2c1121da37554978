/* Unsafe: the packet's length is not a cgroup_skb verdict. */
#include "rules.h"

SEC("cgroup_skb/ingress")
int ret_cgroup_skb_unknown(struct __sk_buff *skb) {
  return (int)skb->len;
}
