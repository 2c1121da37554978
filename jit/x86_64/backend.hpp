// The x86-64 backend: compiles a LoweredProgram to position-independent
// machine code (every internal reference is relative; helpers are called
// with call rel32 to a veneer, relocated to the helper itself when it is
// in reach: backend.hpp), which the driver copies
// into executable memory. See jit/run_state.hpp for the contract with the
// driver and registers.hpp for the register mapping.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "jit/backend.hpp"
#include "jit/lowered_program.hpp"
#include "jit/run_state.hpp"
#include "sandbpf/error.hpp"
#include "vm/environment.hpp"
#include "vm/interpreter.hpp"

namespace sandbpf::x86_64 {

Result<MachineCode> compile(const LoweredProgram& program, const BackendOptions& options);

}  // namespace sandbpf::x86_64
