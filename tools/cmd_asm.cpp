// sandbpf asm FILE -o OUT: assembles text into raw instructions (8-byte
// little-endian slots).
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "loader/assembler.hpp"
#include "loader/program_file.hpp"
#include "loader/raw_program.hpp"
#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"

namespace sandbpf::tools {
namespace {

struct AsmOptions {
  std::string input;
  std::string output;
};

int run_asm(const AsmOptions& options) {
  auto bytes = read_file_bytes(options.input);
  if (!bytes) return report(bytes.error(), options.input);
  if (detect_program_file_kind(*bytes) == ProgramFileKind::kElf)
    return report("is an ELF object, not assembly text", kExitLoad, options.input);

  const auto insns =
      assemble(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
  if (!insns) return report(insns.error(), options.input);

  const std::vector<uint8_t> raw = to_raw_binary(*insns);
  std::ofstream out(options.output, std::ios::binary | std::ios::trunc);
  if (out) out.write(reinterpret_cast<const char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  if (out) out.close();
  if (!out)
    return report(std::string("cannot write: ") + std::strerror(errno), kExitUsage, options.output);
  return kExitOk;
}

}  // namespace

Command add_asm_command(CLI::App& app) {
  auto options = std::make_shared<AsmOptions>();
  CLI::App* sub = app.add_subcommand("asm", "Assemble text into raw instructions");
  sub->add_option("FILE", options->input, "Assembly text (the conformance suite's syntax)")
      ->required();
  sub->add_option("-o,--output", options->output, "Where to write the raw instructions")
      ->required();
  return Command{sub, [options] { return run_asm(*options); }};
}

}  // namespace sandbpf::tools
