// Golden encodings of the x86-64 backend: for each case, a BPF instruction
// (assembly text; the first instruction of the program is the one
// measured), the bytes the backend emits for it and their disassembly,
// checked together:
//   - the backend must emit exactly the expected bytes;
//   - binutils' objdump (objdump -D -b binary -mi386:x86-64 -M intel) must
//     disassemble the expected bytes to exactly the expected text, so the
//     table says what the bytes mean (skipped when /usr/bin/objdump is
//     missing; the bytes are still checked).
// Every row of the instruction table has a case (checked below), plus
// cases for the register mapping's special registers (rax/rdx for
// division, rcx for shifts, rax for compare-and-swap), fused sequences,
// checked mode's access checks and budget charges, and fast mode's
// back-edge charges.
//
// To regenerate after an intended change of the backend:
//   build/jit/sandbpf_jit_tests --gtest_also_run_disabled_tests --gtest_filter='*PrintGoldenTable'
// prints the table (between the markers below) with the current output.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "jit/lowered_program.hpp"
#include "jit/rewrites/instruction_budget.hpp"
#include "jit/x86_64/backend.hpp"
#include "loader/assembler.hpp"
#include "jit/tests/golden_cases.hpp"
#include "loader/disassembler.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

struct Golden {
  const char* bpf;   // program text; its first instruction is measured
  // "fast", "checked", "fast+budget" or "fast+spectre", with "+win64" for
  // the Windows x64 calling convention (else System V); "trampoline[+win64]"
  // measures the entry trampoline instead of the first instruction.
  const char* mode;
  const char* hex;   // the bytes, "@TABLE@" standing for the helper table's address
  const char* x86;   // objdump's text, instructions separated by "; "
};

// clang-format off
// BEGIN GOLDEN
constexpr Golden kGolden[] = {
    {"add32 %r1, 3\nexit\n", "fast",
     "83 c7 03",
     "add edi,0x3"},
    {"add32 %r1, %r2\nexit\n", "fast",
     "01 f7",
     "add edi,esi"},
    {"sub32 %r1, 3\nexit\n", "fast",
     "83 ef 03",
     "sub edi,0x3"},
    {"sub32 %r1, %r2\nexit\n", "fast",
     "29 f7",
     "sub edi,esi"},
    {"mul32 %r1, 3\nexit\n", "fast",
     "8d 3c 7f",
     "lea edi,[rdi+rdi*2]"},
    {"mul32 %r1, %r2\nexit\n", "fast",
     "0f af fe",
     "imul edi,esi"},
    {"div32 %r1, 3\nexit\n", "fast",
     "41 bb 03 00 00 00 49 89 c2 49 89 d1 48 89 f8 31 d2 41 f7 f3 48 89 c7 4c 89 ca 4c 89 d0",
     "mov r11d,0x3; mov r10,rax; mov r9,rdx; mov rax,rdi; xor edx,edx; div r11d; mov rdi,rax; mov rdx,r9; mov rax,r10"},
    {"div32 %r1, %r2\nexit\n", "fast",
     "41 89 f3 45 85 db 0f 84 1c 00 00 00 49 89 c2 49 89 d1 48 89 f8 31 d2 41 f7 f3 48 89 c7 4c 89 ca 4c 89 d0 e9 02 00 00 00 31 ff",
     "mov r11d,esi; test r11d,r11d; je 0x28; mov r10,rax; mov r9,rdx; mov rax,rdi; xor edx,edx; div r11d; mov rdi,rax; mov rdx,r9; mov rax,r10; jmp 0x2a; xor edi,edi"},
    {"or32 %r1, 3\nexit\n", "fast",
     "83 cf 03",
     "or edi,0x3"},
    {"or32 %r1, %r2\nexit\n", "fast",
     "09 f7",
     "or edi,esi"},
    {"and32 %r1, 3\nexit\n", "fast",
     "83 e7 03",
     "and edi,0x3"},
    {"and32 %r1, %r2\nexit\n", "fast",
     "21 f7",
     "and edi,esi"},
    {"lsh32 %r1, 3\nexit\n", "fast",
     "c1 e7 03",
     "shl edi,0x3"},
    {"lsh32 %r1, %r2\nexit\n", "fast",
     "49 89 cb 89 f1 d3 e7 4c 89 d9",
     "mov r11,rcx; mov ecx,esi; shl edi,cl; mov rcx,r11"},
    {"rsh32 %r1, 3\nexit\n", "fast",
     "c1 ef 03",
     "shr edi,0x3"},
    {"rsh32 %r1, %r2\nexit\n", "fast",
     "49 89 cb 89 f1 d3 ef 4c 89 d9",
     "mov r11,rcx; mov ecx,esi; shr edi,cl; mov rcx,r11"},
    {"mod32 %r1, 3\nexit\n", "fast",
     "41 bb 03 00 00 00 49 89 c2 49 89 d1 48 89 f8 31 d2 41 f7 f3 48 89 d7 4c 89 ca 4c 89 d0",
     "mov r11d,0x3; mov r10,rax; mov r9,rdx; mov rax,rdi; xor edx,edx; div r11d; mov rdi,rdx; mov rdx,r9; mov rax,r10"},
    {"mod32 %r1, %r2\nexit\n", "fast",
     "41 89 f3 45 85 db 0f 84 1c 00 00 00 49 89 c2 49 89 d1 48 89 f8 31 d2 41 f7 f3 48 89 d7 4c 89 ca 4c 89 d0 e9 02 00 00 00 89 ff",
     "mov r11d,esi; test r11d,r11d; je 0x28; mov r10,rax; mov r9,rdx; mov rax,rdi; xor edx,edx; div r11d; mov rdi,rdx; mov rdx,r9; mov rax,r10; jmp 0x2a; mov edi,edi"},
    {"xor32 %r1, 3\nexit\n", "fast",
     "83 f7 03",
     "xor edi,0x3"},
    {"xor32 %r1, %r2\nexit\n", "fast",
     "31 f7",
     "xor edi,esi"},
    {"mov32 %r1, 3\nexit\n", "fast",
     "bf 03 00 00 00",
     "mov edi,0x3"},
    {"mov32 %r1, %r2\nexit\n", "fast",
     "89 f7",
     "mov edi,esi"},
    {"arsh32 %r1, 3\nexit\n", "fast",
     "c1 ff 03",
     "sar edi,0x3"},
    {"arsh32 %r1, %r2\nexit\n", "fast",
     "49 89 cb 89 f1 d3 ff 4c 89 d9",
     "mov r11,rcx; mov ecx,esi; sar edi,cl; mov rcx,r11"},
    {"sdiv32 %r1, 3\nexit\n", "fast",
     "41 bb 03 00 00 00 49 89 c2 49 89 d1 48 89 f8 99 41 f7 fb 48 89 c7 4c 89 ca 4c 89 d0",
     "mov r11d,0x3; mov r10,rax; mov r9,rdx; mov rax,rdi; cdq; idiv r11d; mov rdi,rax; mov rdx,r9; mov rax,r10"},
    {"sdiv32 %r1, %r2\nexit\n", "fast",
     "41 89 f3 45 85 db 0f 84 25 00 00 00 41 83 fb ff 0f 84 22 00 00 00 49 89 c2 49 89 d1 48 89 f8 99 41 f7 fb 48 89 c7 4c 89 ca 4c 89 d0 e9 09 00 00 00 31 ff e9 02 00 00 00 f7 df",
     "mov r11d,esi; test r11d,r11d; je 0x31; cmp r11d,0xffffffff; je 0x38; mov r10,rax; mov r9,rdx; mov rax,rdi; cdq; idiv r11d; mov rdi,rax; mov rdx,r9; mov rax,r10; jmp 0x3a; xor edi,edi; jmp 0x3a; neg edi"},
    {"smod32 %r1, 3\nexit\n", "fast",
     "41 bb 03 00 00 00 49 89 c2 49 89 d1 48 89 f8 99 41 f7 fb 48 89 d7 4c 89 ca 4c 89 d0",
     "mov r11d,0x3; mov r10,rax; mov r9,rdx; mov rax,rdi; cdq; idiv r11d; mov rdi,rdx; mov rdx,r9; mov rax,r10"},
    {"smod32 %r1, %r2\nexit\n", "fast",
     "41 89 f3 45 85 db 0f 84 25 00 00 00 41 83 fb ff 0f 84 22 00 00 00 49 89 c2 49 89 d1 48 89 f8 99 41 f7 fb 48 89 d7 4c 89 ca 4c 89 d0 e9 09 00 00 00 89 ff e9 02 00 00 00 31 ff",
     "mov r11d,esi; test r11d,r11d; je 0x31; cmp r11d,0xffffffff; je 0x38; mov r10,rax; mov r9,rdx; mov rax,rdi; cdq; idiv r11d; mov rdi,rdx; mov rdx,r9; mov rax,r10; jmp 0x3a; mov edi,edi; jmp 0x3a; xor edi,edi"},
    {"neg32 %r1\nexit\n", "fast",
     "f7 df",
     "neg edi"},
    {"movsx832 %r1, %r2\nexit\n", "fast",
     "40 0f be fe",
     "movsx edi,sil"},
    {"movsx1632 %r1, %r2\nexit\n", "fast",
     "0f bf fe",
     "movsx edi,si"},
    {"add %r1, 3\nexit\n", "fast",
     "48 83 c7 03",
     "add rdi,0x3"},
    {"add %r1, %r2\nexit\n", "fast",
     "48 01 f7",
     "add rdi,rsi"},
    {"sub %r1, 3\nexit\n", "fast",
     "48 83 ef 03",
     "sub rdi,0x3"},
    {"sub %r1, %r2\nexit\n", "fast",
     "48 29 f7",
     "sub rdi,rsi"},
    {"mul %r1, 3\nexit\n", "fast",
     "48 8d 3c 7f",
     "lea rdi,[rdi+rdi*2]"},
    {"mul %r1, %r2\nexit\n", "fast",
     "48 0f af fe",
     "imul rdi,rsi"},
    {"div %r1, 3\nexit\n", "fast",
     "49 c7 c3 03 00 00 00 49 89 c2 49 89 d1 48 89 f8 31 d2 49 f7 f3 48 89 c7 4c 89 ca 4c 89 d0",
     "mov r11,0x3; mov r10,rax; mov r9,rdx; mov rax,rdi; xor edx,edx; div r11; mov rdi,rax; mov rdx,r9; mov rax,r10"},
    {"div %r1, %r2\nexit\n", "fast",
     "49 89 f3 4d 85 db 0f 84 1c 00 00 00 49 89 c2 49 89 d1 48 89 f8 31 d2 49 f7 f3 48 89 c7 4c 89 ca 4c 89 d0 e9 02 00 00 00 31 ff",
     "mov r11,rsi; test r11,r11; je 0x28; mov r10,rax; mov r9,rdx; mov rax,rdi; xor edx,edx; div r11; mov rdi,rax; mov rdx,r9; mov rax,r10; jmp 0x2a; xor edi,edi"},
    {"or %r1, 3\nexit\n", "fast",
     "48 83 cf 03",
     "or rdi,0x3"},
    {"or %r1, %r2\nexit\n", "fast",
     "48 09 f7",
     "or rdi,rsi"},
    {"and %r1, 3\nexit\n", "fast",
     "48 83 e7 03",
     "and rdi,0x3"},
    {"and %r1, %r2\nexit\n", "fast",
     "48 21 f7",
     "and rdi,rsi"},
    {"lsh %r1, 3\nexit\n", "fast",
     "48 c1 e7 03",
     "shl rdi,0x3"},
    {"lsh %r1, %r2\nexit\n", "fast",
     "49 89 cb 89 f1 48 d3 e7 4c 89 d9",
     "mov r11,rcx; mov ecx,esi; shl rdi,cl; mov rcx,r11"},
    {"rsh %r1, 3\nexit\n", "fast",
     "48 c1 ef 03",
     "shr rdi,0x3"},
    {"rsh %r1, %r2\nexit\n", "fast",
     "49 89 cb 89 f1 48 d3 ef 4c 89 d9",
     "mov r11,rcx; mov ecx,esi; shr rdi,cl; mov rcx,r11"},
    {"mod %r1, 3\nexit\n", "fast",
     "49 c7 c3 03 00 00 00 49 89 c2 49 89 d1 48 89 f8 31 d2 49 f7 f3 48 89 d7 4c 89 ca 4c 89 d0",
     "mov r11,0x3; mov r10,rax; mov r9,rdx; mov rax,rdi; xor edx,edx; div r11; mov rdi,rdx; mov rdx,r9; mov rax,r10"},
    {"mod %r1, %r2\nexit\n", "fast",
     "49 89 f3 4d 85 db 0f 84 1c 00 00 00 49 89 c2 49 89 d1 48 89 f8 31 d2 49 f7 f3 48 89 d7 4c 89 ca 4c 89 d0 e9 00 00 00 00",
     "mov r11,rsi; test r11,r11; je 0x28; mov r10,rax; mov r9,rdx; mov rax,rdi; xor edx,edx; div r11; mov rdi,rdx; mov rdx,r9; mov rax,r10; jmp 0x28"},
    {"xor %r1, 3\nexit\n", "fast",
     "48 83 f7 03",
     "xor rdi,0x3"},
    {"xor %r1, %r2\nexit\n", "fast",
     "48 31 f7",
     "xor rdi,rsi"},
    {"mov %r1, 3\nexit\n", "fast",
     "bf 03 00 00 00",
     "mov edi,0x3"},
    {"mov %r1, %r2\nexit\n", "fast",
     "48 89 f7",
     "mov rdi,rsi"},
    {"arsh %r1, 3\nexit\n", "fast",
     "48 c1 ff 03",
     "sar rdi,0x3"},
    {"arsh %r1, %r2\nexit\n", "fast",
     "49 89 cb 89 f1 48 d3 ff 4c 89 d9",
     "mov r11,rcx; mov ecx,esi; sar rdi,cl; mov rcx,r11"},
    {"sdiv %r1, 3\nexit\n", "fast",
     "49 c7 c3 03 00 00 00 49 89 c2 49 89 d1 48 89 f8 48 99 49 f7 fb 48 89 c7 4c 89 ca 4c 89 d0",
     "mov r11,0x3; mov r10,rax; mov r9,rdx; mov rax,rdi; cqo; idiv r11; mov rdi,rax; mov rdx,r9; mov rax,r10"},
    {"sdiv %r1, %r2\nexit\n", "fast",
     "49 89 f3 4d 85 db 0f 84 26 00 00 00 49 83 fb ff 0f 84 23 00 00 00 49 89 c2 49 89 d1 48 89 f8 48 99 49 f7 fb 48 89 c7 4c 89 ca 4c 89 d0 e9 0a 00 00 00 31 ff e9 03 00 00 00 48 f7 df",
     "mov r11,rsi; test r11,r11; je 0x32; cmp r11,0xffffffffffffffff; je 0x39; mov r10,rax; mov r9,rdx; mov rax,rdi; cqo; idiv r11; mov rdi,rax; mov rdx,r9; mov rax,r10; jmp 0x3c; xor edi,edi; jmp 0x3c; neg rdi"},
    {"smod %r1, 3\nexit\n", "fast",
     "49 c7 c3 03 00 00 00 49 89 c2 49 89 d1 48 89 f8 48 99 49 f7 fb 48 89 d7 4c 89 ca 4c 89 d0",
     "mov r11,0x3; mov r10,rax; mov r9,rdx; mov rax,rdi; cqo; idiv r11; mov rdi,rdx; mov rdx,r9; mov rax,r10"},
    {"smod %r1, %r2\nexit\n", "fast",
     "49 89 f3 4d 85 db 0f 84 26 00 00 00 49 83 fb ff 0f 84 21 00 00 00 49 89 c2 49 89 d1 48 89 f8 48 99 49 f7 fb 48 89 d7 4c 89 ca 4c 89 d0 e9 07 00 00 00 e9 02 00 00 00 31 ff",
     "mov r11,rsi; test r11,r11; je 0x32; cmp r11,0xffffffffffffffff; je 0x37; mov r10,rax; mov r9,rdx; mov rax,rdi; cqo; idiv r11; mov rdi,rdx; mov rdx,r9; mov rax,r10; jmp 0x39; jmp 0x39; xor edi,edi"},
    {"neg %r1\nexit\n", "fast",
     "48 f7 df",
     "neg rdi"},
    {"movsx864 %r1, %r2\nexit\n", "fast",
     "48 0f be fe",
     "movsx rdi,sil"},
    {"movsx1664 %r1, %r2\nexit\n", "fast",
     "48 0f bf fe",
     "movsx rdi,si"},
    {"movsx3264 %r1, %r2\nexit\n", "fast",
     "48 63 fe",
     "movsxd rdi,esi"},
    {"le16 %r1\nexit\n", "fast",
     "0f b7 ff",
     "movzx edi,di"},
    {"le32 %r1\nexit\n", "fast",
     "89 ff",
     "mov edi,edi"},
    {"le64 %r1\nexit\n", "fast",
     "",
     ""},
    {"be16 %r1\nexit\n", "fast",
     "66 c1 cf 08 0f b7 ff",
     "ror di,0x8; movzx edi,di"},
    {"be32 %r1\nexit\n", "fast",
     "0f cf",
     "bswap edi"},
    {"be64 %r1\nexit\n", "fast",
     "48 0f cf",
     "bswap rdi"},
    {"bswap16 %r1\nexit\n", "fast",
     "66 c1 cf 08 0f b7 ff",
     "ror di,0x8; movzx edi,di"},
    {"bswap32 %r1\nexit\n", "fast",
     "0f cf",
     "bswap edi"},
    {"bswap64 %r1\nexit\n", "fast",
     "48 0f cf",
     "bswap rdi"},
    {"ldxb %r1, [%r10-8]\nexit\n", "fast",
     "0f b6 7d f8",
     "movzx edi,BYTE PTR [rbp-0x8]"},
    {"ldxh %r1, [%r10-8]\nexit\n", "fast",
     "0f b7 7d f8",
     "movzx edi,WORD PTR [rbp-0x8]"},
    {"ldxw %r1, [%r10-8]\nexit\n", "fast",
     "8b 7d f8",
     "mov edi,DWORD PTR [rbp-0x8]"},
    {"ldxdw %r1, [%r10-8]\nexit\n", "fast",
     "48 8b 7d f8",
     "mov rdi,QWORD PTR [rbp-0x8]"},
    {"ldxsb %r1, [%r10-8]\nexit\n", "fast",
     "48 0f be 7d f8",
     "movsx rdi,BYTE PTR [rbp-0x8]"},
    {"ldxsh %r1, [%r10-8]\nexit\n", "fast",
     "48 0f bf 7d f8",
     "movsx rdi,WORD PTR [rbp-0x8]"},
    {"ldxsw %r1, [%r10-8]\nexit\n", "fast",
     "48 63 7d f8",
     "movsxd rdi,DWORD PTR [rbp-0x8]"},
    {"stb [%r10-8], 7\nexit\n", "fast",
     "c6 45 f8 07",
     "mov BYTE PTR [rbp-0x8],0x7"},
    {"sth [%r10-8], 7\nexit\n", "fast",
     "66 c7 45 f8 07 00",
     "mov WORD PTR [rbp-0x8],0x7"},
    {"stw [%r10-8], 7\nexit\n", "fast",
     "c7 45 f8 07 00 00 00",
     "mov DWORD PTR [rbp-0x8],0x7"},
    {"stdw [%r10-8], 7\nexit\n", "fast",
     "48 c7 45 f8 07 00 00 00",
     "mov QWORD PTR [rbp-0x8],0x7"},
    {"stxb [%r10-8], %r2\nexit\n", "fast",
     "40 88 75 f8",
     "mov BYTE PTR [rbp-0x8],sil"},
    {"stxh [%r10-8], %r2\nexit\n", "fast",
     "66 89 75 f8",
     "mov WORD PTR [rbp-0x8],si"},
    {"stxw [%r10-8], %r2\nexit\n", "fast",
     "89 75 f8",
     "mov DWORD PTR [rbp-0x8],esi"},
    {"stxdw [%r10-8], %r2\nexit\n", "fast",
     "48 89 75 f8",
     "mov QWORD PTR [rbp-0x8],rsi"},
    {"lock add32 [%r10-8], %r2\nexit\n", "fast",
     "f0 01 75 f8",
     "lock add DWORD PTR [rbp-0x8],esi"},
    {"lock fetch add32 [%r10-8], %r2\nexit\n", "fast",
     "f0 0f c1 75 f8",
     "lock xadd DWORD PTR [rbp-0x8],esi"},
    {"lock or32 [%r10-8], %r2\nexit\n", "fast",
     "f0 09 75 f8",
     "lock or DWORD PTR [rbp-0x8],esi"},
    {"lock fetch or32 [%r10-8], %r2\nexit\n", "fast",
     "49 89 c2 8b 45 f8 41 89 c3 41 09 f3 f0 44 0f b1 5d f8 75 f2 89 c6 4c 89 d0",
     "mov r10,rax; mov eax,DWORD PTR [rbp-0x8]; mov r11d,eax; or r11d,esi; lock cmpxchg DWORD PTR [rbp-0x8],r11d; jne 0x6; mov esi,eax; mov rax,r10"},
    {"lock and32 [%r10-8], %r2\nexit\n", "fast",
     "f0 21 75 f8",
     "lock and DWORD PTR [rbp-0x8],esi"},
    {"lock fetch and32 [%r10-8], %r2\nexit\n", "fast",
     "49 89 c2 8b 45 f8 41 89 c3 41 21 f3 f0 44 0f b1 5d f8 75 f2 89 c6 4c 89 d0",
     "mov r10,rax; mov eax,DWORD PTR [rbp-0x8]; mov r11d,eax; and r11d,esi; lock cmpxchg DWORD PTR [rbp-0x8],r11d; jne 0x6; mov esi,eax; mov rax,r10"},
    {"lock xor32 [%r10-8], %r2\nexit\n", "fast",
     "f0 31 75 f8",
     "lock xor DWORD PTR [rbp-0x8],esi"},
    {"lock fetch xor32 [%r10-8], %r2\nexit\n", "fast",
     "49 89 c2 8b 45 f8 41 89 c3 41 31 f3 f0 44 0f b1 5d f8 75 f2 89 c6 4c 89 d0",
     "mov r10,rax; mov eax,DWORD PTR [rbp-0x8]; mov r11d,eax; xor r11d,esi; lock cmpxchg DWORD PTR [rbp-0x8],r11d; jne 0x6; mov esi,eax; mov rax,r10"},
    {"lock xchg32 [%r10-8], %r2\nexit\n", "fast",
     "87 75 f8",
     "xchg DWORD PTR [rbp-0x8],esi"},
    {"lock cmpxchg32 [%r10-8], %r2\nexit\n", "fast",
     "f0 0f b1 75 f8 89 c0",
     "lock cmpxchg DWORD PTR [rbp-0x8],esi; mov eax,eax"},
    {"lock add [%r10-8], %r2\nexit\n", "fast",
     "f0 48 01 75 f8",
     "lock add QWORD PTR [rbp-0x8],rsi"},
    {"lock fetch add [%r10-8], %r2\nexit\n", "fast",
     "f0 48 0f c1 75 f8",
     "lock xadd QWORD PTR [rbp-0x8],rsi"},
    {"lock or [%r10-8], %r2\nexit\n", "fast",
     "f0 48 09 75 f8",
     "lock or QWORD PTR [rbp-0x8],rsi"},
    {"lock fetch or [%r10-8], %r2\nexit\n", "fast",
     "49 89 c2 48 8b 45 f8 49 89 c3 49 09 f3 f0 4c 0f b1 5d f8 75 f2 48 89 c6 4c 89 d0",
     "mov r10,rax; mov rax,QWORD PTR [rbp-0x8]; mov r11,rax; or r11,rsi; lock cmpxchg QWORD PTR [rbp-0x8],r11; jne 0x7; mov rsi,rax; mov rax,r10"},
    {"lock and [%r10-8], %r2\nexit\n", "fast",
     "f0 48 21 75 f8",
     "lock and QWORD PTR [rbp-0x8],rsi"},
    {"lock fetch and [%r10-8], %r2\nexit\n", "fast",
     "49 89 c2 48 8b 45 f8 49 89 c3 49 21 f3 f0 4c 0f b1 5d f8 75 f2 48 89 c6 4c 89 d0",
     "mov r10,rax; mov rax,QWORD PTR [rbp-0x8]; mov r11,rax; and r11,rsi; lock cmpxchg QWORD PTR [rbp-0x8],r11; jne 0x7; mov rsi,rax; mov rax,r10"},
    {"lock xor [%r10-8], %r2\nexit\n", "fast",
     "f0 48 31 75 f8",
     "lock xor QWORD PTR [rbp-0x8],rsi"},
    {"lock fetch xor [%r10-8], %r2\nexit\n", "fast",
     "49 89 c2 48 8b 45 f8 49 89 c3 49 31 f3 f0 4c 0f b1 5d f8 75 f2 48 89 c6 4c 89 d0",
     "mov r10,rax; mov rax,QWORD PTR [rbp-0x8]; mov r11,rax; xor r11,rsi; lock cmpxchg QWORD PTR [rbp-0x8],r11; jne 0x7; mov rsi,rax; mov rax,r10"},
    {"lock xchg [%r10-8], %r2\nexit\n", "fast",
     "48 87 75 f8",
     "xchg QWORD PTR [rbp-0x8],rsi"},
    {"lock cmpxchg [%r10-8], %r2\nexit\n", "fast",
     "f0 48 0f b1 75 f8",
     "lock cmpxchg QWORD PTR [rbp-0x8],rsi"},
    {"lddw %r1, 0x1122334455667788\nexit\n", "fast",
     "48 bf 88 77 66 55 44 33 22 11",
     "movabs rdi,0x1122334455667788"},
    {"lddw %r1, map 2\nexit\n", "fast",
     "49 83 7c 24 58 02 0f 86 0d 00 00 00 4d 8b 54 24 50 49 83 c2 70 49 8b 3a",
     "cmp QWORD PTR [r12+0x58],0x2; jbe 0x19; mov r10,QWORD PTR [r12+0x50]; add r10,0x70; mov rdi,QWORD PTR [r10]"},
    {"lddw %r1, map_value 2+8\nexit\n", "fast",
     "49 83 7c 24 58 02 0f 86 26 00 00 00 4d 8b 54 24 50 49 83 c2 70 4d 8b 5a 08 4d 85 db 0f 84 10 00 00 00 49 83 7a 10 08 0f 86 05 00 00 00 49 8d 7b 08",
     "cmp QWORD PTR [r12+0x58],0x2; jbe 0x32; mov r10,QWORD PTR [r12+0x50]; add r10,0x70; mov r11,QWORD PTR [r10+0x8]; test r11,r11; je 0x32; cmp QWORD PTR [r10+0x10],0x8; jbe 0x32; lea rdi,[r11+0x8]"},
    {"lddw %r1, var 2\nexit\n", "fast",
     "49 83 7c 24 68 02 0f 86 0d 00 00 00 4d 8b 54 24 60 49 83 c2 30 49 8b 3a",
     "cmp QWORD PTR [r12+0x68],0x2; jbe 0x19; mov r10,QWORD PTR [r12+0x60]; add r10,0x30; mov rdi,QWORD PTR [r10]"},
    {"lddw %r1, func +2\nexit\nexit\n", "fast",
     "48 bf 03 00 00 00 43 4e 55 46",
     "movabs rdi,0x46554e4300000003"},
    {"lddw %r1, map_idx 2\nexit\n", "fast",
     "49 83 7c 24 58 02 0f 86 0d 00 00 00 4d 8b 54 24 50 49 83 c2 70 49 8b 3a",
     "cmp QWORD PTR [r12+0x58],0x2; jbe 0x19; mov r10,QWORD PTR [r12+0x50]; add r10,0x70; mov rdi,QWORD PTR [r10]"},
    {"lddw %r1, map_idx_value 2+8\nexit\n", "fast",
     "49 83 7c 24 58 02 0f 86 26 00 00 00 4d 8b 54 24 50 49 83 c2 70 4d 8b 5a 08 4d 85 db 0f 84 10 00 00 00 49 83 7a 10 08 0f 86 05 00 00 00 49 8d 7b 08",
     "cmp QWORD PTR [r12+0x58],0x2; jbe 0x32; mov r10,QWORD PTR [r12+0x50]; add r10,0x70; mov r11,QWORD PTR [r10+0x8]; test r11,r11; je 0x32; cmp QWORD PTR [r10+0x10],0x8; jbe 0x32; lea rdi,[r11+0x8]"},
    {"ldabsb 4\nexit\n", "fast",
     "49 83 7c 24 48 05 0f 82 0b 00 00 00 4d 8b 54 24 40 41 0f b6 42 04",
     "cmp QWORD PTR [r12+0x48],0x5; jb 0x17; mov r10,QWORD PTR [r12+0x40]; movzx eax,BYTE PTR [r10+0x4]"},
    {"ldabsh 4\nexit\n", "fast",
     "49 83 7c 24 48 06 0f 82 0f 00 00 00 4d 8b 54 24 40 41 0f b7 42 04 66 c1 c0 08",
     "cmp QWORD PTR [r12+0x48],0x6; jb 0x1b; mov r10,QWORD PTR [r12+0x40]; movzx eax,WORD PTR [r10+0x4]; rol ax,0x8"},
    {"ldabsw 4\nexit\n", "fast",
     "49 83 7c 24 48 08 0f 82 0c 00 00 00 4d 8b 54 24 40 41 8b 42 04 0f c8",
     "cmp QWORD PTR [r12+0x48],0x8; jb 0x18; mov r10,QWORD PTR [r12+0x40]; mov eax,DWORD PTR [r10+0x4]; bswap eax"},
    {"ldindb %r2, 4\nexit\n", "fast",
     "41 89 f3 41 83 c3 04 0f 88 1a 00 00 00 4d 8d 53 01 4d 39 54 24 48 0f 82 0b 00 00 00 4d 8b 54 24 40 43 0f b6 04 1a",
     "mov r11d,esi; add r11d,0x4; js 0x27; lea r10,[r11+0x1]; cmp QWORD PTR [r12+0x48],r10; jb 0x27; mov r10,QWORD PTR [r12+0x40]; movzx eax,BYTE PTR [r10+r11*1]"},
    {"ldindh %r2, 4\nexit\n", "fast",
     "41 89 f3 41 83 c3 04 0f 88 1e 00 00 00 4d 8d 53 02 4d 39 54 24 48 0f 82 0f 00 00 00 4d 8b 54 24 40 43 0f b7 04 1a 66 c1 c0 08",
     "mov r11d,esi; add r11d,0x4; js 0x2b; lea r10,[r11+0x2]; cmp QWORD PTR [r12+0x48],r10; jb 0x2b; mov r10,QWORD PTR [r12+0x40]; movzx eax,WORD PTR [r10+r11*1]; rol ax,0x8"},
    {"ldindw %r2, 4\nexit\n", "fast",
     "41 89 f3 41 83 c3 04 0f 88 1b 00 00 00 4d 8d 53 04 4d 39 54 24 48 0f 82 0c 00 00 00 4d 8b 54 24 40 43 8b 04 1a 0f c8",
     "mov r11d,esi; add r11d,0x4; js 0x28; lea r10,[r11+0x4]; cmp QWORD PTR [r12+0x48],r10; jb 0x28; mov r10,QWORD PTR [r12+0x40]; mov eax,DWORD PTR [r10+r11*1]; bswap eax"},
    {"ja +0\nexit\n", "fast",
     "e9 00 00 00 00",
     "jmp 0x5"},
    {"ja32 +0\nexit\n", "fast",
     "e9 00 00 00 00",
     "jmp 0x5"},
    {"jeq %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 84 00 00 00 00",
     "cmp rdi,0x3; je 0xa"},
    {"jeq %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 84 00 00 00 00",
     "cmp rdi,rsi; je 0x9"},
    {"jgt %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 87 00 00 00 00",
     "cmp rdi,0x3; ja 0xa"},
    {"jgt %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 87 00 00 00 00",
     "cmp rdi,rsi; ja 0x9"},
    {"jge %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 83 00 00 00 00",
     "cmp rdi,0x3; jae 0xa"},
    {"jge %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 83 00 00 00 00",
     "cmp rdi,rsi; jae 0x9"},
    {"jset %r1, 3, +0\nexit\n", "fast",
     "48 f7 c7 03 00 00 00 0f 85 00 00 00 00",
     "test rdi,0x3; jne 0xd"},
    {"jset %r1, %r2, +0\nexit\n", "fast",
     "48 85 f7 0f 85 00 00 00 00",
     "test rdi,rsi; jne 0x9"},
    {"jne %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 85 00 00 00 00",
     "cmp rdi,0x3; jne 0xa"},
    {"jne %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 85 00 00 00 00",
     "cmp rdi,rsi; jne 0x9"},
    {"jsgt %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 8f 00 00 00 00",
     "cmp rdi,0x3; jg 0xa"},
    {"jsgt %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 8f 00 00 00 00",
     "cmp rdi,rsi; jg 0x9"},
    {"jsge %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 8d 00 00 00 00",
     "cmp rdi,0x3; jge 0xa"},
    {"jsge %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 8d 00 00 00 00",
     "cmp rdi,rsi; jge 0x9"},
    {"jlt %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 82 00 00 00 00",
     "cmp rdi,0x3; jb 0xa"},
    {"jlt %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 82 00 00 00 00",
     "cmp rdi,rsi; jb 0x9"},
    {"jle %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 86 00 00 00 00",
     "cmp rdi,0x3; jbe 0xa"},
    {"jle %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 86 00 00 00 00",
     "cmp rdi,rsi; jbe 0x9"},
    {"jslt %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 8c 00 00 00 00",
     "cmp rdi,0x3; jl 0xa"},
    {"jslt %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 8c 00 00 00 00",
     "cmp rdi,rsi; jl 0x9"},
    {"jsle %r1, 3, +0\nexit\n", "fast",
     "48 83 ff 03 0f 8e 00 00 00 00",
     "cmp rdi,0x3; jle 0xa"},
    {"jsle %r1, %r2, +0\nexit\n", "fast",
     "48 39 f7 0f 8e 00 00 00 00",
     "cmp rdi,rsi; jle 0x9"},
    {"jeq32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 84 00 00 00 00",
     "cmp edi,0x3; je 0x9"},
    {"jeq32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 84 00 00 00 00",
     "cmp edi,esi; je 0x8"},
    {"jgt32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 87 00 00 00 00",
     "cmp edi,0x3; ja 0x9"},
    {"jgt32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 87 00 00 00 00",
     "cmp edi,esi; ja 0x8"},
    {"jge32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 83 00 00 00 00",
     "cmp edi,0x3; jae 0x9"},
    {"jge32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 83 00 00 00 00",
     "cmp edi,esi; jae 0x8"},
    {"jset32 %r1, 3, +0\nexit\n", "fast",
     "f7 c7 03 00 00 00 0f 85 00 00 00 00",
     "test edi,0x3; jne 0xc"},
    {"jset32 %r1, %r2, +0\nexit\n", "fast",
     "85 f7 0f 85 00 00 00 00",
     "test edi,esi; jne 0x8"},
    {"jne32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 85 00 00 00 00",
     "cmp edi,0x3; jne 0x9"},
    {"jne32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 85 00 00 00 00",
     "cmp edi,esi; jne 0x8"},
    {"jsgt32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 8f 00 00 00 00",
     "cmp edi,0x3; jg 0x9"},
    {"jsgt32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 8f 00 00 00 00",
     "cmp edi,esi; jg 0x8"},
    {"jsge32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 8d 00 00 00 00",
     "cmp edi,0x3; jge 0x9"},
    {"jsge32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 8d 00 00 00 00",
     "cmp edi,esi; jge 0x8"},
    {"jlt32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 82 00 00 00 00",
     "cmp edi,0x3; jb 0x9"},
    {"jlt32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 82 00 00 00 00",
     "cmp edi,esi; jb 0x8"},
    {"jle32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 86 00 00 00 00",
     "cmp edi,0x3; jbe 0x9"},
    {"jle32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 86 00 00 00 00",
     "cmp edi,esi; jbe 0x8"},
    {"jslt32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 8c 00 00 00 00",
     "cmp edi,0x3; jl 0x9"},
    {"jslt32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 8c 00 00 00 00",
     "cmp edi,esi; jl 0x8"},
    {"jsle32 %r1, 3, +0\nexit\n", "fast",
     "83 ff 03 0f 8e 00 00 00 00",
     "cmp edi,0x3; jle 0x9"},
    {"jsle32 %r1, %r2, +0\nexit\n", "fast",
     "39 f7 0f 8e 00 00 00 00",
     "cmp edi,esi; jle 0x8"},
    {"call 1\nexit\n", "fast",
     "49 89 6c 24 18 4d 8b 4c 24 70 e8 21 00 00 00 41 83 7c 24 28 00 0f 85 01 00 00 00",
     "mov QWORD PTR [r12+0x18],rbp; mov r9,QWORD PTR [r12+0x70]; call 0x30; cmp DWORD PTR [r12+0x28],0x0; jne 0x1c"},
    {"call local +1\nexit\nexit\n", "fast",
     "49 3b 6c 24 20 0f 86 17 00 00 00 53 48 81 ed 00 02 00 00 e8 09 00 00 00 48 81 c5 00 02 00 00 5b",
     "cmp rbp,QWORD PTR [r12+0x20]; jbe 0x22; push rbx; sub rbp,0x200; call 0x21; add rbp,0x200; pop rbx"},
    {"call %r1\nexit\n", "fast",
     "49 89 fb 49 83 fb 08 0f 83 31 00 00 00 49 ba @TABLE@ 4f 8b 14 da 4d 85 d2 0f 84 1a 00 00 00 49 89 6c 24 18 4d 8b 4c 24 70 41 ff d2 41 83 7c 24 28 00 0f 85 1a 00 00 00",
     "mov r11,rdi; cmp r11,0x8; jae 0x3e; movabs r10,@TABLE@; mov r10,QWORD PTR [r10+r11*8]; test r10,r10; je 0x3e; mov QWORD PTR [r12+0x18],rbp; mov r9,QWORD PTR [r12+0x70]; call r10; cmp DWORD PTR [r12+0x28],0x0; jne 0x57"},
    {"exit\nexit\n", "fast",
     "c3",
     "ret"},
    {"div %r0, %r3\nexit", "fast",
     "49 89 d3 4d 85 db 0f 84 10 00 00 00 49 89 d1 31 d2 49 f7 f3 4c 89 ca e9 02 00 00 00 31 c0",
     "mov r11,rdx; test r11,r11; je 0x1c; mov r9,rdx; xor edx,edx; div r11; mov rdx,r9; jmp 0x1e; xor eax,eax"},
    {"div %r3, %r0\nexit", "fast",
     "49 89 c3 4d 85 db 0f 84 16 00 00 00 49 89 c2 48 89 d0 31 d2 49 f7 f3 48 89 c2 4c 89 d0 e9 02 00 00 00 31 d2",
     "mov r11,rax; test r11,r11; je 0x22; mov r10,rax; mov rax,rdx; xor edx,edx; div r11; mov rdx,rax; mov rax,r10; jmp 0x24; xor edx,edx"},
    {"mod32 %r1, %r2\nexit", "fast",
     "41 89 f3 45 85 db 0f 84 1c 00 00 00 49 89 c2 49 89 d1 48 89 f8 31 d2 41 f7 f3 48 89 d7 4c 89 ca 4c 89 d0 e9 02 00 00 00 89 ff",
     "mov r11d,esi; test r11d,r11d; je 0x28; mov r10,rax; mov r9,rdx; mov rax,rdi; xor edx,edx; div r11d; mov rdi,rdx; mov rdx,r9; mov rax,r10; jmp 0x2a; mov edi,edi"},
    {"sdiv %r1, %r2\nexit", "fast",
     "49 89 f3 4d 85 db 0f 84 26 00 00 00 49 83 fb ff 0f 84 23 00 00 00 49 89 c2 49 89 d1 48 89 f8 48 99 49 f7 fb 48 89 c7 4c 89 ca 4c 89 d0 e9 0a 00 00 00 31 ff e9 03 00 00 00 48 f7 df",
     "mov r11,rsi; test r11,r11; je 0x32; cmp r11,0xffffffffffffffff; je 0x39; mov r10,rax; mov r9,rdx; mov rax,rdi; cqo; idiv r11; mov rdi,rax; mov rdx,r9; mov rax,r10; jmp 0x3c; xor edi,edi; jmp 0x3c; neg rdi"},
    {"smod32 %r1, -1\nexit", "fast",
     "31 ff",
     "xor edi,edi"},
    {"div %r1, 0\nexit", "fast",
     "31 ff",
     "xor edi,edi"},
    {"mod32 %r1, 0\nexit", "fast",
     "89 ff",
     "mov edi,edi"},
    {"lsh %r1, %r4\nexit", "fast",
     "48 d3 e7",
     "shl rdi,cl"},
    {"rsh %r4, %r1\nexit", "fast",
     "49 89 cb 89 f9 49 d3 eb 4c 89 d9",
     "mov r11,rcx; mov ecx,edi; shr r11,cl; mov rcx,r11"},
    {"arsh32 %r1, 0\nexit", "fast",
     "89 ff",
     "mov edi,edi"},
    {"mul %r1, 31\nexit", "fast",
     "49 89 fb 48 c1 e7 05 4c 29 df",
     "mov r11,rdi; shl rdi,0x5; sub rdi,r11"},
    {"mul %r1, 8\nexit", "fast",
     "48 c1 e7 03",
     "shl rdi,0x3"},
    {"mul32 %r1, 33\nexit", "fast",
     "41 89 fb c1 e7 05 44 01 df",
     "mov r11d,edi; shl edi,0x5; add edi,r11d"},
    {"mul32 %r1, 1\nexit", "fast",
     "89 ff",
     "mov edi,edi"},
    {"mul %r1, 0\nexit", "fast",
     "31 ff",
     "xor edi,edi"},
    {"mul %r1, 9\nexit", "fast",
     "48 8d 3c ff",
     "lea rdi,[rdi+rdi*8]"},
    {"mul %r1, -7\nexit", "fast",
     "48 6b ff f9",
     "imul rdi,rdi,0xfffffffffffffff9"},
    {"mul32 %r1, -1\nexit", "fast",
     "6b ff ff",
     "imul edi,edi,0xffffffff"},
    {"lock fetch or [%r0+8], %r0\nexit", "fast",
     "4c 8d 48 08 49 89 c2 49 8b 01 49 89 c3 4d 09 d3 f0 4d 0f b1 19 75 f3",
     "lea r9,[rax+0x8]; mov r10,rax; mov rax,QWORD PTR [r9]; mov r11,rax; or r11,r10; lock cmpxchg QWORD PTR [r9],r11; jne 0xa"},
    {"lock fetch xor32 [%r1+0], %r2\nexit", "fast",
     "49 89 c2 8b 07 41 89 c3 41 31 f3 f0 44 0f b1 1f 75 f3 89 c6 4c 89 d0",
     "mov r10,rax; mov eax,DWORD PTR [rdi]; mov r11d,eax; xor r11d,esi; lock cmpxchg DWORD PTR [rdi],r11d; jne 0x5; mov esi,eax; mov rax,r10"},
    {"lock cmpxchg32 [%r1+0], %r2\nexit", "fast",
     "f0 0f b1 37 89 c0",
     "lock cmpxchg DWORD PTR [rdi],esi; mov eax,eax"},
    {"mov %r0, -1\nexit", "fast",
     "48 c7 c0 ff ff ff ff",
     "mov rax,0xffffffffffffffff"},
    {"mov %r0, 0\nexit", "fast",
     "31 c0",
     "xor eax,eax"},
    {"lddw %r0, 0xffffffff80000000\nexit", "fast",
     "48 c7 c0 00 00 00 80",
     "mov rax,0xffffffff80000000"},
    {"mov32 %r1, %r1\nexit", "fast",
     "89 ff",
     "mov edi,edi"},
    {"mov %r1, %r1\nexit", "fast",
     "",
     ""},
    {"movsx832 %r1, %r2\nexit", "fast",
     "40 0f be fe",
     "movsx edi,sil"},
    {"jeq %r1, 0, +0\nexit", "fast",
     "48 85 ff 0f 84 00 00 00 00",
     "test rdi,rdi; je 0x9"},
    {"ja -1\nexit", "fast",
     "eb fe",
     "jmp 0x0"},
    {"mov %r0, %r1\nadd %r0, %r4\nldxb %r0, [%r0+0]\nexit", "fast",
     "0f b6 04 0f",
     "movzx eax,BYTE PTR [rdi+rcx*1]"},
    {"mov %r0, %r1\nadd %r0, 16\nldxdw %r0, [%r0-8]\nexit", "fast",
     "48 8b 47 08",
     "mov rax,QWORD PTR [rdi+0x8]"},
    {"mov %r0, %r1\nadd %r0, %r4\nldxb %r2, [%r0+0]\nexit", "fast",
     "48 8d 04 0f",
     "lea rax,[rdi+rcx*1]"},
    {"mov %r0, %r3\nadd %r0, %r5\nexit", "fast",
     "4a 8d 04 02",
     "lea rax,[rdx+r8*1]"},
    {"mov %r1, %r2\nadd %r1, %r1\nexit", "fast",
     "48 8d 3c 36",
     "lea rdi,[rsi+rsi*1]"},
    {"mov32 %r1, %r2\nadd32 %r1, -4\nexit", "fast",
     "8d 7e fc",
     "lea edi,[rsi-0x4]"},
    {"and %r0, 0xffff\nexit", "fast",
     "0f b7 c0",
     "movzx eax,ax"},
    {"and32 %r1, 0xff\nexit", "fast",
     "40 0f b6 ff",
     "movzx edi,dil"},
    {"mov %r4, %r0\nrsh %r4, 61\nlsh %r0, 3\nor %r0, %r4\nexit", "fast",
     "48 89 c1 48 c1 e9 3d 48 c1 c0 03",
     "mov rcx,rax; shr rcx,0x3d; rol rax,0x3"},
    {"jlt %r1, %r2, +1\nja +1\nmov %r0, 1\nexit", "fast",
     "48 39 f7 0f 83 05 00 00 00",
     "cmp rdi,rsi; jae 0xe"},
    {"jset32 %r1, 4, +1\nja32 -2\nexit", "fast",
     "f7 c7 04 00 00 00 74 f8",
     "test edi,0x4; je 0x0"},
    {"mov %r4, %r0\nlsh %r4, 13\nrsh %r0, 51\nor %r0, %r4\nexit", "fast",
     "48 89 c1 48 c1 e1 0d 48 c1 c0 0d",
     "mov rcx,rax; shl rcx,0xd; rol rax,0xd"},
    {"mov %r0, %r1\nadd %r0, %r4\nldxb %r0, [%r0+0]\nexit", "checked",
     "49 83 6c 24 08 03 0f 82 20 00 00 00 4c 8d 1c 0f 41 ba 02 00 00 00 e8 45 00 00 00 0f b6 04 0f",
     "sub QWORD PTR [r12+0x8],0x3; jb 0x2c; lea r11,[rdi+rcx*1]; mov r10d,0x2; call 0x60; movzx eax,BYTE PTR [rdi+rcx*1]"},
    {"ldxw %r1, [%r2+4]\nexit", "checked",
     "49 83 6c 24 08 01 0f 82 1f 00 00 00 4c 8d 5e 04 41 ba 00 00 00 00 e8 44 00 00 00 8b 7e 04",
     "sub QWORD PTR [r12+0x8],0x1; jb 0x2b; lea r11,[rsi+0x4]; mov r10d,0x0; call 0x5f; mov edi,DWORD PTR [rsi+0x4]"},
    {"stw [%r10-8], 7\nexit", "checked",
     "49 83 6c 24 08 01 0f 82 23 00 00 00 4c 8d 5d f8 41 ba 00 00 00 00 e8 48 00 00 00 c7 45 f8 07 00 00 00",
     "sub QWORD PTR [r12+0x8],0x1; jb 0x2f; lea r11,[rbp-0x8]; mov r10d,0x0; call 0x63; mov DWORD PTR [rbp-0x8],0x7"},
    {"lock add [%r1+0], %r2\nexit", "checked",
     "49 83 6c 24 08 01 0f 82 1f 00 00 00 4c 8d 1f 41 ba 00 00 00 00 e8 45 00 00 00 f0 48 01 37",
     "sub QWORD PTR [r12+0x8],0x1; jb 0x2b; lea r11,[rdi]; mov r10d,0x0; call 0x5f; lock add QWORD PTR [rdi],rsi"},
    {"add %r1, 1\nadd %r1, 2\nexit", "checked",
     "49 83 6c 24 08 03 0f 82 09 00 00 00 48 83 c7 01",
     "sub QWORD PTR [r12+0x8],0x3; jb 0x15; add rdi,0x1"},
    {"ja -1\nexit", "fast+budget",
     "49 83 7c 24 08 01 0f 82 08 00 00 00 49 83 6c 24 08 01 eb ec e9 01 00 00 00",
     "cmp QWORD PTR [r12+0x8],0x1; jb 0x14; sub QWORD PTR [r12+0x8],0x1; jmp 0x0; jmp 0x1a"},
    {"jne %r1, 0, -1\nexit", "fast+budget",
     "48 85 ff 0f 84 19 00 00 00 49 83 7c 24 08 01 0f 82 08 00 00 00 49 83 6c 24 08 01 eb e3 e9 01 00 00 00",
     "test rdi,rdi; je 0x22; cmp QWORD PTR [r12+0x8],0x1; jb 0x1d; sub QWORD PTR [r12+0x8],0x1; jmp 0x0; jmp 0x23"},
    {"call 1\nexit", "fast+budget",
     "49 83 7c 24 08 01 0f 82 22 00 00 00 49 83 6c 24 08 01 49 89 6c 24 18 4d 8b 4c 24 70 e8 35 00 00 00 41 83 7c 24 28 00 0f 85 15 00 00 00",
     "cmp QWORD PTR [r12+0x8],0x1; jb 0x2e; sub QWORD PTR [r12+0x8],0x1; mov QWORD PTR [r12+0x18],rbp; mov r9,QWORD PTR [r12+0x70]; call 0x56; cmp DWORD PTR [r12+0x28],0x0; jne 0x42"},
    {"call %r1\nexit\n", "fast+spectre",
     "49 89 fb 49 83 fb 08 0f 83 37 00 00 00 4d 19 d2 4d 21 d3 49 ba @TABLE@ 4f 8b 14 da 4d 85 d2 0f 84 1a 00 00 00 49 89 6c 24 18 4d 8b 4c 24 70 41 ff d2 41 83 7c 24 28 00 0f 85 1a 00 00 00",
     "mov r11,rdi; cmp r11,0x8; jae 0x44; sbb r10,r10; and r11,r10; movabs r10,@TABLE@; mov r10,QWORD PTR [r10+r11*8]; test r10,r10; je 0x44; mov QWORD PTR [r12+0x18],rbp; mov r9,QWORD PTR [r12+0x70]; call r10; cmp DWORD PTR [r12+0x28],0x0; jne 0x5d"},
    {"call 1\nexit", "fast+win64",
     "49 89 6c 24 18 48 83 ec 30 4c 89 44 24 20 49 8b 44 24 70 48 89 44 24 28 49 89 c9 49 89 d0 48 89 f2 48 89 f9 e8 25 00 00 00 48 83 c4 30 41 83 7c 24 28 00 0f 85 01 00 00 00",
     "mov QWORD PTR [r12+0x18],rbp; sub rsp,0x30; mov QWORD PTR [rsp+0x20],r8; mov rax,QWORD PTR [r12+0x70]; mov QWORD PTR [rsp+0x28],rax; mov r9,rcx; mov r8,rdx; mov rdx,rsi; mov rcx,rdi; call 0x4e; add rsp,0x30; cmp DWORD PTR [r12+0x28],0x0; jne 0x3a"},
    {"call %r1\nexit", "fast+win64",
     "49 89 fb 49 83 fb 08 0f 83 4f 00 00 00 49 ba @TABLE@ 4f 8b 14 da 4d 85 d2 0f 84 38 00 00 00 49 89 6c 24 18 48 83 ec 30 4c 89 44 24 20 49 8b 44 24 70 48 89 44 24 28 49 89 c9 49 89 d0 48 89 f2 48 89 f9 41 ff d2 48 83 c4 30 41 83 7c 24 28 00 0f 85 1a 00 00 00",
     "mov r11,rdi; cmp r11,0x8; jae 0x5c; movabs r10,@TABLE@; mov r10,QWORD PTR [r10+r11*8]; test r10,r10; je 0x5c; mov QWORD PTR [r12+0x18],rbp; sub rsp,0x30; mov QWORD PTR [rsp+0x20],r8; mov rax,QWORD PTR [r12+0x70]; mov QWORD PTR [rsp+0x28],rax; mov r9,rcx; mov r8,rdx; mov rdx,rsi; mov rcx,rdi; call r10; add rsp,0x30; cmp DWORD PTR [r12+0x28],0x0; jne 0x75"},
    {"call 1\nexit", "fast+budget+win64",
     "49 83 7c 24 08 01 0f 82 40 00 00 00 49 83 6c 24 08 01 49 89 6c 24 18 48 83 ec 30 4c 89 44 24 20 49 8b 44 24 70 48 89 44 24 28 49 89 c9 49 89 d0 48 89 f2 48 89 f9 e8 39 00 00 00 48 83 c4 30 41 83 7c 24 28 00 0f 85 15 00 00 00",
     "cmp QWORD PTR [r12+0x8],0x1; jb 0x4c; sub QWORD PTR [r12+0x8],0x1; mov QWORD PTR [r12+0x18],rbp; sub rsp,0x30; mov QWORD PTR [rsp+0x20],r8; mov rax,QWORD PTR [r12+0x70]; mov QWORD PTR [rsp+0x28],rax; mov r9,rcx; mov r8,rdx; mov rdx,rsi; mov rcx,rdi; call 0x74; add rsp,0x30; cmp DWORD PTR [r12+0x28],0x0; jne 0x60"},
    {"exit", "trampoline",
     "55 53 41 54 41 55 41 56 41 57 49 89 fc 41 ff 34 24 48 83 ec 08 49 89 24 24 49 89 d3 48 8b 3e 48 8b 56 10 48 8b 4e 18 4c 8b 46 20 48 8b 76 08 49 8b 6c 24 10 31 c0 31 db 45 31 ed 45 31 f6 45 31 ff 41 ff d3 48 83 c4 08 41 8f 04 24 41 5f 41 5e 41 5d 41 5c 5b 5d c3 49 8b 24 24 31 c0 eb e5",
     "push rbp; push rbx; push r12; push r13; push r14; push r15; mov r12,rdi; push QWORD PTR [r12]; sub rsp,0x8; mov QWORD PTR [r12],rsp; mov r11,rdx; mov rdi,QWORD PTR [rsi]; mov rdx,QWORD PTR [rsi+0x10]; mov rcx,QWORD PTR [rsi+0x18]; mov r8,QWORD PTR [rsi+0x20]; mov rsi,QWORD PTR [rsi+0x8]; mov rbp,QWORD PTR [r12+0x10]; xor eax,eax; xor ebx,ebx; xor r13d,r13d; xor r14d,r14d; xor r15d,r15d; call r11; add rsp,0x8; pop QWORD PTR [r12]; pop r15; pop r14; pop r13; pop r12; pop rbx; pop rbp; ret; mov rsp,QWORD PTR [r12]; xor eax,eax; jmp 0x44"},
    {"exit", "trampoline+win64",
     "55 53 41 54 41 55 41 56 41 57 57 56 49 89 cc 41 ff 34 24 48 83 ec 08 49 89 24 24 4d 89 c3 48 8b 3a 48 8b 72 08 48 8b 4a 18 4c 8b 42 20 48 8b 52 10 49 8b 6c 24 10 31 c0 31 db 45 31 ed 45 31 f6 45 31 ff 41 ff d3 48 83 c4 08 41 8f 04 24 5e 5f 41 5f 41 5e 41 5d 41 5c 5b 5d c3 49 8b 24 24 31 c0 eb e3",
     "push rbp; push rbx; push r12; push r13; push r14; push r15; push rdi; push rsi; mov r12,rcx; push QWORD PTR [r12]; sub rsp,0x8; mov QWORD PTR [r12],rsp; mov r11,r8; mov rdi,QWORD PTR [rdx]; mov rsi,QWORD PTR [rdx+0x8]; mov rcx,QWORD PTR [rdx+0x18]; mov r8,QWORD PTR [rdx+0x20]; mov rdx,QWORD PTR [rdx+0x10]; mov rbp,QWORD PTR [r12+0x10]; xor eax,eax; xor ebx,ebx; xor r13d,r13d; xor r14d,r14d; xor r15d,r15d; call r11; add rsp,0x8; pop QWORD PTR [r12]; pop rsi; pop rdi; pop r15; pop r14; pop r13; pop r12; pop rbx; pop rbp; ret; mov rsp,QWORD PTR [r12]; xor eax,eax; jmp 0x46"},
};
// END GOLDEN
// clang-format on

// The helpers the cases see: id 1 is a fake address (never called, only
// encoded); callx embeds the table's own address, which varies per run.
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

std::string table_address_hex() {
  uint64_t address = reinterpret_cast<uint64_t>(helper_table().data());
  std::vector<uint8_t> bytes(8);
  for (auto& b : bytes) {
    b = static_cast<uint8_t>(address);
    address >>= 8;
  }
  return hex_of(bytes);
}

// How objdump writes the table's address.
std::string table_address_text() {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx",
                static_cast<unsigned long long>(reinterpret_cast<uint64_t>(helper_table().data())));
  return text;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
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
  // Explicit on every host, so both tables hold in every build.
  options.x86_abi = mode.ends_with("+win64") ? X86Abi::kWin64 : X86Abi::kSysV;
  // Fast mode with a budget: the budget rewrite's charges
  // (jit/rewrites/instruction_budget.hpp), as the driver lowers it.
  const LoweredProgram lowered = mode.starts_with("fast+budget")
                                     ? charge_instruction_budget(LoweredProgram::from(*program))
                                     : LoweredProgram::from(*program);
  auto code = x86_64::compile(lowered, options);
  EXPECT_TRUE(code) << code.error().to_string();
  if (!code) return {};
  if (mode.starts_with("trampoline"))  // the entry trampoline and the unwinder, before the program
    return {code->bytes.begin() + code->trampoline_offset, code->bytes.begin() + code->slot_offsets[0]};
  const size_t next = is_lddw_form(program->row(0).form) ? 2 : 1;
  EXPECT_LT(next, program->size()) << "the measured instruction must not be the last";
  if (next >= program->size()) return {};
  // The slots of the first instruction as loaded end where the next one's start.
  const auto end = static_cast<size_t>(lowered.slot_of(static_cast<uint32_t>(next)));
  return {code->bytes.begin() + code->slot_offsets[0], code->bytes.begin() + code->slot_offsets[end]};
}

// objdump's disassembly of each snippet: the instruction texts, whitespace
// collapsed, separated by "; " (empty strings when objdump is missing).
// One objdump run for all of them: the snippets are laid end to end in one
// file (each is whole instructions, so the disassembly splits exactly at
// their boundaries), and the absolute targets objdump prints for jumps and
// calls are made relative to their snippet again.
std::vector<std::string> objdump_all(const std::vector<std::vector<uint8_t>>& snippets) {
  std::vector<uint8_t> image;
  std::vector<size_t> bases;
  for (const auto& snippet : snippets) {
    bases.push_back(image.size());
    image.insert(image.end(), snippet.begin(), snippet.end());
  }
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("sandbpf_golden_" + std::to_string(::getpid()) + ".bin")).string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(image.data()),
                                               static_cast<std::streamsize>(image.size()));
  const std::string command = "/usr/bin/objdump -D -b binary -mi386:x86-64 -M intel " + path + " 2>&1";
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
    // Lines look like "   0:\t48 01 c7             \tadd    rdi,rax".
    const size_t colon = line.find(":\t");
    if (colon == std::string::npos) continue;
    const size_t tab = line.find('\t', colon + 2);
    if (tab == std::string::npos) continue;  // a continuation line of long bytes
    size_t address = 0;
    try {
      address = std::stoul(line.substr(0, colon), nullptr, 16);
    } catch (...) {
      continue;
    }
    // The last snippet starting at or before the address (empty ones hold nothing).
    size_t k = static_cast<size_t>(std::upper_bound(bases.begin(), bases.end(), address) - bases.begin()) - 1;
    while (snippets[k].empty() && k > 0) --k;
    if (address - bases[k] >= snippets[k].size()) continue;
    std::istringstream words(line.substr(tab + 1));
    std::string word, insn;
    std::vector<std::string> parts;
    while (words >> word) parts.push_back(word);
    if (parts.size() == 2 && (parts[0][0] == 'j' || parts[0] == "call") && parts[1].starts_with("0x")) {
      char relative[24];
      std::snprintf(relative, sizeof relative, "0x%zx", std::stoul(parts[1], nullptr, 16) - bases[k]);
      parts[1] = relative;
    }
    for (const std::string& part : parts) insn += (insn.empty() ? "" : " ") + part;
    texts[k] += (texts[k].empty() ? "" : "; ") + insn;
  }
  return texts;
}

bool have_objdump() { return kObjdumpCanRun && std::filesystem::exists("/usr/bin/objdump"); }

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
      // The mapping's special registers.
      {"div %r0, %r3\nexit", "fast"},
      {"div %r3, %r0\nexit", "fast"},
      {"mod32 %r1, %r2\nexit", "fast"},
      {"sdiv %r1, %r2\nexit", "fast"},
      {"smod32 %r1, -1\nexit", "fast"},
      {"div %r1, 0\nexit", "fast"},
      {"mod32 %r1, 0\nexit", "fast"},
      {"lsh %r1, %r4\nexit", "fast"},
      {"rsh %r4, %r1\nexit", "fast"},
      {"arsh32 %r1, 0\nexit", "fast"},
      {"mul %r1, 31\nexit", "fast"},
      {"mul %r1, 8\nexit", "fast"},
      {"mul32 %r1, 33\nexit", "fast"},
      {"mul32 %r1, 1\nexit", "fast"},
      {"mul %r1, 0\nexit", "fast"},
      {"mul %r1, 9\nexit", "fast"},
      {"mul %r1, -7\nexit", "fast"},
      {"mul32 %r1, -1\nexit", "fast"},
      {"lock fetch or [%r0+8], %r0\nexit", "fast"},
      {"lock fetch xor32 [%r1+0], %r2\nexit", "fast"},
      {"lock cmpxchg32 [%r1+0], %r2\nexit", "fast"},
      {"mov %r0, -1\nexit", "fast"},
      {"mov %r0, 0\nexit", "fast"},
      {"lddw %r0, 0xffffffff80000000\nexit", "fast"},
      {"mov32 %r1, %r1\nexit", "fast"},
      {"mov %r1, %r1\nexit", "fast"},
      {"movsx832 %r1, %r2\nexit", "fast"},
      {"jeq %r1, 0, +0\nexit", "fast"},
      {"ja -1\nexit", "fast"},
      // Fused sequences (emit_fused.cpp), and a near miss.
      {"mov %r0, %r1\nadd %r0, %r4\nldxb %r0, [%r0+0]\nexit", "fast"},
      {"mov %r0, %r1\nadd %r0, 16\nldxdw %r0, [%r0-8]\nexit", "fast"},
      {"mov %r0, %r1\nadd %r0, %r4\nldxb %r2, [%r0+0]\nexit", "fast"},
      {"mov %r0, %r3\nadd %r0, %r5\nexit", "fast"},
      {"mov %r1, %r2\nadd %r1, %r1\nexit", "fast"},
      {"mov32 %r1, %r2\nadd32 %r1, -4\nexit", "fast"},
      {"and %r0, 0xffff\nexit", "fast"},
      {"and32 %r1, 0xff\nexit", "fast"},
      {"mov %r4, %r0\nrsh %r4, 61\nlsh %r0, 3\nor %r0, %r4\nexit", "fast"},
      {"jlt %r1, %r2, +1\nja +1\nmov %r0, 1\nexit", "fast"},
      {"jset32 %r1, 4, +1\nja32 -2\nexit", "fast"},
      {"mov %r4, %r0\nlsh %r4, 13\nrsh %r0, 51\nor %r0, %r4\nexit", "fast"},
      {"mov %r0, %r1\nadd %r0, %r4\nldxb %r0, [%r0+0]\nexit", "checked"},
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
      // Windows x64 (BackendOptions::x86_abi): helper calls move r1-r5 into
      // rcx, rdx, r8, r9 and the stack above 32 bytes of shadow space; the
      // trampoline takes its arguments in rcx, rdx, r8 and saves rdi, rsi.
      {"call 1\nexit", "fast+win64"},
      {"call %r1\nexit", "fast+win64"},
      {"call 1\nexit", "fast+budget+win64"},
      {"exit", "trampoline"},
      {"exit", "trampoline+win64"},
  };
  for (const auto& extra : extras) cases.push_back({extra[0], extra[1]});
  return cases;
}

// Not a test: prints the golden table in source form after an intended
// change of the emitted code. Run it with
// --gtest_also_run_disabled_tests --gtest_filter='*PrintGoldenTable'.
TEST(x86_64_golden, DISABLED_PrintGoldenTable) {
  std::string out;
  const std::string table = table_address_hex();
  const auto cases = case_programs();
  std::vector<std::vector<uint8_t>> snippets;
  for (const auto& [bpf, mode] : cases) snippets.push_back(emit_first(bpf, mode));
  const std::vector<std::string> texts = objdump_all(snippets);
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string escaped = replace_all(cases[i].first, "\n", "\\n");
    const std::string hex = replace_all(hex_of(snippets[i]), table, "@TABLE@");
    out += "    {\"" + escaped + "\", \"" + cases[i].second + "\",\n     \"" + hex + "\",\n     \"" +
           replace_all(texts[i], table_address_text(), "@TABLE@") + "\"},\n";
  }
  std::printf("%s", out.c_str());
}

TEST(x86_64_golden, BytesAndDisassemblyMatch) {
  ASSERT_GT(std::size(kGolden), 0u) << "the golden table is empty: regenerate it";
  const std::string table = table_address_hex();
  for (const Golden& golden : kGolden) {
    SCOPED_TRACE(std::string(golden.bpf) + " (" + golden.mode + ")");
    EXPECT_EQ(hex_of(emit_first(golden.bpf, golden.mode)), replace_all(golden.hex, "@TABLE@", table));
  }
}

TEST(x86_64_golden, ObjdumpAgreesWithTheExpectedText) {
  if (!kObjdumpCanRun) GTEST_SKIP() << kObjdumpCannotRun;
  if (!have_objdump()) GTEST_SKIP() << "/usr/bin/objdump is not installed (binutils): only the bytes are checked";
  const std::string table = table_address_hex();
  std::vector<std::vector<uint8_t>> snippets;
  for (const Golden& golden : kGolden) {
    std::vector<uint8_t> bytes;
    std::istringstream hex(replace_all(golden.hex, "@TABLE@", table));
    std::string byte;
    while (hex >> byte) bytes.push_back(static_cast<uint8_t>(std::stoul(byte, nullptr, 16)));
    snippets.push_back(std::move(bytes));
  }
  const std::vector<std::string> texts = objdump_all(snippets);
  for (size_t i = 0; i < snippets.size(); ++i)
    EXPECT_EQ(texts[i], replace_all(kGolden[i].x86, "@TABLE@", table_address_text()))
        << kGolden[i].bpf << " (" << kGolden[i].mode << ")";
}

// A helper call as compiled goes to its veneer (position-independent: an
// absolute jump through r11), recorded as a relocation that publication
// makes direct when the helper is in rel32 range (backend.hpp).
TEST(x86_64_golden, HelperCallGoesThroughItsVeneerUntilRelocated) {
  auto program = Program::decode(*assemble("call 1\nexit"));
  ASSERT_TRUE(program);
  BackendOptions options;
  options.helpers = helper_table();
  auto code = x86_64::compile(LoweredProgram::from(*program), options);
  ASSERT_TRUE(code) << code.error().to_string();
  ASSERT_EQ(code->relocations.size(), 1u);
  const CallRelocation& site = code->relocations[0];
  EXPECT_EQ(site.kind, CallRelocationKind::kX86Rel32);
  EXPECT_EQ(site.target, uint64_t{0x1122334455667788});
  ASSERT_EQ(code->bytes.at(site.offset - 1), 0xe8) << "call rel32";
  int32_t rel32 = 0;
  std::memcpy(&rel32, &code->bytes[site.offset], 4);
  const size_t veneer = site.offset + 4 + static_cast<size_t>(rel32);
  ASSERT_LE(veneer + 13, code->bytes.size());
  const std::vector<uint8_t> bytes(code->bytes.begin() + static_cast<ptrdiff_t>(veneer),
                                   code->bytes.begin() + static_cast<ptrdiff_t>(veneer) + 13);
  EXPECT_EQ(hex_of(bytes), "49 bb 88 77 66 55 44 33 22 11 41 ff e3");
  if (have_objdump()) {
    EXPECT_EQ(objdump_all({bytes})[0], "movabs r11,0x1122334455667788; jmp r11");
  }

  // Relocated for an address within reach: a direct call to the helper.
  std::vector<uint8_t> placed = code->bytes;
  const uintptr_t address = 0x1122334400000000;
  EXPECT_EQ(apply_call_relocations(placed, address, code->relocations), 1u);
  std::memcpy(&rel32, &placed[site.offset], 4);
  EXPECT_EQ(address + site.offset + 4 + static_cast<uint64_t>(static_cast<int64_t>(rel32)), site.target);
  // Out of reach: the call stays on its veneer.
  placed = code->bytes;
  EXPECT_EQ(apply_call_relocations(placed, 0x7f0000000000, code->relocations), 0u);
  EXPECT_EQ(placed, code->bytes);
}

TEST(x86_64_golden, EveryRowOfTheTableHasACase) {
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
