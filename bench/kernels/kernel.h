/* The convention every benchmark kernel follows, for both of its builds.
 *
 * Each kernel is one C file compiled twice:
 *   - as BPF:   clang-19 -target bpf -mcpu=v4 -O2, then the .text section is
 *               extracted as raw instructions (bench/CMakeLists.txt);
 *   - natively: the host C compiler, -O2 -fno-tree-vectorize (BPF has no
 *               vector instructions, so the native baseline must not have
 *               them either; DESIGN.md toolchain notes).
 *
 * Entry: uint64_t bench_kernel_<name>(uint8_t *mem, uint64_t len). On the
 * generic platform r1 = mem and r2 = len, and r0 is the result. The entry
 * must be the first function in the file (it must sit at offset 0 of .text):
 * subfunctions are declared before it and defined after it.
 *
 * Rules, so that the BPF build is a relocation-free raw program and neither
 * compiler folds the work away:
 *   - no global or static data (no .data/.rodata/.bss: they would need
 *     relocations; the build refuses a kernel that has any), no switch that
 *     could become a jump table, no library calls;
 *   - every loop's trip count or data depends on len or on mem's contents.
 */
#ifndef SANDBPF_BENCH_KERNEL_H
#define SANDBPF_BENCH_KERNEL_H

#include <stdint.h>

/* The entry's prefix: the scalar native build and the BPF build use the
 * default; the vectorized native build of the same source (the figure the
 * benchmark reports beside the scalar baseline) renames it. */
#ifndef BENCH_KERNEL_PREFIX
#define BENCH_KERNEL_PREFIX bench_kernel_
#endif
#define BENCH_PASTE_(a, b) a##b
#define BENCH_PASTE(a, b) BENCH_PASTE_(a, b)
#define BENCH_KERNEL(name) uint64_t BENCH_PASTE(BENCH_KERNEL_PREFIX, name)(uint8_t *mem, uint64_t len)
#define BENCH_NOINLINE __attribute__((noinline))

/* Word access to mem. may_alias keeps the native build free of strict
 * aliasing assumptions (mem is written as bytes); the benchmark aligns mem
 * to 8 bytes and kernels index it at multiples of the word size. */
typedef uint64_t __attribute__((may_alias)) bench_u64;
typedef uint32_t __attribute__((may_alias)) bench_u32;
typedef int32_t __attribute__((may_alias)) bench_s32;

/* Helpers. In BPF a call through a constant function pointer is
 * `call imm` (src=0), a helper id; the benchmark registers:
 *   id 1  bench_mix(x)            a 64-bit mixing function (a bijection);
 *   id 2  bench_map_lookup(m, k)  bpf_map_lookup_elem (the standard helper,
 *                                 with its prototype): the address of the
 *                                 value of key *k in map m, or 0 (NULL).
 * The map is a BPF_MAP_TYPE_ARRAY the benchmark creates (u32 keys, 8-byte
 * values, BENCH_ARRAY_ENTRIES entries), map 0 of the kernel: bench_array_map()
 * is `lddw src=1 imm=0` (a map by index, DESIGN.md), written as inline
 * assembly so that the raw program needs no relocation.
 * Natively the kernels call the same host functions through extern function
 * pointers defined in another translation unit (bench/bench_helpers.cpp), so
 * the compiler cannot inline them: one indirect call per helper call, as in
 * an engine; natively bench_map_lookup looks the key up in the same map. */
#define BENCH_ARRAY_ENTRIES 256

#ifdef __bpf__
static uint64_t (*const bench_mix)(uint64_t x) = (void *)1;
static void *(*const bench_map_lookup)(void *map, const void *key) = (void *)2;
static inline void *bench_array_map(void) {
  void *map;
  asm volatile("ld_pseudo %0, 1, 0" : "=r"(map));
  return map;
}
#else
#ifdef __cplusplus
extern "C" {
#endif
extern uint64_t (*const bench_mix)(uint64_t x);
extern void *(*const bench_map_lookup)(void *map, const void *key);
void *bench_array_map(void);
#ifdef __cplusplus
}
#endif
#endif

#endif
