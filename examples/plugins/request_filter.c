/* A plugin for examples/host/request_filter_host.cpp: the host's own
 * context type (struct request), a helper the host registers (id 1000,
 * host_score), and a map the host reads afterwards. */
#include "sandbpf_bpf.h"

struct request {
  __u32 len;
  __u32 verdict;   /* the plugin's answer: 1 accept, 0 reject */
  __u64 data;      /* the request body */
  __u64 data_end;
  __u64 scratch;
};

/* Registered by the host: a score for a byte. */
static __u32 (*host_score)(__u32 byte) = (void *)1000;

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, __u64);
} verdicts SEC(".maps");

SEC("request") int filter(struct request *req) {
  __u8 *body = (__u8 *)req->data;
  __u8 *end = (__u8 *)req->data_end;
  __u32 verdict = 0;
  if (body + 1 <= end) verdict = host_score(body[0]) > 100;
  req->verdict = verdict;
  __u64 *count = bpf_map_lookup_elem(&verdicts, &verdict);
  if (count) {
    __sync_fetch_and_add(count, 1);
  } else {
    __u64 one = 1;
    if (bpf_map_update_elem(&verdicts, &verdict, &one, BPF_NOEXIST) != 0) {
      count = bpf_map_lookup_elem(&verdicts, &verdict);  /* another thread made it first */
      if (count) __sync_fetch_and_add(count, 1);
    }
  }
  return verdict;
}

char LICENSE[] SEC("license") = "GPL";
