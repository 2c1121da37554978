/* Programs for `sandbpf verify` (tools/tests/verify_cli_test.cpp): safe and
 * unsafe ones in sections that imply a type, and one in a section that
 * implies none. Written here: no libbpf headers. */
typedef unsigned int __u32;
typedef unsigned long long __u64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name

struct xdp_md {
  __u32 data;
  __u32 data_end;
  __u32 data_meta;
  __u32 ingress_ifindex;
  __u32 rx_queue_index;
  __u32 egress_ifindex;
};

struct __sk_buff {
  __u32 len;
};

struct {
  __uint(type, 1); /* BPF_MAP_TYPE_HASH */
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

/* Safe: reads the first byte only after checking it is inside the packet. */
SEC("xdp")
int xdp_pass(struct xdp_md *ctx) {
  unsigned char *data = (unsigned char *)(unsigned long)ctx->data;
  unsigned char *end = (unsigned char *)(unsigned long)ctx->data_end;
  if (data + 1 > end) return 1;
  return data[0] == 0xff ? 1 : 2;
}

/* Unsafe: the map lookup's result may be NULL and is used unchecked. */
SEC("xdp")
int xdp_null(struct xdp_md *ctx) {
  __u32 key = ctx->ingress_ifindex;
  __u64 *count = bpf_map_lookup_elem(&counters, &key);
  return (int)*count;
}

/* Safe socket filter: the packet's length. */
SEC("socket")
int sock_len(struct __sk_buff *skb) { return (int)skb->len; }

/* A section that names no program type (as Cilium's "from-netdev"). */
SEC("from-netdev")
int untyped(struct __sk_buff *skb) { return skb->len > 100 ? 0 : 2; }

char _license[] SEC("license") = "GPL";
