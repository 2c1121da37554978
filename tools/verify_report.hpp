// `sandbpf verify` and `sandbpf bench verify`: verifying the programs of
// the files named on the command line (verifier/object_verify.hpp does the
// work per program) and writing the verdicts as text, JSON or SARIF 2.1.0
// (DESIGN.md, "The command line").
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "verifier/object_verify.hpp"

namespace sandbpf::tools {

struct VerifyRequest {
  std::optional<std::string> section;   // --section: only programs in this section (ELF)
  std::optional<std::string> function;  // --program: only this function (ELF)
  std::optional<std::string> type;      // --type: the program type of every selected program
  // Per-program types ("section/function" -> type), before `type` (bench
  // verify --types).
  std::map<std::string, std::string> types;
  std::optional<std::string> platform;  // --platform: linux (ELF default) or generic (raw/asm default)
  VerifyOptions options;                // --termination, --trace
};

struct ProgramReport {
  std::string section;
  std::string function;
  ProgramVerification verification;
  std::string name() const { return section + "/" + function; }
};

struct FileReport {
  std::string file;
  std::optional<std::string> error;  // why the file (or the request) could not be handled
  int error_exit = 0;                // the exit code of `error` (2)
  std::vector<ProgramReport> programs;

  // 0 all accepted, 1 one rejected, 2 a load error (the highest wins).
  int exit_code() const;
};

// Loads `path` (ELF, assembly text or raw instructions, by content) and
// verifies the programs the request selects. Never fails: a file that
// cannot be loaded is a FileReport with `error` set.
FileReport verify_file(const std::string& path, const VerifyRequest& request);

// `<T>` of the text format: milliseconds with one decimal.
std::string format_ms(std::chrono::microseconds time);

// PASS/FAIL/ERROR lines (with --trace, the first error's trace after FAIL).
std::string text_report(const std::vector<FileReport>& files, bool trace);
// {"files": [...]} as DESIGN.md specifies (with --trace, "trace" in each error).
std::string json_report(const std::vector<FileReport>& files, bool trace);
// One SARIF 2.1.0 run: a rule per kind of message, a result per error.
std::string sarif_report(const std::vector<FileReport>& files);

// The SARIF rule a verifier message belongs to ("null-dereference",
// "out-of-bounds", ...; "verifier-error" when none fits).
struct MessageRule {
  std::string_view id;
  std::string_view description;
};
MessageRule rule_for_message(std::string_view message);

// JSON string escaping (quotes included).
std::string json_string(std::string_view s);

}  // namespace sandbpf::tools
