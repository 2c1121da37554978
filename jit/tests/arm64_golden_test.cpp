// Golden encodings of the ARM64 backend, checked on any host: for each
// case, a BPF program (its first instruction is the one measured), the
// 32-bit instruction words the backend emits for it and their disassembly,
// checked together:
//   - the backend must emit exactly the expected words;
//   - binutils' aarch64 objdump (aarch64-linux-gnu-objdump -D -b binary
//     -maarch64) must disassemble the expected words to exactly the
//     expected text, so the table says what the words mean (reported as
//     skipped when that objdump is not installed; the words are still
//     checked).
// Every row of the instruction table has a case (checked below), plus the
// constant builders (movz/movn/movk, logical immediates), offsets and
// immediates beyond the short forms, both forms of every atomic (LSE and
// load/store-exclusive loops), checked mode's access checks and budget
// charges, and fast mode's back-edge charges. PC-relative targets (branches
// to stubs, literal loads) are written relative to the snippet.
//
// To regenerate after an intended change of the backend:
//   build/jit/sandbpf_jit_arm64_tests --gtest_also_run_disabled_tests --gtest_filter='*PrintGoldenTable'
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "jit/arm64/backend.hpp"
#include "jit/lowered_program.hpp"
#include "jit/rewrites/instruction_budget.hpp"
#include "loader/assembler.hpp"
#include "jit/tests/golden_cases.hpp"
#include "loader/disassembler.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

struct Golden {
  const char* bpf;   // program text; its first instruction is measured
  const char* mode;  // "fast", "checked", "fast+budget", "fast+spectre"; "+lse" selects LSE atomics
  const char* words; // the instruction words, in hex
  const char* a64;   // objdump's text, instructions separated by "; "
};

// clang-format off
// BEGIN GOLDEN
constexpr Golden kGolden[] = {
    {"add32 %r1, 3\nexit\n", "fast",
     "11000c00",
     "add w0, w0, #0x3"},
    {"add32 %r1, %r2\nexit\n", "fast",
     "0b010000",
     "add w0, w0, w1"},
    {"sub32 %r1, 3\nexit\n", "fast",
     "51000c00",
     "sub w0, w0, #0x3"},
    {"sub32 %r1, %r2\nexit\n", "fast",
     "4b010000",
     "sub w0, w0, w1"},
    {"mul32 %r1, 3\nexit\n", "fast",
     "5280006a 1b0a7c00",
     "mov w10, #0x3; mul w0, w0, w10"},
    {"mul32 %r1, %r2\nexit\n", "fast",
     "1b017c00",
     "mul w0, w0, w1"},
    {"div32 %r1, 3\nexit\n", "fast",
     "5280006b 1acb0800",
     "mov w11, #0x3; udiv w0, w0, w11"},
    {"div32 %r1, %r2\nexit\n", "fast",
     "1ac10800",
     "udiv w0, w0, w1"},
    {"or32 %r1, 3\nexit\n", "fast",
     "32000400",
     "orr w0, w0, #0x3"},
    {"or32 %r1, %r2\nexit\n", "fast",
     "2a010000",
     "orr w0, w0, w1"},
    {"and32 %r1, 3\nexit\n", "fast",
     "12000400",
     "and w0, w0, #0x3"},
    {"and32 %r1, %r2\nexit\n", "fast",
     "0a010000",
     "and w0, w0, w1"},
    {"lsh32 %r1, 3\nexit\n", "fast",
     "531d7000",
     "lsl w0, w0, #3"},
    {"lsh32 %r1, %r2\nexit\n", "fast",
     "1ac12000",
     "lsl w0, w0, w1"},
    {"rsh32 %r1, 3\nexit\n", "fast",
     "53037c00",
     "lsr w0, w0, #3"},
    {"rsh32 %r1, %r2\nexit\n", "fast",
     "1ac12400",
     "lsr w0, w0, w1"},
    {"mod32 %r1, 3\nexit\n", "fast",
     "5280006b 1acb080a 1b0b8140",
     "mov w11, #0x3; udiv w10, w0, w11; msub w0, w10, w11, w0"},
    {"mod32 %r1, %r2\nexit\n", "fast",
     "1ac1080a 1b018140",
     "udiv w10, w0, w1; msub w0, w10, w1, w0"},
    {"xor32 %r1, 3\nexit\n", "fast",
     "52000400",
     "eor w0, w0, #0x3"},
    {"xor32 %r1, %r2\nexit\n", "fast",
     "4a010000",
     "eor w0, w0, w1"},
    {"mov32 %r1, 3\nexit\n", "fast",
     "d2800060",
     "mov x0, #0x3"},
    {"mov32 %r1, %r2\nexit\n", "fast",
     "2a0103e0",
     "mov w0, w1"},
    {"arsh32 %r1, 3\nexit\n", "fast",
     "13037c00",
     "asr w0, w0, #3"},
    {"arsh32 %r1, %r2\nexit\n", "fast",
     "1ac12800",
     "asr w0, w0, w1"},
    {"sdiv32 %r1, 3\nexit\n", "fast",
     "5280006b 1acb0c00",
     "mov w11, #0x3; sdiv w0, w0, w11"},
    {"sdiv32 %r1, %r2\nexit\n", "fast",
     "1ac10c00",
     "sdiv w0, w0, w1"},
    {"smod32 %r1, 3\nexit\n", "fast",
     "5280006b 1acb0c0a 1b0b8140",
     "mov w11, #0x3; sdiv w10, w0, w11; msub w0, w10, w11, w0"},
    {"smod32 %r1, %r2\nexit\n", "fast",
     "1ac10c0a 1b018140",
     "sdiv w10, w0, w1; msub w0, w10, w1, w0"},
    {"neg32 %r1\nexit\n", "fast",
     "4b0003e0",
     "neg w0, w0"},
    {"movsx832 %r1, %r2\nexit\n", "fast",
     "13001c20",
     "sxtb w0, w1"},
    {"movsx1632 %r1, %r2\nexit\n", "fast",
     "13003c20",
     "sxth w0, w1"},
    {"add %r1, 3\nexit\n", "fast",
     "91000c00",
     "add x0, x0, #0x3"},
    {"add %r1, %r2\nexit\n", "fast",
     "8b010000",
     "add x0, x0, x1"},
    {"sub %r1, 3\nexit\n", "fast",
     "d1000c00",
     "sub x0, x0, #0x3"},
    {"sub %r1, %r2\nexit\n", "fast",
     "cb010000",
     "sub x0, x0, x1"},
    {"mul %r1, 3\nexit\n", "fast",
     "d280006a 9b0a7c00",
     "mov x10, #0x3; mul x0, x0, x10"},
    {"mul %r1, %r2\nexit\n", "fast",
     "9b017c00",
     "mul x0, x0, x1"},
    {"div %r1, 3\nexit\n", "fast",
     "d280006b 9acb0800",
     "mov x11, #0x3; udiv x0, x0, x11"},
    {"div %r1, %r2\nexit\n", "fast",
     "9ac10800",
     "udiv x0, x0, x1"},
    {"or %r1, 3\nexit\n", "fast",
     "b2400400",
     "orr x0, x0, #0x3"},
    {"or %r1, %r2\nexit\n", "fast",
     "aa010000",
     "orr x0, x0, x1"},
    {"and %r1, 3\nexit\n", "fast",
     "92400400",
     "and x0, x0, #0x3"},
    {"and %r1, %r2\nexit\n", "fast",
     "8a010000",
     "and x0, x0, x1"},
    {"lsh %r1, 3\nexit\n", "fast",
     "d37df000",
     "lsl x0, x0, #3"},
    {"lsh %r1, %r2\nexit\n", "fast",
     "9ac12000",
     "lsl x0, x0, x1"},
    {"rsh %r1, 3\nexit\n", "fast",
     "d343fc00",
     "lsr x0, x0, #3"},
    {"rsh %r1, %r2\nexit\n", "fast",
     "9ac12400",
     "lsr x0, x0, x1"},
    {"mod %r1, 3\nexit\n", "fast",
     "d280006b 9acb080a 9b0b8140",
     "mov x11, #0x3; udiv x10, x0, x11; msub x0, x10, x11, x0"},
    {"mod %r1, %r2\nexit\n", "fast",
     "9ac1080a 9b018140",
     "udiv x10, x0, x1; msub x0, x10, x1, x0"},
    {"xor %r1, 3\nexit\n", "fast",
     "d2400400",
     "eor x0, x0, #0x3"},
    {"xor %r1, %r2\nexit\n", "fast",
     "ca010000",
     "eor x0, x0, x1"},
    {"mov %r1, 3\nexit\n", "fast",
     "d2800060",
     "mov x0, #0x3"},
    {"mov %r1, %r2\nexit\n", "fast",
     "aa0103e0",
     "mov x0, x1"},
    {"arsh %r1, 3\nexit\n", "fast",
     "9343fc00",
     "asr x0, x0, #3"},
    {"arsh %r1, %r2\nexit\n", "fast",
     "9ac12800",
     "asr x0, x0, x1"},
    {"sdiv %r1, 3\nexit\n", "fast",
     "d280006b 9acb0c00",
     "mov x11, #0x3; sdiv x0, x0, x11"},
    {"sdiv %r1, %r2\nexit\n", "fast",
     "9ac10c00",
     "sdiv x0, x0, x1"},
    {"smod %r1, 3\nexit\n", "fast",
     "d280006b 9acb0c0a 9b0b8140",
     "mov x11, #0x3; sdiv x10, x0, x11; msub x0, x10, x11, x0"},
    {"smod %r1, %r2\nexit\n", "fast",
     "9ac10c0a 9b018140",
     "sdiv x10, x0, x1; msub x0, x10, x1, x0"},
    {"neg %r1\nexit\n", "fast",
     "cb0003e0",
     "neg x0, x0"},
    {"movsx864 %r1, %r2\nexit\n", "fast",
     "93401c20",
     "sxtb x0, w1"},
    {"movsx1664 %r1, %r2\nexit\n", "fast",
     "93403c20",
     "sxth x0, w1"},
    {"movsx3264 %r1, %r2\nexit\n", "fast",
     "93407c20",
     "sxtw x0, w1"},
    {"le16 %r1\nexit\n", "fast",
     "53003c00",
     "uxth w0, w0"},
    {"le32 %r1\nexit\n", "fast",
     "2a0003e0",
     "mov w0, w0"},
    {"le64 %r1\nexit\n", "fast",
     "",
     ""},
    {"be16 %r1\nexit\n", "fast",
     "5ac00400 53003c00",
     "rev16 w0, w0; uxth w0, w0"},
    {"be32 %r1\nexit\n", "fast",
     "5ac00800",
     "rev w0, w0"},
    {"be64 %r1\nexit\n", "fast",
     "dac00c00",
     "rev x0, x0"},
    {"bswap16 %r1\nexit\n", "fast",
     "5ac00400 53003c00",
     "rev16 w0, w0; uxth w0, w0"},
    {"bswap32 %r1\nexit\n", "fast",
     "5ac00800",
     "rev w0, w0"},
    {"bswap64 %r1\nexit\n", "fast",
     "dac00c00",
     "rev x0, x0"},
    {"ldxb %r1, [%r10-8]\nexit\n", "fast",
     "385f82e0",
     "ldurb w0, [x23, #-8]"},
    {"ldxh %r1, [%r10-8]\nexit\n", "fast",
     "785f82e0",
     "ldurh w0, [x23, #-8]"},
    {"ldxw %r1, [%r10-8]\nexit\n", "fast",
     "b85f82e0",
     "ldur w0, [x23, #-8]"},
    {"ldxdw %r1, [%r10-8]\nexit\n", "fast",
     "f85f82e0",
     "ldur x0, [x23, #-8]"},
    {"ldxsb %r1, [%r10-8]\nexit\n", "fast",
     "389f82e0",
     "ldursb x0, [x23, #-8]"},
    {"ldxsh %r1, [%r10-8]\nexit\n", "fast",
     "789f82e0",
     "ldursh x0, [x23, #-8]"},
    {"ldxsw %r1, [%r10-8]\nexit\n", "fast",
     "b89f82e0",
     "ldursw x0, [x23, #-8]"},
    {"stb [%r10-8], 7\nexit\n", "fast",
     "528000ec 381f82ec",
     "mov w12, #0x7; sturb w12, [x23, #-8]"},
    {"sth [%r10-8], 7\nexit\n", "fast",
     "528000ec 781f82ec",
     "mov w12, #0x7; sturh w12, [x23, #-8]"},
    {"stw [%r10-8], 7\nexit\n", "fast",
     "528000ec b81f82ec",
     "mov w12, #0x7; stur w12, [x23, #-8]"},
    {"stdw [%r10-8], 7\nexit\n", "fast",
     "d28000ec f81f82ec",
     "mov x12, #0x7; stur x12, [x23, #-8]"},
    {"stxb [%r10-8], %r2\nexit\n", "fast",
     "381f82e1",
     "sturb w1, [x23, #-8]"},
    {"stxh [%r10-8], %r2\nexit\n", "fast",
     "781f82e1",
     "sturh w1, [x23, #-8]"},
    {"stxw [%r10-8], %r2\nexit\n", "fast",
     "b81f82e1",
     "stur w1, [x23, #-8]"},
    {"stxdw [%r10-8], %r2\nexit\n", "fast",
     "f81f82e1",
     "stur x1, [x23, #-8]"},
    {"lock add32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 0b01014c 880dfd6c 35ffffad",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; add w12, w10, w1; stlxr w13, w12, [x11]; cbnz w13, 0x4"},
    {"lock add32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb b8e1016a",
     "sub x11, x23, #0x8; ldaddal w1, w10, [x11]"},
    {"lock fetch add32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 0b01014c 880dfd6c 35ffffad 2a0a03e1",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; add w12, w10, w1; stlxr w13, w12, [x11]; cbnz w13, 0x4; mov w1, w10"},
    {"lock fetch add32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb b8e10161",
     "sub x11, x23, #0x8; ldaddal w1, w1, [x11]"},
    {"lock or32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 2a01014c 880dfd6c 35ffffad",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; orr w12, w10, w1; stlxr w13, w12, [x11]; cbnz w13, 0x4"},
    {"lock or32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb b8e1316a",
     "sub x11, x23, #0x8; ldsetal w1, w10, [x11]"},
    {"lock fetch or32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 2a01014c 880dfd6c 35ffffad 2a0a03e1",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; orr w12, w10, w1; stlxr w13, w12, [x11]; cbnz w13, 0x4; mov w1, w10"},
    {"lock fetch or32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb b8e13161",
     "sub x11, x23, #0x8; ldsetal w1, w1, [x11]"},
    {"lock and32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 0a01014c 880dfd6c 35ffffad",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; and w12, w10, w1; stlxr w13, w12, [x11]; cbnz w13, 0x4"},
    {"lock and32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb 2a2103ec b8ec116a",
     "sub x11, x23, #0x8; mvn w12, w1; ldclral w12, w10, [x11]"},
    {"lock fetch and32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 0a01014c 880dfd6c 35ffffad 2a0a03e1",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; and w12, w10, w1; stlxr w13, w12, [x11]; cbnz w13, 0x4; mov w1, w10"},
    {"lock fetch and32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb 2a2103ec b8ec1161",
     "sub x11, x23, #0x8; mvn w12, w1; ldclral w12, w1, [x11]"},
    {"lock xor32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 4a01014c 880dfd6c 35ffffad",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; eor w12, w10, w1; stlxr w13, w12, [x11]; cbnz w13, 0x4"},
    {"lock xor32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb b8e1216a",
     "sub x11, x23, #0x8; ldeoral w1, w10, [x11]"},
    {"lock fetch xor32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 4a01014c 880dfd6c 35ffffad 2a0a03e1",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; eor w12, w10, w1; stlxr w13, w12, [x11]; cbnz w13, 0x4; mov w1, w10"},
    {"lock fetch xor32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb b8e12161",
     "sub x11, x23, #0x8; ldeoral w1, w1, [x11]"},
    {"lock xchg32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 880dfd61 35ffffcd 2a0a03e1",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; stlxr w13, w1, [x11]; cbnz w13, 0x4; mov w1, w10"},
    {"lock xchg32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb b8e18161",
     "sub x11, x23, #0x8; swpal w1, w1, [x11]"},
    {"lock cmpxchg32 [%r10-8], %r2\nexit\n", "fast",
     "d10022eb 885ffd6a 6b07015f 54000061 880dfd61 35ffff8d 2a0a03e7",
     "sub x11, x23, #0x8; ldaxr w10, [x11]; cmp w10, w7; b.ne 0x18; stlxr w13, w1, [x11]; cbnz w13, 0x4; mov w7, w10"},
    {"lock cmpxchg32 [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb 88e7fd61",
     "sub x11, x23, #0x8; casal w7, w1, [x11]"},
    {"lock add [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a 8b01014c c80dfd6c 35ffffad",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; add x12, x10, x1; stlxr w13, x12, [x11]; cbnz w13, 0x4"},
    {"lock add [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb f8e1016a",
     "sub x11, x23, #0x8; ldaddal x1, x10, [x11]"},
    {"lock fetch add [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a 8b01014c c80dfd6c 35ffffad aa0a03e1",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; add x12, x10, x1; stlxr w13, x12, [x11]; cbnz w13, 0x4; mov x1, x10"},
    {"lock fetch add [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb f8e10161",
     "sub x11, x23, #0x8; ldaddal x1, x1, [x11]"},
    {"lock or [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a aa01014c c80dfd6c 35ffffad",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; orr x12, x10, x1; stlxr w13, x12, [x11]; cbnz w13, 0x4"},
    {"lock or [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb f8e1316a",
     "sub x11, x23, #0x8; ldsetal x1, x10, [x11]"},
    {"lock fetch or [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a aa01014c c80dfd6c 35ffffad aa0a03e1",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; orr x12, x10, x1; stlxr w13, x12, [x11]; cbnz w13, 0x4; mov x1, x10"},
    {"lock fetch or [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb f8e13161",
     "sub x11, x23, #0x8; ldsetal x1, x1, [x11]"},
    {"lock and [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a 8a01014c c80dfd6c 35ffffad",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; and x12, x10, x1; stlxr w13, x12, [x11]; cbnz w13, 0x4"},
    {"lock and [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb aa2103ec f8ec116a",
     "sub x11, x23, #0x8; mvn x12, x1; ldclral x12, x10, [x11]"},
    {"lock fetch and [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a 8a01014c c80dfd6c 35ffffad aa0a03e1",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; and x12, x10, x1; stlxr w13, x12, [x11]; cbnz w13, 0x4; mov x1, x10"},
    {"lock fetch and [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb aa2103ec f8ec1161",
     "sub x11, x23, #0x8; mvn x12, x1; ldclral x12, x1, [x11]"},
    {"lock xor [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a ca01014c c80dfd6c 35ffffad",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; eor x12, x10, x1; stlxr w13, x12, [x11]; cbnz w13, 0x4"},
    {"lock xor [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb f8e1216a",
     "sub x11, x23, #0x8; ldeoral x1, x10, [x11]"},
    {"lock fetch xor [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a ca01014c c80dfd6c 35ffffad aa0a03e1",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; eor x12, x10, x1; stlxr w13, x12, [x11]; cbnz w13, 0x4; mov x1, x10"},
    {"lock fetch xor [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb f8e12161",
     "sub x11, x23, #0x8; ldeoral x1, x1, [x11]"},
    {"lock xchg [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a c80dfd61 35ffffcd aa0a03e1",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; stlxr w13, x1, [x11]; cbnz w13, 0x4; mov x1, x10"},
    {"lock xchg [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb f8e18161",
     "sub x11, x23, #0x8; swpal x1, x1, [x11]"},
    {"lock cmpxchg [%r10-8], %r2\nexit\n", "fast",
     "d10022eb c85ffd6a eb07015f 54000061 c80dfd61 35ffff8d aa0a03e7",
     "sub x11, x23, #0x8; ldaxr x10, [x11]; cmp x10, x7; b.ne 0x18; stlxr w13, x1, [x11]; cbnz w13, 0x4; mov x7, x10"},
    {"lock cmpxchg [%r10-8], %r2\nexit\n", "fast+lse",
     "d10022eb c8e7fd61",
     "sub x11, x23, #0x8; casal x7, x1, [x11]"},
    {"lddw %r1, 0x1122334455667788\nexit\n", "fast",
     "d28ef100 f2aaacc0 f2c66880 f2e22440",
     "mov x0, #0x7788; movk x0, #0x5566, lsl #16; movk x0, #0x3344, lsl #32; movk x0, #0x1122, lsl #48"},
    {"lddw %r1, map 2\nexit\n", "fast",
     "f9402f0b f100097f 540000a9 f9402b0a 9101c14a f9400140",
     "ldr x11, [x24, #88]; cmp x11, #0x2; b.ls 0x1c; ldr x10, [x24, #80]; add x10, x10, #0x70; ldr x0, [x10]"},
    {"lddw %r1, map_value 2+8\nexit\n", "fast",
     "f9402f0b f100097f 54000149 f9402b0a 9101c14a f940054b b40000cb f940094c f100219f 54000069 91002160",
     "ldr x11, [x24, #88]; cmp x11, #0x2; b.ls 0x30; ldr x10, [x24, #80]; add x10, x10, #0x70; ldr x11, [x10, #8]; cbz x11, 0x30; ldr x12, [x10, #16]; cmp x12, #0x8; b.ls 0x30; add x0, x11, #0x8"},
    {"lddw %r1, var 2\nexit\n", "fast",
     "f940370b f100097f 540000a9 f940330a 9100c14a f9400140",
     "ldr x11, [x24, #104]; cmp x11, #0x2; b.ls 0x1c; ldr x10, [x24, #96]; add x10, x10, #0x30; ldr x0, [x10]"},
    {"lddw %r1, func +2\nexit\nexit\n", "fast",
     "d2800060 f2c9c860 f2e8caa0",
     "mov x0, #0x3; movk x0, #0x4e43, lsl #32; movk x0, #0x4655, lsl #48"},
    {"lddw %r1, map_idx 2\nexit\n", "fast",
     "f9402f0b f100097f 540000a9 f9402b0a 9101c14a f9400140",
     "ldr x11, [x24, #88]; cmp x11, #0x2; b.ls 0x1c; ldr x10, [x24, #80]; add x10, x10, #0x70; ldr x0, [x10]"},
    {"lddw %r1, map_idx_value 2+8\nexit\n", "fast",
     "f9402f0b f100097f 54000149 f9402b0a 9101c14a f940054b b40000cb f940094c f100219f 54000069 91002160",
     "ldr x11, [x24, #88]; cmp x11, #0x2; b.ls 0x30; ldr x10, [x24, #80]; add x10, x10, #0x70; ldr x11, [x10, #8]; cbz x11, 0x30; ldr x12, [x10, #16]; cmp x12, #0x8; b.ls 0x30; add x0, x11, #0x8"},
    {"ldabsb 4\nexit\n", "fast",
     "f940270a f100155f 54000083 f940230a 39401147",
     "ldr x10, [x24, #72]; cmp x10, #0x5; b.cc 0x18; ldr x10, [x24, #64]; ldrb w7, [x10, #4]"},
    {"ldabsh 4\nexit\n", "fast",
     "f940270a f100195f 540000a3 f940230a 79400947 5ac004e7",
     "ldr x10, [x24, #72]; cmp x10, #0x6; b.cc 0x1c; ldr x10, [x24, #64]; ldrh w7, [x10, #4]; rev16 w7, w7"},
    {"ldabsw 4\nexit\n", "fast",
     "f940270a f100215f 540000a3 f940230a b9400547 5ac008e7",
     "ldr x10, [x24, #72]; cmp x10, #0x8; b.cc 0x1c; ldr x10, [x24, #64]; ldr w7, [x10, #4]; rev w7, w7"},
    {"ldindb %r2, 4\nexit\n", "fast",
     "5280008c 2b0c002b 54000104 9100056c f940270a eb0c015f 54000083 f940230a 386b6947",
     "mov w12, #0x4; adds w11, w1, w12; b.mi 0x28; add x12, x11, #0x1; ldr x10, [x24, #72]; cmp x10, x12; b.cc 0x28; ldr x10, [x24, #64]; ldrb w7, [x10, x11]"},
    {"ldindh %r2, 4\nexit\n", "fast",
     "5280008c 2b0c002b 54000124 9100096c f940270a eb0c015f 540000a3 f940230a 786b6947 5ac004e7",
     "mov w12, #0x4; adds w11, w1, w12; b.mi 0x2c; add x12, x11, #0x2; ldr x10, [x24, #72]; cmp x10, x12; b.cc 0x2c; ldr x10, [x24, #64]; ldrh w7, [x10, x11]; rev16 w7, w7"},
    {"ldindw %r2, 4\nexit\n", "fast",
     "5280008c 2b0c002b 54000124 9100116c f940270a eb0c015f 540000a3 f940230a b86b6947 5ac008e7",
     "mov w12, #0x4; adds w11, w1, w12; b.mi 0x2c; add x12, x11, #0x4; ldr x10, [x24, #72]; cmp x10, x12; b.cc 0x2c; ldr x10, [x24, #64]; ldr w7, [x10, x11]; rev w7, w7"},
    {"ja +0\nexit\n", "fast",
     "14000001",
     "b 0x4"},
    {"ja32 +0\nexit\n", "fast",
     "14000001",
     "b 0x4"},
    {"jeq %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 54000020",
     "cmp x0, #0x3; b.eq 0x8"},
    {"jeq %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 54000020",
     "cmp x0, x1; b.eq 0x8"},
    {"jgt %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 54000028",
     "cmp x0, #0x3; b.hi 0x8"},
    {"jgt %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 54000028",
     "cmp x0, x1; b.hi 0x8"},
    {"jge %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 54000022",
     "cmp x0, #0x3; b.cs 0x8"},
    {"jge %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 54000022",
     "cmp x0, x1; b.cs 0x8"},
    {"jset %r1, 3, +0\nexit\n", "fast",
     "f240041f 54000021",
     "tst x0, #0x3; b.ne 0x8"},
    {"jset %r1, %r2, +0\nexit\n", "fast",
     "ea01001f 54000021",
     "tst x0, x1; b.ne 0x8"},
    {"jne %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 54000021",
     "cmp x0, #0x3; b.ne 0x8"},
    {"jne %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 54000021",
     "cmp x0, x1; b.ne 0x8"},
    {"jsgt %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 5400002c",
     "cmp x0, #0x3; b.gt 0x8"},
    {"jsgt %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 5400002c",
     "cmp x0, x1; b.gt 0x8"},
    {"jsge %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 5400002a",
     "cmp x0, #0x3; b.ge 0x8"},
    {"jsge %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 5400002a",
     "cmp x0, x1; b.ge 0x8"},
    {"jlt %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 54000023",
     "cmp x0, #0x3; b.cc 0x8"},
    {"jlt %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 54000023",
     "cmp x0, x1; b.cc 0x8"},
    {"jle %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 54000029",
     "cmp x0, #0x3; b.ls 0x8"},
    {"jle %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 54000029",
     "cmp x0, x1; b.ls 0x8"},
    {"jslt %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 5400002b",
     "cmp x0, #0x3; b.lt 0x8"},
    {"jslt %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 5400002b",
     "cmp x0, x1; b.lt 0x8"},
    {"jsle %r1, 3, +0\nexit\n", "fast",
     "f1000c1f 5400002d",
     "cmp x0, #0x3; b.le 0x8"},
    {"jsle %r1, %r2, +0\nexit\n", "fast",
     "eb01001f 5400002d",
     "cmp x0, x1; b.le 0x8"},
    {"jeq32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 54000020",
     "cmp w0, #0x3; b.eq 0x8"},
    {"jeq32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 54000020",
     "cmp w0, w1; b.eq 0x8"},
    {"jgt32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 54000028",
     "cmp w0, #0x3; b.hi 0x8"},
    {"jgt32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 54000028",
     "cmp w0, w1; b.hi 0x8"},
    {"jge32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 54000022",
     "cmp w0, #0x3; b.cs 0x8"},
    {"jge32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 54000022",
     "cmp w0, w1; b.cs 0x8"},
    {"jset32 %r1, 3, +0\nexit\n", "fast",
     "7200041f 54000021",
     "tst w0, #0x3; b.ne 0x8"},
    {"jset32 %r1, %r2, +0\nexit\n", "fast",
     "6a01001f 54000021",
     "tst w0, w1; b.ne 0x8"},
    {"jne32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 54000021",
     "cmp w0, #0x3; b.ne 0x8"},
    {"jne32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 54000021",
     "cmp w0, w1; b.ne 0x8"},
    {"jsgt32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 5400002c",
     "cmp w0, #0x3; b.gt 0x8"},
    {"jsgt32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 5400002c",
     "cmp w0, w1; b.gt 0x8"},
    {"jsge32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 5400002a",
     "cmp w0, #0x3; b.ge 0x8"},
    {"jsge32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 5400002a",
     "cmp w0, w1; b.ge 0x8"},
    {"jlt32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 54000023",
     "cmp w0, #0x3; b.cc 0x8"},
    {"jlt32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 54000023",
     "cmp w0, w1; b.cc 0x8"},
    {"jle32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 54000029",
     "cmp w0, #0x3; b.ls 0x8"},
    {"jle32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 54000029",
     "cmp w0, w1; b.ls 0x8"},
    {"jslt32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 5400002b",
     "cmp w0, #0x3; b.lt 0x8"},
    {"jslt32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 5400002b",
     "cmp w0, w1; b.lt 0x8"},
    {"jsle32 %r1, 3, +0\nexit\n", "fast",
     "71000c1f 5400002d",
     "cmp w0, #0x3; b.le 0x8"},
    {"jsle32 %r1, %r2, +0\nexit\n", "fast",
     "6b01001f 5400002d",
     "cmp w0, w1; b.le 0x8"},
    {"call 1\nexit\n", "fast",
     "f81f0ffe f9000f17 f9403b05 9400000a aa0003e7 b9402b0a 3500006a",
     "str x30, [sp, #-16]!; str x23, [x24, #24]; ldr x5, [x24, #112]; bl 0x34; mov x7, x0; ldr w10, [x24, #40]; cbnz w10, 0x24"},
    {"call local +1\nexit\nexit\n", "fast",
     "f81f0ffe f940130a eb0a02ff 540000e9 d10802f7 94000004 910802f7",
     "str x30, [sp, #-16]!; ldr x10, [x24, #32]; cmp x23, x10; b.ls 0x28; sub x23, x23, #0x200; bl 0x24; add x23, x23, #0x200"},
    {"call %r1\nexit\n", "fast",
     "f81f0ffe aa0003eb f100217f 54000182 5800026a f86b7950 b4000130 f9000f17 f9403b05 d63f0200 aa0003e7 b9402b0a 350000ea",
     "str x30, [sp, #-16]!; mov x11, x0; cmp x11, #0x8; b.cs 0x3c; ldr x10, 0x5c; ldr x16, [x10, x11, lsl #3]; cbz x16, 0x3c; str x23, [x24, #24]; ldr x5, [x24, #112]; blr x16; mov x7, x0; ldr w10, [x24, #40]; cbnz w10, 0x4c"},
    {"exit\nexit\n", "fast",
     "d65f03c0",
     "ret"},
    {"mod %r1, %r2\nexit", "fast",
     "9ac1080a 9b018140",
     "udiv x10, x0, x1; msub x0, x10, x1, x0"},
    {"smod32 %r1, -1\nexit", "fast",
     "1280000b 1acb0c0a 1b0b8140",
     "mov w11, #0xffffffff; sdiv w10, w0, w11; msub w0, w10, w11, w0"},
    {"div %r1, 0\nexit", "fast",
     "d280000b 9acb0800",
     "mov x11, #0x0; udiv x0, x0, x11"},
    {"sdiv %r0, %r9\nexit", "fast",
     "9ad60ce7",
     "sdiv x7, x7, x22"},
    {"lsh %r1, 0\nexit", "fast",
     "",
     ""},
    {"arsh32 %r1, 0\nexit", "fast",
     "2a0003e0",
     "mov w0, w0"},
    {"rsh %r1, 64\nexit", "fast",
     "",
     ""},
    {"mov %r0, -1\nexit", "fast",
     "92800007",
     "mov x7, #0xffffffffffffffff"},
    {"mov %r0, 0\nexit", "fast",
     "d2800007",
     "mov x7, #0x0"},
    {"mov32 %r0, -1\nexit", "fast",
     "b2407fe7",
     "mov x7, #0xffffffff"},
    {"mov %r0, -65536\nexit", "fast",
     "929fffe7",
     "mov x7, #0xffffffffffff0000"},
    {"mov32 %r1, 0x12345678\nexit", "fast",
     "d28acf00 f2a24680",
     "mov x0, #0x5678; movk x0, #0x1234, lsl #16"},
    {"lddw %r0, 0xffffffff80000000\nexit", "fast",
     "b26183e7",
     "mov x7, #0xffffffff80000000"},
    {"lddw %r0, 0x0123456789abcdef\nexit", "fast",
     "d299bde7 f2b13567 f2c8ace7 f2e02467",
     "mov x7, #0xcdef; movk x7, #0x89ab, lsl #16; movk x7, #0x4567, lsl #32; movk x7, #0x123, lsl #48"},
    {"lddw %r0, 0xff00ff00ff00ff00\nexit", "fast",
     "b2089fe7",
     "mov x7, #0xff00ff00ff00ff00"},
    {"lddw %r0, 0xffff1234ffffffff\nexit", "fast",
     "92ddb967",
     "mov x7, #0xffff1234ffffffff"},
    {"add %r1, -1\nexit", "fast",
     "d1000400",
     "sub x0, x0, #0x1"},
    {"add %r1, 4096\nexit", "fast",
     "91400400",
     "add x0, x0, #0x1, lsl #12"},
    {"add %r1, 4097\nexit", "fast",
     "d282002a 8b0a0000",
     "mov x10, #0x1001; add x0, x0, x10"},
    {"sub32 %r1, -2147483648\nexit", "fast",
     "52b0000a 0b0a0000",
     "mov w10, #0x80000000; add w0, w0, w10"},
    {"and %r1, 0xff\nexit", "fast",
     "92401c00",
     "and x0, x0, #0xff"},
    {"and %r1, 0x12345\nexit", "fast",
     "d28468aa f2a0002a 8a0a0000",
     "mov x10, #0x2345; movk x10, #0x1, lsl #16; and x0, x0, x10"},
    {"xor32 %r1, -1\nexit", "fast",
     "1280000a 4a0a0000",
     "mov w10, #0xffffffff; eor w0, w0, w10"},
    {"or %r1, 0\nexit", "fast",
     "d280000a aa0a0000",
     "mov x10, #0x0; orr x0, x0, x10"},
    {"mul %r1, -7\nexit", "fast",
     "928000ca 9b0a7c00",
     "mov x10, #0xfffffffffffffff9; mul x0, x0, x10"},
    {"jeq %r1, -5, +0\nexit", "fast",
     "b100141f 54000020",
     "cmn x0, #0x5; b.eq 0x8"},
    {"jgt %r1, 5000, +0\nexit", "fast",
     "d282710a eb0a001f 54000028",
     "mov x10, #0x1388; cmp x0, x10; b.hi 0xc"},
    {"jslt32 %r1, -100000, +0\nexit", "fast",
     "528f2c0a 72bfffca 6b0a001f 5400002b",
     "mov w10, #0x7960; movk w10, #0xfffe, lsl #16; cmp w0, w10; b.lt 0x10"},
    {"jset %r1, 0x12345, +0\nexit", "fast",
     "d28468aa f2a0002a ea0a001f 54000021",
     "mov x10, #0x2345; movk x10, #0x1, lsl #16; tst x0, x10; b.ne 0x10"},
    {"jset32 %r1, 0xff00, +0\nexit", "fast",
     "72181c1f 54000021",
     "tst w0, #0xff00; b.ne 0x8"},
    {"mov32 %r1, %r1\nexit", "fast",
     "2a0003e0",
     "mov w0, w0"},
    {"mov %r1, %r1\nexit", "fast",
     "",
     ""},
    {"movsx832 %r1, %r2\nexit", "fast",
     "13001c20",
     "sxtb w0, w1"},
    {"movsx1664 %r1, %r2\nexit", "fast",
     "93403c20",
     "sxth x0, w1"},
    {"ldxdw %r0, [%r1+8]\nexit", "fast",
     "f9400407",
     "ldr x7, [x0, #8]"},
    {"ldxdw %r0, [%r1+32760]\nexit", "fast",
     "f97ffc07",
     "ldr x7, [x0, #32760]"},
    {"ldxdw %r0, [%r1+4]\nexit", "fast",
     "f8404007",
     "ldur x7, [x0, #4]"},
    {"ldxw %r0, [%r1-300]\nexit", "fast",
     "9280256a b86a6807",
     "mov x10, #0xfffffffffffffed4; ldr w7, [x0, x10]"},
    {"stxh [%r1+32767], %r2\nexit", "fast",
     "d28fffea 782a6801",
     "mov x10, #0x7fff; strh w1, [x0, x10]"},
    {"stdw [%r10-8], -1\nexit", "fast",
     "9280000c f81f82ec",
     "mov x12, #0xffffffffffffffff; stur x12, [x23, #-8]"},
    {"stw [%r10-8], 0\nexit", "fast",
     "b81f82ff",
     "stur wzr, [x23, #-8]"},
    {"ldxb %r0, [%r1+5000]\nexit", "fast",
     "d282710a 386a6807",
     "mov x10, #0x1388; ldrb w7, [x0, x10]"},
    {"lock fetch or [%r0+8], %r0\nexit", "fast",
     "910020eb c85ffd6a aa07014c c80dfd6c 35ffffad aa0a03e7",
     "add x11, x7, #0x8; ldaxr x10, [x11]; orr x12, x10, x7; stlxr w13, x12, [x11]; cbnz w13, 0x4; mov x7, x10"},
    {"lock fetch or [%r0+8], %r0\nexit", "fast+lse",
     "910020eb f8e73167",
     "add x11, x7, #0x8; ldsetal x7, x7, [x11]"},
    {"lock fetch and32 [%r1+0], %r2\nexit", "fast",
     "aa0003eb 885ffd6a 0a01014c 880dfd6c 35ffffad 2a0a03e1",
     "mov x11, x0; ldaxr w10, [x11]; and w12, w10, w1; stlxr w13, w12, [x11]; cbnz w13, 0x4; mov w1, w10"},
    {"lock fetch and32 [%r1+0], %r2\nexit", "fast+lse",
     "aa0003eb 2a2103ec b8ec1161",
     "mov x11, x0; mvn w12, w1; ldclral w12, w1, [x11]"},
    {"lock cmpxchg32 [%r1+0], %r2\nexit", "fast",
     "aa0003eb 885ffd6a 6b07015f 54000061 880dfd61 35ffff8d 2a0a03e7",
     "mov x11, x0; ldaxr w10, [x11]; cmp w10, w7; b.ne 0x18; stlxr w13, w1, [x11]; cbnz w13, 0x4; mov w7, w10"},
    {"lock cmpxchg32 [%r1+0], %r2\nexit", "fast+lse",
     "aa0003eb 88e7fd61",
     "mov x11, x0; casal w7, w1, [x11]"},
    {"lock xchg [%r1-16], %r0\nexit", "fast+lse",
     "d100400b f8e78167",
     "sub x11, x0, #0x10; swpal x7, x7, [x11]"},
    {"ldabsw 70000\nexit", "fast",
     "f940270a d2822e8b f2a0002b eb0b015f 540000e3 f940230a d2822e0b f2a0002b b86b6947 5ac008e7",
     "ldr x10, [x24, #72]; mov x11, #0x1174; movk x11, #0x1, lsl #16; cmp x10, x11; b.cc 0x2c; ldr x10, [x24, #64]; mov x11, #0x1170; movk x11, #0x1, lsl #16; ldr w7, [x10, x11]; rev w7, w7"},
    {"ldabsh -1\nexit", "fast",
     "14000002",
     "b 0x8"},
    {"ldindb %r1, -5\nexit", "fast",
     "1280008c 2b0c000b 54000104 9100056c f940270a eb0c015f 54000083 f940230a 386b6947",
     "mov w12, #0xfffffffb; adds w11, w0, w12; b.mi 0x28; add x12, x11, #0x1; ldr x10, [x24, #72]; cmp x10, x12; b.cc 0x28; ldr x10, [x24, #64]; ldrb w7, [x10, x11]"},
    {"call 7\nexit", "fast",
     "f81f0ffe 14000003",
     "str x30, [sp, #-16]!; b 0x10"},
    {"call local +1\nexit\nmov %r6, 1\nmov %r7, 2\nmov %r8, 3\nexit", "fast",
     "f81f0ffe f940130a eb0a02ff 540001c9 a9bf53f3 f81f0ff5 d10802f7 94000006 910802f7 f84107f5 a8c153f3",
     "str x30, [sp, #-16]!; ldr x10, [x24, #32]; cmp x23, x10; b.ls 0x44; stp x19, x20, [sp, #-16]!; str x21, [sp, #-16]!; sub x23, x23, #0x200; bl 0x34; add x23, x23, #0x200; ldr x21, [sp], #16; ldp x19, x20, [sp], #16"},
    {"call local +1\nexit\nmov %r9, 1\nexit", "fast",
     "f81f0ffe f940130a eb0a02ff 54000149 f81f0ff6 d10802f7 94000005 910802f7 f84107f6",
     "str x30, [sp, #-16]!; ldr x10, [x24, #32]; cmp x23, x10; b.ls 0x34; str x22, [sp, #-16]!; sub x23, x23, #0x200; bl 0x2c; add x23, x23, #0x200; ldr x22, [sp], #16"},
    {"jeq %r1, 0, +0\nexit", "fast",
     "f100001f 54000020",
     "cmp x0, #0x0; b.eq 0x8"},
    {"ja -1\nexit", "fast",
     "14000000",
     "b 0x0"},
    {"ldxw %r1, [%r2+4]\nexit", "checked",
     "f81f0ffe f940070a f100054a 54000183 f900070a 9100102b 5280000a 9400000e b9400420",
     "str x30, [sp, #-16]!; ldr x10, [x24, #8]; subs x10, x10, #0x1; b.cc 0x3c; str x10, [x24, #8]; add x11, x1, #0x4; mov w10, #0x0; bl 0x54; ldr w0, [x1, #4]"},
    {"stw [%r10-8], 7\nexit", "checked",
     "f81f0ffe f940070a f100054a 540001a3 f900070a d10022eb 5280000a 9400000f 528000ec b81f82ec",
     "str x30, [sp, #-16]!; ldr x10, [x24, #8]; subs x10, x10, #0x1; b.cc 0x40; str x10, [x24, #8]; sub x11, x23, #0x8; mov w10, #0x0; bl 0x58; mov w12, #0x7; stur w12, [x23, #-8]"},
    {"lock add [%r1+0], %r2\nexit", "checked",
     "f81f0ffe f940070a f100054a 54000203 f900070a aa0003eb 5280000a 94000012 aa0003eb c85ffd6a 8b01014c c80dfd6c 35ffffad",
     "str x30, [sp, #-16]!; ldr x10, [x24, #8]; subs x10, x10, #0x1; b.cc 0x4c; str x10, [x24, #8]; mov x11, x0; mov w10, #0x0; bl 0x64; mov x11, x0; ldaxr x10, [x11]; add x12, x10, x1; stlxr w13, x12, [x11]; cbnz w13, 0x24"},
    {"add %r1, 1\nadd %r1, 2\nexit", "checked",
     "f940070a f1000d4a 540000a3 f900070a 91000400",
     "ldr x10, [x24, #8]; subs x10, x10, #0x3; b.cc 0x1c; str x10, [x24, #8]; add x0, x0, #0x1"},
    {"ja -1\nexit", "fast+budget",
     "f940070b f100057f 54000083 d100056b f900070b 17fffffb 14000002",
     "ldr x11, [x24, #8]; cmp x11, #0x1; b.cc 0x18; sub x11, x11, #0x1; str x11, [x24, #8]; b 0x0; b 0x20"},
    {"jne %r1, 0, -1\nexit", "fast+budget",
     "f100001f 54000100 f940070b f100057f 54000083 d100056b f900070b 17fffff9 14000002",
     "cmp x0, #0x0; b.eq 0x24; ldr x11, [x24, #8]; cmp x11, #0x1; b.cc 0x20; sub x11, x11, #0x1; str x11, [x24, #8]; b 0x0; b 0x28"},
    {"call 1\nexit", "fast+budget",
     "f81f0ffe f940070b f100057f 54000042 1400000b d100056b f900070b f9000f17 f9403b05 9400000e aa0003e7 b9402b0a 350000ea",
     "str x30, [sp, #-16]!; ldr x11, [x24, #8]; cmp x11, #0x1; b.cs 0x14; b 0x3c; sub x11, x11, #0x1; str x11, [x24, #8]; str x23, [x24, #24]; ldr x5, [x24, #112]; bl 0x5c; mov x7, x0; ldr w10, [x24, #40]; cbnz w10, 0x4c"},
    {"call %r1\nexit\n", "fast+spectre",
     "f81f0ffe aa0003eb f100217f 540001a2 9a9f316b 5800024a f86b7950 b4000130 f9000f17 f9403b05 d63f0200 aa0003e7 b9402b0a 350000ea",
     "str x30, [sp, #-16]!; mov x11, x0; cmp x11, #0x8; b.cs 0x40; csel x11, x11, xzr, cc; ldr x10, 0x5c; ldr x16, [x10, x11, lsl #3]; cbz x16, 0x40; str x23, [x24, #24]; ldr x5, [x24, #112]; blr x16; mov x7, x0; ldr w10, [x24, #40]; cbnz w10, 0x50"},
};
// END GOLDEN
// clang-format on

const std::array<HelperFunction, 8>& helper_table() {
  static const std::array<HelperFunction, 8> table = [] {
    std::array<HelperFunction, 8> t{};
    t[1] = reinterpret_cast<HelperFunction>(uintptr_t{0x1122334455667788});
    return t;
  }();
  return table;
}

bool fake_check(JitRunState*, uint32_t, uint64_t, uint64_t) { return true; }

const char* const kObjdump = "/usr/bin/aarch64-linux-gnu-objdump";

std::string words_of(const std::vector<uint8_t>& bytes) {
  std::string out;
  char word[12];
  for (size_t i = 0; i + 4 <= bytes.size(); i += 4) {
    const uint32_t w = bytes[i] | bytes[i + 1] << 8 | bytes[i + 2] << 16 |
                       static_cast<uint32_t>(bytes[i + 3]) << 24;
    std::snprintf(word, sizeof word, "%08x", w);
    out += (out.empty() ? "" : " ") + std::string(word);
  }
  return out;
}

std::vector<uint8_t> bytes_of(const std::string& words) {
  std::vector<uint8_t> bytes;
  std::istringstream in(words);
  std::string word;
  while (in >> word) {
    const uint32_t w = static_cast<uint32_t>(std::stoul(word, nullptr, 16));
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(w >> (8 * i)));
  }
  return bytes;
}

// The bytes the backend emits for the first instruction of `bpf`.
std::vector<uint8_t> emit_first(const std::string& bpf, const std::string& mode) {
  auto slots = assemble(bpf);
  EXPECT_TRUE(slots) << bpf << ": " << slots.error().to_string();
  if (!slots) return {};
  auto program = Program::decode(*slots);
  EXPECT_TRUE(program) << bpf << ": " << program.error().to_string();
  if (!program) return {};
  BackendOptions options;
  options.mode = mode.starts_with("checked") ? ExecMode::kChecked : ExecMode::kFast;
  options.spectre_v1 = mode.starts_with("fast+spectre");
  options.helpers = helper_table();
  options.check_access = &fake_check;
  // Never kAuto: the table must not depend on the host's CPU.
  options.arm64_atomics = mode.ends_with("+lse") ? Arm64Atomics::kLse : Arm64Atomics::kExclusive;
  // Fast mode with a budget: the budget rewrite's charges
  // (jit/rewrites/instruction_budget.hpp), as the driver lowers it.
  const LoweredProgram lowered = mode.starts_with("fast+budget") ? charge_instruction_budget(LoweredProgram::from(*program))
                                                       : LoweredProgram::from(*program);
  auto code = arm64::compile(lowered, options);
  EXPECT_TRUE(code) << bpf << ": " << code.error().to_string();
  if (!code) return {};
  const size_t next = is_lddw_form(program->row(0).form) ? 2 : 1;
  EXPECT_LT(next, program->size()) << "the measured instruction must not be the last";
  if (next >= program->size()) return {};
  // The slots of the first instruction as loaded end where the next one's start.
  const auto end = static_cast<size_t>(lowered.slot_of(static_cast<uint32_t>(next)));
  return {code->bytes.begin() + code->slot_offsets[0], code->bytes.begin() + code->slot_offsets[end]};
}

// objdump's disassembly of each snippet: instruction texts, whitespace
// collapsed, comments dropped, separated by "; ". One objdump run for all:
// the snippets are laid end to end and the absolute addresses objdump
// prints for PC-relative operands are made relative to their snippet.
std::vector<std::string> objdump_all(const std::vector<std::vector<uint8_t>>& snippets) {
  std::vector<uint8_t> image;
  std::vector<size_t> bases;
  for (const auto& snippet : snippets) {
    bases.push_back(image.size());
    image.insert(image.end(), snippet.begin(), snippet.end());
  }
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("sandbpf_a64_golden_" + std::to_string(::getpid()) + ".bin")).string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(image.data()),
                                               static_cast<std::streamsize>(image.size()));
  const std::string command = std::string(kObjdump) + " -D -b binary -maarch64 " + path + " 2>&1";
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    ::pclose(pipe);
  }
  std::filesystem::remove(path);

  std::vector<std::string> texts(snippets.size());
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    // Lines look like "  28:\t913ffc41 \tadd\tx1, x2, #0xfff".
    const size_t colon = line.find(":\t");
    if (colon == std::string::npos) continue;
    const size_t tab = line.find('\t', colon + 2);
    if (tab == std::string::npos) continue;
    size_t address = 0;
    try {
      address = std::stoul(line.substr(0, colon), nullptr, 16);
    } catch (...) {
      continue;
    }
    size_t k = static_cast<size_t>(std::upper_bound(bases.begin(), bases.end(), address) - bases.begin()) - 1;
    while (snippets[k].empty() && k > 0) --k;
    if (address - bases[k] >= snippets[k].size()) continue;
    std::string body = line.substr(tab + 1);
    if (const size_t comment = body.find("//"); comment != std::string::npos) body.resize(comment);
    std::istringstream words(body);
    std::string word, insn;
    std::vector<std::string> parts;
    while (words >> word) parts.push_back(word);
    // A PC-relative target is the last operand, a bare address.
    if (parts.size() >= 2 && parts.back().starts_with("0x")) {
      char relative[24];
      std::snprintf(relative, sizeof relative, "0x%zx", std::stoul(parts.back(), nullptr, 16) - bases[k]);
      parts.back() = relative;
    }
    for (const std::string& part : parts) insn += (insn.empty() ? "" : " ") + part;
    texts[k] += (texts[k].empty() ? "" : "; ") + insn;
  }
  return texts;
}

bool have_objdump() { return kObjdumpCanRun && std::filesystem::exists(kObjdump); }

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// Cases for every row of the table, plus the special ones; what
// DISABLED_PrintGoldenTable prints expected values for.
std::vector<std::pair<std::string, std::string>> case_programs() {
  std::vector<std::pair<std::string, std::string>> cases;
  for (const InsnInfo& row : all_instructions()) {
    const std::vector<Insn> slots = golden_case_for_row(row);
    const std::string text = disassemble(slots);
    cases.push_back({text, "fast"});
    if (row.form == Form::Atomic) cases.push_back({text, "fast+lse"});
  }
  const char* extras[][2] = {
      // Division and remainder: signed, by constants, by zero.
      {"mod %r1, %r2\nexit", "fast"},
      {"smod32 %r1, -1\nexit", "fast"},
      {"div %r1, 0\nexit", "fast"},
      {"sdiv %r0, %r9\nexit", "fast"},
      // Shifts by zero: 64-bit is nothing, 32-bit still zero-extends.
      {"lsh %r1, 0\nexit", "fast"},
      {"arsh32 %r1, 0\nexit", "fast"},
      {"rsh %r1, 64\nexit", "fast"},
      // Constants: movz, movn, movk, logical immediates.
      {"mov %r0, -1\nexit", "fast"},
      {"mov %r0, 0\nexit", "fast"},
      {"mov32 %r0, -1\nexit", "fast"},
      {"mov %r0, -65536\nexit", "fast"},
      {"mov32 %r1, 0x12345678\nexit", "fast"},
      {"lddw %r0, 0xffffffff80000000\nexit", "fast"},
      {"lddw %r0, 0x0123456789abcdef\nexit", "fast"},
      {"lddw %r0, 0xff00ff00ff00ff00\nexit", "fast"},
      {"lddw %r0, 0xffff1234ffffffff\nexit", "fast"},
      // Immediates beyond add/sub's 12 bits and logical immediates.
      {"add %r1, -1\nexit", "fast"},
      {"add %r1, 4096\nexit", "fast"},
      {"add %r1, 4097\nexit", "fast"},
      {"sub32 %r1, -2147483648\nexit", "fast"},
      {"and %r1, 0xff\nexit", "fast"},
      {"and %r1, 0x12345\nexit", "fast"},
      {"xor32 %r1, -1\nexit", "fast"},
      {"or %r1, 0\nexit", "fast"},
      {"mul %r1, -7\nexit", "fast"},
      {"jeq %r1, -5, +0\nexit", "fast"},
      {"jgt %r1, 5000, +0\nexit", "fast"},
      {"jslt32 %r1, -100000, +0\nexit", "fast"},
      {"jset %r1, 0x12345, +0\nexit", "fast"},
      {"jset32 %r1, 0xff00, +0\nexit", "fast"},
      // Moves, sign extensions, byte swaps.
      {"mov32 %r1, %r1\nexit", "fast"},
      {"mov %r1, %r1\nexit", "fast"},
      {"movsx832 %r1, %r2\nexit", "fast"},
      {"movsx1664 %r1, %r2\nexit", "fast"},
      // Offsets: unscaled, scaled, and beyond both.
      {"ldxdw %r0, [%r1+8]\nexit", "fast"},
      {"ldxdw %r0, [%r1+32760]\nexit", "fast"},
      {"ldxdw %r0, [%r1+4]\nexit", "fast"},
      {"ldxw %r0, [%r1-300]\nexit", "fast"},
      {"stxh [%r1+32767], %r2\nexit", "fast"},
      {"stdw [%r10-8], -1\nexit", "fast"},
      {"stw [%r10-8], 0\nexit", "fast"},
      {"ldxb %r0, [%r1+5000]\nexit", "fast"},
      // Atomics with r0 as the operand, and offsets.
      {"lock fetch or [%r0+8], %r0\nexit", "fast"},
      {"lock fetch or [%r0+8], %r0\nexit", "fast+lse"},
      {"lock fetch and32 [%r1+0], %r2\nexit", "fast"},
      {"lock fetch and32 [%r1+0], %r2\nexit", "fast+lse"},
      {"lock cmpxchg32 [%r1+0], %r2\nexit", "fast"},
      {"lock cmpxchg32 [%r1+0], %r2\nexit", "fast+lse"},
      {"lock xchg [%r1-16], %r0\nexit", "fast+lse"},
      // Packet loads beyond the short forms.
      {"ldabsw 70000\nexit", "fast"},
      {"ldabsh -1\nexit", "fast"},
      {"ldindb %r1, -5\nexit", "fast"},
      // Calls: callx through the table, an unknown helper, local calls
      // saving what the callee writes.
      {"call 7\nexit", "fast"},
      {"call local +1\nexit\nmov %r6, 1\nmov %r7, 2\nmov %r8, 3\nexit", "fast"},
      {"call local +1\nexit\nmov %r9, 1\nexit", "fast"},
      {"jeq %r1, 0, +0\nexit", "fast"},
      {"ja -1\nexit", "fast"},
      // Checked mode: the budget charge of the block, then the access check.
      {"ldxw %r1, [%r2+4]\nexit", "checked"},
      {"stw [%r10-8], 7\nexit", "checked"},
      {"lock add [%r1+0], %r2\nexit", "checked"},
      {"add %r1, 1\nadd %r1, 2\nexit", "checked"},
      // Fast mode with a budget: back-edges and calls are charged.
      {"ja -1\nexit", "fast+budget"},
      {"jne %r1, 0, -1\nexit", "fast+budget"},
      {"call 1\nexit", "fast+budget"},
      // Spectre v1: callx clamps the helper id after checking it.
      {"call %r1\nexit\n", "fast+spectre"},
  };
  for (const auto& extra : extras) cases.push_back({extra[0], extra[1]});
  return cases;
}

// Not a test: prints the golden table in source form after an intended
// change of the emitted code. Run it with
// --gtest_also_run_disabled_tests --gtest_filter='*PrintGoldenTable'.
TEST(arm64_golden, DISABLED_PrintGoldenTable) {
  const auto cases = case_programs();
  std::vector<std::vector<uint8_t>> snippets;
  for (const auto& [bpf, mode] : cases) snippets.push_back(emit_first(bpf, mode));
  const std::vector<std::string> texts = objdump_all(snippets);
  std::string out;
  for (size_t i = 0; i < cases.size(); ++i)
    out += "    {\"" + replace_all(cases[i].first, "\n", "\\n") + "\", \"" + cases[i].second +
           "\",\n     \"" + words_of(snippets[i]) + "\",\n     \"" + texts[i] + "\"},\n";
  std::printf("%s", out.c_str());
}

TEST(arm64_golden, WordsMatch) {
  ASSERT_GT(std::size(kGolden), 0u) << "the golden table is empty: regenerate it";
  for (const Golden& golden : kGolden) {
    SCOPED_TRACE(std::string(golden.bpf) + " (" + golden.mode + ")");
    EXPECT_EQ(words_of(emit_first(golden.bpf, golden.mode)), golden.words);
  }
}

TEST(arm64_golden, ObjdumpAgreesWithTheExpectedText) {
  if (!kObjdumpCanRun) GTEST_SKIP() << kObjdumpCannotRun;
  if (!have_objdump())
    GTEST_SKIP() << kObjdump << " is not installed (binutils-aarch64-linux-gnu): only the words are checked";
  std::vector<std::vector<uint8_t>> snippets;
  for (const Golden& golden : kGolden) snippets.push_back(bytes_of(golden.words));
  const std::vector<std::string> texts = objdump_all(snippets);
  for (size_t i = 0; i < snippets.size(); ++i)
    EXPECT_EQ(texts[i], kGolden[i].a64) << kGolden[i].bpf << " (" << kGolden[i].mode << ")";
}

// A helper call as compiled is a bl to its veneer (ldr x16 from the
// literal after it, br x16), recorded as a relocation that publication makes
// direct when the helper is within +-128 MiB (backend.hpp).
TEST(arm64_golden, HelperCallGoesThroughItsVeneerUntilRelocated) {
  auto program = Program::decode(*assemble("call 1\nexit"));
  ASSERT_TRUE(program);
  BackendOptions options;
  options.helpers = helper_table();
  auto code = arm64::compile(LoweredProgram::from(*program), options);
  ASSERT_TRUE(code) << code.error().to_string();
  ASSERT_EQ(code->relocations.size(), 1u);
  const CallRelocation& site = code->relocations[0];
  EXPECT_EQ(site.kind, CallRelocationKind::kArm64Branch26);
  EXPECT_EQ(site.target, uint64_t{0x1122334455667788});
  auto word_at = [](const std::vector<uint8_t>& bytes, size_t at) {
    return bytes[at] | bytes[at + 1] << 8 | bytes[at + 2] << 16 | static_cast<uint32_t>(bytes[at + 3]) << 24;
  };
  const uint32_t bl = word_at(code->bytes, site.offset);
  ASSERT_EQ(bl & 0xfc000000u, 0x94000000u) << "bl";
  const size_t veneer = site.offset + static_cast<size_t>(static_cast<int32_t>(bl << 6) >> 4);
  ASSERT_LE(veneer + 16, code->bytes.size());
  EXPECT_EQ(veneer % 8, 0u);
  const std::vector<uint8_t> bytes(code->bytes.begin() + static_cast<ptrdiff_t>(veneer),
                                   code->bytes.begin() + static_cast<ptrdiff_t>(veneer) + 16);
  EXPECT_EQ(words_of(bytes), "58000050 d61f0200 55667788 11223344");
  if (have_objdump()) {
    EXPECT_EQ(objdump_all({{bytes.begin(), bytes.begin() + 8}})[0], "ldr x16, 0x8; br x16");
  }

  // Relocated for an address within reach: a bl to the helper itself.
  std::vector<uint8_t> placed = code->bytes;
  const uintptr_t address = 0x1122334455667788 - (100 << 20) - site.offset;
  EXPECT_EQ(apply_call_relocations(placed, address, code->relocations), 1u);
  EXPECT_EQ(word_at(placed, site.offset), 0x94000000u | (100u << 20) / 4);
  // Out of reach: the call stays on its veneer.
  placed = code->bytes;
  EXPECT_EQ(apply_call_relocations(placed, address - (64 << 20), code->relocations), 0u);
  EXPECT_EQ(placed, code->bytes);
}

TEST(arm64_golden, EveryRowOfTheTableHasACaseInBothAtomicForms) {
  std::set<Op> covered, covered_lse;
  for (const Golden& golden : kGolden) {
    auto slots = assemble(golden.bpf);
    ASSERT_TRUE(slots) << golden.bpf;
    auto program = Program::decode(*slots);
    ASSERT_TRUE(program) << golden.bpf;
    (std::string(golden.mode).ends_with("+lse") ? covered_lse : covered).insert(program->op(0));
  }
  std::string missing;
  for (const InsnInfo& row : all_instructions()) {
    if (!covered.contains(row.op)) missing += std::string(row.mnemonic) + " ";
    if (row.form == Form::Atomic && !covered_lse.contains(row.op))
      missing += std::string(row.mnemonic) + "(lse) ";
  }
  EXPECT_TRUE(missing.empty()) << "rows without a golden case: " << missing;
}

}  // namespace
}  // namespace sandbpf
