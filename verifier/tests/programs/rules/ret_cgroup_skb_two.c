/* Unsafe: cgroup_skb ingress programs return 0 (drop) or 1 (allow). */
#include "rules.h"

SEC("cgroup_skb/ingress")
int ret_cgroup_skb_two(struct __sk_buff *skb) {
  return 2;
}
