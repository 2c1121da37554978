#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "helpers/run_services.hpp"
#include "helpers/standard/standard_helpers.hpp"
#include "helpers/tests/fake_run_context.hpp"

namespace sandbpf {
namespace {

using testing::FakeRunContext;

uint64_t call(HelperFunction helper, RunContext& context) { return helper(0, 0, 0, 0, 0, context); }

TEST(KtimeHelpers, UseTheHostsReplacedClocks) {
  uint64_t now = 1000;
  HostServices host;
  host.monotonic_ns = [&] { return now; };
  host.boot_ns = [&] { return now + 50; };
  RunServices services;
  services.host = &host;
  FakeRunContext context(&services);
  EXPECT_EQ(call(bpf_ktime_get_ns, context), 1000u);
  EXPECT_EQ(call(bpf_ktime_get_boot_ns, context), 1050u);
  EXPECT_EQ(call(bpf_ktime_get_coarse_ns, context), 1000u);
  now = 123456789;
  EXPECT_EQ(call(bpf_ktime_get_ns, context), 123456789u);
}

TEST(KtimeHelpers, BootClockFollowsAReplacedMonotonicClock) {
  HostServices host;
  host.monotonic_ns = [] { return uint64_t{42}; };
  RunServices services;
  services.host = &host;
  FakeRunContext context(&services);
  EXPECT_EQ(call(bpf_ktime_get_boot_ns, context), 42u);
}

TEST(KtimeHelpers, DefaultClocksAdvance) {
  FakeRunContext context;  // no run data at all
  const uint64_t first = call(bpf_ktime_get_ns, context);
  const uint64_t second = call(bpf_ktime_get_ns, context);
  EXPECT_GT(first, 0u);
  EXPECT_GE(second, first);
  EXPECT_GT(call(bpf_ktime_get_boot_ns, context), 0u);
}

TEST(PrandomHelper, TheSameSeedGivesTheSameSequence) {
  RandomStream a(RandomStream::slot_seed(1234, 0));
  RandomStream b(RandomStream::slot_seed(1234, 0));
  RunServices services_a;
  services_a.random = &a;
  RunServices services_b;
  services_b.random = &b;
  FakeRunContext context_a(&services_a);
  FakeRunContext context_b(&services_b);
  std::vector<uint64_t> first;
  std::vector<uint64_t> second;
  for (int i = 0; i < 100; ++i) {
    first.push_back(call(bpf_get_prandom_u32, context_a));
    second.push_back(call(bpf_get_prandom_u32, context_b));
  }
  EXPECT_EQ(first, second);
  for (uint64_t value : first) EXPECT_LE(value, 0xffffffffu);
  EXPECT_GT(std::set<uint64_t>(first.begin(), first.end()).size(), 95u);
  // Reseeding restarts the sequence.
  a.reseed(RandomStream::slot_seed(1234, 0));
  EXPECT_EQ(call(bpf_get_prandom_u32, context_a), first[0]);
}

TEST(PrandomHelper, SlotsAndSeedsGiveDifferentSequences) {
  RandomStream slot0(RandomStream::slot_seed(7, 0));
  RandomStream slot1(RandomStream::slot_seed(7, 1));
  RandomStream other(RandomStream::slot_seed(8, 0));
  const uint32_t a = slot0.next_u32();
  EXPECT_NE(a, slot1.next_u32());
  EXPECT_NE(a, other.next_u32());
}

TEST(PrandomHelper, WorksWithoutAGenerator) {
  FakeRunContext context;
  std::set<uint64_t> values;
  for (int i = 0; i < 10; ++i) values.insert(call(bpf_get_prandom_u32, context));
  EXPECT_GT(values.size(), 5u);
}

TEST(IdentityHelpers, ProcessorIdIsTheSlotAndPidTgidComesFromTheHost) {
  HostServices host;
  host.pid_tgid = [] { return (uint64_t{4242} << 32) | 4343; };
  RunServices services;
  services.slot = 5;
  services.host = &host;
  FakeRunContext context(&services);
  EXPECT_EQ(call(bpf_get_smp_processor_id, context), 5u);
  EXPECT_EQ(call(bpf_get_current_pid_tgid, context), (uint64_t{4242} << 32) | 4343);
  EXPECT_EQ(call(bpf_get_numa_node_id, context), 0u);

  FakeRunContext defaults;
  EXPECT_EQ(call(bpf_get_smp_processor_id, defaults), 0u);
  const uint64_t pid_tgid = call(bpf_get_current_pid_tgid, defaults);
  EXPECT_NE(pid_tgid >> 32, 0u);
  EXPECT_NE(pid_tgid & 0xffffffffu, 0u);
}

}  // namespace
}  // namespace sandbpf
