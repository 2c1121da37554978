// The contract between the JIT driver (jit.cpp) and every architecture's
// backend: what a backend is given (a LoweredProgram and BackendOptions)
// and what it returns (position-independent MachineCode that the driver
// publishes W^X). Every backend emits the entry trampoline of
// jit/run_state.hpp first and gives the interpreter's results bit for bit.
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

struct MachineCode {
  std::vector<uint8_t> bytes;
  uint32_t trampoline_offset = 0;          // see TrampolineFunction
  std::vector<uint32_t> function_offsets;  // per LoweredProgram::function_entries
  std::vector<uint32_t> slot_offsets;      // where each slot's code starts (dumps, tests)
};

Result<MachineCode> compile_machine_code(JitArch arch, const LoweredProgram& program,
                                         const BackendOptions& options);

}  // namespace sandbpf
