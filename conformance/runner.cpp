#include "conformance/runner.hpp"

#include "vm/generic_memory.hpp"

#include <cstring>
#include <fmt/format.h>
#include <vector>

#include "conformance/conformance_environment.hpp"
#include "jit/jit.hpp"
#include "vm/program.hpp"

namespace sandbpf::conformance {
namespace {

// One run with a fresh copy of the memory and a fresh environment; `run`
// is the engine: (environment, input, limits) -> r0 or the error.
template <typename Run>
Result<uint64_t> run_once(const Run& run, std::span<const uint8_t> memory, ExecMode mode,
                          uint64_t budget) {
  ConformanceEnvironment environment;

  const GenericMemory generic(memory, environment.regions());
  const RunInput& input = generic.input();

  RunLimits limits;
  limits.instruction_budget = mode == ExecMode::kChecked ? budget : 0;
  return run(environment.environment(), input, limits);
}

Result<uint64_t> run_on_interpreter(const Program& program, std::span<const uint8_t> memory,
                                    const RunnerOptions& options) {
  auto interpreter = Interpreter::create(program);
  if (!interpreter) return std::unexpected(std::move(interpreter.error()));
  auto in_mode = [&](ExecMode mode) {
    return [&, mode](const Environment& env, const RunInput& input, const RunLimits& limits) {
      return interpreter->run(env, input, mode, limits);
    };
  };
  auto checked = run_once(in_mode(ExecMode::kChecked), memory, ExecMode::kChecked,
                          options.checked_budget);
  if (options.mode == ExecMode::kChecked || !checked) return checked;
  return run_once(in_mode(ExecMode::kFast), memory, ExecMode::kFast, 0);
}

// The JIT binds the helper table at compile time; every
// ConformanceEnvironment has the same one.
Result<uint64_t> run_on_jit(const Program& program, std::span<const uint8_t> memory,
                            const RunnerOptions& options) {
  const ConformanceEnvironment helpers;
  auto compiled = [&](ExecMode mode) {
    JitOptions jit_options;
    jit_options.mode = mode;
    return JitProgram::compile(program, helpers.environment(), jit_options);
  };
  auto running = [](const JitProgram& jit) {
    return [&jit](const Environment& env, const RunInput& input, const RunLimits& limits) {
      return jit.run(env, input, limits);
    };
  };
  auto checked_jit = compiled(ExecMode::kChecked);
  if (!checked_jit) return std::unexpected(std::move(checked_jit.error()));
  auto checked = run_once(running(*checked_jit), memory, ExecMode::kChecked, options.checked_budget);
  if (options.mode == ExecMode::kChecked || !checked) return checked;
  auto fast_jit = compiled(ExecMode::kFast);
  if (!fast_jit) return std::unexpected(std::move(fast_jit.error()));
  return run_once(running(*fast_jit), memory, ExecMode::kFast, 0);
}

std::string describe(const Result<uint64_t>& outcome) {
  if (outcome) return fmt::format("{:#x}", *outcome);
  return fmt::format("error \"{}\"", outcome.error().to_string());
}

}  // namespace

Result<uint64_t> run_program(std::span<const Insn> program, std::span<const uint8_t> memory,
                             const RunnerOptions& options) {
  auto decoded = Program::decode(program);
  if (!decoded) return std::unexpected(std::move(decoded.error()));
  return options.engine == Engine::kJit ? run_on_jit(*decoded, memory, options)
                                        : run_on_interpreter(*decoded, memory, options);
}

TestResult run_test(const DataFile& test, const RunnerOptions& options) {
  TestResult result;
  result.path = test.path;
  const Result<uint64_t> outcome = run_program(test.program, test.memory, options);

  if (test.error) {
    result.passed = !outcome && outcome.error().to_string() == *test.error;
    if (!result.passed)
      result.reason = fmt::format("expected error \"{}\", got {}", *test.error, describe(outcome));
  } else {
    const uint64_t expected = test.result.value_or(0);
    result.passed = outcome && *outcome == expected;
    if (!result.passed)
      result.reason = fmt::format("expected {:#x}, got {}", expected, describe(outcome));
  }
  return result;
}

TestResult run_test_file(const std::string& path, const RunnerOptions& options) {
  auto test = read_data_file(path);
  if (!test) {
    TestResult result;
    result.path = path;
    result.loaded = false;
    result.reason = test.error().to_string();
    return result;
  }
  return run_test(*test, options);
}

}  // namespace sandbpf::conformance
