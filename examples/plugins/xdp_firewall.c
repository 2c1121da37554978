/* An XDP program with BTF maps, run by the runtime's tests and compared
 * with the Linux kernel (bpftool prog run) where the kernel allows it:
 *   - not IPv4: XDP_PASS, untouched;
 *   - IPv4 with ttl <= 1: XDP_DROP;
 *   - TCP to port 23: XDP_DROP;
 *   - UDP to port 7 (echo): source and destination swapped (MAC, IP,
 *     port), XDP_TX;
 *   - anything else: ttl decremented (checksum updated), XDP_PASS.
 * Counts packets per action (array) and per source address (hash). */
#include "sandbpf_bpf.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 5);
  __type(key, __u32);
  __type(value, __u64);
} action_counts SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u64);
} source_counts SEC(".maps");

static __attribute__((always_inline)) int count(__u32 action) {
  __u64 *n = bpf_map_lookup_elem(&action_counts, &action);
  if (n) __sync_fetch_and_add(n, 1);
  return action;
}

static __attribute__((always_inline)) void swap_bytes(__u8 *a, __u8 *b, int n) {
  for (int i = 0; i < n; i++) {
    __u8 t = a[i];
    a[i] = b[i];
    b[i] = t;
  }
}

SEC("xdp") int xdp_firewall(struct xdp_md *ctx) {
  void *data = (void *)(long)ctx->data;
  void *data_end = (void *)(long)ctx->data_end;
  struct ethhdr *eth = data;
  if ((void *)(eth + 1) > data_end) return count(XDP_PASS);
  if (eth->h_proto != bpf_htons(ETH_P_IP)) return count(XDP_PASS);
  struct iphdr *ip = (void *)(eth + 1);
  if ((void *)(ip + 1) > data_end) return count(XDP_PASS);
  if ((ip->ihl_version & 0x0f) != 5) return count(XDP_PASS);

  __u32 saddr = ip->saddr;
  __u64 *seen = bpf_map_lookup_elem(&source_counts, &saddr);
  if (seen) {
    __sync_fetch_and_add(seen, 1);
  } else {
    __u64 one = 1;
    bpf_map_update_elem(&source_counts, &saddr, &one, BPF_NOEXIST);
  }

  if (ip->ttl <= 1) return count(XDP_DROP);
  struct udphdr *l4 = (void *)(ip + 1);
  if ((void *)(l4 + 1) > data_end) return count(XDP_PASS);
  if (ip->protocol == 6 && l4->dest == bpf_htons(23)) return count(XDP_DROP);
  if (ip->protocol == 17 && l4->dest == bpf_htons(7)) {
    swap_bytes(eth->h_dest, eth->h_source, 6);
    __u32 addr = ip->saddr;
    ip->saddr = ip->daddr;
    ip->daddr = addr;
    __u16 port = l4->source;
    l4->source = l4->dest;
    l4->dest = port;
    return count(XDP_TX);
  }
  /* ttl - 1, with the checksum updated as RFC 1624 says. */
  __u32 sum = (__u16)~ip->check;
  sum += (__u16)~*(__u16 *)&ip->ttl;
  ip->ttl -= 1;
  sum += *(__u16 *)&ip->ttl;
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  ip->check = (__u16)~sum;
  return count(XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
