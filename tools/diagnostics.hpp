// The command line's diagnostics and exit codes (DESIGN.md, "The command
// line"): diagnostics go to standard error as
//   sandbpf: <file>[: <section>/<function>][: insn <N>]: <sentence>
// and the exit code says what kind of failure ended the command.
#pragma once

#include <string>
#include <string_view>

#include "sandbpf/error.hpp"

namespace sandbpf::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;   // refused by the verifier, or a test failed
inline constexpr int kExitUsage = 2;    // bad usage
inline constexpr int kExitLoad = 2;     // input that cannot be loaded
inline constexpr int kExitRuntime = 3;  // a run stopped with a runtime error

int exit_code(ErrorKind kind);

// The error as the command line writes it, without the "sandbpf: " prefix.
// `file` names the input when the error does not; a source line without a
// file (the assembler's) is given `file`, and the file is then written once,
// as "<file>:<line>".
std::string format_error(const Error& error, const std::string& file = {});

// Prints "sandbpf: <format_error(...)>" on standard error and returns the
// exit code for the error's kind.
int report(const Error& error, const std::string& file = {});

// Prints "sandbpf: [<file>: ]<message>" on standard error and returns
// `exit`.
int report(std::string_view message, int exit, const std::string& file = {});

}  // namespace sandbpf::tools
