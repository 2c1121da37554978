// The ARM64 (AArch64) backend: compiles a LoweredProgram to
// position-independent machine code (every internal reference is
// PC-relative; helpers are called with bl to a veneer, relocated to the
// helper itself when it is in reach: backend.hpp), which the driver copies into
// executable memory. See jit/run_state.hpp for the contract with the
// driver and registers.hpp for the register mapping.
#pragma once

#include "jit/backend.hpp"
#include "jit/lowered_program.hpp"
#include "sandbpf/error.hpp"

namespace sandbpf::arm64 {

Result<MachineCode> compile(const LoweredProgram& program, const BackendOptions& options);

}  // namespace sandbpf::arm64
