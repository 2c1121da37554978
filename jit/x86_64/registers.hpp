// Which x86-64 register holds which BPF register (and what else the code
// keeps in registers). Chosen so that helper calls need no shuffling under
// System V: r1-r5 are its argument registers, r0 is the return register,
// r6-r9 are callee-saved (they survive helper calls for free), and r10
// (read-only frame pointer) is rbp. Under Windows x64 (BackendOptions::
// x86_abi) the same mapping holds: rbx, rbp, r12-r15 are callee-saved
// there too, and a helper call moves r1-r5 into rcx, rdx, r8, r9 and the
// stack (emit_control.cpp).
//
//   BPF  x86     BPF  x86     BPF  x86
//   r0   rax     r4   rcx     r8   r14
//   r1   rdi     r5   r8      r9   r15
//   r2   rsi     r6   rbx     r10  rbp
//   r3   rdx     r7   r13     r11  r9   (the rewrites' hidden register)
//
//   r12  the run state (JitRunState*), callee-saved, for the whole run
//   the budget's counter register (BPF r12, jit/lowered_program.hpp) is the
//   run state's `remaining`: every x86 register is taken, and memory
//   operands make `sub [remaining], imm` and `cmp [remaining], imm` single
//   instructions; it survives helper calls and callbacks as it is
//   r10, r11  scratch of the backend; r9 is also free once the hidden
//             register's value has been read (it is dead after its use)
#pragma once

#include <asmjit/x86.h>

#include <cstdint>

namespace sandbpf::x86_64 {

namespace x86 = asmjit::x86;

// x86 register ids: rax 0, rcx 1, rdx 2, rbx 3, rsp 4, rbp 5, rsi 6, rdi 7, r8-r15 8-15.
inline constexpr uint8_t kRegisterIds[12] = {0, 7, 6, 2, 1, 8, 3, 13, 14, 15, 5, 9};

inline x86::Gp bpf_reg(uint8_t r) { return x86::gpq(kRegisterIds[r]); }

inline const x86::Gp kState = x86::r12;
inline const x86::Gp kScratch1 = x86::r10;
inline const x86::Gp kScratch2 = x86::r11;
inline const x86::Gp kScratch3 = x86::r9;  // the hidden register; see above

}  // namespace sandbpf::x86_64
