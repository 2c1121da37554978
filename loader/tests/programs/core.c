/* A CO-RE relocation: a field read through __builtin_preserve_access_index
 * (what libbpf's BPF_CORE_READ expands to), with line info. */
#include "bpf_defs.h"

struct task {
  int pid;
  int tgid;
  struct {
    __u64 start;
    __u64 runtime;
  } times;
} __attribute__((preserve_access_index));

SEC("tracepoint/sched/sched_switch") int read_task(struct task *t) {
  __u64 runtime = __builtin_preserve_access_index(t->times.runtime);
  return (int)runtime + __builtin_preserve_access_index(t->tgid);
}

char _license[] SEC("license") = "GPL";
