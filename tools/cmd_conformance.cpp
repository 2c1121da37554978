// sandbpf conformance DIR|FILE...: runs bpf_conformance data files on the
// conformance platform (conformance/runner.hpp) and prints one line per
// failing test, then "N passed, N failed". Exit 1 when a test failed, 2
// when a file could not be loaded (the highest code wins).
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "conformance/suite.hpp"
#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"

namespace sandbpf::tools {
namespace {

struct ConformanceOptions {
  std::vector<std::string> paths;
  std::string engine = "interpreter";
  std::string mode = "fast";
};

int run_conformance(const ConformanceOptions& options) {
  const auto files = conformance::collect_test_files(options.paths);
  if (!files) return report(files.error());

  conformance::RunnerOptions runner;
  runner.mode = options.mode == "checked" ? ExecMode::kChecked : ExecMode::kFast;
  runner.engine = options.engine == "jit" ? conformance::Engine::kJit : conformance::Engine::kInterpreter;
  const conformance::SuiteResult suite = conformance::run_suite(*files, runner);

  for (const conformance::TestResult& test : suite.tests) {
    if (test.passed) continue;
    // A file that could not be loaded has a reason that names it already.
    if (!test.loaded && test.reason.starts_with(test.path))
      fmt::print("FAIL {}\n", test.reason);
    else
      fmt::print("FAIL {}: {}\n", test.path, test.reason);
  }
  fmt::print("{} passed, {} failed\n", suite.passed, suite.failed);
  if (suite.not_loaded > 0) return kExitLoad;
  return suite.failed > 0 ? kExitFailed : kExitOk;
}

}  // namespace

Command add_conformance_command(CLI::App& app) {
  auto options = std::make_shared<ConformanceOptions>();
  CLI::App* sub =
      app.add_subcommand("conformance", "Run bpf_conformance .data files (directories or files)");
  sub->add_option("PATHS", options->paths, "Data files, or directories of .data files")
      ->required();
  sub->add_option("--engine", options->engine, "Engine to run on")
      ->check(CLI::IsMember({"interpreter", "jit"}))
      ->capture_default_str();
  sub->add_option("--mode", options->mode,
                  "fast (checked first, then without checks) or checked")
      ->check(CLI::IsMember({"fast", "checked"}))
      ->capture_default_str();
  return Command{sub, [options] { return run_conformance(*options); }};
}

}  // namespace sandbpf::tools
