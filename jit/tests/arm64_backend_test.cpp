// What the ARM64 backend does beyond single instructions (the golden test
// covers those):
//   - both forms of the atomics (LSE and load/store-exclusive loops) give
//     the interpreter's results, alone and under contention from several
//     threads; SANDBPF_JIT_ARM64_ATOMICS selects the form JitProgram uses;
//   - code larger than the +-1 MiB reach of conditional branches and
//     literal loads compiles in far mode and still runs;
//   - atomics resolve to the host CPU's form (kAuto).
// The code runs on aarch64 hosts (the cross build under qemu-aarch64: `-cpu
// cortex-a53` has no LSE, `-cpu max` has it); elsewhere only compiling is
// checked, and the tests that need an aarch64 CPU say so when skipped.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "jit/arm64/backend.hpp"
#include "jit/arm64/cpu_features.hpp"
#include "jit/jit.hpp"
#include "jit/lowered_program.hpp"
#include "loader/assembler.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

bool on_arm64() { return host_arch() == JitArch::kArm64; }

Program program_of(const std::string& text) {
  auto slots = assemble(text);
  EXPECT_TRUE(slots) << text << ": " << (slots ? "" : slots.error().to_string());
  auto program = Program::decode(slots ? *slots : std::vector<Insn>{});
  EXPECT_TRUE(program) << text;
  return program ? *program : Program{};
}

std::string outcome(const Result<uint64_t>& r) {
  return r ? std::to_string(*r) : r.error().to_string();
}

// Sets SANDBPF_JIT_ARM64_ATOMICS for the scope (JitProgram compiles with
// kAuto, which reads it).
// (Windows has _putenv_s, where an empty value removes the variable.)
class AtomicsForm {
 public:
#if defined(_WIN32)
  explicit AtomicsForm(const char* form) { ::_putenv_s("SANDBPF_JIT_ARM64_ATOMICS", form); }
  ~AtomicsForm() { ::_putenv_s("SANDBPF_JIT_ARM64_ATOMICS", ""); }
#else
  explicit AtomicsForm(const char* form) { ::setenv("SANDBPF_JIT_ARM64_ATOMICS", form, 1); }
  ~AtomicsForm() { ::unsetenv("SANDBPF_JIT_ARM64_ATOMICS"); }
#endif
};

// Every atomic operation, 32 and 64 bits, fetching or not, on memory
// whose value equals r0 (cmpxchg succeeds) or not: r0, the operand
// register (stored to [r1+24]) and the memory agree with the interpreter.
void atomics_agree_with_the_interpreter(ExecMode mode) {
  const char* ops[] = {"lock add", "lock or", "lock and", "lock xor",
                       "lock fetch add", "lock fetch or", "lock fetch and", "lock fetch xor",
                       "lock xchg", "lock cmpxchg"};
  const uint64_t values[][3] = {  // memory, operand, r0
      {0x8000000180000001, 0x00000000fffffffe, 0x8000000180000001},
      {0x0123456789abcdef, 0xfedcba9876543210, 0x1111},
      {0xffffffff00000000, 0x00000000ffffffff, 0xffffffff00000000},
  };
  for (const char* op : ops) {
    for (const char* width : {"", "32"}) {
      const std::string text = std::string("ldxdw %r2, [%r1+8]\nldxdw %r0, [%r1+16]\n") + op +
                               width + " [%r1+0], %r2\nstxdw [%r1+24], %r2\nexit\n";
      const Program program = program_of(text);
      for (const auto& v : values) {
        SCOPED_TRACE(text + " on " + std::to_string(v[0]));
        std::vector<uint64_t> interpreted = {v[0], v[1], v[2], 0}, compiled = interpreted;
        auto run = [&](std::vector<uint64_t>& memory, bool jit) {
          MemoryRegion region{reinterpret_cast<uint64_t>(memory.data()), 32, true};
          RunInput input;
          input.args[0] = region.base;
          input.args[1] = region.size;
          input.regions = {&region, 1};
          Environment env;
          if (!jit) return outcome(Interpreter::create(program)->run(env, input, mode, {}));
          JitOptions options;
          options.mode = mode;
          auto code = JitProgram::compile(program, env, options);
          if (!code) return code.error().to_string();
          return outcome(code->run(env, input, {}));
        };
        EXPECT_EQ(run(compiled, true), run(interpreted, false));
        EXPECT_EQ(compiled, interpreted);
      }
    }
  }
}

TEST(arm64_backend, ExclusiveLoopAtomicsAgreeWithTheInterpreter) {
  if (!on_arm64()) GTEST_SKIP() << "needs an aarch64 CPU (make test-arm64 runs it under qemu)";
  AtomicsForm form("exclusive");
  atomics_agree_with_the_interpreter(ExecMode::kFast);
  atomics_agree_with_the_interpreter(ExecMode::kChecked);
}

TEST(arm64_backend, LseAtomicsAgreeWithTheInterpreter) {
  if (!on_arm64()) GTEST_SKIP() << "needs an aarch64 CPU (make test-arm64 runs it under qemu)";
  if (!arm64::host_has_lse()) GTEST_SKIP() << "this CPU has no LSE atomics (qemu -cpu cortex-a53)";
  AtomicsForm form("lse");
  atomics_agree_with_the_interpreter(ExecMode::kFast);
  atomics_agree_with_the_interpreter(ExecMode::kChecked);
}

// Four threads each add 1 to a shared counter 2000 times with lock add
// (and lock fetch add, 32-bit): no increment may be lost.
void contended_counter_is_exact() {
  const Program program = program_of(
      "mov %r3, 2000\nmov %r2, 1\n"
      "loop:\nlock add [%r1+0], %r2\nlock fetch add32 [%r1+8], %r2\nmov %r2, 1\n"
      "sub %r3, 1\njne %r3, 0, loop\nmov %r0, 0\nexit\n");
  Environment env;
  auto code = JitProgram::compile(program, env, {});
  ASSERT_TRUE(code) << code.error().to_string();
  alignas(16) uint64_t counters[2] = {0, 0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      RunInput input;
      input.args[0] = reinterpret_cast<uint64_t>(counters);
      input.args[1] = sizeof counters;
      EXPECT_TRUE(code->run(env, input, {}));
    });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counters[0], 8000u);
  EXPECT_EQ(counters[1], 8000u);
}

TEST(arm64_backend, ExclusiveLoopsLoseNoUpdateUnderContention) {
  if (!on_arm64()) GTEST_SKIP() << "needs an aarch64 CPU (make test-arm64 runs it under qemu)";
  AtomicsForm form("exclusive");
  contended_counter_is_exact();
}

TEST(arm64_backend, LseLosesNoUpdateUnderContention) {
  if (!on_arm64()) GTEST_SKIP() << "needs an aarch64 CPU (make test-arm64 runs it under qemu)";
  if (!arm64::host_has_lse()) GTEST_SKIP() << "this CPU has no LSE atomics (qemu -cpu cortex-a53)";
  AtomicsForm form("lse");
  contended_counter_is_exact();
}

TEST(arm64_backend, AutoAtomicsFollowTheCpuUnlessForced) {
  EXPECT_EQ(arm64::resolve_atomics(Arm64Atomics::kAuto),
            arm64::host_has_lse() ? Arm64Atomics::kLse : Arm64Atomics::kExclusive);
  EXPECT_EQ(arm64::resolve_atomics(Arm64Atomics::kExclusive), Arm64Atomics::kExclusive);
  AtomicsForm form("exclusive");
  EXPECT_EQ(arm64::resolve_atomics(Arm64Atomics::kAuto), Arm64Atomics::kExclusive);
  EXPECT_EQ(arm64::resolve_atomics(Arm64Atomics::kLse), Arm64Atomics::kLse);
}

// 300000 instructions (1.2 MB of code): the helper call's stop check and
// the budget charge of the first block branch to stubs after the whole
// program, out of b.cond's and cbnz's reach, and the helper's address is
// out of a literal load's reach, so the backend compiles in far mode.
std::vector<Insn> huge_program() {
  std::vector<Insn> slots;
  slots.push_back(make_insn(Op::Mov64Imm, 1, 0, 0, 7));
  slots.push_back(make_insn(Op::CallHelper, 0, 0, 0, 1));
  for (int i = 0; i < 300000; ++i) slots.push_back(make_insn(Op::Add64Imm, 0, 0, 0, 1));
  slots.push_back(make_insn(Op::Exit));
  return slots;
}

uint64_t plus_one(uint64_t r1, uint64_t, uint64_t, uint64_t, uint64_t, RunContext&) { return r1 + 1; }

TEST(arm64_backend, CodeBeyondOneMebibyteCompilesInFarMode) {
  auto program = Program::decode(huge_program());
  ASSERT_TRUE(program);
  static const HelperFunction helpers[2] = {nullptr, &plus_one};
  Environment env;
  env.helpers = helpers;
  for (ExecMode mode : {ExecMode::kFast, ExecMode::kChecked}) {
    SCOPED_TRACE(mode == ExecMode::kFast ? "fast" : "checked");
    JitOptions options;
    options.mode = mode;
    auto listing = compile_listing(*program, env, options, JitArch::kArm64);
    ASSERT_TRUE(listing) << listing.error().to_string();
    EXPECT_GT(listing->bytes.size(), size_t{1} << 20);
    if (!on_arm64()) continue;
    auto code = JitProgram::compile(*program, env, options);
    ASSERT_TRUE(code) << code.error().to_string();
    RunInput input;
    EXPECT_EQ(outcome(code->run(env, input, {})), "300008");
    // Out of budget in the first block: the stub after 1.2 MB of code.
    if (mode == ExecMode::kChecked) {
      EXPECT_EQ(outcome(code->run(env, input, {.instruction_budget = 1})),
                outcome(Interpreter::create(*program)->run(env, input, mode, {.instruction_budget = 1})));
    }
  }
}

}  // namespace
}  // namespace sandbpf
