// Constant blinding, a hardening rewrite done once before any backend runs
// (as Linux's bpf_jit_blind_constants): no immediate chosen by the program
// appears in the machine code, so a program cannot plant instruction bytes
// of its choosing in executable memory (JIT spraying).
//
// Every immediate operand of an ALU, conditional jump, store or packet load
// instruction, and the 64-bit value of lddw src=0, is replaced by a value
// XORed with a fresh random key, un-XORed at run time through the hidden
// register r11 (LoweredProgram's kHiddenRegister):
//
//   add dst, imm        mov hidden, imm^k ; xor hidden, k ; add dst, hidden
//   mov dst, imm        mov dst, imm^k ; xor dst, k
//   jeq dst, imm, +o    mov hidden, imm^k ; xor hidden, k ; jeq dst, hidden, +o'
//   stw [dst+o], imm    mov hidden, imm^k ; xor hidden, k ; stxw [dst+o], hidden
//   lddw dst, v         lddw dst, v^K ; lddw hidden, K ; xor dst, hidden
//   ldabsw imm          mov32 hidden, imm^k ; xor32 hidden, k ; ldindw hidden, 0
//   ldindw src, imm     mov32 hidden, imm^k ; xor32 hidden, k ; add32 hidden, src ; ldindw hidden, 0
//
// (sign extension commutes with XOR, so 64-bit operations see the same
// sign-extended immediate). Jump, call and function-reference offsets are
// recomputed; a conditional jump whose offset no longer fits in 16 bits
// becomes `jcc +1 ; ja +1 ; ja32 target`, and ja becomes ja32. Only the
// first slot of each rewritten sequence counts as an executed instruction,
// and errors name the instruction as loaded (LoweredProgram::origin).
#pragma once

#include <cstdint>

#include "jit/lowered_program.hpp"
#include "jit/rewrites/relayout.hpp"
#include "vm/program.hpp"

namespace sandbpf {

// `seed` 0 draws the keys from std::random_device; any other value makes
// the rewrite deterministic (tests).
// Instructions on the hidden or counter register (another rewrite's) are
// left as they are.
LoweredProgram blind_constants(const Program& program, uint64_t seed = 0);
LoweredProgram blind_constants(const LoweredProgram& input, uint64_t seed = 0);

}  // namespace sandbpf
