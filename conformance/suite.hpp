// A conformance suite: the data files named by a list of files and
// directories, run one by one.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "conformance/runner.hpp"
#include "sandbpf/error.hpp"

namespace sandbpf::conformance {

// Expands the arguments: a directory stands for the `.data` files directly
// inside it, sorted by name; a file stands for itself. A path that does not
// exist (or a directory that cannot be listed) is an error naming it.
Result<std::vector<std::string>> collect_test_files(std::span<const std::string> paths);

struct SuiteResult {
  std::vector<TestResult> tests;  // in the order of the files
  size_t passed = 0;
  size_t failed = 0;              // not_loaded included
  size_t not_loaded = 0;          // files that could not be read or parsed
};

SuiteResult run_suite(std::span<const std::string> files, const RunnerOptions& options = {});

}  // namespace sandbpf::conformance
