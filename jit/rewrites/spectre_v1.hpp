// Spectre v1 (bounds check bypass) hardening, a BPF-to-BPF rewrite done
// once before any backend runs. It needs the verifier's facts
// (VerifiedFacts::pointer_offset_limits, carried to the slots with
// LoweredProgram::per_slot): where a verified program moves a pointer by
// a number proven to lie in [0, L], the number is clamped, without a
// branch, so that a CPU running ahead on a mispredicted bounds check
// cannot move the pointer further than the verifier allowed:
//
//   ptr += idx   ->   mov h, L ; sub h, idx ; or h, idx ; arsh h, 63 ;
//                     xor h, -1 ; and h, idx ; add ptr, h
//   ptr -= idx   ->   the same, ending in sub ptr, h
//   idx += ptr   ->   the same on idx, ending in and idx, h ; add idx, ptr
//
// (h is the hidden register r11.) (L - idx) | idx has its sign bit set
// exactly when idx > L or idx >= 2^63 (L < 2^31); the arithmetic shift
// spreads that bit, and the inverted result keeps idx or makes it 0. The
// masked value equals idx whenever the verifier's bound holds, so results
// are unchanged; only a misspeculated path sees 0. The idea is Linux's
// ALU sanitation (the verifier's alu_limit), written anew here.
//
// Loads that index memory always go through such an add in BPF (there is
// no indexed addressing), so `if (i < n) x = a[i]` is covered by masking
// the add, as in Linux. What this does not cover is in jit/README.md.
#pragma once

#include <span>

#include "jit/lowered_program.hpp"
#include "verifier/verifier.hpp"

namespace sandbpf {

// `limits` has one entry per input slot (LoweredProgram::per_slot of the
// verifier's facts).
LoweredProgram mask_pointer_offsets(const LoweredProgram& input,
                                    std::span<const PointerOffsetLimit> limits);

}  // namespace sandbpf
