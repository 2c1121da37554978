// sandbpf-plugin: the plugin protocol of the public bpf_conformance runner.
//
//   sandbpf-plugin [MEMORY] [OPTIONS...]  < program
//
// MEMORY is one argument holding the input memory as hex bytes separated
// by whitespace; the runner leaves it out when the memory is empty, so an
// argument starting with `--` in its place is already an option. The
// program arrives on standard input as hex bytes separated by whitespace
// (8 bytes per instruction slot). On success r0 is printed in lowercase
// hex without a prefix (the runner reads it with base 16) and the exit code
// is 0. On failure the error text alone goes to standard error, because the
// runner compares it with the test's `-- error`, and the exit code is
// non-zero (2 for a program that cannot be loaded or bad usage, 3 for a run
// stopped by an error).
//
// Options (the runner's --plugin_options, split at spaces):
//   --engine interpreter|jit   the engine (default interpreter)
//   --mode fast|checked        fast (default) or checked; fast mode runs the
//                              program checked first (conformance/runner.hpp)
//   --elf                      the runner's ELF input: not supported yet
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "conformance/runner.hpp"
#include "vm/instruction.hpp"

namespace {

using sandbpf::conformance::RunnerOptions;

constexpr int kExitUsage = 2;
constexpr int kExitLoad = 2;
constexpr int kExitRuntime = 3;

constexpr std::string_view kUsage =
    "usage: sandbpf-plugin [MEMORY] [--engine interpreter|jit] [--mode fast|checked] < PROGRAM\n"
    "  MEMORY   input memory as hex bytes separated by spaces (omitted when empty)\n"
    "  PROGRAM  the instructions as hex bytes on standard input\n"
    "Prints r0 in hex; on an error prints it on standard error and exits non-zero.\n";

int usage_error(const std::string& message) {
  fmt::print(stderr, "sandbpf-plugin: {}\n{}", message, kUsage);
  return kExitUsage;
}

bool hex_value(char c, uint8_t& value) {
  if (c >= '0' && c <= '9') value = static_cast<uint8_t>(c - '0');
  else if (c >= 'a' && c <= 'f') value = static_cast<uint8_t>(c - 'a' + 10);
  else if (c >= 'A' && c <= 'F') value = static_cast<uint8_t>(c - 'A' + 10);
  else return false;
  return true;
}

// Hex bytes separated by whitespace ("b7 00 00 00" or "b7  00  00  00 ");
// a token is one or two hex digits. Returns the offending token on error.
std::optional<std::string> parse_hex_bytes(std::string_view text, std::vector<uint8_t>& out) {
  size_t pos = 0;
  while (true) {
    pos = text.find_first_not_of(" \t\r\n\v\f", pos);
    if (pos == std::string_view::npos) return std::nullopt;
    size_t end = text.find_first_of(" \t\r\n\v\f", pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view token = text.substr(pos, end - pos);
    pos = end;
    uint8_t high = 0;
    uint8_t low = 0;
    if (token.size() == 1 && hex_value(token[0], low)) {
      out.push_back(low);
    } else if (token.size() == 2 && hex_value(token[0], high) && hex_value(token[1], low)) {
      out.push_back(static_cast<uint8_t>(high << 4 | low));
    } else {
      return std::string(token);
    }
  }
}

struct PluginArgs {
  std::vector<uint8_t> memory;
  RunnerOptions options;
  bool elf = false;
  bool help = false;
};

// Returns an error message, or nothing when the arguments are good.
std::optional<std::string> parse_args(int argc, char** argv, PluginArgs& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.empty()) continue;  // the runner splits its options at every space
    if (!arg.starts_with("--")) {
      if (i != 1) return fmt::format("unexpected argument '{}' (the memory comes first)", arg);
      if (auto bad = parse_hex_bytes(arg, args.memory))
        return fmt::format("'{}' in the memory argument is not a hex byte", *bad);
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const auto take_value = [&]() -> std::optional<std::string_view> {
      if (value) return value;
      // Skip the empty arguments that splitting at single spaces leaves.
      while (i + 1 < argc)
        if (const std::string_view next = argv[++i]; !next.empty()) return next;
      return std::nullopt;
    };
    if (name == "--help" || name == "-h") {
      args.help = true;
    } else if (name == "--elf") {
      args.elf = true;
    } else if (name == "--engine") {
      const auto engine = take_value();
      if (!engine || (*engine != "interpreter" && *engine != "jit"))
        return "--engine takes interpreter or jit";
      args.options.engine = *engine == "jit" ? sandbpf::conformance::Engine::kJit
                                             : sandbpf::conformance::Engine::kInterpreter;
    } else if (name == "--mode") {
      const auto mode = take_value();
      if (mode && *mode == "fast") args.options.mode = sandbpf::ExecMode::kFast;
      else if (mode && *mode == "checked") args.options.mode = sandbpf::ExecMode::kChecked;
      else return "--mode takes fast or checked";
    } else {
      return fmt::format("unknown option '{}'", arg);
    }
  }
  return std::nullopt;
}

}  // namespace

int main(int argc, char** argv) {
  PluginArgs args;
  if (auto message = parse_args(argc, argv, args)) return usage_error(*message);
  if (args.help) {
    fmt::print("{}", kUsage);
    return 0;
  }
  if (args.elf) {
    fmt::print(stderr, "sandbpf-plugin: ELF objects are not supported yet\n");
    return kExitLoad;
  }

  const std::string input{std::istreambuf_iterator<char>(std::cin),
                          std::istreambuf_iterator<char>()};
  std::vector<uint8_t> bytes;
  if (auto bad = parse_hex_bytes(input, bytes)) {
    fmt::print(stderr, "sandbpf-plugin: '{}' in the program is not a hex byte\n", *bad);
    return kExitLoad;
  }
  if (bytes.size() % 8 != 0) {
    fmt::print(stderr,
               "sandbpf-plugin: the program has {} bytes, not a whole number of 8-byte "
               "instructions\n",
               bytes.size());
    return kExitLoad;
  }
  std::vector<sandbpf::Insn> program;
  program.reserve(bytes.size() / 8);
  for (size_t i = 0; i < bytes.size(); i += 8)
    program.push_back(sandbpf::Insn::from_bytes(bytes.data() + i));

  const auto result = sandbpf::conformance::run_program(program, args.memory, args.options);
  if (!result) {
    // The error text alone: the runner compares it with `-- error`.
    fmt::print(stderr, "{}\n", result.error().to_string());
    return result.error().kind == sandbpf::ErrorKind::kRuntime ? kExitRuntime : kExitLoad;
  }
  fmt::print("{:x}\n", *result);
  return 0;
}
