// sandbpf verify FILE...: the verifier's verdict on every program of each
// file (DESIGN.md, "The command line"), as text (PASS/FAIL lines), JSON or
// SARIF 2.1.0 on standard output. Exit code: 0 when every program is
// accepted, 1 when one is refused, 2 for bad usage, a file that cannot be
// loaded, a program whose type cannot be determined or that cannot be
// loaded (an unresolved call, a CO-RE relocation that cannot be resolved);
// the highest wins.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"
#include "tools/verify_report.hpp"

namespace sandbpf::tools {
namespace {

struct VerifyCommandOptions {
  std::vector<std::string> inputs;
  std::string section;
  std::string function;
  std::string type;
  std::string platform;
  std::string termination;
  std::string format = "text";
  bool trace = false;
};

std::optional<TerminationPolicy> termination_from(const std::string& name) {
  if (name == "proved") return TerminationPolicy::kProved;
  if (name == "budget") return TerminationPolicy::kBudget;
  if (name == "none") return TerminationPolicy::kNone;
  return std::nullopt;
}

int run_verify(const VerifyCommandOptions& options) {
  VerifyRequest request;
  if (!options.section.empty()) request.section = options.section;
  if (!options.function.empty()) request.function = options.function;
  if (!options.type.empty()) request.type = options.type;
  if (!options.platform.empty()) request.platform = options.platform;
  request.options.termination = termination_from(options.termination);
  request.options.trace = options.trace;

  std::vector<FileReport> files;
  int exit = kExitOk;
  for (const std::string& input : options.inputs) {
    FileReport report = verify_file(input, request);
    if (report.error) (void)tools::report(*report.error, report.error_exit, input);
    exit = std::max(exit, report.exit_code());
    files.push_back(std::move(report));
  }

  std::string out;
  if (options.format == "json") out = json_report(files, options.trace);
  else if (options.format == "sarif") out = sarif_report(files);
  else out = text_report(files, options.trace);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return exit;
}

}  // namespace

Command add_verify_command(CLI::App& app) {
  auto options = std::make_shared<VerifyCommandOptions>();
  CLI::App* sub = app.add_subcommand(
      "verify", "Prove the programs of BPF objects (or raw/assembly programs) safe, or say why not");
  sub->add_option("FILE", options->inputs, "BPF ELF objects, assembly text or raw instructions")->required();
  sub->add_option("--section", options->section, "Only the programs of this ELF section");
  sub->add_option("--program", options->function, "Only the program (function) of this name");
  sub->add_option("--type", options->type,
                  "Program type (socket_filter, xdp, sched_cls, kprobe, ...): needed when the section "
                  "name implies none");
  sub->add_option("--platform", options->platform,
                  "linux (default for ELF objects) or generic (default for raw and assembly)")
      ->check(CLI::IsMember({"linux", "generic"}));
  sub->add_option("--termination", options->termination,
                  "proved (loops bounded by proof; linux default), budget (a runtime budget; generic "
                  "default) or none")
      ->check(CLI::IsMember({"proved", "budget", "none"}));
  sub->add_option("--format", options->format, "text, json or sarif (SARIF 2.1.0)")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->capture_default_str();
  sub->add_flag("--trace", options->trace,
                "For a refused program: the abstract state before the failing instruction and a path to it");
  return Command{sub, [options] { return run_verify(*options); }};
}

}  // namespace sandbpf::tools
