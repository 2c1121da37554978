// The x86-64 backend: compiles a LoweredProgram to position-independent
// machine code (every internal reference is relative; helpers are called
// through absolute addresses held in registers), which the driver copies
// into executable memory. See jit/run_state.hpp for the contract with the
// driver and registers.hpp for the register mapping.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "jit/lowered_program.hpp"
#include "jit/run_state.hpp"
#include "sandbpf/error.hpp"
#include "vm/environment.hpp"
#include "vm/interpreter.hpp"

namespace sandbpf::x86_64 {

struct BackendOptions {
  ExecMode mode = ExecMode::kFast;
  // Fast mode with an instruction budget: charge backward jumps and calls
  // as the interpreter does (checked mode always counts every instruction).
  bool count_back_edges = false;
  uint32_t stack_per_frame = 512;
  uint32_t max_call_depth = 8;
  // Helpers by id, bound now: call imm becomes a direct call, callx a
  // bounds-checked lookup in this table (whose storage must outlive the code).
  std::span<const HelperFunction> helpers;
  CheckAccessFunction check_access = nullptr;  // checked mode
};

struct MachineCode {
  std::vector<uint8_t> bytes;
  uint32_t trampoline_offset = 0;               // see TrampolineFunction
  std::vector<uint32_t> function_offsets;       // per LoweredProgram::function_entries
  std::vector<uint32_t> slot_offsets;           // where each slot's code starts (dumps, tests)
};

Result<MachineCode> compile(const LoweredProgram& program, const BackendOptions& options);

}  // namespace sandbpf::x86_64
