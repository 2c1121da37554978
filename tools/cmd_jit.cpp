// sandbpf jit FILE [--arch x86_64] [--dump]: compiles a program with the
// JIT. Without --dump it prints one line: instructions, bytes of machine
// code and compile time. With --dump it prints the machine code instruction
// by instruction: each BPF instruction (as `sandbpf disasm` writes it)
// followed by its machine code, disassembled by binutils' objdump; the
// entry trampoline comes first and the out-of-line stubs last. Without
// objdump the bytes are printed in hex, with a note saying so.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/conformance_environment.hpp"
#include "jit/jit.hpp"
#include "loader/disassembler.hpp"
#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"
#include "tools/program_input.hpp"
#include "vm/program.hpp"

namespace sandbpf::tools {
namespace {

// binutils' disassembler for each architecture's code.
struct Disassembler {
  const char* objdump;
  const char* machine;  // objdump -b binary -m ...
  const char* extra;
};

Disassembler disassembler_for(JitArch arch) {
  switch (arch) {
    case JitArch::kX86_64: return {"/usr/bin/objdump", "i386:x86-64", "-M intel"};
    case JitArch::kArm64: return {"/usr/bin/aarch64-linux-gnu-objdump", "aarch64", ""};
    case JitArch::kRiscv64: return {"/usr/bin/riscv64-linux-gnu-objdump", "riscv:rv64", ""};
  }
  return {"/usr/bin/objdump", "i386:x86-64", ""};
}

struct JitCommandOptions {
  std::string input;
  bool raw = false;
  std::string arch = "x86_64";
  bool dump = false;
  std::string mode = "fast";
  bool blind = false;
  std::string platform = "generic";
};

// objdump's lines for the code, by offset: bytes and text.
struct Line {
  std::string bytes;
  std::string text;
};

std::optional<std::map<uint64_t, Line>> objdump_lines(std::span<const uint8_t> code,
                                                       const Disassembler& tool) {
#if defined(_WIN32)
  // binutils' objdump is a Linux program here (under wine): bytes in hex.
  (void)code;
  (void)tool;
  return std::nullopt;
#else
  if (!std::filesystem::exists(tool.objdump)) return std::nullopt;
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / fmt::format("sandbpf_jit_{}.bin", ::getpid());
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(code.data()), static_cast<std::streamsize>(code.size()));
  const std::string command =
      fmt::format("{} -D -b binary -m{} {} {} 2>/dev/null", tool.objdump, tool.machine, tool.extra,
                  path.string());
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    ::pclose(pipe);
  }
  std::filesystem::remove(path);
  std::map<uint64_t, Line> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    // "  1f:\t48 8b 56 10          \tmov    rdx,QWORD PTR [rsi+0x10]"
    const size_t colon = line.find(":\t");
    if (colon == std::string::npos) continue;
    uint64_t offset = 0;
    try {
      offset = std::stoull(line.substr(0, colon), nullptr, 16);
    } catch (...) {
      continue;
    }
    const size_t tab = line.find('\t', colon + 2);
    std::string bytes = line.substr(colon + 2, tab == std::string::npos ? std::string::npos : tab - colon - 2);
    while (!bytes.empty() && bytes.back() == ' ') bytes.pop_back();
    const std::string text = tab == std::string::npos ? "" : line.substr(tab + 1);
    if (text.empty()) {  // a continuation line holding the rest of a long instruction's bytes
      if (!lines.empty()) lines.rbegin()->second.bytes += " " + bytes;
      continue;
    }
    lines[offset] = Line{bytes, text};
  }
  return lines;
#endif
}

void print_range(std::span<const uint8_t> code, uint64_t begin, uint64_t end,
                 const std::optional<std::map<uint64_t, Line>>& lines) {
  if (lines) {
    for (auto it = lines->lower_bound(begin); it != lines->end() && it->first < end; ++it)
      fmt::print("    {:6x}:  {:<30} {}\n", it->first, it->second.bytes, it->second.text);
    return;
  }
  for (uint64_t at = begin; at < end; at += 16) {
    std::string hex;
    for (uint64_t i = at; i < end && i < at + 16; ++i) hex += fmt::format("{:02x} ", code[i]);
    fmt::print("    {:6x}:  {}\n", at, hex);
  }
}

int run_jit(const JitCommandOptions& options) {
  const JitArch arch = *parse_arch(options.arch);
  if (!backend_built(arch))
    return report(fmt::format("this build has no {} backend", options.arch), kExitUsage);

  const auto slots = load_program_file(options.input, options.raw);
  if (!slots) return report(slots.error(), options.input);
  const auto program = Program::decode(*slots);
  if (!program) return report(program.error(), options.input);

  std::optional<conformance::ConformanceEnvironment> conformance_environment;
  Environment generic_environment;
  const Environment* environment = &generic_environment;
  if (options.platform == "conformance") {
    conformance_environment.emplace();
    environment = &conformance_environment->environment();
  }
  JitOptions jit_options;
  jit_options.mode = options.mode == "checked" ? ExecMode::kChecked : ExecMode::kFast;
  jit_options.blind_constants = options.blind;
  const auto start = std::chrono::steady_clock::now();
  auto listing = compile_listing(*program, *environment, jit_options, arch);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  if (!listing) return report(listing.error(), options.input);
  const std::span<const uint8_t> code = listing->bytes;

  if (!options.dump) {
    fmt::print("{} instructions -> {} bytes of {} code ({} mode{}, {:.1f} us)\n",
               program->size(), code.size(), options.arch, options.mode,
               options.blind ? ", blinded" : "",
               std::chrono::duration<double, std::micro>(elapsed).count());
    return kExitOk;
  }

  const Disassembler tool = disassembler_for(arch);
  const auto lines = objdump_lines(code, tool);
#if defined(_WIN32)
  if (!lines) fmt::print("# no objdump in a Windows build: bytes in hex\n");
#else
  if (!lines)
    fmt::print("# {} not found (install binutils for the disassembly): bytes in hex\n",
               tool.objdump);
#endif
  const std::span<const uint32_t> offsets = listing->instruction_offsets;
  const std::span<const Insn> insns = program->insns();
  fmt::print("<entry trampoline and unwinder>\n");
  print_range(code, 0, offsets.empty() ? code.size() : offsets[0], lines);
  for (size_t pc = 0; pc < insns.size(); ++pc) {
    if (program->is_lddw_tail(pc)) continue;
    const size_t next = pc + (is_lddw_form(program->row(pc).form) ? 2 : 1);
    const uint64_t end = next < offsets.size() ? offsets[next] : code.size();
    const std::optional<Insn> second =
        pc + 1 < insns.size() ? std::optional<Insn>(insns[pc + 1]) : std::nullopt;
    fmt::print("{:4}: {}\n", pc, disassemble_insn(insns[pc], second));
    // The code of the last instruction runs until the stubs start; objdump
    // lines tell where its instructions end only when they are known.
    if (next < offsets.size()) {
      print_range(code, offsets[pc], end, lines);
    } else {
      print_range(code, offsets[pc], offsets[pc] + 1, lines);
      fmt::print("<out-of-line stubs>\n");
      uint64_t stubs = offsets[pc] + 1;
      if (lines) {
        auto it = lines->upper_bound(offsets[pc]);
        stubs = it == lines->end() ? code.size() : it->first;
      }
      print_range(code, stubs, code.size(), lines);
    }
  }
  return kExitOk;
}

}  // namespace

Command add_jit_command(CLI::App& app) {
  auto options = std::make_shared<JitCommandOptions>();
  CLI::App* sub = app.add_subcommand("jit", "Compile a program with the JIT (--dump: show the code)");
  sub->add_option("FILE", options->input, "Raw instructions or assembly text")->required();
  sub->add_flag("--raw", options->raw, "Read FILE as raw 8-byte instructions whatever it holds");
  sub->add_option("--arch", options->arch, "Target architecture")
      ->check(CLI::IsMember({"x86_64", "arm64", "riscv64"}))
      ->capture_default_str();
  sub->add_flag("--dump", options->dump,
                "Print the machine code of each instruction, disassembled with objdump");
  sub->add_option("--mode", options->mode, "fast (no checks) or checked code")
      ->check(CLI::IsMember({"fast", "checked"}))
      ->capture_default_str();
  sub->add_flag("--blind", options->blind, "Blind the program's constants (hardening)");
  sub->add_option("--platform", options->platform,
                  "generic (no helpers) or conformance (the conformance suite's helpers)")
      ->check(CLI::IsMember({"generic", "conformance"}))
      ->capture_default_str();
  return Command{sub, [options] { return run_jit(*options); }};
}

}  // namespace sandbpf::tools
