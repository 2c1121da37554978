// The interpreter's modes, frames, environment references and checked-mode
// violations. Instruction semantics are covered by the conformance tests
// (conformance/tests and the public suite); these tests cover what the
// .data format cannot express.
#include "vm/interpreter.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

namespace sandbpf {
namespace {

Insn I(Op op, uint8_t dst = 0, uint8_t src = 0, int16_t off = 0, int32_t imm = 0) {
  return make_insn(op, dst, src, off, imm);
}
// The second slot of an lddw, holding the upper 32 bits.
Insn tail(int32_t imm = 0) {
  Insn slot;
  slot.imm = imm;
  return slot;
}

Interpreter prepare(const std::vector<Insn>& slots, InterpreterOptions options = {}) {
  auto program = Program::decode(slots);
  EXPECT_TRUE(program) << program.error().to_string();
  auto interpreter = Interpreter::create(*program, options);
  EXPECT_TRUE(interpreter) << interpreter.error().to_string();
  return std::move(*interpreter);
}

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

std::string run_error(const Interpreter& vm, const RunInput& input, const Environment& env = {},
                      RunLimits limits = {}) {
  auto result = vm.run(env, input, ExecMode::kChecked, limits);
  if (result) return "(no error)";
  EXPECT_EQ(result.error().kind, ErrorKind::kRuntime);
  return result.error().to_string();
}

// A loop summing 1..n: 3 instructions per iteration.
std::vector<Insn> sum_loop(int32_t n) {
  return {I(Op::Mov64Imm, 0, 0, 0, 0), I(Op::Mov64Imm, 1, 0, 0, n), I(Op::Add64Reg, 0, 1),
          I(Op::Sub64Imm, 1, 0, 0, 1),  I(Op::Jne64Imm, 1, 0, -3, 0), I(Op::Exit)};
}

TEST(Interpreter, FastAndCheckedModesAgree) {
  const Interpreter vm = prepare(sum_loop(1000));
  RunInput input;
  EXPECT_EQ(*vm.run({}, input, ExecMode::kFast), 500500u);
  EXPECT_EQ(*vm.run({}, input, ExecMode::kChecked), 500500u);
}

TEST(Interpreter, CountsExecutedInstructions) {
  const Interpreter vm = prepare(sum_loop(10));
  RunStats fast_stats, checked_stats;
  ASSERT_TRUE(vm.run({}, {}, ExecMode::kFast, {}, &fast_stats));
  ASSERT_TRUE(vm.run({}, {}, ExecMode::kChecked, {}, &checked_stats));
  // 2 setup + 10 iterations of 3 + exit
  EXPECT_EQ(fast_stats.instructions, 33u);
  EXPECT_EQ(checked_stats.instructions, 33u);
}

TEST(Interpreter, FastModeWithABudgetAndStatisticsCountsEveryInstruction) {
  const Interpreter vm = prepare(sum_loop(10));
  RunStats stats;
  ASSERT_TRUE(vm.run({}, {}, ExecMode::kFast, {1000}, &stats));
  EXPECT_EQ(stats.instructions, 33u);
  EXPECT_FALSE(vm.run({}, {}, ExecMode::kFast, {32}, &stats));
}

TEST(Interpreter, CheckedModeStopsWhenTheBudgetRunsOut) {
  const Interpreter vm = prepare({I(Op::Ja, 0, 0, -1), I(Op::Exit)});
  EXPECT_EQ(run_error(vm, {}, {}, {1000}), "insn 0: instruction budget of 1000 exhausted");
  const Interpreter exact = prepare(sum_loop(10));
  EXPECT_TRUE(exact.run({}, {}, ExecMode::kChecked, {33}));
  EXPECT_FALSE(exact.run({}, {}, ExecMode::kChecked, {32}));
}

TEST(Interpreter, FastModeWithABudgetStopsInfiniteLoops) {
  const Interpreter vm = prepare({I(Op::Mov64Imm, 0, 0, 0, 1), I(Op::Ja, 0, 0, -1), I(Op::Exit)});
  auto result = vm.run({}, {}, ExecMode::kFast, {100000});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().to_string(), "insn 1: instruction budget of 100000 exhausted");
  // A bounded loop under a sufficient budget completes.
  const Interpreter bounded = prepare(sum_loop(100));
  EXPECT_EQ(*bounded.run({}, {}, ExecMode::kFast, {1000}), 5050u);
}

TEST(Interpreter, CheckedModeRefusesOutOfBoundsAccesses) {
  Memory mem(16);
  EXPECT_EQ(run_error(prepare({I(Op::LdxW, 0, 1, 100), I(Op::Exit)}), mem.input),
            "insn 0: ldxw: read of 4 bytes at r1+100 is out of bounds");
  EXPECT_EQ(run_error(prepare({I(Op::LdxDW, 0, 1, 9), I(Op::Exit)}), mem.input),
            "insn 0: ldxdw: read of 8 bytes at r1+9 is out of bounds");
  EXPECT_EQ(run_error(prepare({I(Op::LdxDW, 0, 1, 8), I(Op::Exit)}), mem.input), "(no error)");
  EXPECT_EQ(run_error(prepare({I(Op::LdxB, 0, 1, -1), I(Op::Exit)}), mem.input),
            "insn 0: ldxb: read of 1 bytes at r1-1 is out of bounds");
  EXPECT_EQ(run_error(prepare({I(Op::StxDW, 10, 1, -520), I(Op::Exit)}), mem.input),
            "insn 0: stxdw: write of 8 bytes at r10-520 is out of bounds");
  // Only live frames are accessible: the callee's frame is gone after exit.
  EXPECT_EQ(run_error(prepare({I(Op::CallLocal, 0, 0, 0, 2), I(Op::LdxDW, 0, 0, -8), I(Op::Exit),
                               I(Op::Mov64Reg, 0, 10), I(Op::Exit)}),
                      mem.input),
            "insn 1: ldxdw: read of 8 bytes at r0-8 is out of bounds");
  EXPECT_EQ(run_error(prepare({I(Op::StW, 10, 0, 0, 7), I(Op::Exit)}), mem.input),
            "insn 0: stw: write of 4 bytes at r10+0 is out of bounds");
  // A null pointer is just an address no region holds.
  EXPECT_EQ(run_error(prepare({I(Op::Mov64Imm, 0, 0, 0, 0), I(Op::LdxDW, 0, 0, 0), I(Op::Exit)}),
                      mem.input),
            "insn 1: ldxdw: read of 8 bytes at r0+0 is out of bounds");
  // Address arithmetic that wraps around is out of bounds, not a crash.
  EXPECT_EQ(run_error(prepare({I(Op::Mov64Imm, 2, 0, 0, -1), I(Op::LdxDW, 0, 2, 4), I(Op::Exit)}),
                      mem.input),
            "insn 1: ldxdw: read of 8 bytes at r2+4 is out of bounds");
}

TEST(Interpreter, CheckedModeRefusesWritesToReadOnlyMemory) {
  Memory mem(16, /*writable=*/false);
  EXPECT_EQ(run_error(prepare({I(Op::StxW, 1, 2, 0), I(Op::Exit)}), mem.input),
            "insn 0: stxw: write of 4 bytes at r1+0 is to read-only memory");
  EXPECT_EQ(run_error(prepare({I(Op::LdxW, 0, 1, 0), I(Op::Exit)}), mem.input), "(no error)");
}

TEST(Interpreter, CheckedModeRefusesMisalignedAtomics) {
  const Interpreter vm = prepare({I(Op::Mov64Imm, 1, 0, 0, 1), I(Op::StDW, 10, 0, -8, 0),
                                  I(Op::StDW, 10, 0, -16, 0), I(Op::AtomicAdd64, 10, 1, -7),
                                  I(Op::Exit)});
  EXPECT_EQ(run_error(vm, {}), "insn 3: lock add: atomic access of 8 bytes at r10-7 is not aligned to 8 bytes");
  const Interpreter vm32 = prepare({I(Op::StDW, 10, 0, -8, 0), I(Op::AtomicFetchXor32, 10, 1, -6),
                                    I(Op::Exit)});
  EXPECT_EQ(run_error(vm32, {}),
            "insn 1: lock fetch xor32: atomic access of 4 bytes at r10-6 is not aligned to 4 bytes");
}

TEST(Interpreter, EachFrameHasItsOwnStack) {
  // main stores 1 at its [r10-8]; the callee stores 2 at its own [r10-8];
  // main's value survives.
  const Interpreter vm = prepare({I(Op::StDW, 10, 0, -8, 1), I(Op::CallLocal, 0, 0, 0, 2),
                                  I(Op::LdxDW, 0, 10, -8), I(Op::Exit), I(Op::StDW, 10, 0, -8, 2),
                                  I(Op::Mov64Imm, 0, 0, 0, 0), I(Op::Exit)});
  EXPECT_EQ(*vm.run({}, {}, ExecMode::kChecked), 1u);
  EXPECT_EQ(*vm.run({}, {}, ExecMode::kFast), 1u);
}

TEST(Interpreter, FramesAreSeparatedByTheConfiguredStackSize) {
  // f returns r10; main returns main.r10 - f.r10.
  const std::vector<Insn> program = {I(Op::CallLocal, 0, 0, 0, 4), I(Op::Mov64Reg, 1, 10),
                               I(Op::Sub64Reg, 1, 0),        I(Op::Mov64Reg, 0, 1),
                               I(Op::Exit),                  I(Op::Mov64Reg, 0, 10),
                               I(Op::Exit)};
  EXPECT_EQ(*prepare(program).run({}, {}, ExecMode::kChecked), 512u);
  InterpreterOptions big;
  big.stack_per_frame = 1024;
  EXPECT_EQ(*prepare(program, big).run({}, {}, ExecMode::kFast), 1024u);
}

TEST(Interpreter, LocalCallsPreserveR6ToR9AndR10) {
  const Interpreter vm = prepare({
      I(Op::Mov64Imm, 6, 0, 0, 6), I(Op::Mov64Imm, 7, 0, 0, 7), I(Op::Mov64Imm, 8, 0, 0, 8),
      I(Op::Mov64Imm, 9, 0, 0, 9), I(Op::Mov64Reg, 1, 10),
      I(Op::CallLocal, 0, 0, 0, 8),  // 5 -> 14
      I(Op::Sub64Reg, 1, 10),        // 6: r1 (old r10) - r10 must be 0
      I(Op::Add64Reg, 1, 6), I(Op::Add64Reg, 1, 7), I(Op::Add64Reg, 1, 8), I(Op::Add64Reg, 1, 9),
      I(Op::Add64Reg, 0, 1),  // 11: r0 = 100 + 30
      I(Op::Exit), I(Op::Exit),
      // 14: callee clobbers r6..r9 and returns 100
      I(Op::Mov64Imm, 6, 0, 0, 0), I(Op::Mov64Imm, 7, 0, 0, 0), I(Op::Mov64Imm, 8, 0, 0, 0),
      I(Op::Mov64Imm, 9, 0, 0, 0), I(Op::Mov64Imm, 0, 0, 0, 100), I(Op::Exit)});
  EXPECT_EQ(*vm.run({}, {}, ExecMode::kChecked), 130u);
  EXPECT_EQ(*vm.run({}, {}, ExecMode::kFast), 130u);
}

TEST(Interpreter, CallDepthIsLimited) {
  // f calls itself forever.
  const std::vector<Insn> recursion = {I(Op::CallLocal, 0, 0, 0, 1), I(Op::Exit),
                                       I(Op::CallLocal, 0, 0, 0, -1), I(Op::Exit)};
  EXPECT_EQ(run_error(prepare(recursion), {}),
            "insn 2: call local: call depth exceeds the limit of 8 frames");
  // Fast mode checks depth too: frames live in a fixed buffer.
  auto fast = prepare(recursion).run({}, {}, ExecMode::kFast);
  ASSERT_FALSE(fast);
  InterpreterOptions deep;
  deep.max_call_depth = 3;
  EXPECT_EQ(run_error(prepare(recursion, deep), {}),
            "insn 2: call local: call depth exceeds the limit of 3 frames");
}

TEST(Interpreter, RefusesBadOptions) {
  auto program = Program::decode(std::vector<Insn>{I(Op::Exit)});
  InterpreterOptions odd;
  odd.stack_per_frame = 12;
  EXPECT_FALSE(Interpreter::create(*program, odd));
  InterpreterOptions none;
  none.max_call_depth = 0;
  EXPECT_FALSE(Interpreter::create(*program, none));
}

uint64_t add_helper(uint64_t a, uint64_t b, uint64_t, uint64_t, uint64_t, RunContext&) {
  return a + b;
}

TEST(Interpreter, CallsHelpersByIdAndByRegister) {
  std::array<HelperFunction, 4> helpers = {nullptr, nullptr, nullptr, add_helper};
  Environment env;
  env.helpers = helpers;
  const Interpreter by_id = prepare({I(Op::Mov64Imm, 1, 0, 0, 40), I(Op::Mov64Imm, 2, 0, 0, 2),
                                     I(Op::CallHelper, 0, 0, 0, 3), I(Op::Exit)});
  EXPECT_EQ(*by_id.run(env, {}, ExecMode::kFast), 42u);
  const Interpreter by_reg = prepare({I(Op::Mov64Imm, 1, 0, 0, 40), I(Op::Mov64Imm, 2, 0, 0, 2),
                                      I(Op::Mov64Imm, 5, 0, 0, 3), I(Op::CallReg, 5), I(Op::Exit)});
  EXPECT_EQ(*by_reg.run(env, {}, ExecMode::kChecked), 42u);
}

TEST(Interpreter, UnknownHelpersStopTheRunInEveryMode) {
  std::array<HelperFunction, 1> helpers = {add_helper};
  Environment env;
  env.helpers = helpers;
  const Interpreter vm = prepare({I(Op::CallHelper, 0, 0, 0, 7), I(Op::Exit)});
  EXPECT_EQ(run_error(vm, {}, env), "insn 0: call 7: unknown helper id 7");
  EXPECT_FALSE(vm.run(env, {}, ExecMode::kFast));
  const Interpreter callx = prepare({I(Op::Mov64Imm, 2, 0, 0, 99), I(Op::CallReg, 2), I(Op::Exit)});
  EXPECT_EQ(run_error(callx, {}, env), "insn 1: call %r2: unknown helper id 99");
}

uint64_t failing_helper(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext& context) {
  context.fail("the helper refused its arguments");
  return 0;
}

uint64_t ending_helper(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext& context) {
  *static_cast<int*>(context.run_data()) += 1;
  context.end_program();
  return 5;
}

TEST(Interpreter, HelpersCanEndTheProgramAndSeeTheRunData) {
  std::array<HelperFunction, 2> helpers = {nullptr, ending_helper};
  Environment env;
  env.helpers = helpers;
  // main calls f, which calls the helper: the whole program ends, r0 = 0.
  const Interpreter vm = prepare({I(Op::CallLocal, 0, 0, 0, 2), I(Op::Mov64Imm, 0, 0, 0, 9),
                                  I(Op::Exit), I(Op::CallHelper, 0, 0, 0, 1),
                                  I(Op::Mov64Imm, 0, 0, 0, 7), I(Op::Exit)});
  int calls = 0;
  RunInput input;
  input.run_data = &calls;
  EXPECT_EQ(*vm.run(env, input, ExecMode::kFast), 0u);
  EXPECT_EQ(*vm.run(env, input, ExecMode::kChecked), 0u);
  EXPECT_EQ(calls, 2);
}

TEST(Interpreter, HelperFailuresStopTheRunAtTheCall) {
  std::array<HelperFunction, 2> helpers = {nullptr, failing_helper};
  Environment env;
  env.helpers = helpers;
  const Interpreter vm = prepare({I(Op::Mov64Imm, 0, 0, 0, 5), I(Op::CallHelper, 0, 0, 0, 1),
                                  I(Op::Mov64Imm, 0, 0, 0, 9), I(Op::Exit)});
  EXPECT_EQ(run_error(vm, {}, env), "insn 1: the helper refused its arguments");
}

// bpf_loop-like: calls r2(i, r3) for i in [0, r1) until it returns non-zero.
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

TEST(Interpreter, HelpersCallBackIntoTheProgram) {
  std::array<HelperFunction, 2> helpers = {nullptr, loop_helper};
  Environment env;
  env.helpers = helpers;
  // main: r6 = 0; [r10-8] = 0; loop(10, cb, r10-8); return [r10-8] * 100 + r0
  // cb(i, ctx): *ctx += i; return 0 (sum 0..9 = 45)
  const Interpreter vm = prepare({
      I(Op::StDW, 10, 0, -8, 0),          // 0
      I(Op::Mov64Imm, 1, 0, 0, 10),       // 1
      I(Op::LddwFunction, 2, 0, 0, 8), tail(),  // 2-3 -> 11
      I(Op::Mov64Reg, 3, 10),             // 4
      I(Op::Add64Imm, 3, 0, 0, -8),       // 5
      I(Op::CallHelper, 0, 0, 0, 1),      // 6
      I(Op::LdxDW, 1, 10, -8),            // 7
      I(Op::Mul64Imm, 1, 0, 0, 100),      // 8
      I(Op::Add64Reg, 0, 1),              // 9
      I(Op::Exit),                        // 10
      I(Op::LdxDW, 3, 2, 0),              // 11: cb
      I(Op::Add64Reg, 3, 1),              // 12
      I(Op::StxDW, 2, 3, 0),              // 13
      I(Op::Mov64Imm, 0, 0, 0, 0),        // 14
      I(Op::Exit),                        // 15
  });
  EXPECT_EQ(*vm.run(env, {}, ExecMode::kFast), 4510u);
  EXPECT_EQ(*vm.run(env, {}, ExecMode::kChecked), 4510u);
}

TEST(Interpreter, ErrorsInsideCallbacksNameTheCallbackInstruction) {
  std::array<HelperFunction, 2> helpers = {nullptr, loop_helper};
  Environment env;
  env.helpers = helpers;
  const Interpreter vm = prepare({
      I(Op::Mov64Imm, 1, 0, 0, 3), I(Op::LddwFunction, 2, 0, 0, 3), tail(),
      I(Op::CallHelper, 0, 0, 0, 1), I(Op::Exit),
      I(Op::LdxDW, 0, 1, 0),  // 5: cb reads through r1 = the index (0): null
      I(Op::Exit)});
  EXPECT_EQ(run_error(vm, {}, env), "insn 5: ldxdw: read of 8 bytes at r1+0 is out of bounds");
}

TEST(Interpreter, LddwResolvesMapsValuesAndHostVariables) {
  std::array<uint8_t, 32> value{};
  int handle_object = 0;
  uint64_t variable = 0x1122334455667788;
  std::array<MapBinding, 2> maps = {MapBinding{&handle_object, nullptr, 0, true},
                                    MapBinding{&value, value.data(), value.size(), true}};
  std::array<HostVariable, 1> vars = {HostVariable{&variable, 8, true}};
  Environment env;
  env.maps = maps;
  env.variables = vars;
  std::array<MemoryRegion, 2> regions = {
      MemoryRegion{reinterpret_cast<uint64_t>(value.data()), value.size(), true},
      MemoryRegion{reinterpret_cast<uint64_t>(&variable), 8, true}};
  RunInput input;
  input.regions = regions;

  // src 1 and 5 load the handle.
  for (Op op : {Op::LddwMap, Op::LddwMapIdx}) {
    const Interpreter vm = prepare({I(op, 0, 0, 0, 0), tail(), I(Op::Exit)});
    EXPECT_EQ(*vm.run(env, input, ExecMode::kChecked), reinterpret_cast<uint64_t>(&handle_object));
  }
  // src 2 and 6 load the value's address plus next_imm; stores land there.
  for (Op op : {Op::LddwMapValue, Op::LddwMapIdxValue}) {
    value.fill(0);
    const Interpreter vm = prepare({I(op, 1, 0, 0, 1), tail(8), I(Op::StDW, 1, 0, 0, 77),
                                    I(Op::Mov64Reg, 0, 1), I(Op::Exit)});
    EXPECT_EQ(*vm.run(env, input, ExecMode::kChecked), reinterpret_cast<uint64_t>(value.data()) + 8);
    uint64_t stored;
    std::memcpy(&stored, value.data() + 8, 8);
    EXPECT_EQ(stored, 77u);
  }
  // src 3 loads a host variable's address.
  const Interpreter var = prepare({I(Op::LddwHostVariable, 1, 0, 0, 0), tail(),
                                   I(Op::LdxDW, 0, 1, 0), I(Op::Exit)});
  EXPECT_EQ(*var.run(env, input, ExecMode::kChecked), 0x1122334455667788u);
  // src 4 loads a reference to a function, which is no readable address.
  // The target is relative to the slot after the lddw's first one.
  const Interpreter fn = prepare({I(Op::LddwFunction, 0, 0, 0, 2), tail(), I(Op::Exit),
                                  I(Op::Exit)});
  EXPECT_EQ(*fn.run(env, input, ExecMode::kChecked), encode_function_ref(3));
  // References to things the environment lacks stop the run.
  const Interpreter missing = prepare({I(Op::LddwMap, 0, 0, 0, 5), tail(), I(Op::Exit)});
  EXPECT_EQ(run_error(missing, input, env), "insn 0: lddw: map 5 does not exist (the program has 2 maps)");
  const Interpreter no_direct = prepare({I(Op::LddwMapValue, 0, 0, 0, 0), tail(), I(Op::Exit)});
  EXPECT_EQ(run_error(no_direct, input, env),
            "insn 0: lddw: map 0 has no value at offset 0 for direct access");
  const Interpreter past_end = prepare({I(Op::LddwMapValue, 0, 0, 0, 1), tail(32), I(Op::Exit)});
  EXPECT_EQ(run_error(past_end, input, env),
            "insn 0: lddw: map 1 has no value at offset 32 for direct access");
  const Interpreter no_var = prepare({I(Op::LddwHostVariable, 0, 0, 0, 1), tail(), I(Op::Exit)});
  EXPECT_EQ(run_error(no_var, input, env), "insn 0: lddw: host variable 1 does not exist");
}

uint64_t value_helper(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext& context) {
  static thread_local uint64_t value = 5;
  context.allow_region(&value, sizeof(value), true);
  return reinterpret_cast<uint64_t>(&value);
}

TEST(Interpreter, RegionsHelpersReturnBecomeAccessibleInCheckedMode) {
  std::array<HelperFunction, 2> helpers = {nullptr, value_helper};
  Environment env;
  env.helpers = helpers;
  const Interpreter vm = prepare({I(Op::CallHelper, 0, 0, 0, 1), I(Op::LdxDW, 1, 0, 0),
                                  I(Op::Add64Imm, 1, 0, 0, 1), I(Op::StxDW, 0, 1, 0),
                                  I(Op::LdxDW, 0, 0, 0), I(Op::Exit)});
  EXPECT_EQ(*vm.run(env, {}, ExecMode::kChecked), 6u);
  // One past the value is still out of bounds.
  const Interpreter past = prepare({I(Op::CallHelper, 0, 0, 0, 1), I(Op::LdxDW, 0, 0, 8), I(Op::Exit)});
  EXPECT_EQ(run_error(past, {}, env), "insn 1: ldxdw: read of 8 bytes at r0+8 is out of bounds");
}

TEST(Interpreter, LegacyPacketLoadsReadNetworkOrderAndEndTheProgramOutOfBounds) {
  Memory mem(16);
  for (size_t i = 0; i < 16; ++i) mem.bytes[i] = static_cast<uint8_t>(0x10 + i);
  const Interpreter abs = prepare({I(Op::Mov64Reg, 6, 1), I(Op::LdAbsH, 0, 0, 0, 2), I(Op::Exit)});
  EXPECT_EQ(*abs.run({}, mem.input, ExecMode::kChecked), 0x1213u);
  const Interpreter ind = prepare({I(Op::Mov64Reg, 6, 1), I(Op::Mov64Imm, 2, 0, 0, 4),
                                   I(Op::LdIndW, 0, 2, 0, 8), I(Op::Exit)});
  EXPECT_EQ(*ind.run({}, mem.input, ExecMode::kFast), 0x1c1d1e1fu);
  // Out of bounds, even inside a called function: the whole program ends, r0 = 0.
  const Interpreter oob = prepare({I(Op::Mov64Reg, 6, 1), I(Op::CallLocal, 0, 0, 0, 2),
                                   I(Op::Mov64Imm, 0, 0, 0, 7), I(Op::Exit),
                                   I(Op::LdAbsW, 0, 0, 0, 13), I(Op::Exit)});
  EXPECT_EQ(*oob.run({}, mem.input, ExecMode::kChecked), 0u);
  EXPECT_EQ(*oob.run({}, mem.input, ExecMode::kFast), 0u);
  // A negative offset (the kernel's ancillary areas) is out of bounds here.
  const Interpreter negative = prepare({I(Op::Mov64Imm, 2, 0, 0, -8), I(Op::LdIndB, 0, 2, 0, 4),
                                        I(Op::Mov64Imm, 0, 0, 0, 7), I(Op::Exit)});
  EXPECT_EQ(*negative.run({}, mem.input, ExecMode::kChecked), 0u);
}

TEST(Interpreter, OneInterpreterRunsOnManyThreadsAtOnce) {
  const Interpreter vm = prepare({I(Op::LdxDW, 0, 1, 0), I(Op::Mul64Imm, 0, 0, 0, 3),
                                  I(Op::StDW, 10, 0, -8, 0), I(Op::StxDW, 10, 0, -8),
                                  I(Op::LdxDW, 0, 10, -8), I(Op::Exit)});
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint64_t i = 0; i < 2000; ++i) {
        Memory mem(8);
        const uint64_t x = i * 7 + static_cast<uint64_t>(t);
        std::memcpy(mem.bytes.data(), &x, 8);
        const ExecMode mode = i % 2 ? ExecMode::kFast : ExecMode::kChecked;
        auto r = vm.run({}, mem.input, mode);
        if (!r || *r != x * 3) ++mismatches;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace sandbpf
