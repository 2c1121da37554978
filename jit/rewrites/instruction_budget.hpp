// The instruction budget of fast mode (the `budget` termination policy), a
// BPF-to-BPF rewrite done once before any backend runs, so every backend
// inherits it: the interpreter's charges (a taken backward jump costs its
// distance in the program as loaded, a helper call, callx or local call
// costs 1) expressed in BPF instructions over the counter register r12
// (LoweredProgram's kCounterRegister), which holds what is left:
//
//   backward ja T (distance N)      jlt r12, N, +2 ; sub r12, N ; ja T ; EXHAUSTED
//   backward jcc T (distance N)     j!cc +4 ; jlt r12, N, +2 ; sub r12, N ; ja T ; EXHAUSTED
//   backward jset T                 jset +1 ; ja +4 ; jlt r12, N, +2 ; sub r12, N ; ja T ; EXHAUSTED
//   call / callx / call local       jge r12, 1, +1 ; EXHAUSTED(reg) ; sub r12, 1 ; call ...
//
// (a loop's exit sits after its unconditional jump back, out of the hot
// path; `ja T` becomes ja32 when the distance needs it).
//
// EXHAUSTED is budget_exhausted_call(reg): the run stops with "instruction
// budget of N exhausted" naming the jump or call as loaded (its origin).
// The interpreter checks a call's helper id and call depth before charging
// it; EXHAUSTED hands the driver the register it needs (callx's register,
// r10 before a local call) so that it reports those errors first, as the
// interpreter does. The charge is checked before it is subtracted, so r12
// never wraps. Forward jumps cost nothing and stay as they are; offsets are
// recomputed and widened (rewrites/relayout.hpp). Composes with constant
// blinding: it may run on blinding's output (the charges' immediates are
// distances within the program, not values the program chose).
#pragma once

#include <vector>

#include "jit/lowered_program.hpp"
#include "jit/rewrites/relayout.hpp"

namespace sandbpf {

LoweredProgram charge_instruction_budget(const LoweredProgram& input);

// The charge before a call, `jge r12, 1, +1 ; EXHAUSTED(value_register) ;
// sub r12, 1`, for rewrites that replace a call by other code that must
// still cost what the call did (map_lookup_inline.hpp).
std::vector<RewriteSlot> call_charge(int16_t value_register);

}  // namespace sandbpf
