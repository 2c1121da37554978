#include "conformance/suite.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <system_error>

namespace sandbpf::conformance {
namespace {

std::unexpected<Error> cannot_open(const std::string& path, const std::error_code& ec) {
  Location where;
  where.file = path;
  // Worded as read_file_bytes words it, so every command says it alike.
  return make_error(ErrorKind::kLoad, fmt::format("cannot open: {}", ec.message()),
                    std::move(where));
}

}  // namespace

Result<std::vector<std::string>> collect_test_files(std::span<const std::string> paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (!ec && !fs::exists(status)) ec = std::make_error_code(std::errc::no_such_file_or_directory);
    if (ec) return cannot_open(path, ec);
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::directory_iterator it(path, ec);
    if (ec) return cannot_open(path, ec);
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) return cannot_open(path, ec);
      if (it->path().extension() == ".data" && !it->is_directory(ec))
        found.push_back(it->path().string());
    }
    if (ec) return cannot_open(path, ec);
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

SuiteResult run_suite(std::span<const std::string> files, const RunnerOptions& options) {
  SuiteResult suite;
  suite.tests.reserve(files.size());
  for (const std::string& file : files) {
    TestResult result = run_test_file(file, options);
    if (result.passed) {
      ++suite.passed;
    } else {
      ++suite.failed;
      if (!result.loaded) ++suite.not_loaded;
    }
    suite.tests.push_back(std::move(result));
  }
  return suite;
}

}  // namespace sandbpf::conformance
