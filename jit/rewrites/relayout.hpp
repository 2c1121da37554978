// What every BPF-to-BPF rewrite shares: laying out the new slots once each
// input slot has been replaced by a sequence, so that each rewrite only
// says what an instruction becomes.
//
// relayout() recomputes every jump, call and function-reference offset for
// the new positions; a 16-bit jump offset that no longer fits makes that
// input slot be rewritten again in its wide form (`wide` is then true:
// the sequence uses wide_jump()), and the layout is redone until nothing
// grows (sizes only grow, so this ends). Each output slot keeps the origin
// (pc as loaded) of its input slot; only a sequence's first slot inherits
// the input slot's `counted` flag, so counts stay those of the program as
// loaded. Rewrites compose: the input may itself be a rewrite's output.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "jit/lowered_program.hpp"

namespace sandbpf {

// One output slot. `target` is an input slot that the offset (jumps) or
// immediate (ja32, call local, lddw src=4) must reach, -1 for none; the
// tail of an lddw follows its head as the next RewriteSlot.
struct RewriteSlot {
  Insn insn;
  int64_t target = -1;
};

// What input slot `pc` (never an lddw tail) becomes. Called again with
// wide = true when one of its 16-bit offsets did not fit.
using RewriteFunction = std::function<std::vector<RewriteSlot>(size_t pc, bool wide)>;

LoweredProgram relayout(const LoweredProgram& input, const RewriteFunction& rewrite);

// The input slot `pc` unchanged (its target kept, an lddw with its tail),
// or in its wide form when `wide`.
std::vector<RewriteSlot> unchanged(const LoweredProgram& input, size_t pc, bool wide);

// A jump whose target may be beyond 16 bits: ja becomes ja32, a
// conditional jump `jcc +1 ; ja +1 ; ja32 target`.
std::vector<RewriteSlot> wide_jump(const Insn& jump, int64_t target);

}  // namespace sandbpf
