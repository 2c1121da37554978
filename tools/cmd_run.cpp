// sandbpf run FILE: runs a program (ELF object, assembly or raw) and prints
// r0 of the last run, alone on standard output's last line (DESIGN.md).
//
// The program is verified first and then runs without checks; --no-verify
// runs it unverified in checked mode (every access bounds-checked, an
// instruction budget), or with --mode fast without checks (trusted code,
// benchmarks). Inputs: the generic platform's memory (--mem: r1 points to
// a copy, r2 is its length), the packet of packet program types (--packet:
// xdp_md or __sk_buff as the kernel's test run builds them), or for other
// Linux types a zeroed context. The memory and packet are restored before
// each of the --repeat runs; maps persist across runs and start as the
// object defines them, or from --map NAME=FILE (records of key then value).
//
// --stats prints runs=<N> ns_per_run=<mean> insns=<executed in the last
// run>. The count is the interpreter's: on the JIT in checked mode the JIT
// counts the same way; on the JIT in fast mode the last run executes on
// the interpreter of the same instance (Instance's statistics rule).
//
// --platform conformance runs raw and assembly programs against the
// conformance suite's helpers, map and host variable, unverified by design.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/conformance_environment.hpp"
#include "helpers/maps/perf_event_array_map.hpp"
#include "helpers/maps/ring_buffer_map.hpp"
#include "helpers/platform.hpp"
#include "helpers/standard/standard_helpers.hpp"
#include "jit/jit.hpp"
#include "loader/program_file.hpp"
#include "runtime/instance.hpp"
#include "runtime/packet_context.hpp"
#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"
#include "tools/program_input.hpp"
#include "vm/generic_memory.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"

namespace sandbpf::tools {
namespace {

struct RunOptions {
  std::string input;
  bool raw = false;
  std::string section;
  std::string program;
  std::string type;
  std::string platform;  // empty: linux for ELF, generic otherwise
  std::string termination;
  std::string mem_file;
  std::string packet_file;
  std::string packet_out_file;
  std::vector<std::string> map_files;  // NAME=FILE
  bool dump_maps = false;
  std::string engine = "interpreter";
  bool no_verify = false;
  std::string mode = "checked";
  uint64_t budget = kDefaultInstructionBudget;
  bool budget_given = false;  // set from the command line after parsing
  uint64_t repeat = 1;
  bool stats = false;
  std::vector<std::string> harden;  // "blind", "spectre"
  bool no_inline_lookups = false;
};

// ---------------------------------------------------------------- the
// conformance platform (raw and assembly programs, unverified by design).
int run_conformance(const RunOptions& options) {
  const auto slots = load_program_file(options.input, options.raw);
  if (!slots) return report(slots.error(), options.input);
  std::vector<uint8_t> memory;
  if (!options.mem_file.empty()) {
    auto bytes = read_file_bytes(options.mem_file);
    if (!bytes) return report(bytes.error(), options.mem_file);
    memory = std::move(*bytes);
  }
  const auto program = Program::decode(*slots);
  if (!program) return report(program.error(), options.input);
  const auto interpreter = Interpreter::create(*program);
  if (!interpreter) return report(interpreter.error(), options.input);
  conformance::ConformanceEnvironment conformance_environment;
  const Environment& environment = conformance_environment.environment();
  GenericMemory generic(memory, conformance_environment.regions());
  const RunInput& input = generic.input();
  const ExecMode mode = options.mode == "fast" ? ExecMode::kFast : ExecMode::kChecked;
  std::optional<JitProgram> jit;
  if (options.engine == "jit") {
    JitOptions jit_options;
    jit_options.mode = mode;
    jit_options.blind_constants =
        std::find(options.harden.begin(), options.harden.end(), "blind") != options.harden.end();
    auto compiled = JitProgram::compile(*program, environment, jit_options);
    if (!compiled) return report(compiled.error(), options.input);
    jit.emplace(std::move(*compiled));
  }
  RunLimits limits;
  limits.instruction_budget =
      mode == ExecMode::kChecked || options.budget_given ? options.budget : 0;
  uint64_t r0 = 0;
  RunStats stats;
  std::chrono::nanoseconds total{0};
  for (uint64_t i = 0; i < options.repeat; ++i) {
    generic.restore();
    const bool last = i + 1 == options.repeat;
    RunStats* count = options.stats && last ? &stats : nullptr;
    const auto start = std::chrono::steady_clock::now();
    const auto result = jit ? jit->run(environment, input, limits)
                            : interpreter->run(environment, input, mode, limits, count);
    total += std::chrono::steady_clock::now() - start;
    if (!result) return report(result.error(), options.input);
    r0 = *result;
  }
  if (options.stats && jit) {
    generic.restore();
    const auto counted = interpreter->run(environment, input, mode, limits, &stats);
    if (!counted) return report(counted.error(), options.input);
  }
  if (options.stats)
    fmt::print(stderr, "runs={} ns_per_run={} insns={}\n", options.repeat,
               total.count() / static_cast<int64_t>(options.repeat), stats.instructions);
  fmt::print("{}\n", r0);
  return kExitOk;
}

// ---------------------------------------------------------------- maps
std::string hex(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += fmt::format("\\{}", c);
    else if (static_cast<unsigned char>(c) < 0x20) out += fmt::format("\\u{:04x}", c);
    else out += c;
  }
  return out + "\"";
}

// A map's contents as JSON: entries (key and value in hex) for maps the
// host can iterate, records for ring buffers and perf event arrays
// (consumed), nothing for program arrays and queues (their entries are
// program handles or would be consumed).
std::string map_json(Map& map) {
  const MapDefinition& d = map.definition();
  std::string out = fmt::format(
      "{{\"name\": {}, \"type\": \"{}\", \"key_size\": {}, \"value_size\": {}, "
      "\"max_entries\": {}",
      json_string(d.name), map_type_name(d.type), d.key_size, d.value_size, d.max_entries);
  if (d.type == kMapRingbuf || d.type == kMapPerfEventArray) {
    std::vector<std::string> records;
    if (d.type == kMapRingbuf) {
      static_cast<RingBufferMap&>(map).consume([&](std::span<const uint8_t> record) {
        records.push_back(json_string(hex(record)));
        return 0;
      });
    } else {
      static_cast<PerfEventArrayMap&>(map).consume([&](uint32_t, std::span<const uint8_t> record) {
        records.push_back(json_string(hex(record)));
        return 0;
      });
    }
    out += fmt::format(", \"records\": [{}]}}", fmt::join(records, ", "));
    return out;
  }
  if (d.type == kMapProgArray || d.type == kMapQueue || d.type == kMapStack ||
      d.type == kMapArrayOfMaps || d.type == kMapHashOfMaps)
    return out + "}";
  std::vector<std::string> entries;
  if (auto all = map.host_entries())
    for (const Map::Entry& e : *all)
      entries.push_back(fmt::format("{{\"key\": \"{}\", \"value\": \"{}\"}}", hex(e.key), hex(e.value)));
  return out + fmt::format(", \"entries\": [{}]}}", fmt::join(entries, ", "));
}

void dump_maps(Instance& instance) {
  std::vector<std::string> maps;
  for (size_t i = 0; i < instance.map_count(); ++i) maps.push_back(map_json(instance.map_at(i)));
  fmt::print(stderr, "{{\"maps\": [{}]}}\n", fmt::join(maps, ",\n  "));
}

// --map NAME=FILE: the file holds records of key_size key bytes then
// host_value_size value bytes.
int load_map_file(Instance& instance, const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    return report(fmt::format("--map {}: expected NAME=FILE", spec), kExitUsage);
  const std::string name = spec.substr(0, eq), file = spec.substr(eq + 1);
  Map* map = instance.map(name);
  if (map == nullptr) return report(fmt::format("--map: the object has no map '{}'", name), kExitUsage);
  auto bytes = read_file_bytes(file);
  if (!bytes) return report(bytes.error(), file);
  const size_t key_size = map->definition().key_size, value_size = map->host_value_size();
  const size_t record = key_size + value_size;
  if (record == 0 || bytes->size() % record != 0)
    return report(fmt::format("--map {}: {} bytes is not a whole number of {}-byte records "
                              "({}-byte key, {}-byte value)",
                              name, bytes->size(), record, key_size, value_size),
                  kExitUsage, file);
  for (size_t at = 0; at < bytes->size(); at += record) {
    auto set = map->host_update({bytes->data() + at, key_size},
                                {bytes->data() + at + key_size, value_size});
    if (!set) return report(set.error(), file);
  }
  return kExitOk;
}

// ---------------------------------------------------------------- runs
Result<std::unique_ptr<Instance>> make_instance(const RunOptions& options,
                                                const std::shared_ptr<const Platform>& platform,
                                                const InstanceOptions& instance_options) {
  if (is_elf_file(options.input) && !options.raw) {
    return Instance::load_file(options.input, platform, instance_options);
  }
  auto slots = load_program_file(options.input, options.raw);
  if (!slots) return std::unexpected(std::move(slots.error()));
  auto program = Program::decode(*slots);
  if (!program) {
    Error error = program.error();
    if (error.where.file.empty()) error.where.file = options.input;
    return std::unexpected(std::move(error));
  }
  program->name = options.input;
  return Instance::create(*program, platform, instance_options);
}

int run_run(const RunOptions& options) {
  // The Instance refuses these too; said here in the command's own terms.
  if (!options.harden.empty() && options.engine != "jit")
    return report("--harden hardens JIT-compiled code: add --engine jit", kExitUsage, options.input);
  if (options.platform == "conformance") {
    if (std::find(options.harden.begin(), options.harden.end(), "spectre") != options.harden.end())
      return report("--harden spectre needs a verified program (the conformance platform does not verify)",
                    kExitUsage, options.input);
    return run_conformance(options);
  }
  const bool elf = !options.raw && is_elf_file(options.input);
  const std::string platform_name = !options.platform.empty() ? options.platform
                                    : elf                     ? "linux"
                                                              : "generic";
  std::shared_ptr<Platform> platform(Platform::make(platform_name));
  if (platform->name() == "generic") {
    // The command gives generic programs sandbpf's standard helpers.
    if (auto added = add_standard_helpers(platform->helpers()); !added)
      return report(added.error(), options.input);
  }

  InstanceOptions instance_options;
  if (!options.section.empty() && !options.program.empty())
    instance_options.program = options.section + "/" + options.program;
  else
    instance_options.program = !options.program.empty() ? options.program : options.section;
  instance_options.type = options.type;
  instance_options.engine = options.engine == "jit" ? Engine::kJit : Engine::kInterpreter;
  instance_options.verify = !options.no_verify;
  instance_options.unverified_mode = options.mode == "fast" ? ExecMode::kFast : ExecMode::kChecked;
  if (options.termination == "proved") instance_options.verify_options.termination = TerminationPolicy::kProved;
  if (options.termination == "budget") instance_options.verify_options.termination = TerminationPolicy::kBudget;
  if (options.termination == "none") instance_options.verify_options.termination = TerminationPolicy::kNone;
  if (options.budget_given || options.mode != "fast")
    instance_options.instruction_budget = options.budget;
  instance_options.slots = 1;
  for (const std::string& what : options.harden) {
    if (what == "blind") instance_options.blind_constants = true;
    if (what == "spectre") instance_options.spectre_v1 = true;
  }
  instance_options.inline_map_lookups = !options.no_inline_lookups;

  if (!options.mem_file.empty() && !options.packet_file.empty())
    return report("--mem and --packet exclude each other", kExitUsage);
  std::vector<uint8_t> initial;
  if (!options.mem_file.empty() || !options.packet_file.empty()) {
    const std::string& file = !options.packet_file.empty() ? options.packet_file : options.mem_file;
    auto bytes = read_file_bytes(file);
    if (!bytes) return report(bytes.error(), file);
    initial = std::move(*bytes);
  }

  auto made = make_instance(options, platform, instance_options);
  if (!made) return report(made.error(), options.input);
  Instance& instance = **made;
  for (const std::string& spec : options.map_files)
    if (int code = load_map_file(instance, spec); code != kExitOk) return code;

  const ContextKind kind = context_kind(instance.program_type());
  if (kind == ContextKind::kMemory && !options.packet_file.empty())
    return report("the generic program type takes --mem, not --packet", kExitUsage, options.input);
  if ((kind == ContextKind::kXdp || kind == ContextKind::kSkb) && !options.mem_file.empty())
    return report(fmt::format("program type {} takes --packet, not --mem",
                              instance.program_type().name),
                  kExitUsage, options.input);
  if (kind == ContextKind::kOther && !initial.empty())
    return report(fmt::format("program type {} takes neither --mem nor --packet: it runs on a "
                              "zeroed {}",
                              instance.program_type().name, instance.program_type().context.c_type),
                  kExitUsage, options.input);

  // One run on the current input; `stats` counts its instructions.
  std::vector<uint8_t> working;
  std::vector<uint64_t> context_storage;
  std::vector<uint8_t> packet_out;
  auto run_once = [&](Instance& target, RunStats* stats) -> Result<uint64_t> {
    switch (kind) {
      case ContextKind::kMemory:
        working = initial;
        return target.run_memory(working, stats);
      case ContextKind::kXdp:
      case ContextKind::kSkb: {
        auto result = target.run_packet(initial, stats);
        if (!result) return std::unexpected(std::move(result.error()));
        packet_out = std::move(result->packet);
        return result->r0;
      }
      case ContextKind::kOther:
        context_storage.assign((target.program_type().context.size + 7) / 8 + 1, 0);
        return target.run_context(context_storage.data(), {}, stats);
    }
    return make_error(ErrorKind::kInternal, "unknown context kind");
  };

  uint64_t r0 = 0;
  RunStats stats;
  std::chrono::nanoseconds total{0};
  for (uint64_t i = 0; i < options.repeat; ++i) {
    const bool last = i + 1 == options.repeat;
    const auto start = std::chrono::steady_clock::now();
    auto result = run_once(instance, options.stats && last ? &stats : nullptr);
    total += std::chrono::steady_clock::now() - start;
    if (!result) {
      if (options.dump_maps) dump_maps(instance);
      return report(result.error(), options.input);
    }
    r0 = *result;
  }
  if (!options.packet_out_file.empty()) {
    std::ofstream out(options.packet_out_file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(packet_out.data()),
              static_cast<std::streamsize>(packet_out.size()));
    if (!out)
      return report(fmt::format("cannot write {}", options.packet_out_file), kExitUsage);
  }
  if (options.stats)
    fmt::print(stderr, "runs={} ns_per_run={} insns={}\n", options.repeat,
               total.count() / static_cast<int64_t>(options.repeat), stats.instructions);
  if (options.dump_maps) dump_maps(instance);
  fmt::print("{}\n", r0);
  return kExitOk;
}

}  // namespace

Command add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand(
      "run", "Run a program (ELF object, assembly or raw) and print r0 of the last run");
  sub->add_option("FILE", options->input, "ELF object, assembly text or raw instructions")
      ->required();
  sub->add_flag("--raw", options->raw, "Read FILE as raw 8-byte instructions whatever it holds");
  sub->add_option("--section", options->section, "ELF section of the program");
  sub->add_option("--program", options->program, "Function name of the program");
  sub->add_option("--type", options->type,
                  "Program type (socket_filter, xdp, sched_cls, kprobe, ...), when the section "
                  "names none");
  sub->add_option("--platform", options->platform,
                  "linux (default for ELF), generic (default for raw and assembly) or "
                  "conformance (the conformance suite's helpers; unverified)")
      ->check(CLI::IsMember({"linux", "generic", "conformance"}));
  sub->add_option("--termination", options->termination,
                  "proved, budget or none (default: the platform's)")
      ->check(CLI::IsMember({"proved", "budget", "none"}));
  sub->add_option("--mem", options->mem_file,
                  "Binary file holding the generic platform's memory (r1 points to a copy, r2 is "
                  "its length)");
  sub->add_option("--packet", options->packet_file,
                  "Binary file holding the packet of a packet program type (xdp, sched_cls, ...)");
  sub->add_option("--packet-out", options->packet_out_file,
                  "Write the packet after the last run to this file");
  sub->add_option("--map", options->map_files,
                  "NAME=FILE: start map NAME with FILE's records (key bytes then value bytes)");
  sub->add_flag("--dump-maps", options->dump_maps, "Print the maps as JSON on standard error");
  sub->add_option("--engine", options->engine, "Engine to run on")
      ->check(CLI::IsMember({"interpreter", "jit"}))
      ->capture_default_str();
  CLI::Option* no_verify =
      sub->add_flag("--no-verify", options->no_verify,
                    "Run unverified code (checked mode, or without checks with --mode fast)");
  sub->add_option("--mode", options->mode, "How unverified code runs (needs --no-verify)")
      ->check(CLI::IsMember({"checked", "fast"}))
      ->needs(no_verify)
      ->capture_default_str();
  CLI::Option* budget =
      sub->add_option("--budget", options->budget,
                      "Instructions a run may execute under the budget policy or in checked "
                      "mode; fast unverified code has no limit unless given one")
          ->check(CLI::NonNegativeNumber)
          ->capture_default_str();
  sub->add_option("--repeat", options->repeat,
                  "Run N times, restoring the memory or packet before each run (maps persist)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_flag("--stats", options->stats,
                "Print runs=<N> ns_per_run=<mean> insns=<executed in the last run> on stderr");
  sub->add_option("--harden", options->harden,
                  "Harden the JIT's code (needs --engine jit): blind (constant blinding), "
                  "spectre (Spectre v1 masking of verified pointer arithmetic); comma-separated")
      ->delimiter(',')
      ->check(CLI::IsMember({"blind", "spectre"}));
  sub->add_flag("--no-inline-lookups", options->no_inline_lookups,
                "JIT: keep array map lookups as helper calls instead of compiling them inline");
  return Command{sub, [options, budget] {
                   options->budget_given = budget->count() > 0;
                   return run_run(*options);
                 }};
}

}  // namespace sandbpf::tools
