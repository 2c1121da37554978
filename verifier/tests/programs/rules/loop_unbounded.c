/* Unsafe under `proved`: the loop runs skb->len times, up to 2^32 - 1. */
#include "rules.h"

SEC("socket")
int loop_unbounded(struct __sk_buff *skb) {
  __u32 sum = 0;
#pragma clang loop unroll(disable)
  for (__u32 i = 0; i < skb->len; i++) sum += i ^ skb->cb[0];
  return (int)sum;
}
