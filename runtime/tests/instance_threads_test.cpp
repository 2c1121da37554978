// One Instance run from several threads at once, with concurrent program-
// side lookups, updates and deletes (tests/programs/features.c, stress)
// and the host reading, writing and iterating the same maps: the totals
// must be exact. Built under ThreadSanitizer by `make tsan`.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "helpers/standard/standard_helpers.hpp"
#include "jit/jit.hpp"
#include "runtime/instance.hpp"

namespace sandbpf {
namespace {

const std::string kFeatures = std::string(SANDBPF_RUNTIME_TEST_OBJECTS) + "/features.o";

class Threads : public testing::TestWithParam<Engine> {};

TEST_P(Threads, ConcurrentRunsAndHostAccessKeepExactTotals) {
  if (GetParam() == Engine::kJit && !jit_available()) GTEST_SKIP() << "no JIT backend here";
  std::shared_ptr<Platform> platform = Platform::make_generic();
  ASSERT_TRUE(add_standard_helpers(platform->helpers()).has_value());
  InstanceOptions options;
  options.program = "stress";
  options.engine = GetParam();
  options.slots = 3;  // fewer slots than threads: runs also wait for slots
  auto made = Instance::load_file(kFeatures, platform, options);
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  Instance& instance = **made;

  constexpr uint32_t kThreads = 4;
  constexpr uint32_t kRuns = 5000;
  std::atomic<uint64_t> bad{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (uint32_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < kRuns; ++i) {
        uint32_t request[2] = {t, i % 4};
        auto r0 = instance.run_memory({reinterpret_cast<uint8_t*>(request), sizeof request});
        if (!r0 || *r0 != 1) bad.fetch_add(1);
      }
    });
  }
  // The host meanwhile writes, deletes and iterates.
  std::thread host([&] {
    Map& churn = *instance.map("churn");
    Map& counters = *instance.map("counters");
    uint64_t host_value = 1063;
    while (!done.load()) {
      const uint32_t key = 5;
      (void)churn.host_update({reinterpret_cast<const uint8_t*>(&key), 4},
                              {reinterpret_cast<const uint8_t*>(&host_value), 8});
      (void)churn.host_delete({reinterpret_cast<const uint8_t*>(&key), 4});
      uint32_t k = 0, next = 0;
      std::span<const uint8_t> current;
      while (true) {
        auto more = counters.host_next_key(current, {reinterpret_cast<uint8_t*>(&next), 4});
        if (!more || !*more) break;
        k = next;
        current = {reinterpret_cast<const uint8_t*>(&k), 4};
      }
    }
  });
  for (auto& thread : threads) thread.join();
  done = true;
  host.join();

  EXPECT_EQ(bad.load(), 0u);
  Map& counters = *instance.map("counters");
  for (uint32_t t = 0; t < kThreads; ++t) {
    uint64_t value = 0;
    ASSERT_TRUE(counters
                    .host_lookup({reinterpret_cast<const uint8_t*>(&t), 4},
                                 {reinterpret_cast<uint8_t*>(&value), 8})
                    .has_value());
    EXPECT_EQ(value, kRuns) << "key " << t;
  }
  const uint32_t total_index = 1;
  uint64_t total = 0;
  ASSERT_TRUE(instance.map("array_map")
                  ->host_lookup({reinterpret_cast<const uint8_t*>(&total_index), 4},
                                {reinterpret_cast<uint8_t*>(&total), 8})
                  .has_value());
  EXPECT_EQ(total, uint64_t{kThreads} * kRuns);
}

INSTANTIATE_TEST_SUITE_P(Engines, Threads, testing::Values(Engine::kInterpreter, Engine::kJit),
                         [](const auto& param_info) { return std::string(engine_name(param_info.param)); });

}  // namespace
}  // namespace sandbpf
