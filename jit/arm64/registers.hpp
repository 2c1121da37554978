// Which AArch64 register holds which BPF register (and what else the code
// keeps in registers). Chosen for the AAPCS64 helper calls: r1-r5 are the
// argument registers x0-x4 (no shuffling before a call), r0 is x7 (x0 is
// both the first argument and the return value, so r0 is moved from x0
// after each call), r6-r9 and r10 are callee-saved (they survive helper
// calls for free).
//
//   BPF  a64    BPF  a64    BPF  a64
//   r0   x7     r4   x3     r8   x21
//   r1   x0     r5   x4     r9   x22
//   r2   x1     r6   x19    r10  x23
//   r3   x2     r7   x20    r11  x9   (the rewrites' hidden register)
//
//   x24       the run state (JitRunState*), callee-saved, for the whole run
//   the budget's counter register (BPF r12, jit/lowered_program.hpp) is the
//   run state's `remaining`, read and written where the budget rewrite
//   charges (so helper calls and callbacks need nothing)
//   x10-x13   scratch of the backend (x5 carries a helper's sixth argument)
//   x16       the target of indirect calls (helpers, the check function)
//   x30       the link register: each function saves it on entry
#pragma once

#include <asmjit/core.h>
#include <asmjit/arm/a64assembler.h>

#include <cstdint>

namespace sandbpf::arm64 {

namespace a64 = asmjit::a64;

inline constexpr uint8_t kRegisterIds[12] = {7, 0, 1, 2, 3, 4, 19, 20, 21, 22, 23, 9};

inline a64::GpX bpf_x(uint8_t r) { return a64::GpX(kRegisterIds[r]); }
inline a64::GpW bpf_w(uint8_t r) { return a64::GpW(kRegisterIds[r]); }
// The 64-bit or 32-bit view of a BPF register.
inline a64::Gp bpf_reg(uint8_t r, bool is64) {
  return is64 ? a64::Gp(bpf_x(r)) : a64::Gp(bpf_w(r));
}
inline a64::Gp sized(const a64::Gp& r, bool is64) {
  return is64 ? a64::Gp(r.x()) : a64::Gp(r.w());
}

inline const a64::GpX kState = a64::x24;
inline const a64::GpX kScratch1 = a64::x10;
inline const a64::GpX kScratch2 = a64::x11;
inline const a64::GpX kScratch3 = a64::x12;
inline const a64::GpX kScratch4 = a64::x13;
inline const a64::GpX kCallTarget = a64::x16;

}  // namespace sandbpf::arm64
