// sandbpf disasm FILE: prints a program (raw instructions or assembly text)
// in the assembly syntax, which `sandbpf asm` reads back unchanged. For an
// ELF object, every program as loaded (subprograms linked in), each after a
// `# <section>/<function>` header, with `# <file>:<line>` comments where
// BTF line info exists (`#` starts a comment in the assembly syntax, so each
// program's text still assembles).
#include <fmt/format.h>

#include <memory>
#include <string>

#include "loader/disassembler.hpp"
#include "vm/builtin_functions.hpp"
#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"
#include "tools/program_input.hpp"

namespace sandbpf::tools {
namespace {

struct DisasmOptions {
  std::string input;
  bool raw = false;
};

std::string source_text(const SourceLine& line) {
  return line.column != 0 ? fmt::format("{}:{}:{}", line.file, line.line, line.column)
                          : fmt::format("{}:{}", line.file, line.line);
}

void print_program(const ObjectProgram& program) {
  fmt::print("# {} ({} insns)\n", program.name(), program.insns.size());
  if (program.load_error) fmt::print("# load error: {}\n", program.load_error->message);
  size_t function = 0;
  std::string last_line;
  const auto& insns = program.insns;
  for (size_t pc = 0; pc < insns.size();) {
    while (function < program.functions.size() && program.functions[function].entry <= pc) {
      if (function > 0)
        fmt::print("# subprogram {} ({})\n", program.functions[function].name,
                   program.functions[function].section);
      ++function;
    }
    if (pc < program.line_info.size() && program.line_info[pc]) {
      const std::string line = source_text(*program.line_info[pc]);
      if (line != last_line) fmt::print("# {}\n", line);
      last_line = line;
    }
    const bool wide = is_lddw(insns[pc]) && pc + 1 < insns.size();
    const std::string text =
        disassemble_insn(insns[pc], wide ? std::optional<Insn>(insns[pc + 1]) : std::nullopt);
    // The loader turned calls of memset & co. into calls of built-in
    // helpers (vm/builtin_functions.hpp): say which, as the source did.
    const Insn& insn = insns[pc];
    const bool helper_call = insn.opcode == (kClassJmp | kJmpCall) && insn.src == kCallHelper;
    const std::string_view builtin =
        helper_call ? builtin_function_name(static_cast<uint32_t>(insn.imm)) : std::string_view();
    if (!builtin.empty()) fmt::print("{:4}: {}  # {}\n", pc, text, builtin);
    else fmt::print("{:4}: {}\n", pc, text);
    pc += wide && text.rfind(".word", 0) != 0 ? 2 : 1;
  }
}

int run_disasm(const DisasmOptions& options) {
  if (!options.raw && is_elf_file(options.input)) {
    const auto object = load_object_file(options.input);
    if (!object) return report(object.error(), options.input);
    for (size_t i = 0; i < object->programs.size(); ++i) {
      if (i > 0) fmt::print("\n");
      print_program(object->programs[i]);
    }
    return kExitOk;
  }
  const auto insns = load_program_file(options.input, options.raw);
  if (!insns) return report(insns.error(), options.input);
  fmt::print("{}", disassemble(*insns));
  return kExitOk;
}

}  // namespace

Command add_disasm_command(CLI::App& app) {
  auto options = std::make_shared<DisasmOptions>();
  CLI::App* sub = app.add_subcommand("disasm", "Disassemble a program");
  sub->add_option("FILE", options->input, "A BPF ELF object, raw instructions or assembly text")->required();
  sub->add_flag("--raw", options->raw, "Read FILE as raw 8-byte instructions whatever it holds");
  return Command{sub, [options] { return run_disasm(*options); }};
}

}  // namespace sandbpf::tools
