// Every conformance data file, on every engine (the interpreter and the
// JIT) in both modes, one test case per file per engine per mode so a
// failure names its file:
//   - the public bpf_conformance suite, in ../shared/conformance beside the
//     source tree (skipped with a message when it is not there);
//   - the project's own tests, conformance/tests/*.data.
// Also: how files and directories are collected into a suite.
#include "conformance/suite.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace sandbpf::conformance {
namespace {

namespace fs = std::filesystem;

std::string source_dir() {
  if (const char* dir = std::getenv("SANDBPF_SOURCE_DIR"); dir != nullptr && *dir != '\0')
    return dir;
  return SANDBPF_DEFAULT_SOURCE_DIR;
}

struct FileCase {
  std::string path;       // empty: nothing to run, skip with `skip_reason`
  ExecMode mode = ExecMode::kFast;
  Engine engine = Engine::kInterpreter;
  std::string name;
  std::string skip_reason;
};

std::string sanitize(const std::string& stem) {
  std::string out;
  for (char c : stem) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::vector<FileCase> cases_in(const std::string& dir) {
  std::vector<FileCase> cases;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    cases.push_back({"", ExecMode::kFast, Engine::kInterpreter, "suite_absent", dir + " is not there"});
    return cases;
  }
  const std::string paths[] = {dir};
  const auto files = collect_test_files(paths);
  if (!files || files->empty()) {
    cases.push_back({"", ExecMode::kFast, Engine::kInterpreter, "no_data_files",
                     "no .data files in " + dir});
    return cases;
  }
  std::set<std::string> names;
  for (const std::string& file : *files) {
    std::string base = sanitize(fs::path(file).stem().string());
    std::string name = base;
    for (int n = 2; names.contains(name); ++n) name = base + "_" + std::to_string(n);
    names.insert(name);
    cases.push_back({file, ExecMode::kFast, Engine::kInterpreter, name + "_fast", ""});
    cases.push_back({file, ExecMode::kChecked, Engine::kInterpreter, name + "_checked", ""});
    cases.push_back({file, ExecMode::kFast, Engine::kJit, name + "_jit_fast", ""});
    cases.push_back({file, ExecMode::kChecked, Engine::kJit, name + "_jit_checked", ""});
  }
  return cases;
}

void run_case(const FileCase& c) {
  if (c.path.empty()) GTEST_SKIP() << c.skip_reason;
  RunnerOptions options;
  options.mode = c.mode;
  options.engine = c.engine;
  const TestResult result = run_test_file(c.path, options);
  EXPECT_TRUE(result.loaded) << c.path << ": " << result.reason;
  EXPECT_TRUE(result.passed) << c.path << ": " << result.reason;
}

std::string case_name(const ::testing::TestParamInfo<FileCase>& info) { return info.param.name; }

// Test listings show the file, not the bytes of the parameter.
void PrintTo(const FileCase& c, std::ostream* os) {
  *os << (c.path.empty() ? c.skip_reason : c.path);
}

class conformance_public_suite : public ::testing::TestWithParam<FileCase> {};
TEST_P(conformance_public_suite, Passes) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Files, conformance_public_suite,
                         ::testing::ValuesIn(cases_in(source_dir() + "/../shared/conformance")),
                         case_name);

class conformance_own_suite : public ::testing::TestWithParam<FileCase> {};
TEST_P(conformance_own_suite, Passes) { run_case(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Files, conformance_own_suite,
                         ::testing::ValuesIn(cases_in(source_dir() + "/conformance/tests")),
                         case_name);

// Collecting files.

class conformance_collect : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sandbpf_collect_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "sub");
    for (const char* name : {"b.data", "a.data", "notes.txt", "sub/c.data"})
      std::ofstream(dir_ / name) << "-- asm\nexit\n-- result\n0\n";
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(conformance_collect, DirectoryMeansItsDataFilesSorted) {
  const std::vector<std::string> args{dir_.string()};
  const auto files = collect_test_files(args);
  ASSERT_TRUE(files) << files.error().to_string();
  EXPECT_EQ(*files, (std::vector<std::string>{(dir_ / "a.data").string(),
                                               (dir_ / "b.data").string()}));
}

TEST_F(conformance_collect, FilesAreKeptInOrderWhateverTheirName) {
  const std::vector<std::string> args{(dir_ / "notes.txt").string(), (dir_ / "b.data").string(),
                                      (dir_ / "sub").string()};
  const auto files = collect_test_files(args);
  ASSERT_TRUE(files) << files.error().to_string();
  EXPECT_EQ(*files, (std::vector<std::string>{(dir_ / "notes.txt").string(),
                                               (dir_ / "b.data").string(),
                                               (dir_ / "sub" / "c.data").string()}));
}

TEST_F(conformance_collect, MissingPathIsAnErrorNamingIt) {
  const std::string missing = (dir_ / "missing.data").string();
  const std::vector<std::string> args{(dir_ / "a.data").string(), missing};
  const auto files = collect_test_files(args);
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().kind, ErrorKind::kLoad);
  EXPECT_TRUE(files.error().to_string().starts_with(missing + ": cannot open"))
      << files.error().to_string();
}

TEST_F(conformance_collect, SuiteCountsPassedFailedAndUnloadable) {
  std::ofstream(dir_ / "wrong.data") << "-- asm\nmov %r0, 1\nexit\n-- result\n0x2\n";
  std::ofstream(dir_ / "broken.data") << "-- asm\nexit\n";
  const std::vector<std::string> files{(dir_ / "a.data").string(), (dir_ / "wrong.data").string(),
                                       (dir_ / "broken.data").string()};
  const SuiteResult suite = run_suite(files);
  EXPECT_EQ(suite.passed, 1u);
  EXPECT_EQ(suite.failed, 2u);
  EXPECT_EQ(suite.not_loaded, 1u);
  ASSERT_EQ(suite.tests.size(), 3u);
  EXPECT_EQ(suite.tests[1].reason, "expected 0x2, got 0x1");
  EXPECT_FALSE(suite.tests[2].loaded);
}

}  // namespace
}  // namespace sandbpf::conformance
