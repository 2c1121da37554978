/* Safe: a socket filter reads len, protocol and cb[] at their widths. */
#include "rules.h"

SEC("socket")
int ctx_read_fields(struct __sk_buff *skb) {
  return (int)(skb->len + skb->protocol + skb->cb[4]);
}
