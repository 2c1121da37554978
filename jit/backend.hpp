// The contract between the JIT driver (jit.cpp) and every architecture's
// backend: what a backend is given (a LoweredProgram and BackendOptions)
// and what it returns (position-independent MachineCode that the driver
// publishes W^X, with the call sites it points straight at their functions
// once it knows the code's address: CallRelocation). Every backend emits
// the entry trampoline of jit/run_state.hpp first and gives the
// interpreter's results bit for bit.
//
// compile_machine_code() compiles for any architecture on any host (golden
// tests and `sandbpf jit --arch A --dump` need that); only code for the
// host architecture can run.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "jit/lowered_program.hpp"
#include "jit/run_state.hpp"
#include "sandbpf/error.hpp"
#include "vm/environment.hpp"
#include "vm/interpreter.hpp"

namespace sandbpf {

enum class JitArch : uint8_t { kX86_64, kArm64, kRiscv64 };

std::string_view arch_name(JitArch arch);            // "x86_64", "arm64", "riscv64"
std::optional<JitArch> parse_arch(std::string_view name);
// The host's architecture when this build has a backend for it.
std::optional<JitArch> host_arch();
// Whether this build contains a backend for `arch` (it may not run here).
bool backend_built(JitArch arch);

// ARM64 atomics: LSE instructions (ARMv8.1) or load-exclusive/
// store-exclusive loops (ARMv8.0); kAuto asks the CPU (jit/arm64/cpu_features.hpp).
enum class Arm64Atomics : uint8_t { kAuto, kLse, kExclusive };

// The x86-64 calling convention of the code around the JIT's: the host
// calls the entry trampoline with it, and the JIT calls helpers and the
// checked-access function with it. System V (Linux and the other Unixes:
// arguments in rdi, rsi, rdx, rcx, r8, r9) or Windows x64 (rcx, rdx, r8,
// r9, then the stack above 32 bytes of shadow space; rdi and rsi are
// callee-saved). kHost is the one this build was compiled for; golden
// tests name the others explicitly, so every host can check both.
enum class X86Abi : uint8_t { kHost, kSysV, kWin64 };
// kHost resolved: kWin64 in Windows builds, else kSysV.
X86Abi resolve_x86_abi(X86Abi requested);

struct BackendOptions {
  ExecMode mode = ExecMode::kFast;
  uint32_t stack_per_frame = 512;
  uint32_t max_call_depth = 8;
  // Helpers by id, bound now: call imm becomes a direct call, callx a
  // bounds-checked lookup in this table (whose storage must outlive the code).
  std::span<const HelperFunction> helpers;
  CheckAccessFunction check_access = nullptr;  // checked mode
  Arm64Atomics arm64_atomics = Arm64Atomics::kAuto;
  // Spectre v1: callx clamps the helper id to the table after checking it,
  // without a branch, so a mispredicted check cannot load a call target
  // from beyond the table (the rewrites cover the program's own indices).
  bool spectre_v1 = false;
  X86Abi x86_abi = X86Abi::kHost;
};

// A direct call to a function known at compile time (a helper): as
// compiled, the call reaches the function through a veneer in the program's
// own code (position-independent: an absolute address loaded into a
// scratch register, then an indirect jump). Once the code's final address
// is known, apply_call_relocations() makes the call reach the function
// itself when it is within the call's range, so no indirect branch is left
// (x86-64: no retpoline needed); out of range, the veneer stays.
enum class CallRelocationKind : uint8_t {
  kX86Rel32,     // x86-64 `call rel32`: offset is the rel32 field's, relative to its end
  kArm64Branch26,  // ARM64 `bl imm26`: offset is the instruction's, +-128 MiB
};
struct CallRelocation {
  uint32_t offset = 0;
  CallRelocationKind kind = CallRelocationKind::kX86Rel32;
  uint64_t target = 0;  // the function's absolute address
};

// Patches `bytes` (the code as it will be published at `address`) so that
// every call in `relocations` within range goes straight to its target;
// returns how many did.
size_t apply_call_relocations(std::span<uint8_t> bytes, uintptr_t address,
                              std::span<const CallRelocation> relocations);

struct MachineCode {
  std::vector<uint8_t> bytes;
  std::vector<CallRelocation> relocations;  // call sites that may go direct
  uint32_t trampoline_offset = 0;          // see TrampolineFunction
  std::vector<uint32_t> function_offsets;  // per LoweredProgram::function_entries
  std::vector<uint32_t> slot_offsets;      // where each slot's code starts (dumps, tests)
};

Result<MachineCode> compile_machine_code(JitArch arch, const LoweredProgram& program,
                                         const BackendOptions& options);

}  // namespace sandbpf
