// sandbpf run FILE: runs a program on the interpreter or the JIT and
// prints r0.
//
// There is no verifier yet, so a program runs in checked mode (every
// access bounds-checked, an instruction budget) unless `--no-verify --mode
// fast` asks for it to run without checks (trusted code, benchmarks).
// The memory (--mem) is restored before each of the --repeat runs; r1
// points to it (0 without one), r2 holds its length, and LD_ABS/LD_IND
// read it as the packet. With --stats, the instruction count comes from
// the interpreter (DESIGN.md): on the JIT, one more run on the interpreter,
// untimed, counts the last run's instructions.
#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/conformance_environment.hpp"
#include "jit/jit.hpp"
#include "loader/program_file.hpp"
#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"
#include "tools/program_input.hpp"
#include "vm/generic_memory.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"

namespace sandbpf::tools {
namespace {

inline constexpr uint64_t kDefaultBudget = 10'000'000;

struct RunOptions {
  std::string input;
  bool raw = false;
  std::string mem_file;
  std::string engine = "interpreter";
  bool no_verify = false;
  std::string mode = "checked";
  uint64_t budget = kDefaultBudget;
  bool budget_given = false;  // set from the command line after parsing
  uint64_t repeat = 1;
  bool stats = false;
  std::string platform = "generic";
};

int run_run(const RunOptions& options) {
  const auto slots = load_program_file(options.input, options.raw);
  if (!slots) return report(slots.error(), options.input);

  std::vector<uint8_t> memory;
  if (!options.mem_file.empty()) {
    auto bytes = read_file_bytes(options.mem_file);
    if (!bytes) return report(bytes.error(), options.mem_file);
    memory = std::move(*bytes);
  }

  const auto program = Program::decode(*slots);
  if (!program) return report(program.error(), options.input);
  const auto interpreter = Interpreter::create(*program);
  if (!interpreter) return report(interpreter.error(), options.input);

  // The generic platform has no helpers, maps or host variables; the
  // conformance platform adds the suite's (conformance_environment.hpp).
  // Either lives across the runs, as maps do.
  std::optional<conformance::ConformanceEnvironment> conformance_environment;
  Environment generic_environment;
  const Environment* environment = &generic_environment;
  std::span<const MemoryRegion> extra_regions;
  if (options.platform == "conformance") {
    conformance_environment.emplace();
    environment = &conformance_environment->environment();
    extra_regions = conformance_environment->regions();
  }
  // The working copy of --mem, restored before each run.
  GenericMemory generic(memory, extra_regions);
  const RunInput& input = generic.input();

  const ExecMode mode =
      options.no_verify && options.mode == "fast" ? ExecMode::kFast : ExecMode::kChecked;
  std::optional<JitProgram> jit;
  if (options.engine == "jit") {
    JitOptions jit_options;
    jit_options.mode = mode;
    auto compiled = JitProgram::compile(*program, *environment, jit_options);
    if (!compiled) return report(compiled.error(), options.input);
    jit.emplace(std::move(*compiled));
  }
  // Checked (unverified) code always has a budget; fast mode is for
  // trusted code and benchmarks, so it has one only when asked for.
  RunLimits limits;
  limits.instruction_budget =
      mode == ExecMode::kChecked || options.budget_given ? options.budget : 0;

  uint64_t r0 = 0;
  RunStats stats;
  std::chrono::nanoseconds total{0};
  for (uint64_t i = 0; i < options.repeat; ++i) {
    generic.restore();
    // Counting instructions slows fast mode, so only the last run counts.
    const bool last = i + 1 == options.repeat;
    const auto start = std::chrono::steady_clock::now();
    RunStats* count = options.stats && last ? &stats : nullptr;
    const auto result = jit ? jit->run(*environment, input, limits)
                            : interpreter->run(*environment, input, mode, limits, count);
    total += std::chrono::steady_clock::now() - start;
    if (!result) return report(result.error(), options.input);
    r0 = *result;
  }

  if (options.stats && jit) {
    generic.restore();
    const auto counted = interpreter->run(*environment, input, mode, limits, &stats);
    if (!counted) return report(counted.error(), options.input);
  }
  if (options.stats) {
    const auto mean = total.count() / static_cast<int64_t>(options.repeat);
    fmt::print(stderr, "runs={} ns_per_run={} insns={}\n", options.repeat, mean, stats.instructions);
  }
  fmt::print("{}\n", r0);
  return kExitOk;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub =
      app.add_subcommand("run", "Run a program on the interpreter or the JIT and print r0");
  sub->add_option("FILE", options->input, "Raw instructions or assembly text")->required();
  sub->add_flag("--raw", options->raw, "Read FILE as raw 8-byte instructions whatever it holds");
  sub->add_option("--mem", options->mem_file,
                  "Binary file holding the memory (r1 points to a copy, r2 is its length)");
  sub->add_option("--engine", options->engine, "Engine to run on")
      ->check(CLI::IsMember({"interpreter", "jit"}))
      ->capture_default_str();
  CLI::Option* no_verify =
      sub->add_flag("--no-verify", options->no_verify,
                    "Run unverified code (checked mode, or without checks with --mode fast)");
  sub->add_option("--mode", options->mode, "How unverified code runs (needs --no-verify)")
      ->check(CLI::IsMember({"checked", "fast"}))
      ->needs(no_verify)
      ->capture_default_str();
  CLI::Option* budget =
      sub->add_option("--budget", options->budget,
                      "Instructions a run may execute, 0 for no limit; fast mode has no limit "
                      "unless given one, and counts at back-edges and calls")
          ->check(CLI::NonNegativeNumber)
          ->capture_default_str();
  sub->add_option("--repeat", options->repeat, "Run N times, restoring the memory before each run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_flag("--stats", options->stats,
                "Print runs=<N> ns_per_run=<mean> insns=<executed in the last run> on stderr");
  sub->add_option("--platform", options->platform,
                  "generic (no helpers) or conformance (the conformance suite's helpers, map and "
                  "host variable)")
      ->check(CLI::IsMember({"generic", "conformance"}))
      ->capture_default_str();
  return Command{sub, [options, budget] {
                   options->budget_given = budget->count() > 0;
                   return run_run(*options);
                 }};
}

}  // namespace sandbpf::tools
