// What every engine's benchmark shares: the CPU clock, the timing loop
// with its correctness check and per-BPF-instruction counters, and the
// reporter that keeps each benchmark's median for the summary table.
#pragma once

#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sandbpf/error.hpp"

namespace sandbpf::bench {

// The benchmark loop's own CPU time (the clock Google Benchmark's CPU time
// uses), so ns_per_insn is a plain number of nanoseconds: an inverted rate
// counter would be printed in seconds with an SI prefix.
inline double thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

inline uint64_t result_value(uint64_t value) { return value; }
inline uint64_t result_value(const Result<uint64_t>& value) { return value ? *value : 0; }
inline bool result_ok(uint64_t) { return true; }
inline bool result_ok(const Result<uint64_t>& value) { return value.has_value(); }

// Times `run` (an engine or the native build) and reports insns_per_run and
// ns_per_insn: the run's CPU time divided by the BPF program's executed
// instructions, so native and engines compare directly. A wrong result
// while timing marks the benchmark as failed.
template <typename Run>
void time_runs(benchmark::State& state, uint64_t insns_per_run, uint64_t expected_r0, Run run) {
  bool wrong = false;
  const double start = thread_cpu_ns();
  for (auto _ : state) {
    auto r0 = run();
    benchmark::DoNotOptimize(r0);
    benchmark::ClobberMemory();
    wrong |= !result_ok(r0) || result_value(r0) != expected_r0;
  }
  const double elapsed = thread_cpu_ns() - start;
  if (wrong) state.SkipWithError("wrong result while timing");
  state.counters["insns_per_run"] = static_cast<double>(insns_per_run);
  if (state.iterations() > 0)
    state.counters["ns_per_insn"] =
        elapsed / (static_cast<double>(insns_per_run) * static_cast<double>(state.iterations()));
}

// Forwards to the display reporter the flags chose and remembers each
// benchmark's CPU time per iteration, for the summary table.
class SummaryReporter : public benchmark::BenchmarkReporter {
 public:
  explicit SummaryReporter(std::unique_ptr<benchmark::BenchmarkReporter> inner)
      : inner_(std::move(inner)) {}

  bool ReportContext(const Context& context) override { return inner_->ReportContext(context); }

  void ReportRuns(const std::vector<Run>& runs) override {
    inner_->ReportRuns(runs);
    for (const auto& run : runs) {
      if (run.error_occurred) continue;
      // CPU time per iteration, in ns whatever the benchmark's time unit.
      const double ns = run.GetAdjustedCPUTime() / benchmark::GetTimeUnitMultiplier(run.time_unit) * 1e9;
      if (run.run_type == Run::RT_Iteration && run.iterations > 0)
        per_repetition_[run.run_name.function_name].push_back(ns);
      else if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median")
        median_[run.run_name.function_name] = ns;
    }
  }

  void Finalize() override { inner_->Finalize(); }

  // CPU ns per run: the median over repetitions (also when only aggregates
  // are reported); negative when the benchmark did not run.
  double ns_per_run(const std::string& name) const {
    if (auto it = median_.find(name); it != median_.end()) return it->second;
    auto it = per_repetition_.find(name);
    if (it == per_repetition_.end() || it->second.empty()) return -1;
    std::vector<double> v = it->second;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> inner_;
  std::map<std::string, std::vector<double>> per_repetition_;
  std::map<std::string, double> median_;
};

}  // namespace sandbpf::bench
