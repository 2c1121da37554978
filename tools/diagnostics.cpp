#include "tools/diagnostics.hpp"

#include <cstdio>
#include <fmt/format.h>

namespace sandbpf::tools {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage:
      return kExitUsage;
    case ErrorKind::kLoad:
      return kExitLoad;
    case ErrorKind::kVerify:
      return kExitFailed;
    case ErrorKind::kRuntime:
      return kExitRuntime;
    case ErrorKind::kInternal:
      break;
  }
  // A bug in sandbpf: not one of the documented outcomes, but never 0.
  return 70;
}

std::string format_error(const Error& error, const std::string& file) {
  Error named = error;
  if (named.where.source && named.where.source->file.empty() && !file.empty())
    named.where.source->file = file;
  if (named.where.source && named.where.source->file == (named.where.file.empty() ? file : named.where.file))
    named.where.file.clear();  // "<file>:<line>" already names it
  else if (named.where.file.empty())
    named.where.file = file;
  return named.to_string();
}

int report(const Error& error, const std::string& file) {
  fmt::print(stderr, "sandbpf: {}\n", format_error(error, file));
  std::fflush(stderr);
  return exit_code(error.kind);
}

int report(std::string_view message, int exit, const std::string& file) {
  if (file.empty())
    fmt::print(stderr, "sandbpf: {}\n", message);
  else
    fmt::print(stderr, "sandbpf: {}: {}\n", file, message);
  std::fflush(stderr);
  return exit;
}

}  // namespace sandbpf::tools
