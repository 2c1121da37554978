// The sandbpf command's subcommands, one file each. A command adds its
// subcommand and options to the application and returns what to run once
// the command line has been parsed (the options live in the closure).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace sandbpf::tools {

struct Command {
  CLI::App* app = nullptr;
  std::function<int()> run;  // returns the exit code
};

Command add_asm_command(CLI::App& app);
Command add_disasm_command(CLI::App& app);
Command add_inspect_command(CLI::App& app);
Command add_run_command(CLI::App& app);
Command add_conformance_command(CLI::App& app);
Command add_jit_command(CLI::App& app);
Command add_verify_command(CLI::App& app);
Command add_bench_command(CLI::App& app);

}  // namespace sandbpf::tools
