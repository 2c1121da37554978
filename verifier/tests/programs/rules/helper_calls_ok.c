/* Safe: the context, a buffer with its exact size, and a key and value
 * covering the map's sizes. */
#include "rules.h"

struct {
  __uint(type, MAP_HASH);
  __uint(max_entries, 16);
  __type(key, __u64);
  __type(value, __u64);
} counters SEC(".maps");

SEC("tc")
int helper_calls_ok(struct __sk_buff *skb) {
  __u8 buf[16];
  if (bpf_skb_load_bytes(skb, 0, buf, sizeof buf) < 0) return 0;
  __u64 key = buf[0];
  __u64 value = buf[15];
  bpf_map_update_elem(&counters, &key, &value, 0);
  return 0;
}
