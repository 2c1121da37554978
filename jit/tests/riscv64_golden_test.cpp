// Golden encodings of the RISC-V 64 backend: for each case, a BPF
// instruction (assembly text; the first instruction of the program is the
// one measured), the bytes the backend emits for it and their disassembly,
// checked together:
//   - the backend must emit exactly the expected bytes;
//   - binutils' riscv64-linux-gnu-objdump must disassemble the expected
//     bytes to exactly the expected text, so the table says what the bytes
//     mean (skipped, and reported as skipped, when
//     binutils-riscv64-linux-gnu is missing; the bytes are still checked).
// Every row of the instruction table has a case (checked below), plus
// cases for what RISC-V does differently (division by zero, 32-bit
// results' zero extension, large immediates and offsets, the 32-bit
// atomics' sign extension), checked mode's access checks and budget
// charges, and fast mode's back-edge charges. Helpers' addresses live in
// the literal pool after the code, so the measured bytes do not depend on
// where the helper table is.
//
// To regenerate after an intended change of the backend:
//   build/jit/sandbpf_jit_riscv64_tests --gtest_also_run_disabled_tests --gtest_filter='*PrintGoldenTable'
// prints the table (between the markers below) with the current output.
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

#include "jit/lowered_program.hpp"
#include "jit/rewrites/instruction_budget.hpp"
#include "jit/rewrites/constant_blinding.hpp"
#include "jit/riscv64/encoding.hpp"
#include "jit/riscv64/backend.hpp"
#include "loader/assembler.hpp"
#include "jit/tests/golden_cases.hpp"
#include "loader/disassembler.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

struct Golden {
  const char* bpf;   // program text; its first instruction is measured
  const char* mode;  // "fast", "checked", "fast+budget" or "fast+spectre"
  const char* hex;   // the bytes
  const char* text;  // objdump's text, instructions separated by "; "
};

// clang-format off
// BEGIN GOLDEN
constexpr Golden kGolden[] = {
    {"add32 %r1, 3\nexit\n", "fast",
     "1b 05 35 00 13 15 05 02 13 55 05 02",
     "addw a0,a0,3; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"add32 %r1, %r2\nexit\n", "fast",
     "3b 05 b5 00 13 15 05 02 13 55 05 02",
     "addw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"sub32 %r1, 3\nexit\n", "fast",
     "1b 05 d5 ff 13 15 05 02 13 55 05 02",
     "addw a0,a0,-3; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"sub32 %r1, %r2\nexit\n", "fast",
     "3b 05 b5 40 13 15 05 02 13 55 05 02",
     "subw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"mul32 %r1, 3\nexit\n", "fast",
     "93 02 30 00 3b 05 55 02 13 15 05 02 13 55 05 02",
     "li t0,3; mulw a0,a0,t0; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"mul32 %r1, %r2\nexit\n", "fast",
     "3b 05 b5 02 13 15 05 02 13 55 05 02",
     "mulw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"div32 %r1, 3\nexit\n", "fast",
     "93 02 30 00 3b 55 55 02 13 15 05 02 13 55 05 02",
     "li t0,3; divuw a0,a0,t0; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"div32 %r1, %r2\nexit\n", "fast",
     "93 92 05 02 b3 32 50 00 b3 02 50 40 3b 55 b5 02 13 15 05 02 13 55 05 02 33 75 55 00",
     "sll t0,a1,0x20; snez t0,t0; neg t0,t0; divuw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20; and a0,a0,t0"},
    {"or32 %r1, 3\nexit\n", "fast",
     "13 65 35 00 13 15 05 02 13 55 05 02",
     "or a0,a0,3; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"or32 %r1, %r2\nexit\n", "fast",
     "33 65 b5 00 13 15 05 02 13 55 05 02",
     "or a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"and32 %r1, 3\nexit\n", "fast",
     "13 75 35 00 13 15 05 02 13 55 05 02",
     "and a0,a0,3; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"and32 %r1, %r2\nexit\n", "fast",
     "33 75 b5 00 13 15 05 02 13 55 05 02",
     "and a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"lsh32 %r1, 3\nexit\n", "fast",
     "1b 15 35 00 13 15 05 02 13 55 05 02",
     "sllw a0,a0,0x3; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"lsh32 %r1, %r2\nexit\n", "fast",
     "3b 15 b5 00 13 15 05 02 13 55 05 02",
     "sllw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"rsh32 %r1, 3\nexit\n", "fast",
     "1b 55 35 00",
     "srlw a0,a0,0x3"},
    {"rsh32 %r1, %r2\nexit\n", "fast",
     "3b 55 b5 00 13 15 05 02 13 55 05 02",
     "srlw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"mod32 %r1, 3\nexit\n", "fast",
     "93 02 30 00 3b 75 55 02 13 15 05 02 13 55 05 02",
     "li t0,3; remuw a0,a0,t0; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"mod32 %r1, %r2\nexit\n", "fast",
     "3b 75 b5 02 13 15 05 02 13 55 05 02",
     "remuw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"xor32 %r1, 3\nexit\n", "fast",
     "13 45 35 00 13 15 05 02 13 55 05 02",
     "xor a0,a0,3; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"xor32 %r1, %r2\nexit\n", "fast",
     "33 45 b5 00 13 15 05 02 13 55 05 02",
     "xor a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"mov32 %r1, 3\nexit\n", "fast",
     "13 05 30 00",
     "li a0,3"},
    {"mov32 %r1, %r2\nexit\n", "fast",
     "13 95 05 02 13 55 05 02",
     "sll a0,a1,0x20; srl a0,a0,0x20"},
    {"arsh32 %r1, 3\nexit\n", "fast",
     "1b 55 35 40 13 15 05 02 13 55 05 02",
     "sraw a0,a0,0x3; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"arsh32 %r1, %r2\nexit\n", "fast",
     "3b 55 b5 40 13 15 05 02 13 55 05 02",
     "sraw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"sdiv32 %r1, 3\nexit\n", "fast",
     "93 02 30 00 3b 45 55 02 13 15 05 02 13 55 05 02",
     "li t0,3; divw a0,a0,t0; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"sdiv32 %r1, %r2\nexit\n", "fast",
     "93 92 05 02 b3 32 50 00 b3 02 50 40 3b 45 b5 02 13 15 05 02 13 55 05 02 33 75 55 00",
     "sll t0,a1,0x20; snez t0,t0; neg t0,t0; divw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20; and a0,a0,t0"},
    {"smod32 %r1, 3\nexit\n", "fast",
     "93 02 30 00 3b 65 55 02 13 15 05 02 13 55 05 02",
     "li t0,3; remw a0,a0,t0; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"smod32 %r1, %r2\nexit\n", "fast",
     "3b 65 b5 02 13 15 05 02 13 55 05 02",
     "remw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"neg32 %r1\nexit\n", "fast",
     "3b 05 a0 40 13 15 05 02 13 55 05 02",
     "negw a0,a0; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"movsx832 %r1, %r2\nexit\n", "fast",
     "13 95 85 03 13 55 85 43 13 15 05 02 13 55 05 02",
     "sll a0,a1,0x38; sra a0,a0,0x38; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"movsx1632 %r1, %r2\nexit\n", "fast",
     "13 95 05 03 13 55 05 43 13 15 05 02 13 55 05 02",
     "sll a0,a1,0x30; sra a0,a0,0x30; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"add %r1, 3\nexit\n", "fast",
     "13 05 35 00",
     "add a0,a0,3"},
    {"add %r1, %r2\nexit\n", "fast",
     "33 05 b5 00",
     "add a0,a0,a1"},
    {"sub %r1, 3\nexit\n", "fast",
     "13 05 d5 ff",
     "add a0,a0,-3"},
    {"sub %r1, %r2\nexit\n", "fast",
     "33 05 b5 40",
     "sub a0,a0,a1"},
    {"mul %r1, 3\nexit\n", "fast",
     "93 02 30 00 33 05 55 02",
     "li t0,3; mul a0,a0,t0"},
    {"mul %r1, %r2\nexit\n", "fast",
     "33 05 b5 02",
     "mul a0,a0,a1"},
    {"div %r1, 3\nexit\n", "fast",
     "93 02 30 00 33 55 55 02",
     "li t0,3; divu a0,a0,t0"},
    {"div %r1, %r2\nexit\n", "fast",
     "b3 32 b0 00 b3 02 50 40 33 55 b5 02 33 75 55 00",
     "snez t0,a1; neg t0,t0; divu a0,a0,a1; and a0,a0,t0"},
    {"or %r1, 3\nexit\n", "fast",
     "13 65 35 00",
     "or a0,a0,3"},
    {"or %r1, %r2\nexit\n", "fast",
     "33 65 b5 00",
     "or a0,a0,a1"},
    {"and %r1, 3\nexit\n", "fast",
     "13 75 35 00",
     "and a0,a0,3"},
    {"and %r1, %r2\nexit\n", "fast",
     "33 75 b5 00",
     "and a0,a0,a1"},
    {"lsh %r1, 3\nexit\n", "fast",
     "13 15 35 00",
     "sll a0,a0,0x3"},
    {"lsh %r1, %r2\nexit\n", "fast",
     "33 15 b5 00",
     "sll a0,a0,a1"},
    {"rsh %r1, 3\nexit\n", "fast",
     "13 55 35 00",
     "srl a0,a0,0x3"},
    {"rsh %r1, %r2\nexit\n", "fast",
     "33 55 b5 00",
     "srl a0,a0,a1"},
    {"mod %r1, 3\nexit\n", "fast",
     "93 02 30 00 33 75 55 02",
     "li t0,3; remu a0,a0,t0"},
    {"mod %r1, %r2\nexit\n", "fast",
     "33 75 b5 02",
     "remu a0,a0,a1"},
    {"xor %r1, 3\nexit\n", "fast",
     "13 45 35 00",
     "xor a0,a0,3"},
    {"xor %r1, %r2\nexit\n", "fast",
     "33 45 b5 00",
     "xor a0,a0,a1"},
    {"mov %r1, 3\nexit\n", "fast",
     "13 05 30 00",
     "li a0,3"},
    {"mov %r1, %r2\nexit\n", "fast",
     "13 85 05 00",
     "mv a0,a1"},
    {"arsh %r1, 3\nexit\n", "fast",
     "13 55 35 40",
     "sra a0,a0,0x3"},
    {"arsh %r1, %r2\nexit\n", "fast",
     "33 55 b5 40",
     "sra a0,a0,a1"},
    {"sdiv %r1, 3\nexit\n", "fast",
     "93 02 30 00 33 45 55 02",
     "li t0,3; div a0,a0,t0"},
    {"sdiv %r1, %r2\nexit\n", "fast",
     "b3 32 b0 00 b3 02 50 40 33 45 b5 02 33 75 55 00",
     "snez t0,a1; neg t0,t0; div a0,a0,a1; and a0,a0,t0"},
    {"smod %r1, 3\nexit\n", "fast",
     "93 02 30 00 33 65 55 02",
     "li t0,3; rem a0,a0,t0"},
    {"smod %r1, %r2\nexit\n", "fast",
     "33 65 b5 02",
     "rem a0,a0,a1"},
    {"neg %r1\nexit\n", "fast",
     "33 05 a0 40",
     "neg a0,a0"},
    {"movsx864 %r1, %r2\nexit\n", "fast",
     "13 95 85 03 13 55 85 43",
     "sll a0,a1,0x38; sra a0,a0,0x38"},
    {"movsx1664 %r1, %r2\nexit\n", "fast",
     "13 95 05 03 13 55 05 43",
     "sll a0,a1,0x30; sra a0,a0,0x30"},
    {"movsx3264 %r1, %r2\nexit\n", "fast",
     "1b 85 05 00",
     "sext.w a0,a1"},
    {"le16 %r1\nexit\n", "fast",
     "13 15 05 03 13 55 05 03",
     "sll a0,a0,0x30; srl a0,a0,0x30"},
    {"le32 %r1\nexit\n", "fast",
     "13 15 05 02 13 55 05 02",
     "sll a0,a0,0x20; srl a0,a0,0x20"},
    {"le64 %r1\nexit\n", "fast",
     "",
     ""},
    {"be16 %r1\nexit\n", "fast",
     "13 73 f5 0f 13 13 83 00 93 52 85 00 93 f2 f2 0f 33 63 53 00 13 05 03 00",
     "zext.b t1,a0; sll t1,t1,0x8; srl t0,a0,0x8; zext.b t0,t0; or t1,t1,t0; mv a0,t1"},
    {"be32 %r1\nexit\n", "fast",
     "13 73 f5 0f 13 13 83 01 93 52 85 00 93 f2 f2 0f 93 92 02 01 33 63 53 00 93 52 05 01 93 f2 f2 0f 93 92 82 00 33 63 53 00 93 52 85 01 93 f2 f2 0f 33 63 53 00 13 05 03 00",
     "zext.b t1,a0; sll t1,t1,0x18; srl t0,a0,0x8; zext.b t0,t0; sll t0,t0,0x10; or t1,t1,t0; srl t0,a0,0x10; zext.b t0,t0; sll t0,t0,0x8; or t1,t1,t0; srl t0,a0,0x18; zext.b t0,t0; or t1,t1,t0; mv a0,t1"},
    {"be64 %r1\nexit\n", "fast",
     "13 73 f5 0f 13 13 83 03 93 52 85 00 93 f2 f2 0f 93 92 02 03 33 63 53 00 93 52 05 01 93 f2 f2 0f 93 92 82 02 33 63 53 00 93 52 85 01 93 f2 f2 0f 93 92 02 02 33 63 53 00 93 52 05 02 93 f2 f2 0f 93 92 82 01 33 63 53 00 93 52 85 02 93 f2 f2 0f 93 92 02 01 33 63 53 00 93 52 05 03 93 f2 f2 0f 93 92 82 00 33 63 53 00 93 52 85 03 33 63 53 00 13 05 03 00",
     "zext.b t1,a0; sll t1,t1,0x38; srl t0,a0,0x8; zext.b t0,t0; sll t0,t0,0x30; or t1,t1,t0; srl t0,a0,0x10; zext.b t0,t0; sll t0,t0,0x28; or t1,t1,t0; srl t0,a0,0x18; zext.b t0,t0; sll t0,t0,0x20; or t1,t1,t0; srl t0,a0,0x20; zext.b t0,t0; sll t0,t0,0x18; or t1,t1,t0; srl t0,a0,0x28; zext.b t0,t0; sll t0,t0,0x10; or t1,t1,t0; srl t0,a0,0x30; zext.b t0,t0; sll t0,t0,0x8; or t1,t1,t0; srl t0,a0,0x38; or t1,t1,t0; mv a0,t1"},
    {"bswap16 %r1\nexit\n", "fast",
     "13 73 f5 0f 13 13 83 00 93 52 85 00 93 f2 f2 0f 33 63 53 00 13 05 03 00",
     "zext.b t1,a0; sll t1,t1,0x8; srl t0,a0,0x8; zext.b t0,t0; or t1,t1,t0; mv a0,t1"},
    {"bswap32 %r1\nexit\n", "fast",
     "13 73 f5 0f 13 13 83 01 93 52 85 00 93 f2 f2 0f 93 92 02 01 33 63 53 00 93 52 05 01 93 f2 f2 0f 93 92 82 00 33 63 53 00 93 52 85 01 93 f2 f2 0f 33 63 53 00 13 05 03 00",
     "zext.b t1,a0; sll t1,t1,0x18; srl t0,a0,0x8; zext.b t0,t0; sll t0,t0,0x10; or t1,t1,t0; srl t0,a0,0x10; zext.b t0,t0; sll t0,t0,0x8; or t1,t1,t0; srl t0,a0,0x18; zext.b t0,t0; or t1,t1,t0; mv a0,t1"},
    {"bswap64 %r1\nexit\n", "fast",
     "13 73 f5 0f 13 13 83 03 93 52 85 00 93 f2 f2 0f 93 92 02 03 33 63 53 00 93 52 05 01 93 f2 f2 0f 93 92 82 02 33 63 53 00 93 52 85 01 93 f2 f2 0f 93 92 02 02 33 63 53 00 93 52 05 02 93 f2 f2 0f 93 92 82 01 33 63 53 00 93 52 85 02 93 f2 f2 0f 93 92 02 01 33 63 53 00 93 52 05 03 93 f2 f2 0f 93 92 82 00 33 63 53 00 93 52 85 03 33 63 53 00 13 05 03 00",
     "zext.b t1,a0; sll t1,t1,0x38; srl t0,a0,0x8; zext.b t0,t0; sll t0,t0,0x30; or t1,t1,t0; srl t0,a0,0x10; zext.b t0,t0; sll t0,t0,0x28; or t1,t1,t0; srl t0,a0,0x18; zext.b t0,t0; sll t0,t0,0x20; or t1,t1,t0; srl t0,a0,0x20; zext.b t0,t0; sll t0,t0,0x18; or t1,t1,t0; srl t0,a0,0x28; zext.b t0,t0; sll t0,t0,0x10; or t1,t1,t0; srl t0,a0,0x30; zext.b t0,t0; sll t0,t0,0x8; or t1,t1,t0; srl t0,a0,0x38; or t1,t1,t0; mv a0,t1"},
    {"ldxb %r1, [%r10-8]\nexit\n", "fast",
     "03 c5 8a ff",
     "lbu a0,-8(s5)"},
    {"ldxh %r1, [%r10-8]\nexit\n", "fast",
     "03 d5 8a ff",
     "lhu a0,-8(s5)"},
    {"ldxw %r1, [%r10-8]\nexit\n", "fast",
     "03 e5 8a ff",
     "lwu a0,-8(s5)"},
    {"ldxdw %r1, [%r10-8]\nexit\n", "fast",
     "03 b5 8a ff",
     "ld a0,-8(s5)"},
    {"ldxsb %r1, [%r10-8]\nexit\n", "fast",
     "03 85 8a ff",
     "lb a0,-8(s5)"},
    {"ldxsh %r1, [%r10-8]\nexit\n", "fast",
     "03 95 8a ff",
     "lh a0,-8(s5)"},
    {"ldxsw %r1, [%r10-8]\nexit\n", "fast",
     "03 a5 8a ff",
     "lw a0,-8(s5)"},
    {"stb [%r10-8], 7\nexit\n", "fast",
     "93 03 70 00 23 8c 7a fe",
     "li t2,7; sb t2,-8(s5)"},
    {"sth [%r10-8], 7\nexit\n", "fast",
     "93 03 70 00 23 9c 7a fe",
     "li t2,7; sh t2,-8(s5)"},
    {"stw [%r10-8], 7\nexit\n", "fast",
     "93 03 70 00 23 ac 7a fe",
     "li t2,7; sw t2,-8(s5)"},
    {"stdw [%r10-8], 7\nexit\n", "fast",
     "93 03 70 00 23 bc 7a fe",
     "li t2,7; sd t2,-8(s5)"},
    {"stxb [%r10-8], %r2\nexit\n", "fast",
     "23 8c ba fe",
     "sb a1,-8(s5)"},
    {"stxh [%r10-8], %r2\nexit\n", "fast",
     "23 9c ba fe",
     "sh a1,-8(s5)"},
    {"stxw [%r10-8], %r2\nexit\n", "fast",
     "23 ac ba fe",
     "sw a1,-8(s5)"},
    {"stxdw [%r10-8], %r2\nexit\n", "fast",
     "23 bc ba fe",
     "sd a1,-8(s5)"},
    {"lock add32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff 2f 20 b3 06",
     "add t1,s5,-8; amoadd.w.aqrl zero,a1,(t1)"},
    {"lock fetch add32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 25 b3 06 93 95 05 02 93 d5 05 02",
     "add t1,s5,-8; amoadd.w.aqrl a1,a1,(t1); sll a1,a1,0x20; srl a1,a1,0x20"},
    {"lock or32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff 2f 20 b3 46",
     "add t1,s5,-8; amoor.w.aqrl zero,a1,(t1)"},
    {"lock fetch or32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 25 b3 46 93 95 05 02 93 d5 05 02",
     "add t1,s5,-8; amoor.w.aqrl a1,a1,(t1); sll a1,a1,0x20; srl a1,a1,0x20"},
    {"lock and32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff 2f 20 b3 66",
     "add t1,s5,-8; amoand.w.aqrl zero,a1,(t1)"},
    {"lock fetch and32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 25 b3 66 93 95 05 02 93 d5 05 02",
     "add t1,s5,-8; amoand.w.aqrl a1,a1,(t1); sll a1,a1,0x20; srl a1,a1,0x20"},
    {"lock xor32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff 2f 20 b3 26",
     "add t1,s5,-8; amoxor.w.aqrl zero,a1,(t1)"},
    {"lock fetch xor32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 25 b3 26 93 95 05 02 93 d5 05 02",
     "add t1,s5,-8; amoxor.w.aqrl a1,a1,(t1); sll a1,a1,0x20; srl a1,a1,0x20"},
    {"lock xchg32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 25 b3 0e 93 95 05 02 93 d5 05 02",
     "add t1,s5,-8; amoswap.w.aqrl a1,a1,(t1); sll a1,a1,0x20; srl a1,a1,0x20"},
    {"lock cmpxchg32 [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff 9b 8e 07 00 af 22 03 16 63 96 d2 01 af 23 b3 1a e3 9a 03 fe 93 97 02 02 93 d7 07 02",
     "add t1,s5,-8; sext.w t4,a5; lr.w.aqrl t0,(t1); bne t0,t4,0x18; sc.w.rl t2,a1,(t1); bnez t2,0x8; sll a5,t0,0x20; srl a5,a5,0x20"},
    {"lock add [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff 2f 30 b3 06",
     "add t1,s5,-8; amoadd.d.aqrl zero,a1,(t1)"},
    {"lock fetch add [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 35 b3 06",
     "add t1,s5,-8; amoadd.d.aqrl a1,a1,(t1)"},
    {"lock or [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff 2f 30 b3 46",
     "add t1,s5,-8; amoor.d.aqrl zero,a1,(t1)"},
    {"lock fetch or [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 35 b3 46",
     "add t1,s5,-8; amoor.d.aqrl a1,a1,(t1)"},
    {"lock and [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff 2f 30 b3 66",
     "add t1,s5,-8; amoand.d.aqrl zero,a1,(t1)"},
    {"lock fetch and [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 35 b3 66",
     "add t1,s5,-8; amoand.d.aqrl a1,a1,(t1)"},
    {"lock xor [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff 2f 30 b3 26",
     "add t1,s5,-8; amoxor.d.aqrl zero,a1,(t1)"},
    {"lock fetch xor [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 35 b3 26",
     "add t1,s5,-8; amoxor.d.aqrl a1,a1,(t1)"},
    {"lock xchg [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 35 b3 0e",
     "add t1,s5,-8; amoswap.d.aqrl a1,a1,(t1)"},
    {"lock cmpxchg [%r10-8], %r2\nexit\n", "fast",
     "13 83 8a ff af 32 03 16 63 96 f2 00 af 33 b3 1a e3 9a 03 fe 93 87 02 00",
     "add t1,s5,-8; lr.d.aqrl t0,(t1); bne t0,a5,0x14; sc.d.rl t2,a1,(t1); bnez t2,0x4; mv a5,t0"},
    {"lddw %r1, 0x1122334455667788\nexit\n", "fast",
     "37 95 44 00 1b 05 d5 8c 13 15 e5 00 13 05 55 45 13 15 c5 00 13 05 75 66 13 15 c5 00 13 05 85 78",
     "lui a0,0x449; addw a0,a0,-1843; sll a0,a0,0xe; add a0,a0,1109; sll a0,a0,0xc; add a0,a0,1639; sll a0,a0,0xc; add a0,a0,1928"},
    {"lddw %r1, map 2\nexit\n", "fast",
     "83 32 8b 05 13 03 20 00 63 7a 53 00 83 32 0b 05 93 82 02 07 03 b5 02 00",
     "ld t0,88(s6); li t1,2; bgeu t1,t0,0x1c; ld t0,80(s6); add t0,t0,112; ld a0,0(t0)"},
    {"lddw %r1, map_value 2+8\nexit\n", "fast",
     "83 32 8b 05 13 03 20 00 63 74 53 02 83 32 0b 05 93 82 02 07 03 b3 82 00 63 0c 03 00 83 b3 02 01 93 02 80 00 63 f6 72 00 33 05 53 00",
     "ld t0,88(s6); li t1,2; bgeu t1,t0,0x30; ld t0,80(s6); add t0,t0,112; ld t1,8(t0); beqz t1,0x30; ld t2,16(t0); li t0,8; bgeu t0,t2,0x30; add a0,t1,t0"},
    {"lddw %r1, var 2\nexit\n", "fast",
     "83 32 8b 06 13 03 20 00 63 7a 53 00 83 32 0b 06 93 82 02 03 03 b5 02 00",
     "ld t0,104(s6); li t1,2; bgeu t1,t0,0x1c; ld t0,96(s6); add t0,t0,48; ld a0,0(t0)"},
    {"lddw %r1, func +2\nexit\nexit\n", "fast",
     "37 55 55 46 1b 05 35 e4 13 15 05 02 13 05 35 00",
     "lui a0,0x46555; addw a0,a0,-445; sll a0,a0,0x20; add a0,a0,3"},
    {"lddw %r1, map_idx 2\nexit\n", "fast",
     "83 32 8b 05 13 03 20 00 63 7a 53 00 83 32 0b 05 93 82 02 07 03 b5 02 00",
     "ld t0,88(s6); li t1,2; bgeu t1,t0,0x1c; ld t0,80(s6); add t0,t0,112; ld a0,0(t0)"},
    {"lddw %r1, map_idx_value 2+8\nexit\n", "fast",
     "83 32 8b 05 13 03 20 00 63 74 53 02 83 32 0b 05 93 82 02 07 03 b3 82 00 63 0c 03 00 83 b3 02 01 93 02 80 00 63 f6 72 00 33 05 53 00",
     "ld t0,88(s6); li t1,2; bgeu t1,t0,0x30; ld t0,80(s6); add t0,t0,112; ld t1,8(t0); beqz t1,0x30; ld t2,16(t0); li t0,8; bgeu t0,t2,0x30; add a0,t1,t0"},
    {"ldabsb 4\nexit\n", "fast",
     "13 03 40 00 93 03 13 00 83 32 8b 04 63 ea 72 00 83 32 0b 04 b3 82 62 00 83 c7 02 00",
     "li t1,4; add t2,t1,1; ld t0,72(s6); bltu t0,t2,0x20; ld t0,64(s6); add t0,t0,t1; lbu a5,0(t0)"},
    {"ldabsh 4\nexit\n", "fast",
     "13 03 40 00 93 03 23 00 83 32 8b 04 63 e6 72 02 83 32 0b 04 b3 82 62 00 83 d7 02 00 13 f3 f7 0f 13 13 83 00 93 d2 87 00 93 f2 f2 0f 33 63 53 00 93 07 03 00",
     "li t1,4; add t2,t1,2; ld t0,72(s6); bltu t0,t2,0x38; ld t0,64(s6); add t0,t0,t1; lhu a5,0(t0); zext.b t1,a5; sll t1,t1,0x8; srl t0,a5,0x8; zext.b t0,t0; or t1,t1,t0; mv a5,t1"},
    {"ldabsw 4\nexit\n", "fast",
     "13 03 40 00 93 03 43 00 83 32 8b 04 63 e6 72 04 83 32 0b 04 b3 82 62 00 83 e7 02 00 13 f3 f7 0f 13 13 83 01 93 d2 87 00 93 f2 f2 0f 93 92 02 01 33 63 53 00 93 d2 07 01 93 f2 f2 0f 93 92 82 00 33 63 53 00 93 d2 87 01 93 f2 f2 0f 33 63 53 00 93 07 03 00",
     "li t1,4; add t2,t1,4; ld t0,72(s6); bltu t0,t2,0x58; ld t0,64(s6); add t0,t0,t1; lwu a5,0(t0); zext.b t1,a5; sll t1,t1,0x18; srl t0,a5,0x8; zext.b t0,t0; sll t0,t0,0x10; or t1,t1,t0; srl t0,a5,0x10; zext.b t0,t0; sll t0,t0,0x8; or t1,t1,t0; srl t0,a5,0x18; zext.b t0,t0; or t1,t1,t0; mv a5,t1"},
    {"ldindb %r2, 4\nexit\n", "fast",
     "93 02 40 00 3b 83 55 00 63 40 03 02 93 03 13 00 83 32 8b 04 63 ea 72 00 83 32 0b 04 b3 82 62 00 83 c7 02 00",
     "li t0,4; addw t1,a1,t0; bltz t1,0x28; add t2,t1,1; ld t0,72(s6); bltu t0,t2,0x28; ld t0,64(s6); add t0,t0,t1; lbu a5,0(t0)"},
    {"ldindh %r2, 4\nexit\n", "fast",
     "93 02 40 00 3b 83 55 00 63 4c 03 02 93 03 23 00 83 32 8b 04 63 e6 72 02 83 32 0b 04 b3 82 62 00 83 d7 02 00 13 f3 f7 0f 13 13 83 00 93 d2 87 00 93 f2 f2 0f 33 63 53 00 93 07 03 00",
     "li t0,4; addw t1,a1,t0; bltz t1,0x40; add t2,t1,2; ld t0,72(s6); bltu t0,t2,0x40; ld t0,64(s6); add t0,t0,t1; lhu a5,0(t0); zext.b t1,a5; sll t1,t1,0x8; srl t0,a5,0x8; zext.b t0,t0; or t1,t1,t0; mv a5,t1"},
    {"ldindw %r2, 4\nexit\n", "fast",
     "93 02 40 00 3b 83 55 00 63 4c 03 04 93 03 43 00 83 32 8b 04 63 e6 72 04 83 32 0b 04 b3 82 62 00 83 e7 02 00 13 f3 f7 0f 13 13 83 01 93 d2 87 00 93 f2 f2 0f 93 92 02 01 33 63 53 00 93 d2 07 01 93 f2 f2 0f 93 92 82 00 33 63 53 00 93 d2 87 01 93 f2 f2 0f 33 63 53 00 93 07 03 00",
     "li t0,4; addw t1,a1,t0; bltz t1,0x60; add t2,t1,4; ld t0,72(s6); bltu t0,t2,0x60; ld t0,64(s6); add t0,t0,t1; lwu a5,0(t0); zext.b t1,a5; sll t1,t1,0x18; srl t0,a5,0x8; zext.b t0,t0; sll t0,t0,0x10; or t1,t1,t0; srl t0,a5,0x10; zext.b t0,t0; sll t0,t0,0x8; or t1,t1,t0; srl t0,a5,0x18; zext.b t0,t0; or t1,t1,t0; mv a5,t1"},
    {"ja +0\nexit\n", "fast",
     "6f 00 40 00",
     "j 0x4"},
    {"ja32 +0\nexit\n", "fast",
     "6f 00 40 00",
     "j 0x4"},
    {"jeq %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 02 65 00",
     "li t1,3; beq a0,t1,0x8"},
    {"jeq %r1, %r2, +0\nexit\n", "fast",
     "63 02 b5 00",
     "beq a0,a1,0x4"},
    {"jgt %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 62 a3 00",
     "li t1,3; bltu t1,a0,0x8"},
    {"jgt %r1, %r2, +0\nexit\n", "fast",
     "63 e2 a5 00",
     "bltu a1,a0,0x4"},
    {"jge %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 72 65 00",
     "li t1,3; bgeu a0,t1,0x8"},
    {"jge %r1, %r2, +0\nexit\n", "fast",
     "63 72 b5 00",
     "bgeu a0,a1,0x4"},
    {"jset %r1, 3, +0\nexit\n", "fast",
     "93 72 35 00 63 92 02 00",
     "and t0,a0,3; bnez t0,0x8"},
    {"jset %r1, %r2, +0\nexit\n", "fast",
     "b3 72 b5 00 63 92 02 00",
     "and t0,a0,a1; bnez t0,0x8"},
    {"jne %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 12 65 00",
     "li t1,3; bne a0,t1,0x8"},
    {"jne %r1, %r2, +0\nexit\n", "fast",
     "63 12 b5 00",
     "bne a0,a1,0x4"},
    {"jsgt %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 42 a3 00",
     "li t1,3; blt t1,a0,0x8"},
    {"jsgt %r1, %r2, +0\nexit\n", "fast",
     "63 c2 a5 00",
     "blt a1,a0,0x4"},
    {"jsge %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 52 65 00",
     "li t1,3; bge a0,t1,0x8"},
    {"jsge %r1, %r2, +0\nexit\n", "fast",
     "63 52 b5 00",
     "bge a0,a1,0x4"},
    {"jlt %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 62 65 00",
     "li t1,3; bltu a0,t1,0x8"},
    {"jlt %r1, %r2, +0\nexit\n", "fast",
     "63 62 b5 00",
     "bltu a0,a1,0x4"},
    {"jle %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 72 a3 00",
     "li t1,3; bgeu t1,a0,0x8"},
    {"jle %r1, %r2, +0\nexit\n", "fast",
     "63 f2 a5 00",
     "bgeu a1,a0,0x4"},
    {"jslt %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 42 65 00",
     "li t1,3; blt a0,t1,0x8"},
    {"jslt %r1, %r2, +0\nexit\n", "fast",
     "63 42 b5 00",
     "blt a0,a1,0x4"},
    {"jsle %r1, 3, +0\nexit\n", "fast",
     "13 03 30 00 63 52 a3 00",
     "li t1,3; bge t1,a0,0x8"},
    {"jsle %r1, %r2, +0\nexit\n", "fast",
     "63 d2 a5 00",
     "bge a1,a0,0x4"},
    {"jeq32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 82 62 00",
     "sext.w t0,a0; li t1,3; beq t0,t1,0xc"},
    {"jeq32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 82 62 00",
     "sext.w t0,a0; sext.w t1,a1; beq t0,t1,0xc"},
    {"jgt32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 62 53 00",
     "sext.w t0,a0; li t1,3; bltu t1,t0,0xc"},
    {"jgt32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 62 53 00",
     "sext.w t0,a0; sext.w t1,a1; bltu t1,t0,0xc"},
    {"jge32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 f2 62 00",
     "sext.w t0,a0; li t1,3; bgeu t0,t1,0xc"},
    {"jge32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 f2 62 00",
     "sext.w t0,a0; sext.w t1,a1; bgeu t0,t1,0xc"},
    {"jset32 %r1, 3, +0\nexit\n", "fast",
     "93 72 35 00 9b 82 02 00 63 92 02 00",
     "and t0,a0,3; sext.w t0,t0; bnez t0,0xc"},
    {"jset32 %r1, %r2, +0\nexit\n", "fast",
     "b3 72 b5 00 9b 82 02 00 63 92 02 00",
     "and t0,a0,a1; sext.w t0,t0; bnez t0,0xc"},
    {"jne32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 92 62 00",
     "sext.w t0,a0; li t1,3; bne t0,t1,0xc"},
    {"jne32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 92 62 00",
     "sext.w t0,a0; sext.w t1,a1; bne t0,t1,0xc"},
    {"jsgt32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 42 53 00",
     "sext.w t0,a0; li t1,3; blt t1,t0,0xc"},
    {"jsgt32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 42 53 00",
     "sext.w t0,a0; sext.w t1,a1; blt t1,t0,0xc"},
    {"jsge32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 d2 62 00",
     "sext.w t0,a0; li t1,3; bge t0,t1,0xc"},
    {"jsge32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 d2 62 00",
     "sext.w t0,a0; sext.w t1,a1; bge t0,t1,0xc"},
    {"jlt32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 e2 62 00",
     "sext.w t0,a0; li t1,3; bltu t0,t1,0xc"},
    {"jlt32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 e2 62 00",
     "sext.w t0,a0; sext.w t1,a1; bltu t0,t1,0xc"},
    {"jle32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 72 53 00",
     "sext.w t0,a0; li t1,3; bgeu t1,t0,0xc"},
    {"jle32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 72 53 00",
     "sext.w t0,a0; sext.w t1,a1; bgeu t1,t0,0xc"},
    {"jslt32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 c2 62 00",
     "sext.w t0,a0; li t1,3; blt t0,t1,0xc"},
    {"jslt32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 c2 62 00",
     "sext.w t0,a0; sext.w t1,a1; blt t0,t1,0xc"},
    {"jsle32 %r1, 3, +0\nexit\n", "fast",
     "9b 02 05 00 13 03 30 00 63 52 53 00",
     "sext.w t0,a0; li t1,3; bge t1,t0,0xc"},
    {"jsle32 %r1, %r2, +0\nexit\n", "fast",
     "9b 02 05 00 1b 83 05 00 63 52 53 00",
     "sext.w t0,a0; sext.w t1,a1; bge t1,t0,0xc"},
    {"call 1\nexit\n", "fast",
     "13 01 01 ff 23 34 11 00 97 0e 00 00 83 be 4e 04 23 3c 5b 01 83 37 0b 07 e7 80 0e 00 93 07 05 00 83 22 8b 02 63 98 02 00",
     "add sp,sp,-16; sd ra,8(sp); auipc t4,0x0; ld t4,68(t4); sd s5,24(s6); ld a5,112(s6); jalr t4; mv a5,a0; lw t0,40(s6); bnez t0,0x34"},
    {"call local +1\nexit\nexit\n", "fast",
     "13 01 01 ff 23 34 11 00 83 32 0b 02 63 f0 52 03 93 8a 0a e0 ef 00 40 01 93 8a 0a 20",
     "add sp,sp,-16; sd ra,8(sp); ld t0,32(s6); bgeu t0,s5,0x2c; add s5,s5,-512; jal 0x28; add s5,s5,512"},
    {"call %r1\nexit\n", "fast",
     "13 01 01 ff 23 34 11 00 93 02 80 00 63 70 55 04 97 0e 00 00 83 be ce 06 13 13 35 00 b3 8e 6e 00 83 be 0e 00 63 84 0e 02 23 3c 5b 01 83 37 0b 07 e7 80 0e 00 93 07 05 00 83 22 8b 02 63 94 02 02",
     "add sp,sp,-16; sd ra,8(sp); li t0,8; bgeu a0,t0,0x4c; auipc t4,0x0; ld t4,108(t4); sll t1,a0,0x3; add t4,t4,t1; ld t4,0(t4); beqz t4,0x4c; sd s5,24(s6); ld a5,112(s6); jalr t4; mv a5,a0; lw t0,40(s6); bnez t0,0x64"},
    {"exit\nexit\n", "fast",
     "67 80 00 00",
     "ret"},
    {"div %r0, %r3\nexit", "fast",
     "b3 32 c0 00 b3 02 50 40 b3 d7 c7 02 b3 f7 57 00",
     "snez t0,a2; neg t0,t0; divu a5,a5,a2; and a5,a5,t0"},
    {"div %r1, %r1\nexit", "fast",
     "b3 32 a0 00 b3 02 50 40 33 55 a5 02 33 75 55 00",
     "snez t0,a0; neg t0,t0; divu a0,a0,a0; and a0,a0,t0"},
    {"mod32 %r1, %r2\nexit", "fast",
     "3b 75 b5 02 13 15 05 02 13 55 05 02",
     "remuw a0,a0,a1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"sdiv %r1, %r2\nexit", "fast",
     "b3 32 b0 00 b3 02 50 40 33 45 b5 02 33 75 55 00",
     "snez t0,a1; neg t0,t0; div a0,a0,a1; and a0,a0,t0"},
    {"smod32 %r1, -1\nexit", "fast",
     "93 02 f0 ff 3b 65 55 02 13 15 05 02 13 55 05 02",
     "li t0,-1; remw a0,a0,t0; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"div %r1, 0\nexit", "fast",
     "13 05 00 00",
     "li a0,0"},
    {"mod32 %r1, 0\nexit", "fast",
     "13 15 05 02 13 55 05 02",
     "sll a0,a0,0x20; srl a0,a0,0x20"},
    {"mod %r1, 0\nexit", "fast",
     "",
     ""},
    {"add32 %r1, -1\nexit", "fast",
     "1b 05 f5 ff 13 15 05 02 13 55 05 02",
     "addw a0,a0,-1; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"rsh32 %r1, 0\nexit", "fast",
     "1b 55 05 00 13 15 05 02 13 55 05 02",
     "srlw a0,a0,0x0; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"arsh32 %r1, 0\nexit", "fast",
     "1b 55 05 40 13 15 05 02 13 55 05 02",
     "sraw a0,a0,0x0; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"mov32 %r1, %r1\nexit", "fast",
     "13 15 05 02 13 55 05 02",
     "sll a0,a0,0x20; srl a0,a0,0x20"},
    {"mov %r1, %r1\nexit", "fast",
     "",
     ""},
    {"mov32 %r1, -1\nexit", "fast",
     "13 05 10 00 13 15 05 02 13 05 f5 ff",
     "li a0,1; sll a0,a0,0x20; add a0,a0,-1"},
    {"movsx832 %r1, %r2\nexit", "fast",
     "13 95 85 03 13 55 85 43 13 15 05 02 13 55 05 02",
     "sll a0,a1,0x38; sra a0,a0,0x38; sll a0,a0,0x20; srl a0,a0,0x20"},
    {"mov %r0, -1\nexit", "fast",
     "93 07 f0 ff",
     "li a5,-1"},
    {"mov %r0, 0x12345678\nexit", "fast",
     "b7 57 34 12 9b 87 87 67",
     "lui a5,0x12345; addw a5,a5,1656"},
    {"add %r1, 0x7ffff800\nexit", "fast",
     "b7 02 00 80 9b 82 02 80 33 05 55 00",
     "lui t0,0x80000; addw t0,t0,-2048; add a0,a0,t0"},
    {"sub %r1, -2048\nexit", "fast",
     "93 02 00 80 33 05 55 40",
     "li t0,-2048; sub a0,a0,t0"},
    {"and %r1, 0xfff\nexit", "fast",
     "b7 12 00 00 9b 82 f2 ff 33 75 55 00",
     "lui t0,0x1; addw t0,t0,-1; and a0,a0,t0"},
    {"lddw %r0, 0xffffffff80000000\nexit", "fast",
     "b7 07 00 80",
     "lui a5,0x80000"},
    {"lddw %r0, 0x8000000000000000\nexit", "fast",
     "93 07 f0 ff 93 97 f7 03",
     "li a5,-1; sll a5,a5,0x3f"},
    {"ldxdw %r0, [%r1+4096]\nexit", "fast",
     "b7 12 00 00 33 03 55 00 83 37 03 00",
     "lui t0,0x1; add t1,a0,t0; ld a5,0(t1)"},
    {"stdw [%r1-32768], -1\nexit", "fast",
     "b7 82 ff ff 33 03 55 00 93 03 f0 ff 23 30 73 00",
     "lui t0,0xffff8; add t1,a0,t0; li t2,-1; sd t2,0(t1)"},
    {"jeq %r1, 0x12345, +0\nexit", "fast",
     "37 23 01 00 1b 03 53 34 63 02 65 00",
     "lui t1,0x12; addw t1,t1,837; beq a0,t1,0xc"},
    {"jset %r1, 0x800, +0\nexit", "fast",
     "37 13 00 00 1b 03 03 80 b3 72 65 00 63 92 02 00",
     "lui t1,0x1; addw t1,t1,-2048; and t0,a0,t1; bnez t0,0x10"},
    {"lock fetch or [%r0+8], %r0\nexit", "fast",
     "13 83 87 00 af 37 f3 46",
     "add t1,a5,8; amoor.d.aqrl a5,a5,(t1)"},
    {"lock fetch xor32 [%r1+0], %r2\nexit", "fast",
     "af 25 b5 26 93 95 05 02 93 d5 05 02",
     "amoxor.w.aqrl a1,a1,(a0); sll a1,a1,0x20; srl a1,a1,0x20"},
    {"lock cmpxchg32 [%r1+0], %r2\nexit", "fast",
     "9b 8e 07 00 af 22 05 16 63 96 d2 01 af 23 b5 1a e3 9a 03 fe 93 97 02 02 93 d7 07 02",
     "sext.w t4,a5; lr.w.aqrl t0,(a0); bne t0,t4,0x14; sc.w.rl t2,a1,(a0); bnez t2,0x4; sll a5,t0,0x20; srl a5,a5,0x20"},
    {"lock xchg32 [%r1+0], %r2\nexit", "fast",
     "af 25 b5 0e 93 95 05 02 93 d5 05 02",
     "amoswap.w.aqrl a1,a1,(a0); sll a1,a1,0x20; srl a1,a1,0x20"},
    {"jeq %r1, 0, +0\nexit", "fast",
     "63 02 05 00",
     "beqz a0,0x4"},
    {"ja -1\nexit", "fast",
     "6f 00 00 00",
     "j 0x0"},
    {"jsle32 %r1, %r2, +0\nexit", "fast",
     "9b 02 05 00 1b 83 05 00 63 52 53 00",
     "sext.w t0,a0; sext.w t1,a1; bge t1,t0,0xc"},
    {"ldxw %r1, [%r2+4]\nexit", "checked",
     "83 32 8b 00 13 83 f2 ff 63 e6 62 02 23 34 6b 00 13 83 45 00 93 02 00 00 6f 0f 40 04 03 65 03 00",
     "ld t0,8(s6); add t1,t0,-1; bltu t0,t1,0x34; sd t1,8(s6); add t1,a1,4; li t0,0; jal t5,0x5c; lwu a0,0(t1)"},
    {"stw [%r10-8], 7\nexit", "checked",
     "83 32 8b 00 13 83 f2 ff 63 e8 62 02 23 34 6b 00 13 83 8a ff 93 02 00 00 6f 0f 80 04 93 03 70 00 23 20 73 00",
     "ld t0,8(s6); add t1,t0,-1; bltu t0,t1,0x38; sd t1,8(s6); add t1,s5,-8; li t0,0; jal t5,0x60; li t2,7; sw t2,0(t1)"},
    {"lock add [%r1+0], %r2\nexit", "checked",
     "83 32 8b 00 13 83 f2 ff 63 e6 62 02 23 34 6b 00 13 03 05 00 93 02 00 00 6f 0f 40 04 2f 30 b3 06",
     "ld t0,8(s6); add t1,t0,-1; bltu t0,t1,0x34; sd t1,8(s6); mv t1,a0; li t0,0; jal t5,0x5c; amoadd.d.aqrl zero,a1,(t1)"},
    {"add %r1, 1\nadd %r1, 2\nexit", "checked",
     "83 32 8b 00 13 83 d2 ff 63 ea 62 00 23 34 6b 00 13 05 15 00",
     "ld t0,8(s6); add t1,t0,-3; bltu t0,t1,0x1c; sd t1,8(s6); add a0,a0,1"},
    {"ja -1\nexit", "fast+budget",
     "83 33 8b 00 13 03 10 00 63 e8 63 00 93 83 f3 ff 23 34 7b 00 6f f0 df fe 6f 00 80 00",
     "ld t2,8(s6); li t1,1; bltu t2,t1,0x18; add t2,t2,-1; sd t2,8(s6); j 0x0; j 0x20"},
    {"jne %r1, 0, -1\nexit", "fast+budget",
     "63 00 05 02 83 33 8b 00 13 03 10 00 63 e8 63 00 93 83 f3 ff 23 34 7b 00 6f f0 9f fe 6f 00 80 00",
     "beqz a0,0x20; ld t2,8(s6); li t1,1; bltu t2,t1,0x1c; add t2,t2,-1; sd t2,8(s6); j 0x0; j 0x24"},
    {"call 1\nexit", "fast+budget",
     "13 01 01 ff 23 34 11 00 83 33 8b 00 13 03 10 00 63 f4 63 00 6f 00 80 03 93 83 f3 ff 23 34 7b 00 97 0e 00 00 83 be 4e 05 23 3c 5b 01 83 37 0b 07 e7 80 0e 00 93 07 05 00 83 22 8b 02 63 92 02 02",
     "add sp,sp,-16; sd ra,8(sp); ld t2,8(s6); li t1,1; bgeu t2,t1,0x18; j 0x4c; add t2,t2,-1; sd t2,8(s6); auipc t4,0x0; ld t4,84(t4); sd s5,24(s6); ld a5,112(s6); jalr t4; mv a5,a0; lw t0,40(s6); bnez t0,0x60"},
    {"call %r1\nexit\n", "fast+spectre",
     "13 01 01 ff 23 34 11 00 93 02 80 00 63 76 55 04 97 0e 00 00 83 be 4e 07 b3 33 55 00 b3 03 70 40 b3 73 75 00 13 93 33 00 b3 8e 6e 00 83 be 0e 00 63 84 0e 02 23 3c 5b 01 83 37 0b 07 e7 80 0e 00 93 07 05 00 83 22 8b 02 63 94 02 02",
     "add sp,sp,-16; sd ra,8(sp); li t0,8; bgeu a0,t0,0x58; auipc t4,0x0; ld t4,116(t4); sltu t2,a0,t0; neg t2,t2; and t2,a0,t2; sll t1,t2,0x3; add t4,t4,t1; ld t4,0(t4); beqz t4,0x58; sd s5,24(s6); ld a5,112(s6); jalr t4; mv a5,a0; lw t0,40(s6); bnez t0,0x70"},
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

std::string hex_of(const std::vector<uint8_t>& bytes) {
  std::string out;
  char byte[4];
  for (uint8_t b : bytes) {
    std::snprintf(byte, sizeof byte, "%02x", b);
    if (!out.empty()) out += ' ';
    out += byte;
  }
  return out;
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
  options.mode = mode == "checked" ? ExecMode::kChecked : ExecMode::kFast;
  options.spectre_v1 = mode == "fast+spectre";
  options.helpers = helper_table();
  options.check_access = &fake_check;
  // Fast mode with a budget: the budget rewrite's charges
  // (jit/rewrites/instruction_budget.hpp), as the driver lowers it.
  const LoweredProgram lowered = mode == "fast+budget" ? charge_instruction_budget(LoweredProgram::from(*program))
                                                       : LoweredProgram::from(*program);
  auto code = riscv64::compile(lowered, options);
  EXPECT_TRUE(code) << code.error().to_string();
  if (!code) return {};
  const size_t next = is_lddw_form(program->row(0).form) ? 2 : 1;
  EXPECT_LT(next, program->size()) << "the measured instruction must not be the last";
  if (next >= program->size()) return {};
  // The slots of the first instruction as loaded end where the next one's start.
  const auto end = static_cast<size_t>(lowered.slot_of(static_cast<uint32_t>(next)));
  return {code->bytes.begin() + code->slot_offsets[0], code->bytes.begin() + code->slot_offsets[end]};
}

constexpr const char* kObjdump = "/usr/bin/riscv64-linux-gnu-objdump";

// objdump's disassembly of each snippet: the instruction texts, whitespace
// collapsed, comments dropped, separated by "; ". One objdump run for all
// of them: the snippets are laid end to end, and the absolute targets
// objdump prints for branches and jumps are made relative to their
// snippet again.
std::vector<std::string> objdump_all(const std::vector<std::vector<uint8_t>>& snippets) {
  std::vector<uint8_t> image;
  std::vector<size_t> bases;
  for (const auto& snippet : snippets) {
    bases.push_back(image.size());
    image.insert(image.end(), snippet.begin(), snippet.end());
  }
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("sandbpf_rv_golden_" + std::to_string(::getpid()) + ".bin")).string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(image.data()),
                                               static_cast<std::streamsize>(image.size()));
  const std::string command = std::string(kObjdump) + " -D -b binary -m riscv:rv64 " + path + " 2>&1";
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
    std::string rest = line.substr(tab + 1);
    if (const size_t comment = rest.find(" #"); comment != std::string::npos) rest.resize(comment);
    std::istringstream words(rest);
    std::string mnemonic, operands;
    words >> mnemonic >> operands;
    if ((mnemonic[0] == 'b' || mnemonic[0] == 'j') && mnemonic != "jr" && mnemonic != "jalr") {
      const size_t comma = operands.rfind(',');
      const size_t from = comma == std::string::npos ? 0 : comma + 1;
      if (operands.compare(from, 2, "0x") == 0) {
        const auto target = static_cast<int64_t>(std::stoull(operands.substr(from), nullptr, 16));
        const int64_t relative = target - static_cast<int64_t>(bases[k]);
        char text[32];
        std::snprintf(text, sizeof text, "%s0x%llx", relative < 0 ? "-" : "",
                      static_cast<unsigned long long>(relative < 0 ? -relative : relative));
        operands = operands.substr(0, from) + text;
      }
    }
    const std::string insn = operands.empty() ? mnemonic : mnemonic + " " + operands;
    texts[k] += (texts[k].empty() ? "" : "; ") + insn;
  }
  return texts;
}

// Cases for every row of the table, plus the special ones; what
// DISABLED_PrintGoldenTable prints expected values for.
std::vector<std::pair<std::string, std::string>> case_programs() {
  std::vector<std::pair<std::string, std::string>> cases;
  auto text_of = [](const std::vector<Insn>& slots) { return disassemble(slots); };
  for (const InsnInfo& row : all_instructions()) {
    const std::vector<Insn> slots = golden_case_for_row(row);
    cases.push_back({text_of(slots), "fast"});
  }
  const char* extras[][2] = {
      // Division: by zero (masked), signed overflow, immediates.
      {"div %r0, %r3\nexit", "fast"},
      {"div %r1, %r1\nexit", "fast"},
      {"mod32 %r1, %r2\nexit", "fast"},
      {"sdiv %r1, %r2\nexit", "fast"},
      {"smod32 %r1, -1\nexit", "fast"},
      {"div %r1, 0\nexit", "fast"},
      {"mod32 %r1, 0\nexit", "fast"},
      {"mod %r1, 0\nexit", "fast"},
      // 32-bit results are zero-extended (the *W forms sign-extend).
      {"add32 %r1, -1\nexit", "fast"},
      {"rsh32 %r1, 0\nexit", "fast"},
      {"arsh32 %r1, 0\nexit", "fast"},
      {"mov32 %r1, %r1\nexit", "fast"},
      {"mov %r1, %r1\nexit", "fast"},
      {"mov32 %r1, -1\nexit", "fast"},
      {"movsx832 %r1, %r2\nexit", "fast"},
      // Large immediates and offsets.
      {"mov %r0, -1\nexit", "fast"},
      {"mov %r0, 0x12345678\nexit", "fast"},
      {"add %r1, 0x7ffff800\nexit", "fast"},
      {"sub %r1, -2048\nexit", "fast"},
      {"and %r1, 0xfff\nexit", "fast"},
      {"lddw %r0, 0xffffffff80000000\nexit", "fast"},
      {"lddw %r0, 0x8000000000000000\nexit", "fast"},
      {"ldxdw %r0, [%r1+4096]\nexit", "fast"},
      {"stdw [%r1-32768], -1\nexit", "fast"},
      {"jeq %r1, 0x12345, +0\nexit", "fast"},
      {"jset %r1, 0x800, +0\nexit", "fast"},
      // Atomics: the 32-bit old value is zero-extended; cmpxchg compares
      // r0's low half.
      {"lock fetch or [%r0+8], %r0\nexit", "fast"},
      {"lock fetch xor32 [%r1+0], %r2\nexit", "fast"},
      {"lock cmpxchg32 [%r1+0], %r2\nexit", "fast"},
      {"lock xchg32 [%r1+0], %r2\nexit", "fast"},
      {"jeq %r1, 0, +0\nexit", "fast"},
      {"ja -1\nexit", "fast"},
      {"jsle32 %r1, %r2, +0\nexit", "fast"},
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
TEST(riscv64_golden, DISABLED_PrintGoldenTable) {
  std::string out;
  const auto cases = case_programs();
  std::vector<std::vector<uint8_t>> snippets;
  for (const auto& [bpf, mode] : cases) snippets.push_back(emit_first(bpf, mode));
  const std::vector<std::string> texts = objdump_all(snippets);
  for (size_t i = 0; i < cases.size(); ++i) {
    std::string escaped;
    for (char ch : cases[i].first) escaped += ch == '\n' ? std::string("\\n") : std::string(1, ch);
    out += "    {\"" + escaped + "\", \"" + cases[i].second + "\",\n     \"" + hex_of(snippets[i]) +
           "\",\n     \"" + texts[i] + "\"},\n";
  }
  std::printf("%s", out.c_str());
}

TEST(riscv64_golden, BytesMatch) {
  ASSERT_GT(std::size(kGolden), 1u) << "the golden table is empty: regenerate it";
  for (const Golden& golden : kGolden) {
    SCOPED_TRACE(std::string(golden.bpf) + " (" + golden.mode + ")");
    EXPECT_EQ(hex_of(emit_first(golden.bpf, golden.mode)), golden.hex);
  }
}

TEST(riscv64_golden, ObjdumpAgreesWithTheExpectedText) {
  if (!kObjdumpCanRun) GTEST_SKIP() << kObjdumpCannotRun;
  if (!std::filesystem::exists(kObjdump))
    GTEST_SKIP() << kObjdump << " is not installed (binutils-riscv64-linux-gnu): only the bytes are checked";
  std::vector<std::vector<uint8_t>> snippets;
  for (const Golden& golden : kGolden) {
    std::vector<uint8_t> bytes;
    std::istringstream hex(golden.hex);
    std::string byte;
    while (hex >> byte) bytes.push_back(static_cast<uint8_t>(std::stoul(byte, nullptr, 16)));
    snippets.push_back(std::move(bytes));
  }
  const std::vector<std::string> texts = objdump_all(snippets);
  for (size_t i = 0; i < snippets.size(); ++i)
    EXPECT_EQ(texts[i], kGolden[i].text) << kGolden[i].bpf << " (" << kGolden[i].mode << ")";
}

// Constant blinding on this backend: RISC-V splits a 32-bit immediate
// into lui's upper 20 bits and a 12-bit addend, so the program's constants
// are looked for as lui fields (jit_test checks whole immediates on x86-64).
TEST(riscv64_golden, BlindingKeepsTheConstantsOutOfTheCode) {
  const uint32_t constants[] = {0x3c5a7e11, 0x4d6b8f22, 0x709eb255, 0x01afc366};
  const std::string text = "mov %r0, 0x3c5a7e11\nadd %r0, 0x4d6b8f22\nstw [%r10-8], 0x709eb255\n"
                           "jeq %r0, 0x01afc366, +1\nexit\nexit\n";
  auto slots = assemble(text);
  ASSERT_TRUE(slots);
  auto program = Program::decode(*slots);
  ASSERT_TRUE(program);
  // The upper fields of every lui in the code.
  auto lui_fields = [](const std::vector<uint8_t>& code) {
    std::set<uint32_t> fields;
    for (size_t at = 0; at + 4 <= code.size(); at += 4) {
      const uint32_t w = static_cast<uint32_t>(code[at]) | static_cast<uint32_t>(code[at + 1]) << 8 |
                         static_cast<uint32_t>(code[at + 2]) << 16 | static_cast<uint32_t>(code[at + 3]) << 24;
      if ((w & 0x7f) == riscv64::opcode::kLui) fields.insert(w >> 12);
    }
    return fields;
  };
  BackendOptions options;
  auto plain = riscv64::compile(LoweredProgram::from(*program), options);
  auto blinded = riscv64::compile(blind_constants(*program, 12345), options);
  ASSERT_TRUE(plain);
  ASSERT_TRUE(blinded);
  const std::set<uint32_t> in_plain = lui_fields(plain->bytes), in_blinded = lui_fields(blinded->bytes);
  for (uint32_t c : constants) {
    const auto field = static_cast<uint32_t>(riscv64::high20(static_cast<int32_t>(c)));
    EXPECT_TRUE(in_plain.contains(field)) << std::hex << c;
    EXPECT_FALSE(in_blinded.contains(field)) << std::hex << c;
  }
}

TEST(riscv64_golden, EveryRowOfTheTableHasACase) {
  std::set<Op> covered;
  for (const Golden& golden : kGolden) {
    auto slots = assemble(golden.bpf);
    ASSERT_TRUE(slots) << golden.bpf;
    auto program = Program::decode(*slots);
    ASSERT_TRUE(program) << golden.bpf;
    covered.insert(program->op(0));
  }
  std::string missing;
  for (const InsnInfo& row : all_instructions())
    if (!covered.contains(row.op)) missing += std::string(row.mnemonic) + " ";
  EXPECT_TRUE(missing.empty()) << "rows without a golden case: " << missing;
}

}  // namespace
}  // namespace sandbpf
