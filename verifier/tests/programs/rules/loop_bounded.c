/* Safe: 64 iterations, proven by the counter's bound. */
#include "rules.h"

SEC("socket")
int loop_bounded(struct __sk_buff *skb) {
  __u32 sum = 0;
  __u32 seed = skb->cb[0];
#pragma clang loop unroll(disable)
  for (__u32 i = 0; i < 64; i++) sum += i ^ seed;
  return (int)sum;
}
