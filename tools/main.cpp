// sandbpf: the command line (DESIGN.md, "The command line").
#include <cstdio>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"

int main(int argc, char** argv) {
  using namespace sandbpf::tools;

  CLI::App app{"sandbpf: load, check and run eBPF programs outside the kernel", "sandbpf"};
  app.set_version_flag("--version", "sandbpf " SANDBPF_VERSION);
  app.require_subcommand(1);
  // Options are --name on every OS. CLI11 would also read /name as an
  // option on Windows, taking paths such as /data/x.o (as wine passes
  // them) for options; subcommands inherit this setting.
  app.allow_windows_style_options(false);

  const std::vector<Command> commands{
      add_asm_command(app),
      add_disasm_command(app),
      add_inspect_command(app),
      add_run_command(app),
      add_conformance_command(app),
      add_jit_command(app),
      add_verify_command(app),
      add_bench_command(app),
  };

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help and version print and succeed; anything else is bad usage.
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }

  for (const Command& command : commands)
    if (command.app->parsed()) {
      const int code = command.run();
      std::fflush(stdout);
      return code;
    }
  return kExitUsage;  // unreachable: a subcommand is required
}
