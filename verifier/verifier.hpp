// The verifier: proves that every execution of a program on a platform is
// safe, or refuses it with a reason a user can act on. Abstract
// interpretation over the control-flow graph (weak topological order,
// widening at loop heads, narrowing after), with numeric domains (signed
// and unsigned intervals, known bits), a relational domain for comparisons
// (packet pointers against data_end, register against register), region
// types with offsets, and a byte-granular stack. It never mutates the
// program; its output is a verdict plus facts the engines may rely on.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "helpers/platform.hpp"
#include "sandbpf/error.hpp"
#include "vm/map_definition.hpp"
#include "vm/program.hpp"

namespace sandbpf {

struct VerifyOptions {
  // Unset: the platform's default (linux: proved, generic: budget).
  std::optional<TerminationPolicy> termination;
  uint64_t max_instructions_per_path = 1000000;  // under kProved
  // Pointer leaks: storing a pointer anywhere but the stack (map values,
  // the packet, the context), handing helpers memory that holds spilled
  // pointers, returning a pointer in r0, and arithmetic that turns a pointer
  // into a number (other than subtracting pointers and, for privileged
  // program types, mov32). Privileged Linux loaders may allow them.
  bool allow_pointer_leaks = false;
  bool trace = false;                // keep the abstract state before the failing insn
  std::chrono::milliseconds time_limit{10000};
  uint64_t memory_limit_bytes = 256ull << 20;
};

struct VerifierDiagnostic {
  uint64_t insn = 0;                  // index in the program as loaded
  std::optional<SourceLine> source;   // from the program's line info
  std::string message;                // "r2 may be NULL here: the result of
                                      // bpf_map_lookup_elem at insn 7 is not checked"
  std::string trace;                  // with VerifyOptions::trace: state and path
};

// A bound the verifier proved for the number a pointer is moved by (see
// VerifiedFacts::pointer_offset_limits).
struct PointerOffsetLimit {
  static constexpr uint8_t kNone = 0xff;
  uint8_t scalar_register = kNone;  // the operand holding the number; kNone: no fact
  uint32_t limit = 0;               // the number is in [0, limit] (limit < 2^31)
  friend bool operator==(const PointerOffsetLimit&, const PointerOffsetLimit&) = default;
};

// Per-instruction facts the engines may rely on (DESIGN.md: the JIT never
// re-derives what the verifier proved).
struct VerifiedFacts {
  // For each load/store/atomic slot: the access is proven inside its region.
  std::vector<uint8_t> access_proven;
  // For each slot: the instruction is reachable.
  std::vector<uint8_t> reachable;
  // For each slot: when it is a 64-bit `ptr += reg`, `ptr -= reg` or
  // `reg += ptr` whose number operand lies in [0, limit] on every path the
  // verifier followed to it (so every value there, 0 included, was proven
  // to keep the accesses in bounds), that operand and the limit. Spectre v1
  // masking (jit/rewrites/spectre_v1.hpp) clamps the number to it, so a
  // mispredicted bounds check cannot move the pointer further.
  std::vector<PointerOffsetLimit> pointer_offset_limits;
  // For each slot: when it is a helper call whose r1 is, on every path the
  // verifier followed to it, the one map loaded by `lddw src=1` with this
  // index (never an inner map a lookup returned), that index; -1 otherwise.
  // The JIT compiles array map lookups inline with it
  // (jit/rewrites/map_lookup_inline.hpp).
  std::vector<int32_t> call_map_arguments;
};

struct VerifyResult {
  bool accepted = false;
  std::vector<VerifierDiagnostic> errors;  // empty when accepted
  VerifiedFacts facts;                     // filled when accepted
  // The analysis' work: abstract states pushed through instructions (each
  // partition through each instruction of a node it reaches, fixpoint
  // iterations and the checking pass included), and nodes processed.
  uint64_t states_explored = 0;
  uint64_t node_visits = 0;
  std::chrono::microseconds time{0};
};

// What the program runs against: the platform, its program type, and the
// maps its lddw instructions refer to (by index, as loaded).
struct VerifierInput {
  const Program* program = nullptr;
  const Platform* platform = nullptr;
  const ProgramType* type = nullptr;
  std::span<const MapDefinition> maps;
};

// Errors (ErrorKind::kUsage/kLoad) only for inputs that cannot be judged at
// all (no program type, a CO-RE relocation that cannot be resolved...);
// an unsafe program is a VerifyResult with accepted == false.
Result<VerifyResult> verify(const VerifierInput& input, const VerifyOptions& options = {});

}  // namespace sandbpf
