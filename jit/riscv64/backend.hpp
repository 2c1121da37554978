// The RISC-V 64 backend (RV64IMA, on its own encoder: asmjit has no RISC-V):
// compiles a LoweredProgram to position-independent machine code (every
// internal reference is pc-relative; helpers' addresses come from a literal
// pool after the code), which the driver copies into executable memory.
// See jit/run_state.hpp for the contract with the driver and registers.hpp
// for the register mapping.
#pragma once

#include "jit/backend.hpp"
#include "jit/lowered_program.hpp"
#include "sandbpf/error.hpp"

namespace sandbpf::riscv64 {

Result<MachineCode> compile(const LoweredProgram& program, const BackendOptions& options);

}  // namespace sandbpf::riscv64
