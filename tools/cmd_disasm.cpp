// sandbpf disasm FILE: prints a program (raw instructions or assembly text)
// in the assembly syntax, which `sandbpf asm` reads back unchanged.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "loader/disassembler.hpp"
#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"
#include "tools/program_input.hpp"

namespace sandbpf::tools {
namespace {

struct DisasmOptions {
  std::string input;
  bool raw = false;
};

int run_disasm(const DisasmOptions& options) {
  const auto insns = load_program_file(options.input, options.raw);
  if (!insns) return report(insns.error(), options.input);
  fmt::print("{}", disassemble(*insns));
  return kExitOk;
}

}  // namespace

Command add_disasm_command(CLI::App& app) {
  auto options = std::make_shared<DisasmOptions>();
  CLI::App* sub = app.add_subcommand("disasm", "Disassemble a program");
  sub->add_option("FILE", options->input, "Raw instructions or assembly text")->required();
  sub->add_flag("--raw", options->raw, "Read FILE as raw 8-byte instructions whatever it holds");
  return Command{sub, [options] { return run_disasm(*options); }};
}

}  // namespace sandbpf::tools
