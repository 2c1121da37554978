/* Legacy `maps` sections: the kernel samples' struct bpf_map_def (with
 * inner_map_idx and numa_node) in `maps`, and a shorter five-field record in
 * a `maps/short` section. */
#include "bpf_defs.h"

struct bpf_map_def {
  __u32 type;
  __u32 key_size;
  __u32 value_size;
  __u32 max_entries;
  __u32 map_flags;
  __u32 inner_map_idx;
  __u32 numa_node;
};

struct short_map_def {
  __u32 type;
  __u32 key_size;
  __u32 value_size;
  __u32 max_entries;
  __u32 map_flags;
};

struct bpf_map_def SEC("maps") counters = {
    .type = BPF_MAP_TYPE_ARRAY, .key_size = 4, .value_size = 8, .max_entries = 64};

struct bpf_map_def SEC("maps") inner_template = {
    .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 4, .max_entries = 10};

struct bpf_map_def SEC("maps") outer_maps = {.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
                                             .key_size = 4,
                                             .value_size = 4,
                                             .max_entries = 2,
                                             .inner_map_idx = 1};

struct short_map_def SEC("maps/short") small = {
    .type = BPF_MAP_TYPE_HASH, .key_size = 2, .value_size = 2, .max_entries = 3, .map_flags = 1};

SEC("socket") int count(void *ctx) {
  __u32 key = 0;
  __u64 *v = bpf_map_lookup_elem(&counters, &key);
  if (v) (*v)++;
  void *inner = bpf_map_lookup_elem(&outer_maps, &key);
  __u16 k = 1;
  void *s = bpf_map_lookup_elem(&small, &k);
  return (inner ? 1 : 0) + (s ? 2 : 0) + (ctx ? 4 : 0);
}

char _license[] SEC("license") = "Dual BSD/GPL";
