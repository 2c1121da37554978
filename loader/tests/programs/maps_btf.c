/* BTF-defined maps: key/value by type and by size, an array of maps with its
 * inner map template, and a program array. */
#include "bpf_defs.h"

struct flow_key {
  __u32 saddr;
  __u32 daddr;
  __u16 sport;
  __u16 dport;
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 1024);
  __type(key, struct flow_key);
  __type(value, __u64);
  __uint(map_flags, 1);
} flows SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 16);
  __uint(key_size, 4);
  __uint(value_size, 24);
} stats SEC(".maps");

struct inner_map {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 8);
  __type(key, __u32);
  __type(value, __u32);
} inner SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 4);
  __type(key, __u32);
  __array(values, struct inner_map);
} outer SEC(".maps") = {
    .values = {[0] = &inner},
};

struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, 2);
  __uint(key_size, 4);
  __array(values, int(void *));
} jumps SEC(".maps");

SEC("xdp") int use_maps(struct xdp_md *ctx) {
  struct flow_key key = {ctx->ingress_ifindex, 0, 0, 0};
  __u64 *count = bpf_map_lookup_elem(&flows, &key);
  if (count) (*count)++;
  __u32 zero = 0;
  void *stat = bpf_map_lookup_elem(&stats, &zero);
  void *map = bpf_map_lookup_elem(&outer, &zero);
  if (map) {
    __u32 *v = bpf_map_lookup_elem(map, &zero);
    if (v) return (int)*v;
  }
  bpf_tail_call(ctx, &jumps, 1);
  return stat ? 1 : 2;
}

char _license[] SEC("license") = "GPL";
