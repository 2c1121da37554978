/* Shared definitions for the verifier rule suite (README.md, rules.tsv):
 * the few kernel types, map definitions and helper prototypes the programs
 * use, written here so that the suite needs no libbpf or kernel headers.
 * Helper ids are the kernel's (include/uapi/linux/bpf.h, __BPF_FUNC_MAPPER);
 * map types are BPF_MAP_TYPE_* numbers. */
#ifndef SANDBPF_RULES_H
#define SANDBPF_RULES_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef long long __s64;

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val) int (*name)[val]
#define __type(name, val) typeof(val) *name
#define __array(name, val) typeof(val) *name[]
/* Functions that must stay bpf-to-bpf calls (the call-depth and stack
 * rules are about calls, which the optimizer would otherwise inline). */
#define NOINLINE static __attribute__((noinline))
/* Programs written as assembly (the C compiler would not emit the unsafe
 * instruction, or would optimize it away). */
#define NAKED __attribute__((naked))

enum { MAP_HASH = 1, MAP_ARRAY = 2, MAP_PROG_ARRAY = 3, MAP_RINGBUF = 27 };
enum { XDP_ABORTED = 0, XDP_DROP = 1, XDP_PASS = 2 };

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
  __u32 pkt_type;
  __u32 mark;
  __u32 queue_mapping;
  __u32 protocol;
  __u32 vlan_present;
  __u32 vlan_tci;
  __u32 vlan_proto;
  __u32 priority;
  __u32 ingress_ifindex;
  __u32 ifindex;
  __u32 tc_index;
  __u32 cb[5];
  __u32 hash;
  __u32 tc_classid;
  __u32 data;
  __u32 data_end;
};

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value,
                                   __u64 flags) = (void *)2;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static __u32 (*bpf_get_prandom_u32)(void) = (void *)7;
static long (*bpf_tail_call)(void *ctx, void *prog_array, __u32 index) = (void *)12;
static long (*bpf_skb_load_bytes)(const void *skb, __u32 offset, void *to, __u32 len) = (void *)26;
static long (*bpf_xdp_adjust_head)(struct xdp_md *xdp, int delta) = (void *)44;
static long (*bpf_probe_read_kernel)(void *dst, __u32 size, const void *src) = (void *)113;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)131;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)132;
static void (*bpf_ringbuf_discard)(void *data, __u64 flags) = (void *)133;
static long (*bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx,
                        __u64 flags) = (void *)181;

char _license[] SEC("license") = "GPL";

#endif
