// The interpreter's speed on the benchmark kernels (bench/kernels), beside
// the same kernels compiled natively (-O2 -fno-tree-vectorize).
//
//   sandbpf_interpreter_bench [Google Benchmark flags]
//       interpreter/<kernel> and native/<kernel> for every kernel, then a
//       summary table: executed BPF instructions per run, ns per executed
//       BPF instruction, native ns per run, interpreter/native ratio.
//   sandbpf_interpreter_bench --callgrind-kernel=NAME [--runs=N]
//                             [--engine=interpreter|native]
//       no benchmark: set the kernel up (load, count, check) and run it N
//       times; bench/callgrind_per_insn.sh runs this under callgrind.
//   sandbpf_interpreter_bench --list-kernels
//
// Before anything is timed, every kernel is run once in the counting mode
// (RunStats; slower, never timed) to learn how many BPF instructions a run
// executes, and its r0 is compared with the native build's result on the
// same input: a mismatch aborts with a message.
#include <benchmark/benchmark.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_helpers.hpp"
#include "bench/bench_report.hpp"
#include "bench/kernel_set.hpp"
#include "vm/interpreter.hpp"

namespace sandbpf::bench {
namespace {

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "sandbpf_interpreter_bench: %s\n", message.c_str());
  std::exit(1);
}

// One kernel, ready to run on the interpreter and natively.
struct PreparedKernel {
  const KernelSpec* spec = nullptr;
  std::unique_ptr<Program> program;          // outlives the interpreter
  std::unique_ptr<Interpreter> interpreter;
  std::unique_ptr<KernelInput> input;
  MemoryRegion region;
  RunInput run_input;
  uint64_t insns_per_run = 0;  // executed BPF instructions (counting run)
  uint64_t expected_r0 = 0;    // the native result

  uint64_t run_native() const { return spec->native(input->data(), input->size()); }
  Result<uint64_t> run_interpreter(RunStats* stats = nullptr) const {
    return interpreter->run(kernel_environment(), run_input, ExecMode::kFast, {}, stats);
  }
};

std::unique_ptr<PreparedKernel> prepare(const KernelSpec& spec) {
  auto kernel = std::make_unique<PreparedKernel>();
  kernel->spec = &spec;
  auto program = load_kernel_program(spec);
  if (!program) die(std::string(spec.name) + ": " + program.error().to_string());
  kernel->program = std::make_unique<Program>(std::move(*program));
  auto interpreter = Interpreter::create(*kernel->program);
  if (!interpreter) die(std::string(spec.name) + ": " + interpreter.error().to_string());
  kernel->interpreter = std::make_unique<Interpreter>(std::move(*interpreter));

  kernel->input = std::make_unique<KernelInput>(spec);
  const uint64_t base = reinterpret_cast<uint64_t>(kernel->input->data());
  kernel->region = MemoryRegion{.base = base, .size = kernel->input->size(), .writable = true};
  kernel->run_input.args[0] = base;
  kernel->run_input.args[1] = kernel->input->size();
  kernel->run_input.regions = std::span<const MemoryRegion>(&kernel->region, 1);
  kernel->run_input.packet = kernel->input->data();
  kernel->run_input.packet_size = kernel->input->size();

  kernel->expected_r0 = kernel->run_native();
  RunStats stats;
  auto r0 = kernel->run_interpreter(&stats);
  if (!r0) die(std::string(spec.name) + ": interpreter run failed: " + r0.error().to_string());
  if (*r0 != kernel->expected_r0)
    die(std::string(spec.name) + ": interpreter r0 = " + std::to_string(*r0) +
        " but the native build returns " + std::to_string(kernel->expected_r0));
  if (stats.instructions == 0) die(std::string(spec.name) + ": the counting run counted nothing");
  kernel->insns_per_run = stats.instructions;
  // The timed mode must agree with the counting mode too.
  auto fast = kernel->run_interpreter();
  if (!fast || *fast != kernel->expected_r0)
    die(std::string(spec.name) + ": fast-mode run without stats disagrees with the native result");
  return kernel;
}

void bench_interpreter(benchmark::State& state, const PreparedKernel* kernel) {
  time_runs(state, kernel->insns_per_run, kernel->expected_r0,
            [kernel] { return kernel->run_interpreter(); });
}

void bench_native(benchmark::State& state, const PreparedKernel* kernel) {
  time_runs(state, kernel->insns_per_run, kernel->expected_r0,
            [kernel] { return kernel->run_native(); });
}

constexpr double kTargetNsPerInsn = 1.3;  // issue "Core": 3x faster than uBPF's ~4 ns

std::string format_or_dash(const char* format, double value) {
  if (value < 0) return "-";
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

void print_summary(const SummaryReporter& reporter,
                   const std::vector<std::unique_ptr<PreparedKernel>>& kernels) {
  std::cout.flush();  // the console reporter writes through std::cout
  std::printf("\n%-14s %12s %14s %10s %14s %11s %7s\n", "kernel", "insns/run", "interp ns/run",
              "ns/insn", "native ns/run", "interp/nat", "target");
  for (const auto& kernel : kernels) {
    const std::string name(kernel->spec->name);
    const double interp = reporter.ns_per_run("interpreter/" + name);
    const double native = reporter.ns_per_run("native/" + name);
    if (interp < 0 && native < 0) continue;
    const double per_insn = interp < 0 ? -1 : interp / static_cast<double>(kernel->insns_per_run);
    std::printf("%-14s %12llu %14s %10s %14s %11s %7s\n", name.c_str(),
                static_cast<unsigned long long>(kernel->insns_per_run),
                format_or_dash("%.0f", interp).c_str(), format_or_dash("%.3f", per_insn).c_str(),
                format_or_dash("%.0f", native).c_str(),
                format_or_dash("%.2f", interp < 0 || native < 0 ? -1 : interp / native).c_str(),
                per_insn < 0 ? "-" : per_insn <= kTargetNsPerInsn ? "ok" : "MISSED");
  }
  std::printf("(CPU time, median of repetitions; target: <= %.1f ns per executed BPF instruction)\n",
              kTargetNsPerInsn);
  std::fflush(stdout);
}

struct Options {
  std::string callgrind_kernel;
  uint64_t runs = 20;
  bool native = false;
  bool list = false;
  bool console = true;
};

bool parse_u64(std::string_view text, uint64_t& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

// Takes this program's own flags out of argv; Google Benchmark gets the rest.
Options take_own_flags(int& argc, char** argv) {
  Options options;
  int kept = 1;
  for (int i = 1; i < argc; i++) {
    const std::string_view arg = argv[i];
    if (arg.starts_with("--callgrind-kernel=")) {
      options.callgrind_kernel = arg.substr(arg.find('=') + 1);
    } else if (arg.starts_with("--runs=")) {
      if (!parse_u64(arg.substr(7), options.runs)) die("--runs wants a number");
    } else if (arg == "--engine=interpreter") {
      options.native = false;
    } else if (arg == "--engine=native") {
      options.native = true;
    } else if (arg.starts_with("--engine=")) {
      die("--engine is interpreter or native");
    } else if (arg == "--list-kernels") {
      options.list = true;
    } else {
      if (arg.starts_with("--benchmark_format=") && arg != "--benchmark_format=console")
        options.console = false;
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  return options;
}

// Runs one kernel `runs` times and nothing else: under callgrind, the
// difference between --runs=N and --runs=0 is the cost of N runs.
int callgrind_mode(const Options& options) {
  const KernelSpec* spec = find_kernel(options.callgrind_kernel);
  if (spec == nullptr) die("no kernel named " + options.callgrind_kernel + " (--list-kernels)");
  auto kernel = prepare(*spec);
  uint64_t r0 = 0;
  for (uint64_t i = 0; i < options.runs; i++) {
    if (options.native) {
      r0 = kernel->run_native();
    } else {
      auto result = kernel->run_interpreter();
      if (!result) die("run failed: " + result.error().to_string());
      r0 = *result;
    }
    benchmark::DoNotOptimize(r0);
  }
  std::printf("kernel=%s engine=%s runs=%llu insns_per_run=%llu r0=%llu\n", options.callgrind_kernel.c_str(),
              options.native ? "native" : "interpreter", static_cast<unsigned long long>(options.runs),
              static_cast<unsigned long long>(kernel->insns_per_run),
              static_cast<unsigned long long>(kernel->expected_r0));
  return 0;
}

}  // namespace
}  // namespace sandbpf::bench

int main(int argc, char** argv) {
  using namespace sandbpf::bench;
  const Options options = take_own_flags(argc, argv);
  if (options.list) {
    for (const auto& kernel : all_kernels())
      std::printf("%-14s %s\n", std::string(kernel.name).c_str(), std::string(kernel.description).c_str());
    return 0;
  }
  if (!options.callgrind_kernel.empty()) return callgrind_mode(options);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  std::vector<std::unique_ptr<PreparedKernel>> kernels;
  for (const auto& spec : all_kernels()) kernels.push_back(prepare(spec));
  for (const auto& kernel : kernels) {
    const std::string name(kernel->spec->name);
    benchmark::RegisterBenchmark(("interpreter/" + name).c_str(), bench_interpreter, kernel.get());
    benchmark::RegisterBenchmark(("native/" + name).c_str(), bench_native, kernel.get());
  }

  if (options.console) {
    auto colour = isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                        : benchmark::ConsoleReporter::OO_Tabular;
    SummaryReporter reporter(std::make_unique<benchmark::ConsoleReporter>(colour));
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_summary(reporter, kernels);
  } else {
    benchmark::RunSpecifiedBenchmarks();  // json/csv: the library's own reporter, no summary
  }
  benchmark::Shutdown();
  return 0;
}
