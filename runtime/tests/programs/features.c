/* One program per runtime feature, on the generic platform (r1 = memory,
 * r2 = its length). runtime/tests/instance_features_test.cpp runs each and
 * checks the exact results and map contents. */
#include "sandbpf_bpf.h"

#pragma clang diagnostic ignored "-Wunused-parameter"

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} hash_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u64);
} array_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u64);
} percpu_array SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
  __uint(max_entries, 8);
  __type(key, __u32);
  __type(value, __u64);
} percpu_hash SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} lru_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, __u32);
} lru_percpu_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_QUEUE);
  __uint(max_entries, 8);
  __type(value, __u32);
} queue_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_STACK);
  __uint(max_entries, 8);
  __type(value, __u32);
} stack_map SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 4096);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
  __uint(key_size, sizeof(__u32));
  __uint(value_size, sizeof(__u32));
} perf_events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
  __uint(max_entries, 4);
  __uint(key_size, sizeof(__u32));
  __uint(value_size, sizeof(__u32));
} jump_table SEC(".maps");

struct inner_array {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 2);
  __type(key, __u32);
  __type(value, __u64);
} inner_template SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
  __uint(max_entries, 2);
  __type(key, __u32);
  __array(values, struct inner_array);
} outer_array SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
  __uint(max_entries, 2);
  __type(key, __u32);
  __array(values, struct inner_array);
} outer_hash SEC(".maps");

/* Global data: .data, .rodata and .bss become array maps. */
__u64 data_counter = 100;
const volatile __u64 rodata_step = 7;
__u64 bss_total;

/* hash: insert keys 1..5 with value k*k, delete 3, update 4 only if it
 * exists (to 1000), refuse to insert 5 again; returns the sum of what is
 * left (1 + 4 + 1000 + 25 = 1030). */
SEC("prog/hash") int hash_ops(void *mem, __u64 len) {
  __u64 sum = 0;
  for (__u32 k = 1; k <= 5; k++) {
    __u64 v = k * k;
    bpf_map_update_elem(&hash_map, &k, &v, BPF_ANY);
  }
  __u32 three = 3, four = 4, five = 5;
  bpf_map_delete_elem(&hash_map, &three);
  __u64 thousand = 1000;
  bpf_map_update_elem(&hash_map, &four, &thousand, BPF_EXIST);
  if (bpf_map_update_elem(&hash_map, &five, &thousand, BPF_NOEXIST) == 0) return 1;
  for (__u32 k = 1; k <= 5; k++) {
    __u64 *v = bpf_map_lookup_elem(&hash_map, &k);
    if (v) sum += *v;
  }
  return sum;
}

/* array: element i += i + 1 through the pointer lookup returns; returns
 * element 3 (4 after one run, 8 after two). */
SEC("prog/array") int array_ops(void *mem, __u64 len) {
  for (__u32 i = 0; i < 4; i++) {
    __u64 *v = bpf_map_lookup_elem(&array_map, &i);
    if (v) *v += i + 1;
  }
  __u32 last = 3;
  __u64 *v = bpf_map_lookup_elem(&array_map, &last);
  return v ? *v : 0;
}

/* per-CPU array and hash: count runs in this slot's value; returns the
 * slot (bpf_get_smp_processor_id). */
SEC("prog/percpu") int percpu_ops(void *mem, __u64 len) {
  __u32 zero = 0;
  __u64 *v = bpf_map_lookup_elem(&percpu_array, &zero);
  if (v) *v += 1;
  __u32 key = 7;
  __u64 *h = bpf_map_lookup_elem(&percpu_hash, &key);
  if (h) {
    *h += 1;
  } else {
    __u64 one = 1;
    bpf_map_update_elem(&percpu_hash, &key, &one, BPF_NOEXIST);
  }
  return bpf_get_smp_processor_id();
}

/* LRU: six keys into four entries; the two least recently used go.
 * Returns how many of the six are still there (4). */
SEC("prog/lru") int lru_ops(void *mem, __u64 len) {
  __u32 found = 0;
  for (__u32 k = 1; k <= 6; k++) {
    __u32 v = k;
    bpf_map_update_elem(&lru_map, &k, &v, BPF_ANY);
    bpf_map_update_elem(&lru_percpu_map, &k, &v, BPF_ANY);
  }
  for (__u32 k = 1; k <= 6; k++)
    if (bpf_map_lookup_elem(&lru_map, &k)) found++;
  return found;
}

/* queue and stack: push 1, 2, 3 on both; the queue pops 1, the stack 3,
 * peeking the queue then gives 2: returns 100*1 + 10*3 + 2 = 132. */
SEC("prog/queue_stack") int queue_stack_ops(void *mem, __u64 len) {
  for (__u32 v = 1; v <= 3; v++) {
    bpf_map_push_elem(&queue_map, &v, 0);
    bpf_map_push_elem(&stack_map, &v, 0);
  }
  __u32 q = 0, s = 0, p = 0;
  if (bpf_map_pop_elem(&queue_map, &q) || bpf_map_pop_elem(&stack_map, &s) ||
      bpf_map_peek_elem(&queue_map, &p))
    return 0;
  return 100 * q + 10 * s + p;
}

struct event {
  __u32 kind;
  __u32 length;
  __u64 value;
};

/* ring buffer: one record through reserve/submit, one through output, one
 * reserved and discarded; returns 0 when all calls succeeded. */
SEC("prog/ringbuf") int ringbuf_ops(void *mem, __u64 len) {
  struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return 1;
  e->kind = 1;
  e->length = len;
  e->value = 0x1122334455667788ULL;
  bpf_ringbuf_submit(e, 0);
  struct event copy = {2, 0, 42};
  if (bpf_ringbuf_output(&events, &copy, sizeof(copy), 0)) return 2;
  struct event *d = bpf_ringbuf_reserve(&events, sizeof(*d), 0);
  if (!d) return 3;
  bpf_ringbuf_discard(d, 0);
  return 0;
}

/* perf event output on this slot's buffer; returns the helper's result. */
SEC("prog/perf") int perf_ops(void *mem, __u64 len) {
  struct event e = {3, 0, 0xabcdef};
  return bpf_perf_event_output(mem, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
}

/* map-in-map: the host puts inner maps at index 0 of outer_array and key
 * 9 of outer_hash; the program adds 5 to element 1 of each. Returns 0
 * when both inner maps were there. */
SEC("prog/map_in_map") int map_in_map_ops(void *mem, __u64 len) {
  __u32 zero = 0, one = 1, nine = 9;
  void *inner = bpf_map_lookup_elem(&outer_array, &zero);
  if (!inner) return 1;
  __u64 *v = bpf_map_lookup_elem(inner, &one);
  if (!v) return 2;
  *v += 5;
  void *other = bpf_map_lookup_elem(&outer_hash, &nine);
  if (!other) return 3;
  __u64 *w = bpf_map_lookup_elem(other, &one);
  if (!w) return 4;
  *w += 5;
  return 0;
}

/* global data: data_counter += rodata_step, bss_total += data_counter;
 * returns data_counter (107, then 114). */
SEC("prog/global_data") int global_data_ops(void *mem, __u64 len) {
  data_counter += rodata_step;
  bss_total += data_counter;
  return data_counter;
}

/* subprograms: non-inlined functions with their own stack frames. */
static NOINLINE __u64 square(__u64 x) { return x * x; }
static NOINLINE __u64 sum_of_squares(__u64 a, __u64 b) {
  volatile __u64 local[4] = {a, b, 0, 0};
  return square(local[0]) + square(local[1]);
}
SEC("prog/subprograms") int subprogram_ops(void *mem, __u64 len) {
  return sum_of_squares(3, 4); /* 25 */
}

/* bpf_loop: sums the indices 0..9 through the callback (45). */
static int add_index(__u32 index, void *ctx) {
  *(__u64 *)ctx += index;
  return 0;
}
SEC("prog/loop") int loop_ops(void *mem, __u64 len) {
  __u64 sum = 0;
  long calls = bpf_loop(10, add_index, &sum, 0);
  return calls == 10 ? sum : 1000 + calls;
}

/* tail calls: jump to jump_table[0]; returns 1 if the tail call failed. */
SEC("prog/tail_caller") int tail_caller(void *mem, __u64 len) {
  bpf_tail_call(mem, &jump_table, 0);
  return 1;
}
SEC("prog/tail_target") int tail_target(void *mem, __u64 len) {
  return 42;
}
/* A program that tail-calls itself through jump_table[1]: the chain stops
 * after 33 tail calls; it counts its runs in array_map[0]. */
SEC("prog/tail_self") int tail_self(void *mem, __u64 len) {
  __u32 zero = 0;
  __u64 *runs = bpf_map_lookup_elem(&array_map, &zero);
  if (runs) *runs += 1;
  bpf_tail_call(mem, &jump_table, 1);
  return 7;
}

/* The memory: sums its bytes, bounds checked against r2 (the verifier
 * knows r2 is the memory's size on the generic platform). */
SEC("prog/memory") int memory_ops(__u8 *mem, __u64 len) {
  __u64 sum = 0;
  for (__u64 i = 0; i < len && i < 256; i++) sum += mem[i];
  return sum;
}

/* The multi-thread stress test: counts runs per key (each thread has its
 * own key), churns a shared hash (insert, read, delete) so values are
 * retired while other runs may hold them, and counts all runs. */
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 64);
  __type(key, __u32);
  __type(value, __u64);
} counters SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16);
  __type(key, __u32);
  __type(value, __u64);
} churn SEC(".maps");

struct stress_request {
  __u32 key;
  __u32 churn_key;
};

SEC("prog/stress") int stress(struct stress_request *request, __u64 len) {
  if (len < sizeof(*request)) return 0;
  __u32 key = request->key;
  __u64 *count = bpf_map_lookup_elem(&counters, &key);
  if (count) {
    __sync_fetch_and_add(count, 1);
  } else {
    __u64 one = 1;
    bpf_map_update_elem(&counters, &key, &one, BPF_NOEXIST);
  }
  __u32 churn_key = request->churn_key;
  __u64 mine = 1000 + key;
  bpf_map_update_elem(&churn, &churn_key, &mine, BPF_ANY);
  __u64 *seen = bpf_map_lookup_elem(&churn, &churn_key);
  __u64 value = seen ? *seen : 1000;
  bpf_map_delete_elem(&churn, &churn_key);
  __u32 total_index = 1;
  __u64 *total = bpf_map_lookup_elem(&array_map, &total_index);
  if (total) __sync_fetch_and_add(total, 1);
  return value >= 1000 && value < 1064;  /* 1: the value read was one some run wrote */
}

char LICENSE[] SEC("license") = "GPL";
