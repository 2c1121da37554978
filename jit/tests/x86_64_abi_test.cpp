// The x86-64 backend's two calling conventions, run: code compiled for
// System V and for Windows x64 (BackendOptions::x86_abi) is entered through
// its trampoline and calls helpers and the checked-access function, each
// through function types declared with that convention (GCC's and clang's
// sysv_abi and ms_abi attributes), so both run on Linux and on Windows
// hosts. The bytes themselves are in x86_64_golden_test.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "jit/executable_memory.hpp"
#include "jit/lowered_program.hpp"
#include "jit/run_state.hpp"
#include "jit/x86_64/backend.hpp"
#include "loader/assembler.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

#if defined(__x86_64__)

#define SANDBPF_SYSV __attribute__((sysv_abi))
#define SANDBPF_WIN64 __attribute__((ms_abi))

// What the helpers and the check saw, for the assertions.
struct Seen {
  uint64_t args[5] = {};
  RunContext* context = nullptr;
  uint32_t pc = 0;
  uint64_t address = 0;
  uint64_t frame = 0;
  int calls = 0;
};
Seen seen;

uint64_t record_helper(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, RunContext& context) {
  seen.args[0] = a, seen.args[1] = b, seen.args[2] = c, seen.args[3] = d, seen.args[4] = e;
  seen.context = &context;
  ++seen.calls;
  return a + 10 * b + 100 * c + 1000 * d + 10000 * e;
}
SANDBPF_SYSV uint64_t sysv_helper(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, RunContext& x) {
  return record_helper(a, b, c, d, e, x);
}
SANDBPF_WIN64 uint64_t win64_helper(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, RunContext& x) {
  return record_helper(a, b, c, d, e, x);
}

bool record_check(uint32_t pc, uint64_t address, uint64_t frame) {
  seen.pc = pc, seen.address = address, seen.frame = frame;
  ++seen.calls;
  return true;
}
SANDBPF_SYSV bool sysv_check(JitRunState*, uint32_t pc, uint64_t address, uint64_t frame) {
  return record_check(pc, address, frame);
}
SANDBPF_WIN64 bool win64_check(JitRunState*, uint32_t pc, uint64_t address, uint64_t frame) {
  return record_check(pc, address, frame);
}

using SysvEntry = SANDBPF_SYSV uint64_t (*)(JitRunState*, const uint64_t*, const void*);
using Win64Entry = SANDBPF_WIN64 uint64_t (*)(JitRunState*, const uint64_t*, const void*);

struct AbiCase {
  X86Abi abi;
  const char* name;
};

class X86AbiRun : public ::testing::TestWithParam<AbiCase> {
 protected:
  // Compiles `text` for the case's convention and runs it with r1-r5 = args.
  uint64_t run(const std::string& text, const std::vector<uint64_t>& args, ExecMode mode = ExecMode::kFast) {
    auto slots = assemble(text);
    EXPECT_TRUE(slots) << slots.error().to_string();
    auto program = Program::decode(*slots);
    EXPECT_TRUE(program) << program.error().to_string();
    const bool win64 = GetParam().abi == X86Abi::kWin64;
    // The driver's function types carry the host's convention; these carry
    // their own, so the casts go through an untyped pointer.
    helpers_[1] = reinterpret_cast<HelperFunction>(
        win64 ? reinterpret_cast<void*>(&win64_helper) : reinterpret_cast<void*>(&sysv_helper));
    BackendOptions options;
    options.mode = mode;
    options.x86_abi = GetParam().abi;
    options.helpers = helpers_;
    options.check_access = reinterpret_cast<CheckAccessFunction>(
        win64 ? reinterpret_cast<void*>(&win64_check) : reinterpret_cast<void*>(&sysv_check));
    auto code = x86_64::compile(LoweredProgram::from(*program), options);
    EXPECT_TRUE(code) << code.error().to_string();
    auto memory = ExecutableMemory::publish(code->bytes);
    EXPECT_TRUE(memory) << memory.error().to_string();

    JitRunState state;
    state.remaining = 1000;
    state.frame_top = reinterpret_cast<uint64_t>(stack_.data() + stack_.size());
    state.frame_floor = state.frame_top - 7 * 512;
    state.context = context();
    const uint8_t* base = memory->data();
    const void* entry = base + code->function_offsets[0];
    uint64_t r1_r5[5] = {};
    for (size_t i = 0; i < args.size() && i < 5; ++i) r1_r5[i] = args[i];
    seen = Seen{};
    // Code pages are read-only data to C++; calling them needs a function
    // pointer, which a pointer to const bytes cannot be cast to directly.
    void* trampoline = const_cast<uint8_t*>(base + code->trampoline_offset);
    const uint64_t r0 = win64 ? reinterpret_cast<Win64Entry>(trampoline)(&state, r1_r5, entry)
                              : reinterpret_cast<SysvEntry>(trampoline)(&state, r1_r5, entry);
    EXPECT_EQ(state.raw_error, RawError::kNone);
    return r0;
  }
  // A recognizable address, never dereferenced; 8-aligned, as a real RunContext is.
  static RunContext* context() { return reinterpret_cast<RunContext*>(uintptr_t{0x5eed0000c0d8}); }

 private:
  HelperFunction helpers_[2] = {nullptr, nullptr};
  std::vector<uint8_t> stack_ = std::vector<uint8_t>(8 * 512);
};

TEST_P(X86AbiRun, TheTrampolineTakesR1ToR5) {
  EXPECT_EQ(run("mov %r0, %r5\nlsh %r0, 8\nor %r0, %r4\nlsh %r0, 8\nor %r0, %r3\n"
                "lsh %r0, 8\nor %r0, %r2\nlsh %r0, 8\nor %r0, %r1\nexit",
                {1, 2, 3, 4, 5}),
            0x0504030201u);
}

TEST_P(X86AbiRun, HelpersGetFiveArgumentsAndTheContext) {
  EXPECT_EQ(run("mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\ncall 1\nexit", {}), 54321u);
  EXPECT_EQ(seen.calls, 1);
  EXPECT_EQ(seen.args[4], 5u);
  EXPECT_EQ(seen.context, context());
}

TEST_P(X86AbiRun, CallxGetsTheSameArguments) {
  EXPECT_EQ(run("mov %r6, 1\nmov %r1, 6\nmov %r2, 7\nmov %r3, 8\nmov %r4, 9\nmov %r5, 2\ncall %r6\nexit", {}),
            29876u);
  EXPECT_EQ(seen.context, context());
}

// r6-r9 survive a helper call, and the stack stays usable after it (the
// Windows call's shadow space and stack arguments are given back).
TEST_P(X86AbiRun, CalleeSavedRegistersAndTheStackSurviveHelperCalls) {
  EXPECT_EQ(run("mov %r6, 6\nmov %r7, 7\nmov %r8, 8\nmov %r9, 9\nstdw [%r10-8], 100\n"
                "call 1\ncall 1\nmov %r0, %r6\nadd %r0, %r7\nadd %r0, %r8\nadd %r0, %r9\n"
                "ldxdw %r1, [%r10-8]\nadd %r0, %r1\nexit",
                {}),
            130u);
  EXPECT_EQ(seen.calls, 2);
}

TEST_P(X86AbiRun, CheckedAccessesCallTheCheck) {
  uint32_t word = 0x1234;
  EXPECT_EQ(run("ldxw %r0, [%r1+0]\nexit", {reinterpret_cast<uint64_t>(&word)}, ExecMode::kChecked), 0x1234u);
  EXPECT_EQ(seen.calls, 1);
  EXPECT_EQ(seen.address, reinterpret_cast<uint64_t>(&word));
  EXPECT_EQ(seen.pc, 0u);
}

INSTANTIATE_TEST_SUITE_P(Conventions, X86AbiRun,
                         ::testing::Values(AbiCase{X86Abi::kSysV, "sysv"}, AbiCase{X86Abi::kWin64, "win64"}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

#endif  // __x86_64__

}  // namespace
}  // namespace sandbpf
