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

// Each Linux program type calls only the helpers the kernel offers it:
// bpf_sock_map_update (53) belongs to sock_ops programs, whose context it
// takes; an XDP program calling it is refused with the helper and the type
// named (as ../shared/corpus/build/wronghelper.o does).
TEST(VerifyApi, LinuxProgramTypesCallOnlyTheirOwnHelpers) {
  auto platform = Platform::make_linux();
  MapDefinition m;
  m.name = "socks";
  m.type = 15;  // BPF_MAP_TYPE_SOCKHASH
  m.key_size = 4;
  m.value_size = 4;
  m.max_entries = 4;
  const std::vector<MapDefinition> maps{m};
  const Program update = program_of(R"(
      stw [%r10-4], 1
      mov %r3, %r10
      add %r3, -4
      lddw %r2, map 0
      mov %r4, 0
      call 53
      mov %r0, 1
      exit)");
  const ProgramType* xdp = platform->find_program_type("xdp");
  const ProgramType* sock_ops = platform->find_program_type("sock_ops");
  ASSERT_NE(xdp, nullptr);
  ASSERT_NE(sock_ops, nullptr);
  EXPECT_FALSE(xdp->may_call_helper(53));
  EXPECT_TRUE(sock_ops->may_call_helper(53));
  auto refused = verify(VerifierInput{&update, platform.get(), xdp, maps});
  ASSERT_TRUE(refused.has_value());
  ASSERT_FALSE(refused->accepted);
  EXPECT_EQ(refused->errors[0].insn, 6u);
  EXPECT_EQ(refused->errors[0].message, "bpf_sock_map_update (helper 53) is not available to xdp programs");
  auto accepted = verify(VerifierInput{&update, platform.get(), sock_ops, maps});
  ASSERT_TRUE(accepted.has_value());
  EXPECT_TRUE(accepted->accepted) << (accepted->errors.empty() ? "" : accepted->errors[0].message);

  // The common base (map access, time, tail calls...) is every type's.
  for (const ProgramType& type : platform->program_types()) {
    for (uint32_t id : {1u, 2u, 3u, 5u, 7u, 12u, 130u, 181u})
      EXPECT_TRUE(type.may_call_helper(id)) << type.name << " " << id;
  }
  // Packet rewriting is tc's, not XDP's or tracing's; probe reads are
  // tracing's, not networking's.
  EXPECT_TRUE(platform->find_program_type("sched_cls")->may_call_helper(9));
  EXPECT_FALSE(xdp->may_call_helper(9));
  EXPECT_FALSE(platform->find_program_type("kprobe")->may_call_helper(9));
  EXPECT_TRUE(platform->find_program_type("kprobe")->may_call_helper(4));
  EXPECT_FALSE(xdp->may_call_helper(4));
  // The generic platform's type has no list: every helper the host registers.
  auto generic = Platform::make_generic();
  EXPECT_TRUE(generic->find_program_type("generic")->helpers.empty());
}

// A bounds check whose outcome is kept in a flag register and tested
// later (../shared/corpus/build/dependent_read.o; Cilium's XDP tail calls
// do the same through their helpers' return codes): the paths where the
// flag is 0 and 1 are kept apart, so the read is proven only where the
// check passed.
TEST(VerifyApi, AFlagSetByABoundsCheckKeepsTheCheckOnItsPath) {
  auto platform = Platform::make_linux();
  const ProgramType* xdp = platform->find_program_type("xdp");
  ASSERT_NE(xdp, nullptr);
  const char* kTemplate = R"(
      mov %r5, 0
      ldxw %r2, [%r1+0]
      ldxw %r3, [%r1+4]
      mov %r1, %r2
      add %r2, 4
      JUMP %r2, %r3, +1
      mov %r5, 1
      jeq %r5, 0, +1
      ldxw %r0, [%r1+0]
      mov %r0, 0
      exit)";
  auto with_jump = [&](const std::string& jump) {
    std::string text = kTemplate;
    text.replace(text.find("JUMP"), 4, jump);
    return program_of(text);
  };
  // r5 = 1 only when data + 4 <= data_end: safe.
  const Program safe = with_jump("jgt");
  auto result = verify(VerifierInput{&safe, platform.get(), xdp, {}});
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->accepted) << (result->errors.empty() ? "" : result->errors[0].message);
  // r5 = 1 only when the packet is too short: the read is refused.
  const Program unsafe = with_jump("jle");
  result = verify(VerifierInput{&unsafe, platform.get(), xdp, {}});
  ASSERT_TRUE(result.has_value());
  ASSERT_FALSE(result->accepted);
  EXPECT_EQ(result->errors[0].insn, 8u);
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
