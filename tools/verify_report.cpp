#include "tools/verify_report.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "loader/program_file.hpp"
#include "tools/program_input.hpp"

namespace sandbpf::tools {
namespace {

#ifdef SANDBPF_VERSION
constexpr std::string_view kVersion = SANDBPF_VERSION;
#else
constexpr std::string_view kVersion = "0";
#endif

// The standard platforms, made once: verdicts point at their program types.
const Platform* platform_named(std::string_view name) {
  static std::map<std::string, std::unique_ptr<Platform>, std::less<>> platforms;
  auto it = platforms.find(name);
  if (it == platforms.end()) {
    auto made = Platform::make(name);
    if (!made) return nullptr;
    it = platforms.emplace(std::string(name), std::move(made)).first;
  }
  return it->second.get();
}

std::string sentence(const Error& error) {
  Error e = error;
  e.where.file.clear();
  return e.to_string();
}

FileReport file_error(FileReport report, std::string why) {
  report.error = std::move(why);
  report.error_exit = 2;
  return report;
}

std::string source_prefix(const VerifierDiagnostic& d) {
  if (!d.source) return "";
  // Line 0 is code the compiler made that no source line owns (DWARF's
  // convention, kept in BTF line info): its file is still worth naming.
  if (d.source->line == 0) return d.source->file.empty() ? "" : fmt::format("{}: ", d.source->file);
  return fmt::format("{}:{}: ", d.source->file, d.source->line);
}

}  // namespace

int FileReport::exit_code() const {
  if (error) return error_exit;
  int code = 0;
  for (const ProgramReport& p : programs) {
    switch (p.verification.verdict) {
      case ProgramVerdict::kAccepted: break;
      case ProgramVerdict::kRejected: code = std::max(code, 1); break;
      case ProgramVerdict::kLoadError: code = std::max(code, 2); break;
    }
  }
  return code;
}

FileReport verify_file(const std::string& path, const VerifyRequest& request) {
  FileReport report;
  report.file = path;
  auto bytes = read_file_bytes(path);
  if (!bytes) return file_error(std::move(report), bytes.error().message);
  const ProgramFileKind kind = detect_program_file_kind(*bytes);
  const std::string platform_name =
      request.platform.value_or(kind == ProgramFileKind::kElf ? "linux" : "generic");
  const Platform* platform = platform_named(platform_name);
  if (platform == nullptr)
    return file_error(std::move(report),
                      fmt::format("unknown platform '{}': use linux or generic", platform_name));
  if (request.type && platform->find_program_type(*request.type) == nullptr)
    return file_error(std::move(report), choose_program_type(*platform, "", *request.type).error().message);
  const std::optional<std::string_view> type =
      request.type ? std::optional<std::string_view>(*request.type) : std::nullopt;

  if (kind != ProgramFileKind::kElf) {
    // One program; --section and --program select among an object's
    // programs and do not apply.
    auto insns = load_program_file(path, false);
    if (!insns) return file_error(std::move(report), sentence(insns.error()));
    ProgramReport program;
    program.section = ".text";
    program.function = std::filesystem::path(path).stem().string();
    program.verification =
        verify_instructions(*insns, *platform, choose_program_type(*platform, program.section, type), request.options);
    report.programs.push_back(std::move(program));
    return report;
  }

  auto object = load_elf_object(*bytes, path);
  if (!object) return file_error(std::move(report), sentence(object.error()));
  std::string names;
  for (const ObjectProgram& p : object->programs) {
    if (!names.empty()) names += ", ";
    names += p.name();
    if ((request.section && p.section != *request.section) || (request.function && p.function != *request.function))
      continue;
    ProgramReport program;
    program.section = p.section;
    program.function = p.function;
    std::optional<std::string_view> this_type = type;
    if (auto t = request.types.find(p.name()); t != request.types.end()) this_type = t->second;
    program.verification = verify_object_program(*object, p, *platform,
                                                 choose_program_type(*platform, p.section, this_type), request.options);
    report.programs.push_back(std::move(program));
  }
  if (report.programs.empty()) {
    if (object->programs.empty()) return file_error(std::move(report), "the object holds no program");
    std::string asked;
    if (request.section) asked += fmt::format(" --section {}", *request.section);
    if (request.function) asked += fmt::format(" --program {}", *request.function);
    return file_error(std::move(report),
                      fmt::format("no program matches{}; the object has {}", asked, names));
  }
  return report;
}

std::string format_ms(std::chrono::microseconds time) {
  return fmt::format("{:.1f}", static_cast<double>(time.count()) / 1000.0);
}

// ---- text

std::string text_report(const std::vector<FileReport>& files, bool trace) {
  std::string out;
  for (const FileReport& f : files) {
    for (const ProgramReport& p : f.programs) {
      const ProgramVerification& v = p.verification;
      switch (v.verdict) {
        case ProgramVerdict::kAccepted:
          out += fmt::format("PASS {} {} ({} insns, {} ms)\n", f.file, p.name(), v.instructions, format_ms(v.time));
          break;
        case ProgramVerdict::kRejected: {
          if (v.errors.empty()) {
            out += fmt::format("FAIL {} {}: refused\n", f.file, p.name());
            break;
          }
          const VerifierDiagnostic& d = v.errors.front();
          out += fmt::format("FAIL {} {}: {}insn {}: {}\n", f.file, p.name(), source_prefix(d), d.insn, d.message);
          if (trace && !d.trace.empty()) {
            std::string t = d.trace;
            if (t.back() != '\n') t += '\n';
            out += t;
          }
          break;
        }
        case ProgramVerdict::kLoadError: {
          const std::string message = v.errors.empty() ? "cannot be loaded" : v.errors.front().message;
          const std::string where = v.load_error_has_insn && !v.errors.empty()
                                        ? fmt::format("{}insn {}: ", source_prefix(v.errors.front()),
                                                      v.errors.front().insn)
                                        : "";
          out += fmt::format("ERROR {} {}: {}{}\n", f.file, p.name(), where, message);
          break;
        }
      }
    }
  }
  return out;
}

// ---- JSON

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

namespace {

std::string json_source(const std::optional<SourceLine>& source) {
  if (!source || source->line == 0) return "null";
  return fmt::format("{{\"file\": {}, \"line\": {}, \"column\": {}}}", json_string(source->file), source->line,
                     source->column);
}

}  // namespace

std::string json_report(const std::vector<FileReport>& files, bool trace) {
  std::string out = "{\"files\": [";
  for (size_t i = 0; i < files.size(); ++i) {
    const FileReport& f = files[i];
    out += i ? ",\n  " : "\n  ";
    out += fmt::format("{{\"file\": {}, \"error\": {}, \"programs\": [", json_string(f.file),
                       f.error ? json_string(*f.error) : "null");
    for (size_t j = 0; j < f.programs.size(); ++j) {
      const ProgramReport& p = f.programs[j];
      const ProgramVerification& v = p.verification;
      out += j ? ",\n    " : "\n    ";
      out += fmt::format(
          "{{\"section\": {}, \"function\": {}, \"type\": {}, \"verdict\": {}, \"instructions\": {}, "
          "\"time_us\": {}, \"errors\": [",
          json_string(p.section), json_string(p.function), v.type ? json_string(v.type->name) : "null",
          json_string(program_verdict_name(v.verdict)), v.instructions, v.time.count());
      for (size_t k = 0; k < v.errors.size(); ++k) {
        const VerifierDiagnostic& d = v.errors[k];
        const bool has_insn = v.verdict != ProgramVerdict::kLoadError || v.load_error_has_insn;
        out += k ? ", " : "";
        out += fmt::format("{{\"insn\": {}, \"source\": {}, \"message\": {}",
                           has_insn ? std::to_string(d.insn) : "null", json_source(d.source),
                           json_string(d.message));
        if (trace) out += fmt::format(", \"trace\": {}", json_string(d.trace));
        out += "}";
      }
      out += "]}";
    }
    out += f.programs.empty() ? "]}" : "\n  ]}";
  }
  out += files.empty() ? "]}\n" : "\n]}\n";
  return out;
}

// ---- SARIF

MessageRule rule_for_message(std::string_view m) {
  struct Entry {
    std::string_view needle;
    MessageRule rule;
  };
  static constexpr MessageRule kUninit{"uninitialized", "A register or stack byte is read before it is written"};
  static constexpr MessageRule kNull{"null-dereference", "A pointer that may be NULL is used without a check"};
  static constexpr MessageRule kBounds{"out-of-bounds", "A memory access may fall outside its region"};
  static constexpr MessageRule kContext{"context-access",
                                        "A context access the program type does not allow"};
  static constexpr MessageRule kLeak{"pointer-leak", "A pointer may escape to where the platform forbids it"};
  static constexpr MessageRule kArith{"pointer-arithmetic", "Arithmetic that does not keep a pointer a pointer"};
  static constexpr MessageRule kType{"wrong-type", "A value is used as a kind it is not (number, pointer, map)"};
  static constexpr MessageRule kHelper{"helper-unavailable",
                                       "A call to a helper this platform or program type does not offer"};
  static constexpr MessageRule kArg{"helper-argument", "A helper argument does not match its prototype"};
  static constexpr MessageRule kRef{"reference-leak", "A reference a helper returned is not released"};
  static constexpr MessageRule kAlign{"alignment", "An atomic access may be misaligned"};
  static constexpr MessageRule kTerm{"termination", "The program may not terminate within the policy's limits"};
  static constexpr MessageRule kStack{"stack-limit", "The stack or call depth exceeds the platform's limits"};
  static constexpr MessageRule kRet{"return-value", "r0 at exit is not what the program type allows"};
  static constexpr MessageRule kMap{"map-reference", "An lddw refers to a map the program cannot use"};
  static constexpr MessageRule kUnsupported{"unsupported", "An instruction or feature this verifier refuses"};
  static constexpr Entry kEntries[] = {
      {"pointer leak", kLeak},
      {"pointer arithmetic", kArith},
      {"not initialized", kUninit},
      {"never written", kUninit},
      {"may be NULL", kNull},
      {"unknown helper", kHelper},
      {"is not available to", kHelper},
      {"only available to privileged", kHelper},
      {"is not released", kRef},
      {"not aligned", kAlign},
      {"alignment", kAlign},
      {"infinite loop", kTerm},
      {"instructions on one path", kTerm},
      {"time limit", kTerm},
      {"did not converge", kTerm},
      {"too complex", kTerm},
      {"call chain", kStack},
      {"-byte frame", kStack},
      {"return value", kRet},
      {"at exit", kRet},
      {"must return", kRet},
      {"returns a pointer", kRet},
      {"context", kContext},
      {"lddw", kMap},
      {"argument", kArg},
      {"(the size for", kArg},
      {"must be", kArg},
      {"must point", kArg},
      {"outside", kBounds},
      {"out of bounds", kBounds},
      {"beyond", kBounds},
      {"before the start", kBounds},
      {"not bounded", kBounds},
      {"not a pointer", kType},
      {"rather than a pointer", kType},
      {"cannot be dereferenced", kType},
      {"not memory", kType},
      {"cannot be accessed directly", kType},
      {"more than one frame", kType},
      {"not supported", kUnsupported},
      {"not allowed", kUnsupported},
  };
  for (const Entry& e : kEntries)
    if (m.find(e.needle) != std::string_view::npos) return e.rule;
  return {"verifier-error", "The verifier refused the program"};
}

namespace {

constexpr MessageRule kLoadRule{"load-error", "The program or object cannot be loaded or judged"};

// A URI reference for a path: absolute paths as file:// URIs, relative
// ones as relative references (SARIF 2.1.0, 3.4.3).
std::string path_uri(std::string_view path) {
  std::string out;
  if (path.starts_with('/')) out = "file://";
  for (unsigned char c : path) {
    const bool plain = std::isalnum(c) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~' || c == '+';
    if (plain) out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

struct SarifRules {
  std::vector<MessageRule> rules;
  size_t index(const MessageRule& rule) {
    for (size_t i = 0; i < rules.size(); ++i)
      if (rules[i].id == rule.id) return i;
    rules.push_back(rule);
    return rules.size() - 1;
  }
};

std::string sarif_result(SarifRules& rules, const MessageRule& rule, const std::string& message,
                         const std::string& file, const std::string& program,
                         std::optional<uint64_t> insn, const std::optional<SourceLine>& source) {
  const size_t index = rules.index(rule);
  std::string physical;
  if (source && source->line != 0 && !source->file.empty()) {
    physical = fmt::format("\"physicalLocation\": {{\"artifactLocation\": {{\"uri\": {}}}, \"region\": "
                           "{{\"startLine\": {}{}}}}}",
                           json_string(path_uri(source->file)), source->line,
                           source->column ? fmt::format(", \"startColumn\": {}", source->column) : "");
  } else {
    physical = fmt::format("\"physicalLocation\": {{\"artifactLocation\": {{\"uri\": {}}}}}",
                           json_string(path_uri(file)));
  }
  std::string logical;
  if (!program.empty()) {
    const std::string name = insn ? fmt::format("{}/insn {}", program, *insn) : program;
    logical = fmt::format(", \"logicalLocations\": [{{\"name\": {}, \"fullyQualifiedName\": {}, \"kind\": "
                          "\"function\"}}]",
                          json_string(insn ? fmt::format("insn {}", *insn) : program), json_string(name));
  }
  std::string text = message;
  if (!program.empty()) text = fmt::format("{}: {}{}", program, insn ? fmt::format("insn {}: ", *insn) : "", message);
  return fmt::format("{{\"ruleId\": {}, \"ruleIndex\": {}, \"level\": \"error\", \"message\": {{\"text\": {}}}, "
                     "\"locations\": [{{{}{}}}]}}",
                     json_string(rule.id), index, json_string(text), physical, logical);
}

}  // namespace

std::string sarif_report(const std::vector<FileReport>& files) {
  SarifRules rules;
  std::vector<std::string> results;
  for (const FileReport& f : files) {
    if (f.error) results.push_back(sarif_result(rules, kLoadRule, *f.error, f.file, "", std::nullopt, std::nullopt));
    for (const ProgramReport& p : f.programs) {
      const ProgramVerification& v = p.verification;
      for (const VerifierDiagnostic& d : v.errors) {
        if (v.verdict == ProgramVerdict::kLoadError) {
          results.push_back(sarif_result(rules, kLoadRule, d.message, f.file, p.name(),
                                         v.load_error_has_insn ? std::optional<uint64_t>(d.insn) : std::nullopt,
                                         d.source));
        } else {
          results.push_back(
              sarif_result(rules, rule_for_message(d.message), d.message, f.file, p.name(), d.insn, d.source));
        }
      }
    }
  }
  std::string out =
      "{\n  \"$schema\": \"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
      "sarif-schema-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [{\n";
  out += fmt::format("    \"tool\": {{\"driver\": {{\"name\": \"sandbpf\", \"version\": {}, \"rules\": [",
                     json_string(kVersion));
  for (size_t i = 0; i < rules.rules.size(); ++i) {
    out += i ? ",\n      " : "\n      ";
    out += fmt::format("{{\"id\": {}, \"shortDescription\": {{\"text\": {}}}, \"defaultConfiguration\": "
                       "{{\"level\": \"error\"}}}}",
                       json_string(rules.rules[i].id), json_string(rules.rules[i].description));
  }
  out += rules.rules.empty() ? "]}},\n" : "\n    ]}},\n";
  out += "    \"results\": [";
  for (size_t i = 0; i < results.size(); ++i) {
    out += i ? ",\n      " : "\n      ";
    out += results[i];
  }
  out += results.empty() ? "]\n  }]\n}\n" : "\n    ]\n  }]\n}\n";
  return out;
}

}  // namespace sandbpf::tools
