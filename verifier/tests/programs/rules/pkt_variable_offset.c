/* Safe: a variable offset in [0, 15] after checking 17 bytes (tc's direct
 * packet access). */
#include "rules.h"

SEC("tc")
int pkt_variable_offset(struct __sk_buff *skb) {
  __u8 *data = (__u8 *)(unsigned long)skb->data;
  __u8 *end = (__u8 *)(unsigned long)skb->data_end;
  if (data + 17 > end) return 0;
  __u32 off = data[0] & 15;
  return data[off + 1];
}
