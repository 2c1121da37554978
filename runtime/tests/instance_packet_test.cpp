// Packet program types through Instance::run_packet: an XDP program with
// BTF maps (examples/plugins/xdp_firewall.c) on the linux platform, on every
// engine, verified and not: return values, the packet after the run and
// the map contents, for every branch of the program.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "jit/jit.hpp"
#include "runtime/instance.hpp"
#include "runtime/tests/packet_builder.hpp"

namespace sandbpf {
namespace {

using test::ipv4_checksum;
using test::make_frame;

const std::string kFirewall = std::string(SANDBPF_EXAMPLE_PLUGINS) + "/xdp_firewall.o";

struct Mode {
  Engine engine;
  bool verify;
  bool hardened = false;  // the JIT's constant blinding and Spectre v1 masking
};

std::string mode_name(const testing::TestParamInfo<Mode>& info) {
  return std::string(engine_name(info.param.engine)) + (info.param.verify ? "_verified" : "_checked") +
         (info.param.hardened ? "_hardened" : "");
}

class XdpFirewall : public testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    if (GetParam().engine == Engine::kJit && !jit_available())
      GTEST_SKIP() << "no JIT backend for this host";
    InstanceOptions options;
    options.engine = GetParam().engine;
    options.verify = GetParam().verify;
    options.blind_constants = GetParam().hardened;
    options.spectre_v1 = GetParam().hardened;
    options.slots = 2;
    auto made = Instance::load_file(kFirewall, std::shared_ptr<Platform>(Platform::make_linux()),
                                    options);
    ASSERT_TRUE(made.has_value()) << made.error().to_string();
    instance = std::move(*made);
  }

  PacketRunResult run(const std::vector<uint8_t>& packet) {
    auto result = instance->run_packet(packet);
    EXPECT_TRUE(result.has_value()) << result.error().to_string();
    return result.value_or(PacketRunResult{~0ull, {}});
  }

  uint64_t action_count(uint32_t action) {
    uint64_t value = 0;
    auto found = instance->map("action_counts")
                     ->host_lookup({reinterpret_cast<const uint8_t*>(&action), 4},
                                   {reinterpret_cast<uint8_t*>(&value), 8});
    EXPECT_TRUE(found.has_value());
    return value;
  }

  std::unique_ptr<Instance> instance;
};

constexpr uint64_t kDrop = 1, kPass = 2, kTx = 3;

TEST_P(XdpFirewall, ProgramAndTypeFromTheObject) {
  EXPECT_EQ(instance->program_name(), "xdp/xdp_firewall");
  EXPECT_EQ(instance->program_type().name, "xdp");
  EXPECT_EQ(instance->verified(), GetParam().verify);
  EXPECT_EQ(instance->mode(), GetParam().verify ? ExecMode::kFast : ExecMode::kChecked);
}

TEST_P(XdpFirewall, NonIpPassesUntouched) {
  const auto frame = make_frame(0x86dd, 0, 0);
  const auto result = run(frame);
  EXPECT_EQ(result.r0, kPass);
  EXPECT_EQ(result.packet, frame);
  EXPECT_EQ(action_count(kPass), 1u);
}

TEST_P(XdpFirewall, TruncatedFramePasses) {
  const std::vector<uint8_t> frame(10, 0);
  const auto result = run(frame);
  EXPECT_EQ(result.r0, kPass);
  EXPECT_EQ(result.packet, frame);
}

TEST_P(XdpFirewall, TelnetIsDropped) {
  EXPECT_EQ(run(make_frame(0x0800, 6, 23)).r0, kDrop);
  EXPECT_EQ(run(make_frame(0x0800, 17, 23)).r0, kPass);  // UDP to 23 is not telnet
  EXPECT_EQ(action_count(kDrop), 1u);
}

TEST_P(XdpFirewall, ExpiringTtlIsDropped) {
  EXPECT_EQ(run(make_frame(0x0800, 17, 53, 1)).r0, kDrop);
}

TEST_P(XdpFirewall, EchoIsSentBackSwapped) {
  const auto frame = make_frame(0x0800, 17, 7);
  const auto result = run(frame);
  ASSERT_EQ(result.r0, kTx);
  ASSERT_EQ(result.packet.size(), frame.size());
  auto expected = frame;
  std::swap_ranges(expected.begin(), expected.begin() + 6, expected.begin() + 6);
  std::swap_ranges(expected.begin() + 26, expected.begin() + 30, expected.begin() + 30);
  std::swap_ranges(expected.begin() + 34, expected.begin() + 36, expected.begin() + 36);
  EXPECT_EQ(result.packet, expected);
  EXPECT_EQ(action_count(kTx), 1u);
}

TEST_P(XdpFirewall, PassDecrementsTtlAndKeepsTheChecksumValid) {
  const auto frame = make_frame(0x0800, 17, 53, 64);
  const auto result = run(frame);
  ASSERT_EQ(result.r0, kPass);
  ASSERT_EQ(result.packet.size(), frame.size());
  EXPECT_EQ(result.packet[14 + 8], 63);
  EXPECT_EQ(ipv4_checksum(&result.packet[14]), 0);  // a valid header sums to 0
}

TEST_P(XdpFirewall, SourcesAreCounted) {
  for (int i = 0; i < 3; ++i) run(make_frame(0x0800, 17, 53, 64, 9));
  run(make_frame(0x0800, 6, 23, 64, 10));
  const uint32_t nine = 0x0900000a, ten = 0x0a00000a;  // 10.0.0.9, 10.0.0.10 as loaded
  uint64_t value = 0;
  Map& sources = *instance->map("source_counts");
  ASSERT_TRUE(sources
                  .host_lookup({reinterpret_cast<const uint8_t*>(&nine), 4},
                               {reinterpret_cast<uint8_t*>(&value), 8})
                  .has_value());
  EXPECT_EQ(value, 3u);
  ASSERT_TRUE(sources
                  .host_lookup({reinterpret_cast<const uint8_t*>(&ten), 4},
                               {reinterpret_cast<uint8_t*>(&value), 8})
                  .has_value());
  EXPECT_EQ(value, 1u);
}

TEST_P(XdpFirewall, PacketsLargerThanTheLimitAreRefused) {
  const std::vector<uint8_t> huge(70000, 0);
  auto result = instance->run_packet(huge);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("at most 65536"), std::string::npos)
      << result.error().message;
}

TEST_P(XdpFirewall, MemoryRunsAreRefusedForPacketTypes) {
  std::vector<uint8_t> memory(8);
  auto result = instance->run_memory(memory);
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message.find("takes a context"), std::string::npos);
}

// A sched_cls program compiled against a reordered struct __sk_buff: its
// CO-RE relocations are resolved against the platform's layout before it is
// verified and run, so it reads the real len and protocol.
TEST_P(XdpFirewall, CoreRelocationsAreResolvedForTheContext) {
  InstanceOptions options;
  options.engine = GetParam().engine;
  options.verify = GetParam().verify;
  options.blind_constants = GetParam().hardened;
  options.spectre_v1 = GetParam().hardened;
  auto made = Instance::load_file(std::string(SANDBPF_RUNTIME_TEST_OBJECTS) + "/core_skb.o",
                                  std::shared_ptr<Platform>(Platform::make_linux()), options);
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  EXPECT_EQ((*made)->program_type().name, "sched_cls");
  const auto frame = make_frame(0x0800, 17, 53);
  auto result = (*made)->run_packet(frame);
  ASSERT_TRUE(result.has_value()) << result.error().to_string();
  // protocol: the Ethernet type 0x0800 as the kernel stores it (network
  // order read natively: 0x0008); len: the whole frame (tc sees layer 2).
  EXPECT_EQ(result->r0, 0x0008u + (frame.size() << 16));
}

INSTANTIATE_TEST_SUITE_P(Engines, XdpFirewall,
                         testing::Values(Mode{Engine::kInterpreter, true},
                                         Mode{Engine::kInterpreter, false},
                                         Mode{Engine::kJit, true}, Mode{Engine::kJit, false},
                                         Mode{Engine::kJit, true, true}),
                         mode_name);

}  // namespace
}  // namespace sandbpf
