// The soundness harness itself (checked_runs.hpp): it must find an
// out-of-bounds access when there is one, and the program-level fixture
// must put every accepted generic program through it.
#include <gtest/gtest.h>

#include "loader/assembler.hpp"
#include "verifier/tests/checked_runs.hpp"
#include "verifier/tests/verifier_test_support.hpp"

namespace sandbpf::verifier {
namespace {

Program assembled(std::string_view text) {
  auto insns = assemble(text);
  EXPECT_TRUE(insns.has_value());
  auto program = Program::decode(insns ? *insns : std::vector<Insn>{});
  EXPECT_TRUE(program.has_value());
  return std::move(*program);
}

TEST(CheckedRuns, AnUncheckedReadIsFound) {
  // Reads byte 8 whatever the size: memories of 8 bytes or fewer catch it.
  const Program unsafe = assembled("ldxb %r0, [%r1+8]\nexit");
  EXPECT_NE(testing::checked_violation(unsafe, Environment{}), "");
}

TEST(CheckedRuns, ACheckedReadIsClean) {
  const Program safe = assembled(R"(
      mov %r0, 0
      jlt %r2, 9, out
      ldxb %r0, [%r1+8]
    out:
      exit)");
  EXPECT_EQ(testing::checked_violation(safe, Environment{}), "");
}

TEST(CheckedRuns, EveryAcceptedGenericProgramRunsChecked) {
  testing::Fixture f;
  const uint64_t before = testing::Fixture::checked_programs;
  EXPECT_TRUE(testing::Accepted(f.run("mov %r0, 0\nexit")));
  EXPECT_EQ(testing::Fixture::checked_programs, before + 1);
  // A refused one does not.
  EXPECT_FALSE(f.run("ldxb %r0, [%r1]\nexit").accepted);
  EXPECT_EQ(testing::Fixture::checked_programs, before + 1);
}

}  // namespace
}  // namespace sandbpf::verifier
