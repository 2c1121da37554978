// The reference engine. A Program is pre-decoded once into a compact form
// (jump targets resolved, operands unpacked) and then run by a
// direct-threaded loop, any number of times, from any number of threads.
//
// Two modes:
//   fast     for verified programs: no checks at all.
//   checked  for unverified programs: every load and store must fall inside
//            a known region (the memory, the live stack frames, regions the
//            host or helpers registered, map values), atomics must be
//            aligned, calls and helper ids must exist, and an instruction
//            budget bounds the run. A violation stops the run with an error
//            naming the instruction; it never crashes the host.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/environment.hpp"
#include "vm/program.hpp"

namespace sandbpf {

enum class ExecMode { kFast, kChecked };

struct InterpreterOptions {
  uint32_t stack_per_frame = 512;  // bytes of stack each frame gets
  uint32_t max_call_depth = 8;     // frames, the entry function included
};

// Checks the frame settings every engine shares (InterpreterOptions,
// JitOptions): a stack per frame that is a multiple of 8 up to 1 MiB, and a
// call depth between 1 and 1024.
Result<void> validate_frame_options(uint32_t stack_per_frame, uint32_t max_call_depth);

struct RunLimits {
  // Instructions a run may execute; 0 = unlimited. Checked mode counts
  // every instruction. Fast mode counts at back-edges and calls (the
  // `budget` termination policy): a loop that runs forever is stopped.
  uint64_t instruction_budget = 0;
};

struct RunInput {
  uint64_t args[5] = {0, 0, 0, 0, 0};  // r1..r5 at entry
  std::span<const MemoryRegion> regions;  // what checked mode lets the program touch
  // The packet LD_ABS/LD_IND read (DESIGN.md). On the generic platform it
  // is the memory.
  const uint8_t* packet = nullptr;
  uint64_t packet_size = 0;
  // Per-run data of the layer above (the runtime's slot, tail-call state),
  // handed to helpers through RunContext::run_data().
  void* run_data = nullptr;
};

struct RunStats {
  uint64_t instructions = 0;  // executed (checked mode or count_instructions)
};

struct PreparedProgram;  // the pre-decoded form (interpreter.cpp)

class Interpreter {
 public:
  static Result<Interpreter> create(const Program& program, const InterpreterOptions& options = {});
  Interpreter(Interpreter&&) noexcept;
  Interpreter& operator=(Interpreter&&) noexcept;
  ~Interpreter();

  // Runs from instruction 0. Returns r0, or the runtime error that stopped
  // the run. With stats, fast mode counts every instruction too (slower).
  Result<uint64_t> run(const Environment& environment, const RunInput& input, ExecMode mode,
                       const RunLimits& limits = {}, RunStats* stats = nullptr) const;

  const Program& program() const;
  const InterpreterOptions& options() const;

 private:
  explicit Interpreter(std::unique_ptr<PreparedProgram> prepared);
  std::unique_ptr<PreparedProgram> prepared_;
};

}  // namespace sandbpf
