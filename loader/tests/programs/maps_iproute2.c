/* iproute2's legacy map records (struct bpf_elf_map, as Cilium's objects
 * use): a map-of-maps names its inner map's template by id. The outer
 * map's inner_id is the template's id; inner_idx is where iproute2 would
 * insert the template into the outer map, not which map it is. */
#include "bpf_defs.h"

struct bpf_elf_map {
  __u32 type;
  __u32 size_key;
  __u32 size_value;
  __u32 max_elem;
  __u32 flags;
  __u32 id;
  __u32 pinning;
  __u32 inner_id;
  __u32 inner_idx;
};

struct bpf_elf_map SEC("maps") plain = {
    .type = BPF_MAP_TYPE_HASH, .size_key = 4, .size_value = 4, .max_elem = 8, .id = 5, .inner_idx = 0};

struct bpf_elf_map SEC("maps") maglev_inner = {
    .type = BPF_MAP_TYPE_ARRAY, .size_key = 4, .size_value = 64, .max_elem = 1, .id = 3, .inner_idx = 0xffffffff};

struct bpf_elf_map SEC("maps") maglev = {.type = BPF_MAP_TYPE_HASH_OF_MAPS,
                                         .size_key = 2,
                                         .size_value = 4,
                                         .max_elem = 16,
                                         .pinning = 2,
                                         .inner_id = 3,
                                         .inner_idx = 0};

/* An outer map whose inner_id names no map: it has no template. */
struct bpf_elf_map SEC("maps") orphan = {
    .type = BPF_MAP_TYPE_ARRAY_OF_MAPS, .size_key = 4, .size_value = 4, .max_elem = 2, .inner_id = 9};

SEC("xdp") int pick(void *ctx) {
  __u16 service = 1;
  void *backends = bpf_map_lookup_elem(&maglev, &service);
  if (!backends) return 1;
  __u32 zero = 0;
  __u8 *slots = bpf_map_lookup_elem(backends, &zero);
  if (!slots) return 1;
  return slots[63] + (ctx ? 2 : 0);
}

char _license[] SEC("license") = "GPL";
