// Runs one conformance test on an engine (the interpreter or the JIT), on
// the conformance platform (conformance_environment.hpp).
//
// A run: the program is decoded (Program::decode) and prepared; r1 points
// to a fresh writable copy of the test's memory (0 when it has none), r2
// holds its length, and the memory is also the packet LD_ABS/LD_IND read.
// Checked mode may touch that memory, the map value and the host variable,
// and has an instruction budget so a looping program cannot hang the suite.
// Every run gets a fresh memory copy and a fresh environment.
//
// The outcome is r0 or an error; an error (from the decoder, from
// preparing the program or from the run) is compared with `-- error` as
// Error::to_string() ("insn 1: unknown opcode 0xff").
//
// Fast mode has no checks, and the suite's programs run unverified by
// design, so fast mode first runs the program in checked mode, on the same
// engine (the JIT compiles the program twice, checked and fast):
//   - if the checked run stops with an error, the program is not run in
//     fast mode (it would be unsafe) and that error is the outcome, so a
//     test expecting it passes in both modes;
//   - otherwise the program runs again in fast mode (fresh memory and
//     environment, no budget: the checked run showed that it ends) and the
//     fast run's r0 is the outcome.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "conformance/data_file.hpp"
#include "sandbpf/error.hpp"
#include "vm/interpreter.hpp"

namespace sandbpf::conformance {

inline constexpr uint64_t kDefaultCheckedBudget = 10'000'000;

enum class Engine { kInterpreter, kJit };

struct RunnerOptions {
  ExecMode mode = ExecMode::kFast;
  Engine engine = Engine::kInterpreter;
  uint64_t checked_budget = kDefaultCheckedBudget;  // instructions; 0 = unlimited
};

// Decodes and runs a program on `memory` as described above; r0 or the
// error that stopped it.
Result<uint64_t> run_program(std::span<const Insn> program, std::span<const uint8_t> memory,
                             const RunnerOptions& options = {});

struct TestResult {
  std::string path;
  bool passed = false;
  // False when the data file itself could not be read or parsed: the
  // failure is the file's, not the runtime's.
  bool loaded = true;
  // Why the test failed: "expected 0x2, got 0x3", "expected error \"...\",
  // got 0x3", or the reason the file could not be loaded.
  std::string reason;
};

TestResult run_test(const DataFile& test, const RunnerOptions& options = {});

// Reads, parses and runs one data file.
TestResult run_test_file(const std::string& path, const RunnerOptions& options = {});

}  // namespace sandbpf::conformance
