// sandbpf-plugin driven as the public bpf_conformance runner drives a
// plugin: `plugin [MEMORY] [OPTIONS...]`, the memory and the program as
// hex bytes each followed by two spaces, the program on standard input
// ending with a newline, r0 read back from standard output as hex, errors
// read from standard error when the exit code is not 0.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "conformance/tests/subprocess.hpp"
#include "vm/instruction.hpp"

namespace sandbpf {
namespace {

using testing::ProcessResult;
using testing::run_process;

// The runner's encoding: every byte as two hex digits and two spaces.
std::string runner_hex(const std::vector<uint8_t>& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
    out += "  ";
  }
  return out;
}

std::string program_input(const std::vector<Insn>& insns) {
  std::vector<uint8_t> bytes;
  for (const Insn& insn : insns) {
    const uint64_t word = insn.to_word();
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(word >> (8 * i)));
  }
  return runner_hex(bytes) + "\n";  // the runner ends its input with std::endl
}

ProcessResult plugin(const std::vector<std::string>& args, const std::vector<Insn>& program) {
  std::vector<std::string> argv{SANDBPF_PLUGIN_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, program_input(program));
}

Insn mov64_imm(uint8_t dst, int32_t imm) { return Insn{0xb7, dst, 0, 0, imm}; }
Insn mov64_reg(uint8_t dst, uint8_t src) { return Insn{0xbf, dst, src, 0, 0}; }
Insn ldxb(uint8_t dst, uint8_t src, int16_t off) { return Insn{0x71, dst, src, off, 0}; }
Insn ldxdw(uint8_t dst, uint8_t src, int16_t off) { return Insn{0x79, dst, src, off, 0}; }
Insn call_helper(int32_t id) { return Insn{0x85, 0, 0, 0, id}; }
const Insn kExit{0x95, 0, 0, 0, 0};

TEST(plugin_protocol, PrintsR0InHexWithoutPrefix) {
  const ProcessResult r = plugin({}, {mov64_imm(0, 42), kExit});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "2a\n");
  EXPECT_EQ(r.err, "");
}

TEST(plugin_protocol, PrintsAll64BitsOfR0) {
  const ProcessResult lddw = plugin(
      {}, {Insn{0x18, 0, 0, 0, 0x55667788}, Insn{0, 0, 0, 0, 0x11223344}, kExit});
  EXPECT_EQ(lddw.exit_code, 0) << lddw.err;
  EXPECT_EQ(lddw.out, "1122334455667788\n");

  const ProcessResult minus_one = plugin({}, {mov64_imm(0, -1), kExit});
  EXPECT_EQ(minus_one.exit_code, 0) << minus_one.err;
  EXPECT_EQ(minus_one.out, "ffffffffffffffff\n");
}

TEST(plugin_protocol, FirstArgumentIsTheMemory) {
  const ProcessResult r =
      plugin({runner_hex({0x01, 0x02, 0x03, 0x04})}, {ldxb(0, 1, 2), kExit});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "3\n");
}

TEST(plugin_protocol, R2HoldsTheMemoryLength) {
  const ProcessResult r = plugin({runner_hex({0, 0, 0, 1, 0, 0, 0, 2})}, {mov64_reg(0, 2), kExit});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "8\n");
}

TEST(plugin_protocol, OmittedMemoryMeansEmptyMemoryAndR1IsZero) {
  const ProcessResult length = plugin({}, {mov64_reg(0, 2), kExit});
  EXPECT_EQ(length.exit_code, 0) << length.err;
  EXPECT_EQ(length.out, "0\n");
  const ProcessResult pointer = plugin({}, {mov64_reg(0, 1), kExit});
  EXPECT_EQ(pointer.exit_code, 0) << pointer.err;
  EXPECT_EQ(pointer.out, "0\n");
}

TEST(plugin_protocol, MemoryIsWritableAndLittleEndian) {
  const ProcessResult r =
      plugin({runner_hex({0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11})},
             {Insn{0x7a, 1, 0, 0, 0x7f}, ldxdw(0, 1, 0), kExit});  // stdw [r1], 0x7f
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "7f\n");
}

TEST(plugin_protocol, OptionsFollowTheMemory) {
  for (const char* mode : {"fast", "checked"}) {
    const ProcessResult r =
        plugin({runner_hex({5, 6, 7}), "--mode", mode}, {ldxb(0, 1, 1), kExit});
    EXPECT_EQ(r.exit_code, 0) << mode << ": " << r.err;
    EXPECT_EQ(r.out, "6\n") << mode;
  }
}

TEST(plugin_protocol, OptionsWithoutMemory) {
  const ProcessResult r = plugin({"--mode", "checked", "--engine", "interpreter"},
                                 {mov64_imm(0, 7), kExit});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "7\n");
}

TEST(plugin_protocol, EmptyArgumentsFromSplitOptionsAreIgnored) {
  // The runner splits --plugin_options at every single space.
  const ProcessResult r = plugin({runner_hex({9}), "", "--mode", "", "checked"},
                                 {ldxb(0, 1, 0), kExit});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "9\n");
}

TEST(plugin_protocol, HelperFiveExists) {
  const ProcessResult r = plugin({}, {mov64_imm(1, -1), call_helper(5), mov64_imm(0, 2), kExit});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "2\n");
}

TEST(plugin_protocol, DecodeErrorGoesToStderrAloneWithNonZeroExit) {
  const ProcessResult r = plugin({}, {mov64_imm(0, 1), Insn{0xff, 0, 0, 0, 0}, kExit});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  // The runner compares this text with the test's `-- error`.
  EXPECT_EQ(r.err, "insn 1: unknown opcode 0xff\n");
}

TEST(plugin_protocol, RuntimeErrorExitsThree) {
  // Reading through r1 when there is no memory (r1 = 0).
  for (const char* mode : {"fast", "checked"}) {
    const ProcessResult r = plugin({"--mode", mode}, {ldxb(0, 1, 0), kExit});
    EXPECT_EQ(r.exit_code, 3) << mode;
    EXPECT_EQ(r.out, "") << mode;
    EXPECT_TRUE(r.err.starts_with("insn 0: ")) << mode << ": " << r.err;
  }
}

TEST(plugin_protocol, JitEngineRunsTheProgram) {
  for (const char* mode : {"fast", "checked"}) {
    const ProcessResult r = plugin({runner_hex({5, 6, 7}), "--engine", "jit", "--mode", mode},
                                   {ldxb(0, 1, 2), kExit});
    EXPECT_EQ(r.exit_code, 0) << mode << ": " << r.err;
    EXPECT_EQ(r.out, "7\n") << mode;
  }
}

TEST(plugin_protocol, JitRuntimeErrorIsTheInterpretersText) {
  for (const char* mode : {"fast", "checked"}) {
    const ProcessResult r = plugin({"--engine=jit", "--mode", mode}, {ldxb(0, 1, 0), kExit});
    EXPECT_EQ(r.exit_code, 3) << mode;
    EXPECT_EQ(r.out, "") << mode;
    EXPECT_EQ(r.err, "insn 0: ldxb: read of 1 bytes at r1+0 is out of bounds\n") << mode;
  }
}

TEST(plugin_protocol, ElfInputIsRefusedClearly) {
  const ProcessResult r = plugin({"--elf"}, {mov64_imm(0, 1), kExit});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ELF objects are not supported yet"), std::string::npos) << r.err;
}

TEST(plugin_protocol, BadUsageExitsTwo) {
  const ProcessResult unknown = plugin({"--frobnicate"}, {mov64_imm(0, 1), kExit});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown option '--frobnicate'"), std::string::npos) << unknown.err;

  const ProcessResult bad_mode = plugin({"--mode", "slow"}, {mov64_imm(0, 1), kExit});
  EXPECT_EQ(bad_mode.exit_code, 2);

  const ProcessResult bad_memory = plugin({"zz 01"}, {mov64_imm(0, 1), kExit});
  EXPECT_EQ(bad_memory.exit_code, 2);
  EXPECT_NE(bad_memory.err.find("'zz'"), std::string::npos) << bad_memory.err;
}

TEST(plugin_protocol, MalformedProgramInput) {
  const ProcessResult partial =
      run_process({SANDBPF_PLUGIN_PATH}, "b7 00 00 00 01 00 00\n");  // 7 bytes
  EXPECT_NE(partial.exit_code, 0);
  EXPECT_EQ(partial.out, "");
  EXPECT_NE(partial.err.find("8-byte"), std::string::npos) << partial.err;

  const ProcessResult not_hex = run_process({SANDBPF_PLUGIN_PATH}, "b7 00 00 00 0g 00 00 00\n");
  EXPECT_NE(not_hex.exit_code, 0);

  const ProcessResult empty = run_process({SANDBPF_PLUGIN_PATH}, "\n");
  EXPECT_NE(empty.exit_code, 0);
  EXPECT_EQ(empty.out, "");
  EXPECT_FALSE(empty.err.empty());
}

TEST(plugin_protocol, ProgramOnSeveralLinesWithSingleSpaces) {
  const ProcessResult r = run_process({SANDBPF_PLUGIN_PATH},
                                      "b7 00 00 00 2a 00 00 00\n95 00 00 00 00 00 00 00");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "2a\n");
}

}  // namespace
}  // namespace sandbpf
