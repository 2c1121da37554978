/* Safe: 0 or 1 only. */
#include "rules.h"

SEC("cgroup_skb/ingress")
int ret_cgroup_skb_ok(struct __sk_buff *skb) {
  return skb->len > 100 ? 1 : 0;
}
