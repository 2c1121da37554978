// Verifying the programs of a loaded ELF object: what `sandbpf verify`, the
// corpus tools and the runtime all do before verify() proper — choose the
// program type (given, or implied by the section name), refuse programs
// the loader could not link, check the CO-RE relocations against the
// platform, decode the instructions with their line info — and one verdict
// per program: accepted, rejected (with the verifier's diagnostics), or a
// load error (the program cannot be judged at all).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "helpers/platform.hpp"
#include "loader/object.hpp"
#include "sandbpf/error.hpp"
#include "verifier/verifier.hpp"
#include "vm/instruction.hpp"

namespace sandbpf {

enum class ProgramVerdict : uint8_t { kAccepted, kRejected, kLoadError };
std::string_view program_verdict_name(ProgramVerdict verdict);  // "accepted", "rejected", "load_error"

struct ProgramVerification {
  ProgramVerdict verdict = ProgramVerdict::kLoadError;
  const ProgramType* type = nullptr;  // null when it could not be determined
  uint64_t instructions = 0;          // slots, as loaded
  std::chrono::microseconds time{0};  // the verifier's own time (wall clock)
  std::chrono::microseconds cpu_time{0};  // the same, as CPU time of the calling thread
  uint64_t states = 0;                    // VerifyResult::states_explored
  // Rejected: the verifier's diagnostics (sorted by instruction). Load
  // error: one diagnostic saying why (insn 0 unless the cause has one).
  std::vector<VerifierDiagnostic> errors;
  // For a load error: the error's kind (kUsage when the type is missing or
  // unknown, kLoad otherwise).
  ErrorKind load_error_kind = ErrorKind::kLoad;
  // For a load error: whether the cause names an instruction (errors[0].insn).
  bool load_error_has_insn = false;
};

// The program type: `type_name` when given (it must be one of the
// platform's), else the one `section` implies; errors (kUsage) ask for
// --type or list the platform's types.
Result<const ProgramType*> choose_program_type(const Platform& platform, std::string_view section,
                                               std::optional<std::string_view> type_name);

// The program's instructions with its CO-RE relocations resolved against
// the platform. A relocation on the program type's context struct (struct
// __sk_buff, struct bpf_sock_ops, ...) must name a field the platform's
// layout has: a field's byte offset, size or existence is patched in (an
// object may be compiled against its own copy of the struct with other
// offsets); an element of an array field must already lie inside that
// field. Relocations on other (kernel-internal) types are left as
// compiled: the verifier treats such values as plain numbers, so its proof
// does not depend on them. The runtime must run these same instructions.
Result<std::vector<Insn>> resolve_core_relocations(const ObjectProgram& program, const ProgramType& type);

// One program of an object, with a type chosen by choose_program_type
// (pass the error as `type` when there is none: the verdict is then a load
// error carrying it).
ProgramVerification verify_object_program(const Object& object, const ObjectProgram& program,
                                          const Platform& platform, const Result<const ProgramType*>& type,
                                          const VerifyOptions& options = {});

// A program given as raw instructions or assembly (no maps, no line info).
ProgramVerification verify_instructions(std::span<const Insn> insns, const Platform& platform,
                                        const Result<const ProgramType*>& type,
                                        const VerifyOptions& options = {});

}  // namespace sandbpf
