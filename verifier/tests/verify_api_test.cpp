// verify(), the public entry point, with the standard platforms: what a host
// or the command line gets.
#include "verifier/verifier.hpp"

#include <gtest/gtest.h>

#include "helpers/platform.hpp"
#include "loader/assembler.hpp"

namespace sandbpf {
namespace {

Program program_of(std::string_view text) {
  auto insns = assemble(text);
  EXPECT_TRUE(insns.has_value());
  auto p = Program::decode(*insns);
  EXPECT_TRUE(p.has_value());
  return std::move(*p);
}

TEST(VerifyApi, GenericPlatformChecksIndexesAgainstTheSize) {
  auto platform = Platform::make_generic();
  const ProgramType* type = platform->find_program_type("generic");
  ASSERT_NE(type, nullptr);
  const Program safe = program_of(R"(
      mov %r0, 0
      jeq %r2, 0, out
      ldxb %r3, [%r1]
      jge %r3, %r2, out
      add %r1, %r3
      ldxb %r0, [%r1]
    out:
      exit)");
  auto result = verify(VerifierInput{&safe, platform.get(), type, {}});
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->accepted);
  EXPECT_EQ(result->facts.access_proven[5], 1);
  // The generic platform's default policy is the budget: loops need no proof.
  const Program spin = program_of("mov %r0, 0\nloop: add %r0, 1\nja loop");
  result = verify(VerifierInput{&spin, platform.get(), type, {}});
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->accepted);
  VerifyOptions proved;
  proved.termination = TerminationPolicy::kProved;
  result = verify(VerifierInput{&spin, platform.get(), type, {}}, proved);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(result->accepted);
}

TEST(VerifyApi, LinuxXdpWithAMapLookup) {
  auto platform = Platform::make_linux();
  const ProgramType* xdp = platform->find_program_type("xdp");
  ASSERT_NE(xdp, nullptr);
  MapDefinition m;
  m.name = "stats";
  m.type = kMapArray;
  m.key_size = 4;
  m.value_size = 8;
  m.max_entries = 4;
  const std::vector<MapDefinition> maps{m};
  const Program counting = program_of(R"(
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -4
      lddw %r1, map 0
      call 1
      jeq %r0, 0, out
      mov %r1, 1
      lock add [%r0], %r1
    out:
      mov %r0, 2
      exit)");
  auto result = verify(VerifierInput{&counting, platform.get(), xdp, maps});
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->accepted) << (result->errors.empty() ? "" : result->errors[0].message);
}

TEST(VerifyApi, MissingInputsAreUsageErrors) {
  auto platform = Platform::make_generic();
  const Program p = program_of("mov %r0, 0\nexit");
  auto result = verify(VerifierInput{&p, platform.get(), nullptr, {}});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().kind, ErrorKind::kUsage);
}

}  // namespace
}  // namespace sandbpf
