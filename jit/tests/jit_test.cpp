// The JIT as a whole: every row of the instruction table compiles (no
// silent fallback), the interpreter's behaviours the .data format cannot
// express (frames, budgets, helpers, callbacks, lddw references, checked
// mode's errors) give the same results and messages on the JIT, W^X, and
// constant blinding. Instruction semantics are covered by the conformance
// suites, which run on the JIT too (conformance/tests/suite_files_test.cpp).
#include "jit/jit.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "jit/executable_memory.hpp"
#include "jit/tests/memory_map.hpp"
#include "vm/interpreter.hpp"

namespace sandbpf {
namespace {

Insn I(Op op, uint8_t dst = 0, uint8_t src = 0, int16_t off = 0, int32_t imm = 0) {
  return make_insn(op, dst, src, off, imm);
}
Insn tail(int32_t imm = 0) {
  Insn slot;
  slot.imm = imm;
  return slot;
}

Program decode(const std::vector<Insn>& slots) {
  auto program = Program::decode(slots);
  EXPECT_TRUE(program) << program.error().to_string();
  return *program;
}

std::string outcome(const Result<uint64_t>& r) {
  return r ? std::to_string(*r) : r.error().to_string();
}

struct RunSetup {
  Environment env;
  RunInput input;
  RunLimits limits;
  InterpreterOptions frames;
  bool blind = false;
};

// The same program on the interpreter and on the JIT, in one mode.
struct Both {
  std::string interpreter;
  std::string jit;
};

Both run_both(const std::vector<Insn>& slots, ExecMode mode, const RunSetup& setup = {}) {
  const Program program = decode(slots);
  auto interpreter = Interpreter::create(program, setup.frames);
  EXPECT_TRUE(interpreter);
  JitOptions options;
  options.mode = mode;
  options.stack_per_frame = setup.frames.stack_per_frame;
  options.max_call_depth = setup.frames.max_call_depth;
  options.blind_constants = setup.blind;
  auto jit = JitProgram::compile(program, setup.env, options);
  EXPECT_TRUE(jit) << jit.error().to_string();
  return {outcome(interpreter->run(setup.env, setup.input, mode, setup.limits)),
          outcome(jit->run(setup.env, setup.input, setup.limits))};
}

#define EXPECT_BOTH(both, expected)                              \
  do {                                                           \
    const Both b_ = (both);                                      \
    EXPECT_EQ(b_.interpreter, expected) << "on the interpreter"; \
    EXPECT_EQ(b_.jit, expected) << "on the JIT";                 \
  } while (0)

// Both modes, with and without constant blinding.
#define EXPECT_ALL_MODES(slots, setup, expected)                       \
  do {                                                                 \
    for (ExecMode mode_ : {ExecMode::kFast, ExecMode::kChecked})       \
      for (bool blind_ : {false, true}) {                              \
        RunSetup s_ = (setup);                                            \
        s_.blind = blind_;                                             \
        SCOPED_TRACE(std::string(mode_ == ExecMode::kFast ? "fast" : "checked") + \
                     (blind_ ? ", blinded" : ""));                     \
        EXPECT_BOTH(run_both((slots), mode_, s_), expected);           \
      }                                                                \
  } while (0)

struct Memory {
  std::vector<uint8_t> bytes;
  MemoryRegion region;
  RunInput input;
  explicit Memory(size_t size, bool writable = true) : bytes(size, 0) {
    region = {reinterpret_cast<uint64_t>(bytes.data()), bytes.size(), writable};
    input.args[0] = region.base;
    input.args[1] = size;
    input.regions = {&region, 1};
    input.packet = bytes.data();
    input.packet_size = bytes.size();
  }
};

std::vector<Insn> sum_loop(int32_t n) {
  return {I(Op::Mov64Imm, 0, 0, 0, 0), I(Op::Mov64Imm, 1, 0, 0, n), I(Op::Add64Reg, 0, 1),
          I(Op::Sub64Imm, 1, 0, 0, 1),  I(Op::Jne64Imm, 1, 0, -3, 0), I(Op::Exit)};
}

// A program holding one instance of `row` that decodes: the operands are
// chosen so that every target lands on an instruction of the right
// function.
std::vector<Insn> program_with(const InsnInfo& row) {
  const Insn insn = make_insn(row.op, uses_dst_register(row.form) ? 1 : 0,
                              uses_src_register(row.form) ? 2 : 0, 0, 0);
  switch (row.form) {
    case Form::AluImm: return {make_insn(row.op, 1, 0, 0, 3), I(Op::Exit)};
    case Form::CallLocal: return {make_insn(row.op, 0, 0, 0, 1), I(Op::Exit), I(Op::Exit)};
    case Form::LddwFunction: return {make_insn(row.op, 1, 0, 0, 2), tail(), I(Op::Exit), I(Op::Exit)};
    case Form::Lddw: case Form::LddwMap: case Form::LddwMapValue: case Form::LddwHostVariable:
    case Form::LddwMapIdx: case Form::LddwMapIdxValue:
      return {make_insn(row.op, 1, 0, 0, 0), tail(), I(Op::Exit)};
    case Form::LoadAbs: return {make_insn(row.op, 0, 0, 0, 4), I(Op::Exit)};
    case Form::LoadInd: return {make_insn(row.op, 0, 2, 0, 4), I(Op::Exit)};
    case Form::StoreImm: return {make_insn(row.op, 10, 0, -8, 7), I(Op::Exit)};
    case Form::StoreReg: case Form::Atomic: return {make_insn(row.op, 10, 2, -8, insn.imm), I(Op::Exit)};
    case Form::Load: return {make_insn(row.op, 1, 10, -8), I(Op::Exit)};
    case Form::Exit: return {insn};
    default: return {insn, I(Op::Exit)};
  }
}

uint64_t add_helper(uint64_t a, uint64_t b, uint64_t, uint64_t, uint64_t, RunContext&) {
  return a + b;
}

TEST(jit, EveryRowOfTheTableCompiles) {
  ASSERT_TRUE(jit_available());
  std::array<HelperFunction, 1> helpers = {add_helper};
  Environment env;
  env.helpers = helpers;
  size_t compiled = 0;
  for (const InsnInfo& row : all_instructions()) {
    const std::vector<Insn> slots = program_with(row);
    auto program = Program::decode(slots);
    ASSERT_TRUE(program) << row.mnemonic << ": " << program.error().to_string();
    ASSERT_EQ(program->op(0), row.op);
    for (ExecMode mode : {ExecMode::kFast, ExecMode::kChecked})
      for (bool blind : {false, true}) {
        JitOptions options;
        options.mode = mode;
        options.blind_constants = blind;
        auto jit = JitProgram::compile(*program, env, options);
        ASSERT_TRUE(jit) << row.mnemonic << " (" << form_name(row.form)
                         << "): " << jit.error().to_string();
        EXPECT_FALSE(jit->code().empty());
        ++compiled;
      }
  }
  EXPECT_EQ(compiled, all_instructions().size() * 4);
}

TEST(jit, RefusesBadOptionsAsTheInterpreterDoes) {
  const Program program = decode({I(Op::Exit)});
  JitOptions odd;
  odd.stack_per_frame = 12;
  EXPECT_EQ(JitProgram::compile(program, {}, odd).error().message,
            Interpreter::create(program, {12, 8}).error().message);
  JitOptions none;
  none.max_call_depth = 0;
  EXPECT_EQ(JitProgram::compile(program, {}, none).error().message,
            Interpreter::create(program, {512, 0}).error().message);
  JitOptions tiny;
  tiny.max_code_bytes = 16;
  EXPECT_FALSE(JitProgram::compile(program, {}, tiny));
}

// W^X: while compiled code exists, no mapping of the process is writable
// and executable at once, and the code's own mapping is r-x.
TEST(jit, CodeIsNeverWritableAndExecutable) {
  const Program program = decode(sum_loop(10));
  auto jit = JitProgram::compile(program, {});
  ASSERT_TRUE(jit);
  EXPECT_EQ(*jit->run({}, {}), 55u);
  const test_support::MemoryMap map = test_support::read_memory_map(jit->code().data());
  ASSERT_TRUE(map.readable) << "the OS does not describe the process's memory";
  EXPECT_EQ(map.writable_and_executable, "");
  EXPECT_EQ(map.permissions_of_address, "r-x") << "the code's mapping";
}

TEST(jit, ModesAgreeAndCountInstructions) {
  EXPECT_ALL_MODES(sum_loop(1000), RunSetup{}, "500500");
  const Program program = decode(sum_loop(10));
  JitOptions checked;
  checked.mode = ExecMode::kChecked;
  auto jit = JitProgram::compile(program, {}, checked);
  RunStats stats;
  ASSERT_TRUE(jit->run({}, {}, {}, &stats));
  EXPECT_EQ(stats.instructions, 33u);  // 2 + 10 iterations of 3 + exit
}

TEST(jit, BudgetsRunOutWhereTheInterpretersDo) {
  RunSetup budget;
  budget.limits = {1000};
  EXPECT_BOTH(run_both({I(Op::Ja, 0, 0, -1), I(Op::Exit)}, ExecMode::kChecked, budget),
              "insn 0: instruction budget of 1000 exhausted");
  // Exactly enough, and one short, for every budget around the program's
  // 33 instructions: the error names the same instruction.
  for (uint64_t limit = 1; limit <= 40; ++limit) {
    RunSetup s;
    s.limits = {limit};
    const Both both = run_both(sum_loop(10), ExecMode::kChecked, s);
    EXPECT_EQ(both.jit, both.interpreter) << "budget " << limit;
    s.blind = true;
    EXPECT_EQ(run_both(sum_loop(10), ExecMode::kChecked, s).jit, both.interpreter)
        << "blinded, budget " << limit;
  }
  // Fast mode charges back-edges and calls.
  RunSetup fast;
  fast.limits = {100000};
  EXPECT_BOTH(run_both({I(Op::Mov64Imm, 0, 0, 0, 1), I(Op::Ja, 0, 0, -1), I(Op::Exit)},
                       ExecMode::kFast, fast),
              "insn 1: instruction budget of 100000 exhausted");
  for (uint64_t limit = 1; limit <= 40; ++limit) {
    RunSetup s;
    s.limits = {limit};
    const Both both = run_both(sum_loop(10), ExecMode::kFast, s);
    EXPECT_EQ(both.jit, both.interpreter) << "fast, budget " << limit;
  }
}

// Fast mode's budget is the budget rewrite (jit/rewrites/instruction_budget.hpp):
// blinded or not, it runs out where the interpreter's does, and a call
// that cannot be charged still reports first what the interpreter checks
// before charging (the helper id, the call depth).
TEST(jit, FastBudgetsChargeAsTheInterpreterDoes) {
  for (uint64_t limit = 1; limit <= 40; ++limit) {
    RunSetup s;
    s.limits = {limit};
    s.blind = true;
    const Both both = run_both(sum_loop(10), ExecMode::kFast, s);
    EXPECT_EQ(both.jit, both.interpreter) << "blinded, fast, budget " << limit;
  }
  // Recursion: 7 calls fit in 8 frames; the 8th exceeds the depth.
  const std::vector<Insn> recursion = {I(Op::CallLocal, 0, 0, 0, 1), I(Op::Exit),
                                       I(Op::CallLocal, 0, 0, 0, -1), I(Op::Exit)};
  RunSetup s;
  s.limits = {6};
  EXPECT_BOTH(run_both(recursion, ExecMode::kFast, s), "insn 2: instruction budget of 6 exhausted");
  s.limits = {7};
  EXPECT_BOTH(run_both(recursion, ExecMode::kFast, s),
              "insn 2: call local: call depth exceeds the limit of 8 frames");
  for (uint64_t limit = 1; limit <= 10; ++limit) {
    s.limits = {limit};
    const Both both = run_both(recursion, ExecMode::kFast, s);
    EXPECT_EQ(both.jit, both.interpreter) << "recursion, budget " << limit;
  }
  // The first call spends the budget of 1; the second names no helper.
  std::array<HelperFunction, 4> helpers = {nullptr, nullptr, nullptr, add_helper};
  RunSetup h;
  h.env.helpers = helpers;
  h.limits = {1};
  EXPECT_BOTH(run_both({I(Op::CallHelper, 0, 0, 0, 3), I(Op::CallHelper, 0, 0, 0, 7), I(Op::Exit)},
                       ExecMode::kFast, h),
              "insn 1: call 7: unknown helper id 7");
  EXPECT_BOTH(run_both({I(Op::CallHelper, 0, 0, 0, 3), I(Op::Mov64Imm, 2, 0, 0, 99), I(Op::CallReg, 2),
                        I(Op::Exit)},
                       ExecMode::kFast, h),
              "insn 2: call %r2: unknown helper id 99");
  EXPECT_BOTH(run_both({I(Op::CallHelper, 0, 0, 0, 3), I(Op::Mov64Imm, 2, 0, 0, 3), I(Op::CallReg, 2),
                        I(Op::Exit)},
                       ExecMode::kFast, h),
              "insn 2: instruction budget of 1 exhausted");
}

TEST(jit, CheckedModeRefusesWhatTheInterpreterRefuses) {
  Memory mem(16);
  RunSetup s;
  s.input = mem.input;
  EXPECT_BOTH(run_both({I(Op::LdxW, 0, 1, 100), I(Op::Exit)}, ExecMode::kChecked, s),
              "insn 0: ldxw: read of 4 bytes at r1+100 is out of bounds");
  EXPECT_BOTH(run_both({I(Op::LdxDW, 0, 1, 8), I(Op::Exit)}, ExecMode::kChecked, s), "0");
  EXPECT_BOTH(run_both({I(Op::StxDW, 10, 1, -520), I(Op::Exit)}, ExecMode::kChecked, s),
              "insn 0: stxdw: write of 8 bytes at r10-520 is out of bounds");
  EXPECT_BOTH(run_both({I(Op::CallLocal, 0, 0, 0, 2), I(Op::LdxDW, 0, 0, -8), I(Op::Exit),
                        I(Op::Mov64Reg, 0, 10), I(Op::Exit)},
                       ExecMode::kChecked, s),
              "insn 1: ldxdw: read of 8 bytes at r0-8 is out of bounds");
  EXPECT_BOTH(run_both({I(Op::StW, 10, 0, 0, 7), I(Op::Exit)}, ExecMode::kChecked, s),
              "insn 0: stw: write of 4 bytes at r10+0 is out of bounds");
  s.blind = true;  // the message names the instruction as loaded
  EXPECT_BOTH(run_both({I(Op::StW, 10, 0, 0, 7), I(Op::Exit)}, ExecMode::kChecked, s),
              "insn 0: stw: write of 4 bytes at r10+0 is out of bounds");
  EXPECT_BOTH(run_both({I(Op::Mov64Imm, 2, 0, 0, -1), I(Op::LdxDW, 0, 2, 4), I(Op::Exit)},
                       ExecMode::kChecked, s),
              "insn 1: ldxdw: read of 8 bytes at r2+4 is out of bounds");
  Memory readonly(16, false);
  s.input = readonly.input;
  EXPECT_BOTH(run_both({I(Op::StxW, 1, 2, 0), I(Op::Exit)}, ExecMode::kChecked, s),
              "insn 0: stxw: write of 4 bytes at r1+0 is to read-only memory");
  EXPECT_BOTH(run_both({I(Op::Mov64Imm, 1, 0, 0, 1), I(Op::StDW, 10, 0, -8, 0),
                        I(Op::StDW, 10, 0, -16, 0), I(Op::AtomicAdd64, 10, 1, -7), I(Op::Exit)},
                       ExecMode::kChecked),
              "insn 3: lock add: atomic access of 8 bytes at r10-7 is not aligned to 8 bytes");
}

TEST(jit, FramesHaveTheirOwnStackAndPreserveR6ToR10) {
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::StDW, 10, 0, -8, 1), I(Op::CallLocal, 0, 0, 0, 2),
                                      I(Op::LdxDW, 0, 10, -8), I(Op::Exit), I(Op::StDW, 10, 0, -8, 2),
                                      I(Op::Mov64Imm, 0, 0, 0, 0), I(Op::Exit)}),
                   RunSetup{}, "1");
  const std::vector<Insn> distance = {I(Op::CallLocal, 0, 0, 0, 4), I(Op::Mov64Reg, 1, 10),
                                      I(Op::Sub64Reg, 1, 0),        I(Op::Mov64Reg, 0, 1),
                                      I(Op::Exit),                  I(Op::Mov64Reg, 0, 10),
                                      I(Op::Exit)};
  EXPECT_ALL_MODES(distance, RunSetup{}, "512");
  RunSetup big;
  big.frames.stack_per_frame = 1024;
  EXPECT_ALL_MODES(distance, big, "1024");
  EXPECT_ALL_MODES((std::vector<Insn>{
                       I(Op::Mov64Imm, 6, 0, 0, 6), I(Op::Mov64Imm, 7, 0, 0, 7),
                       I(Op::Mov64Imm, 8, 0, 0, 8), I(Op::Mov64Imm, 9, 0, 0, 9),
                       I(Op::Mov64Reg, 1, 10), I(Op::CallLocal, 0, 0, 0, 8), I(Op::Sub64Reg, 1, 10),
                       I(Op::Add64Reg, 1, 6), I(Op::Add64Reg, 1, 7), I(Op::Add64Reg, 1, 8),
                       I(Op::Add64Reg, 1, 9), I(Op::Add64Reg, 0, 1), I(Op::Exit), I(Op::Exit),
                       I(Op::Mov64Imm, 6, 0, 0, 0), I(Op::Mov64Imm, 7, 0, 0, 0),
                       I(Op::Mov64Imm, 8, 0, 0, 0), I(Op::Mov64Imm, 9, 0, 0, 0),
                       I(Op::Mov64Imm, 0, 0, 0, 100), I(Op::Exit)}),
                   RunSetup{}, "130");
}

TEST(jit, CallDepthIsLimitedInEveryMode) {
  const std::vector<Insn> recursion = {I(Op::CallLocal, 0, 0, 0, 1), I(Op::Exit),
                                       I(Op::CallLocal, 0, 0, 0, -1), I(Op::Exit)};
  EXPECT_ALL_MODES(recursion, RunSetup{}, "insn 2: call local: call depth exceeds the limit of 8 frames");
  RunSetup deep;
  deep.frames.max_call_depth = 3;
  EXPECT_ALL_MODES(recursion, deep, "insn 2: call local: call depth exceeds the limit of 3 frames");
  RunSetup deepest;
  deepest.frames.max_call_depth = 1024;
  EXPECT_ALL_MODES(recursion, deepest,
                   "insn 2: call local: call depth exceeds the limit of 1024 frames");
}

TEST(jit, HelpersByIdAndByRegister) {
  std::array<HelperFunction, 4> helpers = {nullptr, nullptr, nullptr, add_helper};
  RunSetup s;
  s.env.helpers = helpers;
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 1, 0, 0, 40), I(Op::Mov64Imm, 2, 0, 0, 2),
                                      I(Op::CallHelper, 0, 0, 0, 3), I(Op::Exit)}),
                   s, "42");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 1, 0, 0, 40), I(Op::Mov64Imm, 2, 0, 0, 2),
                                      I(Op::Mov64Imm, 5, 0, 0, 3), I(Op::CallReg, 5), I(Op::Exit)}),
                   s, "42");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::CallHelper, 0, 0, 0, 7), I(Op::Exit)}), s,
                   "insn 0: call 7: unknown helper id 7");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::CallHelper, 0, 0, 0, 1), I(Op::Exit)}), s,
                   "insn 0: call 1: unknown helper id 1");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::CallHelper, 0, 0, 0, -1), I(Op::Exit)}), s,
                   "insn 0: call -1: unknown helper id 4294967295");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 2, 0, 0, 99), I(Op::CallReg, 2), I(Op::Exit)}),
                   s, "insn 1: call %r2: unknown helper id 99");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 2, 0, 0, -1), I(Op::CallReg, 2), I(Op::Exit)}),
                   s, "insn 1: call %r2: unknown helper id 18446744073709551615");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 2, 0, 0, 1), I(Op::CallReg, 2), I(Op::Exit)}),
                   s, "insn 1: call %r2: unknown helper id 1");
}

#if defined(__x86_64__) || defined(__aarch64__)
#if defined(__x86_64__)
// Where the `call rel32` at `at` in the published code goes, or 0 when the
// bytes there are not a call rel32.
uintptr_t call_target(std::span<const uint8_t> code, size_t at) {
  if (at + 5 > code.size() || code[at] != 0xe8) return 0;
  int32_t rel32 = 0;
  std::memcpy(&rel32, &code[at + 1], 4);
  return reinterpret_cast<uintptr_t>(code.data() + at + 5) + static_cast<uintptr_t>(static_cast<intptr_t>(rel32));
}
// mov [state.frame], rbp (5 bytes); mov r9, [state.context] (5); call.
// (The Windows ABI moves r1-r5 into rcx/rdx/r8/r9 and the stack first, so
// there the call is found by its target instead.)
constexpr size_t kCallAfter = 10;
#else
// Where the `bl` at `at` goes, or 0 when the word there is not a bl.
uintptr_t call_target(std::span<const uint8_t> code, size_t at) {
  if (at % 4 != 0 || at + 4 > code.size()) return 0;
  uint32_t word = 0;
  std::memcpy(&word, &code[at], 4);
  if ((word & 0xfc000000u) != 0x94000000u) return 0;
  const auto distance = static_cast<intptr_t>(static_cast<int32_t>(word << 6) >> 4);
  return reinterpret_cast<uintptr_t>(code.data() + at) + static_cast<uintptr_t>(distance);
}
// str x23, [state.frame]; ldr x5, [state.context]; bl.
constexpr size_t kCallAfter = 8;
#endif

// A helper known at compile time is called directly: the published code
// holds a call (x86-64 call rel32, arm64 bl) whose target is the helper
// itself (the pool is mapped near sandbpf's code, which this test binary
// links statically). Checked mode's access check is called the same way.
TEST(jit, HelpersKnownAtCompileTimeAreCalledDirectly) {
  std::array<HelperFunction, 4> helpers = {nullptr, nullptr, nullptr, add_helper};
  Environment env;
  env.helpers = helpers;
  const Program program = decode({I(Op::Mov64Imm, 1, 0, 0, 40), I(Op::Mov64Imm, 2, 0, 0, 2),
                                  I(Op::CallHelper, 0, 0, 0, 3), I(Op::Exit)});
  for (ExecMode mode : {ExecMode::kFast, ExecMode::kChecked}) {
    JitOptions options;
    options.mode = mode;
    auto jit = JitProgram::compile(program, env, options);
    ASSERT_TRUE(jit) << jit.error().to_string();
    ASSERT_TRUE(ExecutableMemory::near_code(jit->code().data()))
        << "the code was not mapped near sandbpf's code";
    EXPECT_EQ(jit->call_sites(), mode == ExecMode::kFast ? 1u : 2u);  // + the access check
    EXPECT_EQ(jit->direct_call_sites(), jit->call_sites());
    const size_t at = jit->instruction_offsets()[2];
    const auto helper = reinterpret_cast<uintptr_t>(&add_helper);
    size_t call = at;
    while (call < jit->instruction_offsets()[3] && call_target(jit->code(), call) != helper) ++call;
    EXPECT_LT(call, jit->instruction_offsets()[3]) << "no direct call to the helper in the call's code";
#if !defined(_WIN32)
    EXPECT_EQ(call, at + kCallAfter);
#endif
    EXPECT_EQ(outcome(jit->run(env, {})), "42");
  }
}

// Out of reach (forced here with JitOptions::direct_calls = false), calls go
// through their veneers in the program's own code and give the same results.
TEST(jit, CallsOutOfReachGoThroughVeneers) {
  std::array<HelperFunction, 4> helpers = {nullptr, nullptr, nullptr, add_helper};
  Environment env;
  env.helpers = helpers;
  const Program program = decode({I(Op::Mov64Imm, 1, 0, 0, 40), I(Op::Mov64Imm, 2, 0, 0, 2),
                                  I(Op::CallHelper, 0, 0, 0, 3), I(Op::StxDW, 10, 0, -8),
                                  I(Op::LdxDW, 0, 10, -8), I(Op::Exit)});
  for (ExecMode mode : {ExecMode::kFast, ExecMode::kChecked}) {
    JitOptions options;
    options.mode = mode;
    options.direct_calls = false;
    auto jit = JitProgram::compile(program, env, options);
    ASSERT_TRUE(jit) << jit.error().to_string();
    EXPECT_EQ(jit->call_sites(), mode == ExecMode::kFast ? 1u : 2u);
    EXPECT_EQ(jit->direct_call_sites(), 0u);
    const auto begin = reinterpret_cast<uintptr_t>(jit->code().data());
    auto in_code = [&](uintptr_t target) { return target >= begin && target < begin + jit->code().size(); };
#if defined(_WIN32)
    // Found by its target (see kCallAfter): a call into the program's code.
    size_t call = jit->instruction_offsets()[2];
    while (call < jit->instruction_offsets()[3] && !in_code(call_target(jit->code(), call))) ++call;
#else
    const size_t call = jit->instruction_offsets()[2] + kCallAfter;
#endif
    EXPECT_TRUE(in_code(call_target(jit->code(), call))) << "the call goes to a veneer";
    EXPECT_EQ(outcome(jit->run(env, {})), "42");
  }
}
#endif

uint64_t failing_helper(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext& context) {
  context.fail("the helper refused its arguments");
  return 0;
}

uint64_t ending_helper(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext& context) {
  *static_cast<int*>(context.run_data()) += 1;
  context.end_program();
  return 5;
}

TEST(jit, HelpersCanFailOrEndTheProgram) {
  std::array<HelperFunction, 3> helpers = {nullptr, ending_helper, failing_helper};
  int calls = 0;
  RunSetup s;
  s.env.helpers = helpers;
  s.input.run_data = &calls;
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::CallLocal, 0, 0, 0, 2), I(Op::Mov64Imm, 0, 0, 0, 9),
                                      I(Op::Exit), I(Op::CallHelper, 0, 0, 0, 1),
                                      I(Op::Mov64Imm, 0, 0, 0, 7), I(Op::Exit)}),
                   s, "0");
  EXPECT_EQ(calls, 8);  // 2 modes x 2 blindings x 2 engines
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 0, 0, 0, 5), I(Op::CallHelper, 0, 0, 0, 2),
                                      I(Op::Mov64Imm, 0, 0, 0, 9), I(Op::Exit)}),
                   s, "insn 1: the helper refused its arguments");
}

// Callbacks: bpf_loop-like, calls r2(i, r3) for i in [0, r1) until it
// returns non-zero.
uint64_t loop_helper(uint64_t n, uint64_t fn, uint64_t ctx, uint64_t, uint64_t, RunContext& context) {
  uint64_t i = 0;
  while (i < n) {
    const uint64_t stop = context.call_function(fn, i, ctx, 0, 0, 0);
    if (context.failed()) return 0;
    ++i;
    if (stop) break;
  }
  return i;
}

const std::vector<Insn> kLoopSum = {
    I(Op::StDW, 10, 0, -8, 0),                // 0
    I(Op::Mov64Imm, 1, 0, 0, 10),             // 1
    I(Op::LddwFunction, 2, 0, 0, 8), tail(),  // 2-3 -> 11
    I(Op::Mov64Reg, 3, 10),                   // 4
    I(Op::Add64Imm, 3, 0, 0, -8),             // 5
    I(Op::CallHelper, 0, 0, 0, 1),            // 6
    I(Op::LdxDW, 1, 10, -8),                  // 7
    I(Op::Mul64Imm, 1, 0, 0, 100),            // 8
    I(Op::Add64Reg, 0, 1),                    // 9
    I(Op::Exit),                              // 10
    I(Op::LdxDW, 3, 2, 0),                    // 11: cb(i, ctx): *ctx += i; return 0
    I(Op::Add64Reg, 3, 1),                    // 12
    I(Op::StxDW, 2, 3, 0),                    // 13
    I(Op::Mov64Imm, 0, 0, 0, 0),              // 14
    I(Op::Exit),                              // 15
};

TEST(jit, HelpersCallBackIntoTheProgram) {
  std::array<HelperFunction, 2> helpers = {nullptr, loop_helper};
  RunSetup s;
  s.env.helpers = helpers;
  EXPECT_ALL_MODES(kLoopSum, s, "4510");
  // Checked mode counts the callbacks' instructions too.
  for (uint64_t limit : {20, 50, 70, 80, 90, 100}) {
    s.limits = {limit};
    const Both both = run_both(kLoopSum, ExecMode::kChecked, s);
    EXPECT_EQ(both.jit, both.interpreter) << "budget " << limit;
  }
  // An error inside a callback names the callback's instruction.
  s.limits = {};
  EXPECT_BOTH(run_both({I(Op::Mov64Imm, 1, 0, 0, 3), I(Op::LddwFunction, 2, 0, 0, 3), tail(),
                        I(Op::CallHelper, 0, 0, 0, 1), I(Op::Exit),
                        I(Op::LdxDW, 0, 1, 0),  // 5: cb reads through r1 = the index (0)
                        I(Op::Exit)},
                       ExecMode::kChecked, s),
              "insn 5: ldxdw: read of 8 bytes at r1+0 is out of bounds");
  // A value that is no function of the program; the error names the call.
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 1, 0, 0, 3), I(Op::Mov64Imm, 2, 0, 0, 5),
                                      I(Op::CallHelper, 0, 0, 0, 1), I(Op::Exit)}),
                   s, "insn 2: a helper was given 0x5, which is not a function of the program");
  // Callbacks count towards the call depth: a callback that calls the
  // helper again, forever.
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LddwFunction, 2, 0, 0, 4), tail(),
                                      I(Op::Mov64Imm, 1, 0, 0, 1), I(Op::CallHelper, 0, 0, 0, 1),
                                      I(Op::Exit),
                                      I(Op::LddwFunction, 2, 0, 0, -1), tail(),  // 5: cb
                                      I(Op::Mov64Imm, 1, 0, 0, 1), I(Op::CallHelper, 0, 0, 0, 1),
                                      I(Op::Exit)}),
                   s, "insn 8: callback: call depth exceeds the limit of 8 frames");
}

// A helper that checks it was called from the JIT's code (its return
// address lies in it) and counts its calls.
struct CallbackProbe {
  std::span<const uint8_t> code;
  int calls = 0;
  int from_jit_code = 0;
};

__attribute__((noinline)) uint64_t probe_helper(uint64_t i, uint64_t, uint64_t, uint64_t, uint64_t,
                                                RunContext& context) {
  auto* probe = static_cast<CallbackProbe*>(context.run_data());
  const auto from = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  const auto begin = reinterpret_cast<uintptr_t>(probe->code.data());
  ++probe->calls;
  if (from >= begin && from < begin + probe->code.size()) ++probe->from_jit_code;
  return i * 2;
}

TEST(jit, CallbacksRunJitCompiledCode) {
  // main: loop(5, cb, 0); cb(i): return probe(i) != 8 ? 0 : 1, so the loop
  // stops after the callback with i = 4.
  std::array<HelperFunction, 3> helpers = {nullptr, loop_helper, probe_helper};
  Environment env;
  env.helpers = helpers;
  const Program program = decode({I(Op::Mov64Imm, 1, 0, 0, 7), I(Op::LddwFunction, 2, 0, 0, 3),
                                  tail(), I(Op::CallHelper, 0, 0, 0, 1), I(Op::Exit),
                                  I(Op::CallHelper, 0, 0, 0, 2),  // 5: cb
                                  I(Op::Jeq64Imm, 0, 0, 2, 8), I(Op::Mov64Imm, 0, 0, 0, 0),
                                  I(Op::Exit), I(Op::Mov64Imm, 0, 0, 0, 1), I(Op::Exit)});
  for (ExecMode mode : {ExecMode::kFast, ExecMode::kChecked}) {
    JitOptions options;
    options.mode = mode;
    auto jit = JitProgram::compile(program, env, options);
    ASSERT_TRUE(jit);
    CallbackProbe probe{jit->code()};
    RunInput input;
    input.run_data = &probe;
    EXPECT_EQ(*jit->run(env, input), 5u);
    EXPECT_EQ(probe.calls, 5);
    EXPECT_EQ(probe.from_jit_code, 5);
  }
}

TEST(jit, LddwResolvesMapsValuesAndHostVariablesAtRunTime) {
  std::array<uint8_t, 32> value{};
  int handle_object = 0;
  uint64_t variable = 0x1122334455667788;
  std::array<MapBinding, 2> maps = {MapBinding{&handle_object, nullptr, 0, true},
                                    MapBinding{&value, value.data(), value.size(), true}};
  std::array<HostVariable, 1> vars = {HostVariable{&variable, 8, true}};
  std::array<MemoryRegion, 2> regions = {
      MemoryRegion{reinterpret_cast<uint64_t>(value.data()), value.size(), true},
      MemoryRegion{reinterpret_cast<uint64_t>(&variable), 8, true}};
  RunSetup s;
  s.env.maps = maps;
  s.env.variables = vars;
  s.input.regions = regions;
  for (Op op : {Op::LddwMap, Op::LddwMapIdx})
    EXPECT_ALL_MODES((std::vector<Insn>{I(op, 0, 0, 0, 0), tail(), I(Op::Exit)}), s,
                     std::to_string(reinterpret_cast<uint64_t>(&handle_object)));
  for (Op op : {Op::LddwMapValue, Op::LddwMapIdxValue})
    EXPECT_ALL_MODES((std::vector<Insn>{I(op, 1, 0, 0, 1), tail(8), I(Op::StDW, 1, 0, 0, 77),
                                        I(Op::LdxDW, 0, 1, 0), I(Op::Exit)}),
                     s, "77");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LddwHostVariable, 1, 0, 0, 0), tail(),
                                      I(Op::LdxDW, 0, 1, 0), I(Op::Exit)}),
                   s, std::to_string(0x1122334455667788ull));
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LddwFunction, 0, 0, 0, 2), tail(), I(Op::Exit),
                                      I(Op::Exit)}),
                   s, std::to_string(encode_function_ref(3)));
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LddwMap, 0, 0, 0, 5), tail(), I(Op::Exit)}), s,
                   "insn 0: lddw: map 5 does not exist (the program has 2 maps)");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LddwMap, 0, 0, 0, -1), tail(), I(Op::Exit)}), s,
                   "insn 0: lddw: map 4294967295 does not exist (the program has 2 maps)");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LddwMapValue, 0, 0, 0, 0), tail(), I(Op::Exit)}), s,
                   "insn 0: lddw: map 0 has no value at offset 0 for direct access");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LddwMapValue, 0, 0, 0, 1), tail(32), I(Op::Exit)}), s,
                   "insn 0: lddw: map 1 has no value at offset 32 for direct access");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LddwMapValue, 0, 0, 0, 1), tail(-1), I(Op::Exit)}), s,
                   "insn 0: lddw: map 1 has no value at offset 4294967295 for direct access");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LddwHostVariable, 0, 0, 0, 1), tail(), I(Op::Exit)}), s,
                   "insn 0: lddw: host variable 1 does not exist");
}

uint64_t value_helper(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext& context) {
  static thread_local uint64_t value = 5;
  value = 5;
  context.allow_region(&value, sizeof(value), true);
  return reinterpret_cast<uint64_t>(&value);
}

TEST(jit, RegionsHelpersReturnBecomeAccessibleInCheckedMode) {
  std::array<HelperFunction, 2> helpers = {nullptr, value_helper};
  RunSetup s;
  s.env.helpers = helpers;
  EXPECT_BOTH(run_both({I(Op::CallHelper, 0, 0, 0, 1), I(Op::LdxDW, 1, 0, 0),
                        I(Op::Add64Imm, 1, 0, 0, 1), I(Op::StxDW, 0, 1, 0), I(Op::LdxDW, 0, 0, 0),
                        I(Op::Exit)},
                       ExecMode::kChecked, s),
              "6");
  EXPECT_BOTH(run_both({I(Op::CallHelper, 0, 0, 0, 1), I(Op::LdxDW, 0, 0, 8), I(Op::Exit)},
                       ExecMode::kChecked, s),
              "insn 1: ldxdw: read of 8 bytes at r0+8 is out of bounds");
}

TEST(jit, LegacyPacketLoadsReadNetworkOrderAndEndTheProgramOutOfBounds) {
  Memory mem(16);
  for (size_t i = 0; i < 16; ++i) mem.bytes[i] = static_cast<uint8_t>(0x10 + i);
  RunSetup s;
  s.input = mem.input;
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LdAbsH, 0, 0, 0, 2), I(Op::Exit)}), s,
                   std::to_string(0x1213));
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LdAbsB, 0, 0, 0, 15), I(Op::Exit)}), s,
                   std::to_string(0x1f));
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 2, 0, 0, 4), I(Op::LdIndW, 0, 2, 0, 8),
                                      I(Op::Exit)}),
                   s, std::to_string(0x1c1d1e1f));
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::CallLocal, 0, 0, 0, 2), I(Op::Mov64Imm, 0, 0, 0, 7),
                                      I(Op::Exit), I(Op::LdAbsW, 0, 0, 0, 13), I(Op::Exit)}),
                   s, "0");
  for (int32_t off : {-8, -1, INT32_MIN, INT32_MAX, 16, 15})
    EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 0, 0, 0, 7), I(Op::LdAbsH, 0, 0, 0, off),
                                        I(Op::Exit)}),
                     s, "0");
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 2, 0, 0, -8), I(Op::LdIndB, 0, 2, 0, 4),
                                      I(Op::Mov64Imm, 0, 0, 0, 7), I(Op::Exit)}),
                   s, "0");
  // The offset wraps around in 32 bits.
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::Mov64Imm, 2, 0, 0, -4), I(Op::LdIndB, 0, 2, 0, 6),
                                      I(Op::Exit)}),
                   s, std::to_string(0x12));
  // No packet at all.
  EXPECT_ALL_MODES((std::vector<Insn>{I(Op::LdAbsB, 0, 0, 0, 0), I(Op::Exit)}), RunSetup{}, "0");
}

// Constant blinding: no immediate of the program appears in the code.
TEST(jit, BlindingKeepsTheProgramsConstantsOutOfTheCode) {
  const std::vector<Insn> slots = {
      I(Op::Mov64Imm, 0, 0, 0, 0x3c5a7e11),   I(Op::Add64Imm, 0, 0, 0, 0x4d6b8f22),
      I(Op::Lddw, 1, 0, 0, 0x5e7c9033), tail(0x6f8da144), I(Op::Xor64Reg, 0, 1),
      I(Op::StW, 10, 0, -8, 0x709eb255),       I(Op::Jeq64Imm, 0, 0, 1, 0x01afc366),
      I(Op::Exit), I(Op::Exit)};
  const Program program = decode(slots);
  auto contains = [](std::span<const uint8_t> code, uint32_t value) {
    uint8_t bytes[4];
    std::memcpy(bytes, &value, 4);
    return std::search(code.begin(), code.end(), bytes, bytes + 4) != code.end();
  };
  const uint32_t constants[] = {0x3c5a7e11, 0x4d6b8f22, 0x5e7c9033, 0x6f8da144, 0x709eb255, 0x01afc366};
  auto plain = JitProgram::compile(program, {});
#if defined(__x86_64__)  // x86 immediates are whole bytes; RISC-V splits them across fields
  for (uint32_t c : constants) EXPECT_TRUE(contains(plain->code(), c)) << std::hex << c;
#endif
  JitOptions blind;
  blind.blind_constants = true;
  auto blinded = JitProgram::compile(program, {}, blind);
  ASSERT_TRUE(blinded);
  for (uint32_t c : constants) EXPECT_FALSE(contains(blinded->code(), c)) << std::hex << c;
  EXPECT_EQ(*blinded->run({}, {}), *plain->run({}, {}));
}

// Long jumps that no longer fit in 16 bits after blinding become ja32.
TEST(jit, BlindingWidensJumpsThatNoLongerFit) {
  std::vector<Insn> slots = {I(Op::Mov64Imm, 0, 0, 0, 0), I(Op::Jeq64Imm, 0, 0, 30000, 0)};
  for (int i = 0; i < 30000; ++i) slots.push_back(I(Op::Add64Imm, 0, 0, 0, 1));
  slots.push_back(I(Op::Add64Imm, 0, 0, 0, 5));
  slots.push_back(I(Op::Jne64Imm, 0, 0, -30003, 5));  // back to insn 0 once
  slots.push_back(I(Op::Exit));
  EXPECT_ALL_MODES(slots, RunSetup{}, "5");
  RunSetup budget;
  budget.limits = {10};
  EXPECT_ALL_MODES(slots, budget, "5");
}

TEST(jit, ManyThreadsRunOneProgram) {
  const Program program = decode(sum_loop(1000));
  for (ExecMode mode : {ExecMode::kFast, ExecMode::kChecked}) {
    JitOptions options;
    options.mode = mode;
    auto jit = JitProgram::compile(program, {}, options);
    ASSERT_TRUE(jit);
    std::atomic<int> good{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 200; ++i)
          if (auto r = jit->run({}, {}, {i % 2 ? 0u : 100000u}); r && *r == 500500u) ++good;
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(good, 800);
  }
}

// Compile time of a 200-instruction program (a target, printed; the
// assertion is loose so that slow machines and sanitizers pass).
// A 200-instruction program of loads, stores, jumps and multiplications
// compiles in both modes and runs like the interpreter. (How fast it
// compiles is measured by the benchmarks, never asserted in a test.)
TEST(jit, CompilesATwoHundredInstructionProgramInBothModes) {
  std::vector<Insn> slots;
  for (int i = 0; slots.size() < 199; ++i) {
    switch (i % 5) {
      case 0: slots.push_back(I(Op::Add64Imm, static_cast<uint8_t>(i % 6), 0, 0, i)); break;
      case 1: slots.push_back(I(Op::LdxW, 2, 1, static_cast<int16_t>(4 * (i % 16)))); break;
      case 2: slots.push_back(I(Op::Jgt64Reg, 2, 3, 1)); break;
      case 3: slots.push_back(I(Op::Mul64Reg, 0, 2)); break;
      default: slots.push_back(I(Op::StxDW, 10, 0, -8)); break;
    }
  }
  slots.push_back(I(Op::Exit));
  const Program program = decode(slots);
  for (ExecMode mode : {ExecMode::kFast, ExecMode::kChecked}) {
    JitOptions options;
    options.mode = mode;
    auto jit = JitProgram::compile(program, {}, options);
    ASSERT_TRUE(jit.has_value()) << jit.error().to_string();
    EXPECT_EQ(jit->instruction_offsets().size(), program.size());
  }
}

}  // namespace
}  // namespace sandbpf
