// Array map lookups compiled inline, a BPF-to-BPF rewrite done once before
// any backend runs (the idea of Linux's map_gen_lookup for arrays, written
// anew here). Where the verifier proved that r1 at a call of the lookup
// helper is one array map whose values never move (the driver decides that,
// jit.cpp, and hands each such call its map's layout), the call becomes:
//
//   ldxw r0, [r2+0]            the u32 key, as the helper reads it
//   jge r0, entries, +N        out of range: r0 = 0
//   [mask]                     Spectre v1 (below)
//   lsh r0, log2(stride)       or mul r0, stride when not a power of two
//   lddw r1, values
//   add r0, r1
//   ja +1
//   mov r0, 0
//
// which returns the address the helper returns (values + key * stride, or
// 0), without the call's cost and generic checks. r1..r5 are dead after a
// call (a verified program cannot read them), so r1 is free as a scratch
// and the hidden register is not needed: constant blinding, which runs
// after, blinds these immediates as any others.
//
// [mask], with `mask_index` (Spectre v1 hardening on): after the bounds
// check the key is clamped without a branch, as spectre_v1.hpp does
// pointer offsets, so a CPU running ahead on a mispredicted bounds check
// reads at most entry entries-1:
//   mov r1, entries-1 ; sub r1, r0 ; or r1, r0 ; arsh r1, 63 ; xor r1, -1 ; and r0, r1
//
// With `charge_budget` (fast mode with a budget), the sequence starts with
// the charge the budget rewrite puts before a call (it costs 1, as the
// call it replaces does in the interpreter), since that rewrite, which
// runs later, no longer sees a call there.
#pragma once

#include <cstdint>
#include <span>

#include "jit/lowered_program.hpp"

namespace sandbpf {

// The layout of the map a call looks up in; `values` 0: leave the call.
struct InlineArrayLookup {
  uint64_t values = 0;
  uint64_t stride = 0;
  uint32_t entries = 0;
};

struct MapLookupInlining {
  bool mask_index = false;
  bool charge_budget = false;
};

// `lookups` has one entry per input slot (LoweredProgram::per_slot); only
// helper calls that are the first slot of their sequence are rewritten,
// and only when entries and stride are in [1, 2^31).
LoweredProgram inline_map_lookups(const LoweredProgram& input,
                                  std::span<const InlineArrayLookup> lookups,
                                  const MapLookupInlining& how);

}  // namespace sandbpf
