// Which RISC-V register holds which BPF register (and what else the code
// keeps in registers). Chosen so that helper calls need no shuffling:
// r1-r5 are the psABI's first argument registers a0-a4; r0 cannot be a0
// (that is r1), so it is a5 and a helper's result is moved there; r6-r9
// and r10 are callee-saved (they survive helper calls for free).
//
//   BPF  RISC-V     BPF  RISC-V     BPF  RISC-V
//   r0   a5 (x15)   r4   a3 (x13)   r8   s3 (x19)
//   r1   a0 (x10)   r5   a4 (x14)   r9   s4 (x20)
//   r2   a1 (x11)   r6   s1 (x9)    r10  s5 (x21)
//   r3   a2 (x12)   r7   s2 (x18)   r11  t3 (x28)  (the rewrites' hidden register)
//
//   s6        the run state (JitRunState*), callee-saved, for the whole run
//   the budget's counter register (BPF r12, jit/lowered_program.hpp) is the
//   run state's `remaining`, read and written where the budget rewrite
//   charges (so helper calls and callbacks need nothing)
//   t0-t2,t4  scratch of the backend
//   t5        link register of the checked-access stub (so that checking
//             an access does not clobber ra)
//   t6        the assembler's far-jump scratch (assembler.hpp)
//   ra        return address; functions that call save it (emitter.hpp)
#pragma once

#include <cstdint>

#include "jit/riscv64/encoding.hpp"

namespace sandbpf::riscv64 {

inline constexpr Reg kRegisterMap[12] = {kA5, kA0, kA1, kA2, kA3, kA4, kS1, kS2, kS3, kS4, kS5, kT3};

inline constexpr Reg bpf_reg(uint8_t r) { return kRegisterMap[r]; }

inline constexpr Reg kState = kS6;
inline constexpr Reg kScratch0 = kT0;
inline constexpr Reg kScratch1 = kT1;
inline constexpr Reg kScratch2 = kT2;
inline constexpr Reg kScratch3 = kT4;
inline constexpr Reg kCheckLink = kT5;

}  // namespace sandbpf::riscv64
