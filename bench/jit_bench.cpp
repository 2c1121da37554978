// The JIT's speed on the benchmark kernels (bench/kernels), beside the same
// kernels compiled natively (-O2 -fno-tree-vectorize). The JIT runs in fast
// mode, which only verified code may: each kernel is first verified on the
// generic platform (with the benchmark helpers' prototypes, bench_platform.hpp)
// under the termination policy `none`, and a kernel that does not verify is
// neither run nor timed (the table says why); `jit_budget/<kernel>` is the same code
// under the `budget` policy (back-edges and calls charged), whose cost the
// table shows beside it.
//
//   sandbpf_jit_bench [Google Benchmark flags]
//       jit/<kernel>, jit_budget/<kernel>, native/<kernel> and
//       native_vectorized/<kernel> for every kernel, then a summary
//       table: ns per run on the JIT and natively, JIT/native per kernel,
//       JIT against the vectorized native build (jit/vec),
//       and the geometric mean of JIT/native over the kernels.
//   sandbpf_jit_bench --list-kernels
//   sandbpf_jit_bench --no-inline-lookups [...]
//       map lookups stay helper calls (JitOptions::inline_map_lookups off):
//       the JIT as it was before it inlined them, for comparison.
//
// Before anything is timed, every kernel's r0 on the JIT is compared with
// the native build's (and the interpreter counts the executed BPF
// instructions, for ns per instruction): a mismatch aborts with a message.
//
// Targets (issue "x86-64 JIT, as fast as native code"): geometric mean of
// JIT/native <= 1.10, and no kernel above 1.5.
#include <benchmark/benchmark.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/bench_helpers.hpp"
#include "bench/bench_platform.hpp"
#include "bench/bench_report.hpp"
#include "bench/kernel_set.hpp"
#include "jit/jit.hpp"
#include "vm/interpreter.hpp"

namespace sandbpf::bench {
namespace {

bool inline_lookups = true;  // --no-inline-lookups turns it off

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "sandbpf_jit_bench: %s\n", message.c_str());
  std::exit(1);
}

struct PreparedKernel {
  const KernelSpec* spec = nullptr;
  std::unique_ptr<Program> program;
  std::unique_ptr<JitProgram> jit;
  std::unique_ptr<KernelInput> input;
  MemoryRegion region;
  RunInput run_input;
  uint64_t insns_per_run = 0;
  uint64_t expected_r0 = 0;
  double compile_us = 0;

  std::string verified;  // "yes", or why not

  uint64_t run_native() const { return spec->native(input->data(), input->size()); }
  uint64_t run_vectorized() const { return spec->vectorized(input->data(), input->size()); }
  Result<uint64_t> run_jit() const { return jit->run(kernel_environment(), run_input); }
  // The `budget` termination policy: a budget no kernel reaches, charged
  // at back-edges and calls.
  Result<uint64_t> run_jit_budget() const {
    return jit->run(kernel_environment(), run_input, RunLimits{.instruction_budget = 1ull << 62});
  }
};

std::unique_ptr<PreparedKernel> prepare(const KernelSpec& spec) {
  auto kernel = std::make_unique<PreparedKernel>();
  kernel->spec = &spec;
  auto program = load_kernel_program(spec);
  if (!program) die(std::string(spec.name) + ": " + program.error().to_string());
  kernel->program = std::make_unique<Program>(std::move(*program));
  kernel->verified = kernel_verdict(*kernel->program, TerminationPolicy::kNone);
  if (kernel->verified != "yes") return kernel;  // fast mode is for verified code only
  // The verifier's facts, as the runtime hands them to the JIT (they let
  // it compile map lookups inline).
  auto verification = verify_kernel_program(*kernel->program, TerminationPolicy::kNone);
  if (!verification) die(std::string(spec.name) + ": " + verification.error().to_string());
  JitOptions options;
  options.facts = std::make_shared<const VerifiedFacts>(verification->facts);
  options.inline_map_lookups = inline_lookups;
  auto jit = JitProgram::compile(*kernel->program, kernel_environment(), options);
  if (!jit) die(std::string(spec.name) + ": " + jit.error().to_string());
  // Compile time: the median of 21 compiles (the first one above warmed up).
  std::vector<double> times;
  for (int i = 0; i < 21; ++i) {
    const auto start = std::chrono::steady_clock::now();
    auto again = JitProgram::compile(*kernel->program, kernel_environment(), options);
    times.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    if (!again) die(std::string(spec.name) + ": " + again.error().to_string());
  }
  std::sort(times.begin(), times.end());
  kernel->compile_us = times[times.size() / 2];
  kernel->jit = std::make_unique<JitProgram>(std::move(*jit));

  kernel->input = std::make_unique<KernelInput>(spec);
  const uint64_t base = reinterpret_cast<uint64_t>(kernel->input->data());
  kernel->region = MemoryRegion{.base = base, .size = kernel->input->size(), .writable = true};
  kernel->run_input.args[0] = base;
  kernel->run_input.args[1] = kernel->input->size();
  kernel->run_input.regions = std::span<const MemoryRegion>(&kernel->region, 1);
  kernel->run_input.packet = kernel->input->data();
  kernel->run_input.packet_size = kernel->input->size();

  kernel->expected_r0 = kernel->run_native();
  if (kernel->run_vectorized() != kernel->expected_r0)
    die(std::string(spec.name) + ": the vectorized native build disagrees with the scalar one");
  auto r0 = kernel->run_jit();
  if (!r0) die(std::string(spec.name) + ": JIT run failed: " + r0.error().to_string());
  if (*r0 != kernel->expected_r0)
    die(std::string(spec.name) + ": JIT r0 = " + std::to_string(*r0) +
        " but the native build returns " + std::to_string(kernel->expected_r0));
  // The interpreter counts the instructions (the JIT does not count in fast mode).
  auto interpreter = Interpreter::create(*kernel->program);
  if (!interpreter) die(std::string(spec.name) + ": " + interpreter.error().to_string());
  RunStats stats;
  auto counted = interpreter->run(kernel_environment(), kernel->run_input, ExecMode::kFast, {}, &stats);
  if (!counted || *counted != kernel->expected_r0)
    die(std::string(spec.name) + ": the interpreter disagrees with the native result");
  kernel->insns_per_run = stats.instructions;
  return kernel;
}

void bench_jit(benchmark::State& state, const PreparedKernel* kernel) {
  time_runs(state, kernel->insns_per_run, kernel->expected_r0,
            [kernel] { return kernel->run_jit(); });
}

void bench_jit_budget(benchmark::State& state, const PreparedKernel* kernel) {
  time_runs(state, kernel->insns_per_run, kernel->expected_r0,
            [kernel] { return kernel->run_jit_budget(); });
}

void bench_native(benchmark::State& state, const PreparedKernel* kernel) {
  time_runs(state, kernel->insns_per_run, kernel->expected_r0,
            [kernel] { return kernel->run_native(); });
}

void bench_vectorized(benchmark::State& state, const PreparedKernel* kernel) {
  time_runs(state, kernel->insns_per_run, kernel->expected_r0,
            [kernel] { return kernel->run_vectorized(); });
}

constexpr double kTargetGeomean = 1.10;
constexpr double kTargetWorst = 1.5;

void print_summary(const SummaryReporter& reporter,
                   const std::vector<std::unique_ptr<PreparedKernel>>& kernels) {
  std::cout.flush();
  std::printf("\n%-14s %12s %12s %9s %14s %10s %7s %11s %9s %11s %7s %s\n", "kernel", "insns/run",
              "jit ns/run", "ns/insn", "native ns/run", "jit/nat", "target", "budget/nat", "jit/vec",
              "compile us", "insns", "verified");
  double log_sum = 0;
  int counted = 0;
  double worst = 0;
  std::string worst_name;
  for (const auto& kernel : kernels) {
    const std::string name(kernel->spec->name);
    if (kernel->verified != "yes") {
      std::printf("%-14s not run: it does not verify (%s)\n", name.c_str(), kernel->verified.c_str());
      continue;
    }
    const double jit = reporter.ns_per_run("jit/" + name);
    const double native = reporter.ns_per_run("native/" + name);
    if (jit < 0 || native < 0) continue;
    const double ratio = jit / native;
    log_sum += std::log(ratio);
    ++counted;
    if (ratio > worst) {
      worst = ratio;
      worst_name = name;
    }
    const double budget = reporter.ns_per_run("jit_budget/" + name);
    const double vectorized = reporter.ns_per_run("native_vectorized/" + name);
    std::printf("%-14s %12llu %12.0f %9.3f %14.0f %10.2f %7s %11.2f %9.2f %11.1f %7zu %s\n", name.c_str(),
                static_cast<unsigned long long>(kernel->insns_per_run), jit,
                jit / static_cast<double>(kernel->insns_per_run), native, ratio,
                ratio <= kTargetWorst ? "ok" : "MISSED", budget < 0 ? 0.0 : budget / native,
                vectorized < 0 ? 0.0 : jit / vectorized, kernel->compile_us, kernel->program->size(), kernel->verified.c_str());
  }
  if (counted > 0) {
    const double geomean = std::exp(log_sum / counted);
    std::printf("geometric mean of jit/native over %d kernels: %.3f (target <= %.2f: %s); worst: %s at %.2f "
                "(target: no kernel above %.1f: %s)\n",
                counted, geomean, kTargetGeomean, geomean <= kTargetGeomean ? "ok" : "MISSED", worst_name.c_str(),
                worst, kTargetWorst, worst <= kTargetWorst ? "ok" : "MISSED");
  }
  std::printf("(CPU time, median of repetitions; native: -O2 -fno-tree-vectorize; vec: the same "
              "sources at -O2 -ftree-vectorize; compile us: median "
              "of 21 compiles of the kernel's insns)\n");
  std::fflush(stdout);
}

}  // namespace
}  // namespace sandbpf::bench

int main(int argc, char** argv) {
  using namespace sandbpf::bench;
  bool console = true;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--list-kernels") {
      for (const auto& kernel : all_kernels())
        std::printf("%-14s %s\n", std::string(kernel.name).c_str(), std::string(kernel.description).c_str());
      return 0;
    }
    if (arg == "--no-inline-lookups") {
      inline_lookups = false;
      continue;
    }
    if (arg.starts_with("--benchmark_format=") && arg != "--benchmark_format=console") console = false;
    argv[kept++] = argv[i];
  }
  argc = kept;
  if (!sandbpf::jit_available()) die("no JIT backend for this host");

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  std::vector<std::unique_ptr<PreparedKernel>> kernels;
  for (const auto& spec : all_kernels()) kernels.push_back(prepare(spec));
  for (const auto& kernel : kernels) {
    if (kernel->verified != "yes") continue;
    const std::string name(kernel->spec->name);
    benchmark::RegisterBenchmark(("jit/" + name).c_str(), bench_jit, kernel.get());
    benchmark::RegisterBenchmark(("jit_budget/" + name).c_str(), bench_jit_budget, kernel.get());
    benchmark::RegisterBenchmark(("native/" + name).c_str(), bench_native, kernel.get());
    benchmark::RegisterBenchmark(("native_vectorized/" + name).c_str(), bench_vectorized, kernel.get());
  }
  if (console) {
    auto colour = isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                                        : benchmark::ConsoleReporter::OO_Tabular;
    SummaryReporter reporter(std::make_unique<benchmark::ConsoleReporter>(colour));
    benchmark::RunSpecifiedBenchmarks(&reporter);
    print_summary(reporter, kernels);
  } else {
    benchmark::RunSpecifiedBenchmarks();
  }
  benchmark::Shutdown();
  return 0;
}
