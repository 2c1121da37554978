/* Safe: tc programs may write mark and cb[]. */
#include "rules.h"

SEC("tc")
int ctx_write_allowed(struct __sk_buff *skb) {
  skb->mark = 7;
  skb->cb[1] = skb->len;
  return 0;
}
