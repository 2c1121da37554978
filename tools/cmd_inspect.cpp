// sandbpf inspect FILE: what a BPF ELF object holds, as the loader sees it:
// its programs (with their subprograms and instruction counts), maps,
// relocations and whether it has BTF line info. An object that cannot be
// loaded is an error (exit 2); a program that cannot be is listed with its
// reason.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "loader/elf/elf_file.hpp"
#include "loader/object.hpp"
#include "loader/program_file.hpp"
#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"
#include "vm/map_definition.hpp"

namespace sandbpf::tools {
namespace {

struct InspectOptions {
  std::string input;
};

std::string_view origin_name(MapOrigin origin) {
  switch (origin) {
    case MapOrigin::kLegacySection: return "legacy";
    case MapOrigin::kBtf: return "btf";
    case MapOrigin::kGlobalData: return "global";
  }
  return "?";
}

void print_object(const Object& object) {
  fmt::print("file: {}\n", object.path);
  fmt::print("license: {}\n", object.license.empty() ? "(none)" : object.license);
  fmt::print("btf: {}\n", object.has_btf ? "yes" : "no");
  fmt::print("line info: {}\n", object.has_line_info ? "yes" : "no");

  fmt::print("\nprograms: {}\n", object.programs.size());
  for (const ObjectProgram& p : object.programs) {
    fmt::print("  {}: {} insns", p.name(), p.insns.size());
    if (p.functions.size() > 1) {
      std::string subs;
      for (size_t i = 1; i < p.functions.size(); ++i) {
        if (!subs.empty()) subs += ", ";
        subs += fmt::format("{} (insn {})", p.functions[i].name, p.functions[i].entry);
      }
      fmt::print(", subprograms: {}", subs);
    }
    if (!p.core_relocations.empty())
      fmt::print(", {} CO-RE relocations", p.core_relocations.size());
    if (p.load_error) fmt::print(", load error: {}", p.load_error->message);
    fmt::print("\n");
  }

  fmt::print("\nmaps: {}\n", object.maps.size());
  for (size_t i = 0; i < object.maps.size(); ++i) {
    const MapDefinition& m = object.maps[i];
    fmt::print("  {}: {}: type {} ({}), key {}, value {}, entries {}, flags 0x{:x}, {} ({})", i,
               m.name, map_type_name(m.type), m.type, m.key_size, m.value_size, m.max_entries,
               m.flags, origin_name(m.origin), m.section);
    if (m.pinning != 0) fmt::print(", pinning {}", m.pinning);
    if (m.inner_map) fmt::print(", inner map {}", *m.inner_map);
    if (m.readonly) fmt::print(", read-only");
    fmt::print("\n");
  }

  fmt::print("\nrelocations: {}\n", object.relocations.size());
  for (const RelocationInfo& r : object.relocations)
    fmt::print("  {}+0x{:x}: {} {} -> {}\n", r.section, r.offset, elf::relocation_type_name(r.type),
               r.symbol, r.resolution);
}

int run_inspect(const InspectOptions& options) {
  auto bytes = read_file_bytes(options.input);
  if (!bytes) return report(bytes.error(), options.input);
  if (detect_program_file_kind(*bytes) != ProgramFileKind::kElf)
    return report("not an ELF object (inspect reads BPF .o files)", kExitLoad, options.input);
  auto object = load_elf_object(*bytes, options.input);
  if (!object) return report(object.error(), options.input);
  print_object(*object);
  return kExitOk;
}

}  // namespace

Command add_inspect_command(CLI::App& app) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* sub = app.add_subcommand("inspect", "Show the programs, maps and relocations of a BPF object");
  sub->add_option("FILE", options->input, "A BPF ELF object (.o)")->required();
  return Command{sub, [options] { return run_inspect(*options); }};
}

}  // namespace sandbpf::tools
