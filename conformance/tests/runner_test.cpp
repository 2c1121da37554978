// The conformance runner: how a test's program runs (memory, map value,
// host variable, helpers, packet), how outcomes are compared, and the
// fast-mode rule (checked first; a checked error is the outcome).
#include "conformance/runner.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sandbpf::conformance {
namespace {

// Instruction builders (encodings from RFC 9669).
Insn mov_imm(uint8_t dst, int32_t imm) { return Insn{0xb7, dst, 0, 0, imm}; }
Insn mov_reg(uint8_t dst, uint8_t src) { return Insn{0xbf, dst, src, 0, 0}; }
Insn add_imm(uint8_t dst, int32_t imm) { return Insn{0x07, dst, 0, 0, imm}; }
Insn add_reg(uint8_t dst, uint8_t src) { return Insn{0x0f, dst, src, 0, 0}; }
Insn mul_imm(uint8_t dst, int32_t imm) { return Insn{0x27, dst, 0, 0, imm}; }
Insn ldxb(uint8_t dst, uint8_t src, int16_t off) { return Insn{0x71, dst, src, off, 0}; }
Insn stxb(uint8_t dst, uint8_t src, int16_t off) { return Insn{0x73, dst, src, off, 0}; }
Insn ldxdw(uint8_t dst, uint8_t src, int16_t off) { return Insn{0x79, dst, src, off, 0}; }
Insn stxdw(uint8_t dst, uint8_t src, int16_t off) { return Insn{0x7b, dst, src, off, 0}; }
Insn jne_imm(uint8_t dst, int32_t imm, int16_t off) { return Insn{0x55, dst, 0, off, imm}; }
Insn ja(int16_t off) { return Insn{0x05, 0, 0, off, 0}; }
Insn call(int32_t helper) { return Insn{0x85, 0, 0, 0, helper}; }
Insn callx(uint8_t reg) { return Insn{0x8d, reg, 0, 0, 0}; }
Insn ldabsh(int32_t imm) { return Insn{0x28, 0, 0, 0, imm}; }
const Insn kExit{0x95, 0, 0, 0, 0};

// lddw with a src_reg meaning (vm/instruction.hpp): two slots.
std::vector<Insn> lddw(uint8_t dst, uint8_t src, int32_t imm, int32_t next_imm = 0) {
  return {Insn{0x18, dst, src, 0, imm}, Insn{0, 0, 0, 0, next_imm}};
}

std::vector<Insn> program(std::initializer_list<std::vector<Insn>> parts) {
  std::vector<Insn> out;
  for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

RunnerOptions fast() { return RunnerOptions{ExecMode::kFast}; }
RunnerOptions checked() { return RunnerOptions{ExecMode::kChecked}; }

DataFile expecting_result(std::vector<Insn> insns, uint64_t result,
                          std::vector<uint8_t> memory = {}) {
  DataFile file;
  file.path = "inline.data";
  file.program = std::move(insns);
  file.memory = std::move(memory);
  file.result = result;
  return file;
}

DataFile expecting_error(std::vector<Insn> insns, std::string error) {
  DataFile file;
  file.path = "inline.data";
  file.program = std::move(insns);
  file.error = std::move(error);
  return file;
}

class conformance_runner : public ::testing::TestWithParam<ExecMode> {
 protected:
  RunnerOptions options() const { return RunnerOptions{GetParam()}; }
};

std::string mode_name(const ::testing::TestParamInfo<ExecMode>& param) {
  return param.param == ExecMode::kFast ? "fast" : "checked";
}

INSTANTIATE_TEST_SUITE_P(Modes, conformance_runner,
                         ::testing::Values(ExecMode::kFast, ExecMode::kChecked), mode_name);

TEST_P(conformance_runner, ExpectedResultPasses) {
  const TestResult result = run_test(expecting_result({mov_imm(0, 2), kExit}, 2), options());
  EXPECT_TRUE(result.passed) << result.reason;
  EXPECT_TRUE(result.loaded);
  EXPECT_EQ(result.path, "inline.data");
  EXPECT_EQ(result.reason, "");
}

TEST_P(conformance_runner, WrongResultSaysExpectedAndGot) {
  const TestResult result = run_test(expecting_result({mov_imm(0, 2), kExit}, 3), options());
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.reason, "expected 0x3, got 0x2");
}

TEST_P(conformance_runner, DecodeErrorIsComparedAsText) {
  const std::vector<Insn> bad{mov_imm(0, 1), Insn{0xff, 0, 0, 0, 0}, kExit};
  const TestResult pass = run_test(expecting_error(bad, "insn 1: unknown opcode 0xff"), options());
  EXPECT_TRUE(pass.passed) << pass.reason;

  const TestResult wrong_text = run_test(expecting_error(bad, "insn 1: something else"), options());
  EXPECT_FALSE(wrong_text.passed);
  EXPECT_EQ(wrong_text.reason,
            "expected error \"insn 1: something else\", got error \"insn 1: unknown opcode 0xff\"");

  const TestResult wanted_value = run_test(expecting_result(bad, 1), options());
  EXPECT_FALSE(wanted_value.passed);
  EXPECT_EQ(wanted_value.reason, "expected 0x1, got error \"insn 1: unknown opcode 0xff\"");
}

TEST_P(conformance_runner, ExpectedErrorButAValue) {
  const TestResult result = run_test(expecting_error({mov_imm(0, 7), kExit}, "insn 0: x"), options());
  EXPECT_FALSE(result.passed);
  EXPECT_EQ(result.reason, "expected error \"insn 0: x\", got 0x7");
}

TEST_P(conformance_runner, RuntimeErrorIsTheOutcomeInBothModes) {
  // A read through r1 when there is no memory (r1 = 0).
  const std::vector<Insn> faulting{ldxb(0, 1, 0), kExit};
  const auto in_checked_mode = run_program(faulting, {}, checked());
  ASSERT_FALSE(in_checked_mode);
  EXPECT_EQ(in_checked_mode.error().kind, ErrorKind::kRuntime);
  const std::string text = in_checked_mode.error().to_string();
  EXPECT_TRUE(text.starts_with("insn 0: ")) << text;

  // Fast mode does not run it unchecked: the checked error is the outcome.
  const TestResult result = run_test(expecting_error(faulting, text), options());
  EXPECT_TRUE(result.passed) << result.reason;
}

TEST_P(conformance_runner, InfiniteLoopStopsOnTheBudget) {
  RunnerOptions small = options();
  small.checked_budget = 1000;
  const auto outcome = run_program(std::vector<Insn>{ja(-1), kExit}, {}, small);
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().kind, ErrorKind::kRuntime);
}

TEST_P(conformance_runner, MemoryIsAFreshWritableCopyPerRun) {
  // mem[0] += 1; return mem[0]. In fast mode the checked run comes first:
  // the fast run must not see its write.
  const std::vector<Insn> increment{ldxb(0, 1, 0), add_imm(0, 1), stxb(1, 0, 0), ldxb(0, 1, 0),
                                    kExit};
  const std::vector<uint8_t> memory{5};
  EXPECT_EQ(run_program(increment, memory, options()), 6u);
  EXPECT_EQ(memory[0], 5);  // the test's own bytes are never written
}

TEST_P(conformance_runner, R2HoldsTheMemoryLength) {
  const TestResult result =
      run_test(expecting_result({mov_reg(0, 2), kExit}, 5, {1, 2, 3, 4, 5}), options());
  EXPECT_TRUE(result.passed) << result.reason;
  EXPECT_EQ(run_program(std::vector<Insn>{mov_reg(0, 1), kExit}, {}, options()), 0u)
      << "r1 is 0 without memory";
}

TEST_P(conformance_runner, MapValueIsReachableWritableAndFreshPerRun) {
  // r1 = &map 0's value + 8; *r1 += 1; return *r1.
  const auto insns = program({lddw(1, 2, 0, 8),
                              {ldxdw(0, 1, 0), add_imm(0, 1), stxdw(1, 0, 0), ldxdw(0, 1, 0), kExit}});
  EXPECT_EQ(run_program(insns, {}, options()), 1u);
}

TEST_P(conformance_runner, MapHandleIsNotNull) {
  const auto insns = program({lddw(0, 1, 0), {kExit}});
  const auto outcome = run_program(insns, {}, options());
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_NE(*outcome, 0u);
}

TEST_P(conformance_runner, HostVariableHoldsItsInitialValueAndIsWritable) {
  const auto read = program({lddw(1, 3, 0), {ldxdw(0, 1, 0), kExit}});
  EXPECT_EQ(run_program(read, {}, options()), 0x1122334455667788u);

  const auto write = program({lddw(1, 3, 0), {mov_imm(2, 9), stxdw(1, 2, 0), ldxdw(0, 1, 0), kExit}});
  EXPECT_EQ(run_program(write, {}, options()), 9u);
}

TEST_P(conformance_runner, HelperFiveByCallAndByCallx) {
  EXPECT_EQ(run_program(std::vector<Insn>{mov_imm(1, -1), call(5), add_imm(0, 2), kExit}, {},
                        options()),
            2u);
  EXPECT_EQ(run_program(std::vector<Insn>{mov_imm(2, 5), callx(2), add_imm(0, 3), kExit}, {},
                        options()),
            3u);
}

TEST_P(conformance_runner, BpfLoopRunsTheCallback) {
  // counter (on the stack) = 0; r0 = bpf_loop(10, callback, &counter, 0);
  // return r0 * 100 + counter. The callback adds its index to the counter
  // and stops at index 4: 5 iterations, counter 0+1+2+3+4.
  const std::vector<Insn> insns = program({
      {mov_imm(6, 0), stxdw(10, 6, -8), mov_imm(1, 10)},
      lddw(2, 4, 9),  // at pc 3; the callback is at pc 3 + 1 + 9 = 13
      {mov_reg(3, 10), add_imm(3, -8), mov_imm(4, 0), call(181), ldxdw(1, 10, -8),
       mul_imm(0, 100), add_reg(0, 1), kExit},
      // callback(index r1, ctx r2), pc 13
      {ldxdw(3, 2, 0), add_reg(3, 1), stxdw(2, 3, 0), mov_imm(0, 0), jne_imm(1, 4, 1),
       mov_imm(0, 1), kExit},
  });
  ASSERT_EQ(insns[13].opcode, 0x79);
  const auto outcome = run_program(insns, {}, options());
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_EQ(*outcome, 510u);
}

TEST_P(conformance_runner, PacketIsTheMemory) {
  const auto outcome =
      run_program(std::vector<Insn>{ldabsh(2), kExit}, std::vector<uint8_t>{0, 0, 0x12, 0x34}, options());
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_EQ(*outcome, 0x1234u);
}

TEST(conformance_runner_file, UnloadableFileIsAFailureOfTheFile) {
  const TestResult result = run_test_file("/nonexistent/missing.data", fast());
  EXPECT_FALSE(result.passed);
  EXPECT_FALSE(result.loaded);
  EXPECT_NE(result.reason.find("/nonexistent/missing.data"), std::string::npos) << result.reason;
}

}  // namespace
}  // namespace sandbpf::conformance
