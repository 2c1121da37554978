// Errors are values: every fallible operation in sandbpf returns Result<T>,
// an error carrying where (file, section, function, instruction, source line)
// and a sentence a user can act on. No exception escapes for bad input.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <utility>

namespace sandbpf {

struct SourceLine {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
};

struct Location {
  std::string file;                    // input file, empty when unknown
  std::string section;                 // ELF section, empty when none
  std::string function;                // program or subprogram name
  std::optional<uint64_t> instruction; // index in the program as loaded
  std::optional<SourceLine> source;    // from BTF line info, when present
};

// What kind of failure this is; tools map kinds to exit codes.
enum class ErrorKind {
  kUsage,     // bad arguments or options
  kLoad,      // input that cannot be loaded (malformed, unsupported)
  kVerify,    // refused by the verifier
  kRuntime,   // a run stopped (checked-mode violation, budget exhausted)
  kInternal,  // a bug in sandbpf; never expected
};

struct Error {
  ErrorKind kind = ErrorKind::kLoad;
  std::string message;
  Location where;

  // "<file>: <section>/<function>: insn <N>: <message>", omitting what is
  // unknown; this is the diagnostic format of the command line.
  std::string to_string() const;
};

template <typename T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> make_error(ErrorKind kind, std::string message,
                                         Location where = {}) {
  return std::unexpected<Error>(Error{kind, std::move(message), std::move(where)});
}

inline std::unexpected<Error> load_error(std::string message,
                                         std::optional<uint64_t> insn = {}) {
  Location where;
  where.instruction = insn;
  return make_error(ErrorKind::kLoad, std::move(message), std::move(where));
}

}  // namespace sandbpf
