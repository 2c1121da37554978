// The built-in memory functions (vm/builtin_functions.hpp) as programs call
// them: tests/programs/builtins.c, compiled so that every memset, memcpy,
// memmove and memcmp is a call of the external function, runs on every
// engine, verified and in checked mode, on random inputs; the memory and
// r0 must be what the host's libc makes of the same operations. Checked
// mode must also refuse a built-in's pointer outside the program's memory.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "jit/jit.hpp"
#include "loader/assembler.hpp"
#include "runtime/instance.hpp"

namespace sandbpf {
namespace {

const std::string kBuiltins = std::string(SANDBPF_RUNTIME_TEST_OBJECTS) + "/builtins.o";
constexpr size_t kMemory = 192;

struct Mode {
  Engine engine;
  bool verify;
};

std::string mode_name(const testing::TestParamInfo<Mode>& info) {
  return std::string(engine_name(info.param.engine)) + (info.param.verify ? "_verified" : "_checked");
}

class BuiltinFunctions : public testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    if (GetParam().engine == Engine::kJit && !jit_available())
      GTEST_SKIP() << "no JIT backend for this host";
  }

  InstanceOptions options(const std::string& program) const {
    InstanceOptions o;
    o.program = program;
    o.engine = GetParam().engine;
    o.verify = GetParam().verify;
    o.slots = 1;
    return o;
  }

  std::unique_ptr<Instance> load(const std::string& program) {
    auto instance = Instance::load_file(kBuiltins, Platform::make_generic(), options(program));
    EXPECT_TRUE(instance.has_value()) << instance.error().to_string();
    return instance ? std::move(*instance) : nullptr;
  }

  // Runs `program` on 200 random memories; `expect` applies the same
  // operations with libc to a copy and returns the expected r0.
  template <typename Expect>
  void compare(const std::string& program, Expect expect) {
    auto instance = load(program);
    ASSERT_TRUE(instance);
    std::mt19937_64 rng(42);
    for (int round = 0; round < 200; ++round) {
      std::vector<uint8_t> memory(kMemory);
      for (auto& b : memory) b = static_cast<uint8_t>(rng());
      // Often equal halves, so memcmp's equal and late-difference cases occur.
      if (round % 3 == 0) std::memcpy(&memory[128], &memory[64], 64);
      if (round % 6 == 0) memory[128 + rng() % 64] ^= 1;
      std::vector<uint8_t> expected = memory;
      const int64_t r0 = expect(expected.data());
      auto got = instance->run_memory(memory);
      ASSERT_TRUE(got.has_value()) << got.error().to_string();
      EXPECT_EQ(static_cast<int32_t>(*got), r0) << program << " round " << round;
      ASSERT_EQ(memory, expected) << program << " round " << round;
    }
  }
};

TEST_P(BuiltinFunctions, MemsetMatchesLibc) {
  compare("set_bytes", [](uint8_t* m) {
    auto* r = static_cast<uint8_t*>(std::memset(m + 64, m[1], m[0] & 63));
    r[0] ^= 0x5a;
    return 0;
  });
}

TEST_P(BuiltinFunctions, MemcpyMatchesLibc) {
  compare("copy_bytes", [](uint8_t* m) {
    auto* r = static_cast<uint8_t*>(std::memcpy(m + 128, m + (m[2] & 63), m[0] & 63));
    r[0] ^= 0x5a;
    return 0;
  });
}

TEST_P(BuiltinFunctions, MemmoveMatchesLibcOnOverlappingRanges) {
  compare("move_bytes", [](uint8_t* m) {
    auto* r = static_cast<uint8_t*>(std::memmove(m + 64 + (m[2] & 63), m + 64 + (m[3] & 63), m[0] & 63));
    r[0] ^= 0x5a;
    return 0;
  });
}

TEST_P(BuiltinFunctions, MemcmpHasLibcsSign) {
  compare("compare_bytes", [](uint8_t* m) {
    const int order = std::memcmp(m + 64, m + 128, m[0] & 63);
    return order < 0 ? -1 : order > 0 ? 1 : 0;
  });
}

TEST_P(BuiltinFunctions, StackBufferWrittenByMemsetAndMemcpy) {
  compare("stack_buffer", [](uint8_t* m) {
    uint8_t buffer[48];
    std::memset(buffer, m[1], sizeof(buffer));
    std::memcpy(buffer + 8, m + 64, 16);
    std::memcpy(m + 128, buffer, sizeof(buffer));
    return std::memcmp(buffer + 8, m + 64, 16) + buffer[47];
  });
}

// Checked mode bounds-checks the built-ins' pointers as it does other
// helpers' memory: memset of 64 bytes from the memory's 32nd byte when it
// has 64 stops the run, naming the function and the argument.
TEST_P(BuiltinFunctions, CheckedModeRefusesMemoryOutsideTheProgramsRegions) {
  if (GetParam().verify) GTEST_SKIP() << "the verifier refuses it (verifier/tests/builtin_call_test.cpp)";
  auto insns = assemble(R"(
      add %r1, 32
      mov %r2, 0
      mov %r3, 64
      call 1024
      mov %r0, 0
      exit)");
  ASSERT_TRUE(insns.has_value()) << insns.error().message;
  auto program = Program::decode(*insns);
  ASSERT_TRUE(program.has_value()) << program.error().message;
  auto instance = Instance::create(*program, Platform::make_generic(), options(""));
  ASSERT_TRUE(instance.has_value()) << instance.error().to_string();
  std::vector<uint8_t> memory(64, 0xee);
  auto refused = (*instance)->run_memory(memory);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("memset: s ["), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("+64) is not memory the program may write"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(memory, std::vector<uint8_t>(64, 0xee));
  // 32 bytes fit.
  std::vector<uint8_t> bigger(96, 0xee);
  auto ran = (*instance)->run_memory(bigger);
  ASSERT_TRUE(ran.has_value()) << ran.error().to_string();
  for (size_t i = 0; i < bigger.size(); ++i)
    EXPECT_EQ(bigger[i], i >= 32 ? 0 : 0xee) << i;
}

INSTANTIATE_TEST_SUITE_P(AllEngines, BuiltinFunctions,
                         testing::Values(Mode{Engine::kInterpreter, true}, Mode{Engine::kInterpreter, false},
                                         Mode{Engine::kJit, true}, Mode{Engine::kJit, false}),
                         mode_name);

}  // namespace
}  // namespace sandbpf
