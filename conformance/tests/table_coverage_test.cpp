// Every row of the instruction table is exercised by at least one of the
// project's own conformance tests that expects a result (not an error), so
// a row added to the table without a test fails here.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>
#include <string>

#include "conformance/data_file.hpp"
#include "conformance/suite.hpp"
#include "vm/insn_table.hpp"
#include "vm/program.hpp"

namespace sandbpf::conformance {
namespace {

std::string own_tests_dir() {
  if (const char* dir = std::getenv("SANDBPF_SOURCE_DIR"); dir != nullptr && *dir != '\0')
    return std::string(dir) + "/conformance/tests";
  return std::string(SANDBPF_DEFAULT_SOURCE_DIR) + "/conformance/tests";
}

TEST(conformance_table_coverage, EveryRowHasATestThatExpectsAResult) {
  const std::string dir = own_tests_dir();
  auto files = collect_test_files(std::span<const std::string>(&dir, 1));
  ASSERT_TRUE(files) << files.error().to_string();
  ASSERT_GT(files->size(), 100u);

  std::set<Op> covered;
  for (const std::string& path : *files) {
    auto test = read_data_file(path);
    ASSERT_TRUE(test) << test.error().to_string();
    if (!test->result) continue;
    auto program = Program::decode(test->program);
    ASSERT_TRUE(program) << path << ": expects a result but does not decode: "
                         << program.error().to_string();
    for (size_t pc = 0; pc < program->size(); ++pc)
      if (!program->is_lddw_tail(pc)) covered.insert(program->op(pc));
  }

  std::string missing;
  for (const InsnInfo& row : all_instructions())
    if (!covered.contains(row.op))
      missing += std::string(row.mnemonic) + " (" + std::string(form_name(row.form)) + ") ";
  EXPECT_TRUE(missing.empty()) << "rows without a conformance test: " << missing;
}

}  // namespace
}  // namespace sandbpf::conformance
