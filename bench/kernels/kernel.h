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

#define BENCH_KERNEL(name) uint64_t bench_kernel_##name(uint8_t *mem, uint64_t len)
#define BENCH_NOINLINE __attribute__((noinline))

/* Word access to mem. may_alias keeps the native build free of strict
 * aliasing assumptions (mem is written as bytes); the benchmark aligns mem
 * to 8 bytes and kernels index it at multiples of the word size. */
typedef uint64_t __attribute__((may_alias)) bench_u64;
typedef uint32_t __attribute__((may_alias)) bench_u32;
typedef int32_t __attribute__((may_alias)) bench_s32;

/* Helpers. In BPF a call through a constant function pointer is
 * `call imm` (src=0), a helper id; the benchmark registers:
 *   id 1  bench_mix(x)          a 64-bit mixing function (a bijection);
 *   id 2  bench_array_lookup(k) "array lookup via helper": the address of
 *                               the 64-bit value at index k of a host table
 *                               of BENCH_ARRAY_ENTRIES values, or 0 (NULL)
 *                               when k is out of range, as an array map's
 *                               lookup would return.
 * Natively the kernels call the same host functions through extern function
 * pointers defined in another translation unit (bench/bench_helpers.cpp), so
 * the compiler cannot inline them: one indirect call per helper call, as in
 * an engine. */
#define BENCH_ARRAY_ENTRIES 256

#ifdef __bpf__
static uint64_t (*const bench_mix)(uint64_t x) = (void *)1;
static uint64_t *(*const bench_array_lookup)(uint64_t key) = (void *)2;
#else
#ifdef __cplusplus
extern "C" {
#endif
extern uint64_t (*const bench_mix)(uint64_t x);
extern uint64_t *(*const bench_array_lookup)(uint64_t key);
#ifdef __cplusplus
}
#endif
#endif

#endif
