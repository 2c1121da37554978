// The conformance platform's helpers, maps and host variables, checked on
// their own (a scripted RunContext stands in for an engine).
#include "conformance/conformance_environment.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace sandbpf::conformance {
namespace {

// Answers call_function with a scripted callback and records the calls.
class ScriptedContext : public RunContext {
 public:
  std::function<uint64_t(uint64_t index, uint64_t ctx)> callback = [](uint64_t, uint64_t) {
    return uint64_t{0};
  };
  std::vector<std::pair<uint64_t, uint64_t>> calls;  // (r1, r2) of each call
  uint64_t last_function = 0;
  bool fail_on_call = false;
  std::string failure;

  uint64_t call_function(uint64_t function, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                         uint64_t r5) override {
    last_function = function;
    EXPECT_EQ(r3, 0u);
    EXPECT_EQ(r4, 0u);
    EXPECT_EQ(r5, 0u);
    calls.emplace_back(r1, r2);
    if (fail_on_call) {
      fail("stopped inside the callback");
      return 0;
    }
    return callback(r1, r2);
  }
  void allow_region(const void*, uint64_t, bool) override {}
  void fail(std::string message) override { failure = std::move(message); }
  void end_program() override { failure = "ended"; }
  bool failed() const override { return !failure.empty(); }
  void* run_data() const override { return nullptr; }
  const Environment& environment() const override { return environment_; }

 private:
  Environment environment_;
};

const uint64_t kCallback = encode_function_ref(7);
const uint64_t kCtx = 0x1000;

TEST(conformance_environment, HelperFiveReturnsZero) {
  ConformanceEnvironment env;
  ScriptedContext context;
  const HelperFunction helper = env.environment().helper(kHelperReturnZero);
  ASSERT_NE(helper, nullptr);
  EXPECT_EQ(helper(~0ull, 2, 3, 4, 5, context), 0u);
}

TEST(conformance_environment, OnlyTheConformanceHelpersExist) {
  ConformanceEnvironment env;
  for (uint64_t id = 0; id < 300; ++id) {
    const bool expected = id == kHelperReturnZero || id == kHelperBpfLoop;
    EXPECT_EQ(env.environment().helper(id) != nullptr, expected) << "helper " << id;
  }
}

TEST(conformance_environment, BpfLoopCallsTheCallbackWithIndexAndContext) {
  ScriptedContext context;
  EXPECT_EQ(helper_bpf_loop(4, kCallback, kCtx, 0, 0, context), 4u);
  EXPECT_EQ(context.last_function, kCallback);
  const std::vector<std::pair<uint64_t, uint64_t>> expected{{0, kCtx}, {1, kCtx}, {2, kCtx}, {3, kCtx}};
  EXPECT_EQ(context.calls, expected);
}

TEST(conformance_environment, BpfLoopStopsWhenTheCallbackReturnsNonZero) {
  ScriptedContext context;
  context.callback = [](uint64_t index, uint64_t) { return index == 2 ? uint64_t{1} : 0; };
  // The iteration that returned 1 counts.
  EXPECT_EQ(helper_bpf_loop(10, kCallback, kCtx, 0, 0, context), 3u);
  EXPECT_EQ(context.calls.size(), 3u);
}

TEST(conformance_environment, BpfLoopWithZeroLoopsCallsNothing) {
  ScriptedContext context;
  EXPECT_EQ(helper_bpf_loop(0, kCallback, kCtx, 0, 0, context), 0u);
  EXPECT_TRUE(context.calls.empty());
}

TEST(conformance_environment, BpfLoopRefusesFlags) {
  ScriptedContext context;
  EXPECT_EQ(helper_bpf_loop(3, kCallback, kCtx, 1, 0, context), static_cast<uint64_t>(-22));
  EXPECT_TRUE(context.calls.empty());
  EXPECT_FALSE(context.failed());
}

TEST(conformance_environment, BpfLoopRefusesTooManyLoops) {
  ScriptedContext context;
  context.callback = [](uint64_t, uint64_t) { return uint64_t{1}; };
  EXPECT_EQ(helper_bpf_loop((1u << 23) + 1, kCallback, kCtx, 0, 0, context),
            static_cast<uint64_t>(-7));
  EXPECT_TRUE(context.calls.empty());
  // The limit itself is allowed.
  EXPECT_EQ(helper_bpf_loop(1u << 23, kCallback, kCtx, 0, 0, context), 1u);
}

TEST(conformance_environment, BpfLoopStopsWhenTheRunFails) {
  ScriptedContext context;
  context.fail_on_call = true;
  EXPECT_EQ(helper_bpf_loop(5, kCallback, kCtx, 0, 0, context), 0u);
  EXPECT_EQ(context.calls.size(), 1u);
}

TEST(conformance_environment, BpfLoopRefusesACallbackThatIsNoFunction) {
  ScriptedContext context;
  EXPECT_EQ(helper_bpf_loop(5, 0x1234, kCtx, 0, 0, context), 0u);
  EXPECT_TRUE(context.calls.empty());
  EXPECT_TRUE(context.failed());
}

TEST(conformance_environment, MapZeroIsA64ByteZeroedWritableValue) {
  ConformanceEnvironment env;
  ASSERT_EQ(env.environment().maps.size(), 1u);
  const MapBinding& map = env.environment().maps[0];
  EXPECT_NE(map.handle, nullptr);
  EXPECT_EQ(map.direct_value, env.map_value().data());
  EXPECT_EQ(map.value_size, 64u);
  EXPECT_TRUE(map.writable);
  for (uint8_t b : env.map_value()) EXPECT_EQ(b, 0);
}

TEST(conformance_environment, HostVariableZeroHoldsItsInitialValue) {
  ConformanceEnvironment env;
  ASSERT_EQ(env.environment().variables.size(), 1u);
  const HostVariable& variable = env.environment().variables[0];
  EXPECT_EQ(variable.address, env.host_variable().data());
  EXPECT_EQ(variable.size, 8u);
  EXPECT_TRUE(variable.writable);
  const std::vector<uint8_t> bytes(env.host_variable().begin(), env.host_variable().end());
  EXPECT_EQ(bytes, (std::vector<uint8_t>{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}));
}

TEST(conformance_environment, RegionsCoverTheMapValueAndTheHostVariable) {
  ConformanceEnvironment env;
  const auto regions = env.regions();
  ASSERT_EQ(regions.size(), 2u);
  EXPECT_EQ(regions[0].base, reinterpret_cast<uint64_t>(env.map_value().data()));
  EXPECT_EQ(regions[0].size, 64u);
  EXPECT_TRUE(regions[0].writable);
  EXPECT_EQ(regions[1].base, reinterpret_cast<uint64_t>(env.host_variable().data()));
  EXPECT_EQ(regions[1].size, 8u);
  EXPECT_TRUE(regions[1].writable);
}

TEST(conformance_environment, EachEnvironmentHasItsOwnStorage) {
  ConformanceEnvironment first;
  first.map_value()[0] = 0x5a;
  first.host_variable()[0] = 0;
  ConformanceEnvironment second;
  EXPECT_EQ(second.map_value()[0], 0);
  EXPECT_EQ(second.host_variable()[0], 0x88);
  EXPECT_NE(first.environment().maps[0].direct_value, second.environment().maps[0].direct_value);
}

}  // namespace
}  // namespace sandbpf::conformance
