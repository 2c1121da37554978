// The `.data` format as the suite writes it (../shared/conformance/README.md).
#include "conformance/data_file.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sandbpf::conformance {
namespace {

constexpr uint64_t kExitWord = 0x0000000000000095ull;

Insn word(uint64_t w) { return Insn::from_word(w); }

std::string error_text(const Result<DataFile>& parsed) {
  return parsed ? std::string("(parsed)") : parsed.error().to_string();
}

TEST(conformance_data_file, AsmAndHexResult) {
  const auto parsed = parse_data_file(
      "# Copyright line\n"
      "# SPDX-License-Identifier: MIT\n"
      "-- asm\n"
      "mov32 %r0, 1 # a comment the assembler handles\n"
      "exit\n"
      "-- result\n"
      "0x1\n",
      "t.data");
  ASSERT_TRUE(parsed) << error_text(parsed);
  EXPECT_EQ(parsed->path, "t.data");
  ASSERT_EQ(parsed->program.size(), 2u);
  EXPECT_EQ(parsed->program[0].opcode, 0xb4);
  EXPECT_EQ(parsed->program[0].imm, 1);
  EXPECT_EQ(parsed->program[1], word(kExitWord));
  EXPECT_EQ(parsed->result, 1u);
  EXPECT_FALSE(parsed->error);
  EXPECT_TRUE(parsed->memory.empty());
}

TEST(conformance_data_file, ResultInDecimalAndFull64Bits) {
  const auto decimal = parse_data_file("-- asm\nexit\n-- result\n18446744073709551615\n", "t");
  ASSERT_TRUE(decimal) << error_text(decimal);
  EXPECT_EQ(decimal->result, ~uint64_t{0});

  const auto negative = parse_data_file("-- asm\nexit\n-- result\n-2\n", "t");
  ASSERT_TRUE(negative) << error_text(negative);
  EXPECT_EQ(negative->result, ~uint64_t{0} - 1);

  const auto hex = parse_data_file("-- asm\nexit\n-- result\n0xFEDCBA9876543210\n", "t");
  ASSERT_TRUE(hex) << error_text(hex);
  EXPECT_EQ(hex->result, 0xfedcba9876543210ull);
}

TEST(conformance_data_file, RawOverridesAsm) {
  const auto parsed = parse_data_file(
      "-- asm\n"
      "lddw %r0, 0x1122334455667788\n"
      "exit\n"
      "-- raw\n"
      "0x5566778800000018\n"
      "0x1122334400000000   # upper half\n"
      "\n"
      "0x0000000000000095\n"
      "-- result\n"
      "0x1122334455667788\n",
      "lddw.data");
  ASSERT_TRUE(parsed) << error_text(parsed);
  ASSERT_EQ(parsed->program.size(), 3u);
  EXPECT_EQ(parsed->program[0], word(0x5566778800000018ull));
  EXPECT_EQ(parsed->program[1], word(0x1122334400000000ull));
  EXPECT_EQ(parsed->program[2], word(kExitWord));
}

TEST(conformance_data_file, RawAloneIsAProgram) {
  const auto parsed = parse_data_file("-- raw\n0x0000000000000095\n-- result\n0\n", "t");
  ASSERT_TRUE(parsed) << error_text(parsed);
  ASSERT_EQ(parsed->program.size(), 1u);
  EXPECT_EQ(parsed->result, 0u);
}

TEST(conformance_data_file, MemoryOnSeveralLines) {
  const auto parsed = parse_data_file(
      "-- asm\n"
      "mov %r0, %r2\n"
      "exit\n"
      "-- mem\n"
      "00 00 00 01\n"
      "aa\tBB  0xcc # comment\n"
      "\n"
      "f\n"
      "-- no register offset\n"
      "-- result\n"
      "0x8\n",
      "t");
  ASSERT_TRUE(parsed) << error_text(parsed);
  EXPECT_EQ(parsed->memory, (std::vector<uint8_t>{0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0x0f}));
}

TEST(conformance_data_file, ExpectedError) {
  const auto parsed = parse_data_file(
      "-- raw\n"
      "0x00000000000000b7\n"
      "0x00000000000000ff\n"
      "0x0000000000000095\n"
      "-- error\n"
      "# what the decoder says\n"
      "insn 1: unknown opcode 0xff  \n",
      "t");
  ASSERT_TRUE(parsed) << error_text(parsed);
  EXPECT_FALSE(parsed->result);
  EXPECT_EQ(parsed->error, "insn 1: unknown opcode 0xff");
}

TEST(conformance_data_file, IgnoredSectionsMayHoldAnything) {
  const auto parsed = parse_data_file(
      "# Compiled by Clang\n"
      "-- c\n"
      "#include <stdint.h>\n"
      "uint64_t entry(void *mem) { return 0; }\n"
      "-- asm\n"
      "mov %r0, 0\n"
      "exit\n"
      "-- result\n"
      "0x0\n"
      "-- no register offset\n"
      "call instruction\n",
      "t");
  ASSERT_TRUE(parsed) << error_text(parsed);
  EXPECT_EQ(parsed->program.size(), 2u);
}

TEST(conformance_data_file, WindowsLineEndings) {
  const auto parsed =
      parse_data_file("-- asm\r\nmov %r0, 3\r\nexit\r\n-- mem\r\n01 02\r\n-- result\r\n0x3\r\n", "t");
  ASSERT_TRUE(parsed) << error_text(parsed);
  EXPECT_EQ(parsed->result, 3u);
  EXPECT_EQ(parsed->memory, (std::vector<uint8_t>{1, 2}));
}

// Malformed files: the error names the file and the line.

TEST(conformance_data_file, UnknownSection) {
  const auto parsed = parse_data_file("-- asm\nexit\n-- results\n0x1\n", "bad.data");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::kLoad);
  EXPECT_EQ(parsed.error().to_string(), "bad.data:3: unknown section '-- results'");
}

TEST(conformance_data_file, TextBeforeTheFirstSection) {
  const auto parsed = parse_data_file("# fine\nmov %r0, 1\n-- asm\nexit\n-- result\n0\n", "bad.data");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(error_text(parsed).starts_with("bad.data:2: ")) << error_text(parsed);
}

TEST(conformance_data_file, BadMemoryByte) {
  const auto parsed =
      parse_data_file("-- asm\nexit\n-- mem\n00 01\n02 zz 03\n-- result\n0\n", "bad.data");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(error_text(parsed), "bad.data:5: 'zz' is not a memory byte (two hex digits)");
  const auto too_long = parse_data_file("-- asm\nexit\n-- mem\n0102\n-- result\n0\n", "bad.data");
  ASSERT_FALSE(too_long);
  EXPECT_TRUE(error_text(too_long).starts_with("bad.data:4: ")) << error_text(too_long);
}

TEST(conformance_data_file, BadResult) {
  const auto parsed = parse_data_file("-- asm\nexit\n-- result\n0xzz\n", "bad.data");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(error_text(parsed).starts_with("bad.data:4: ")) << error_text(parsed);

  const auto overflow =
      parse_data_file("-- asm\nexit\n-- result\n0x10000000000000000\n", "bad.data");
  ASSERT_FALSE(overflow);

  const auto two = parse_data_file("-- asm\nexit\n-- result\n1\n2\n", "bad.data");
  ASSERT_FALSE(two);
  EXPECT_TRUE(error_text(two).starts_with("bad.data:5: ")) << error_text(two);
}

TEST(conformance_data_file, ExpectationMissingOrDoubled) {
  EXPECT_FALSE(parse_data_file("-- asm\nexit\n", "bad.data"));
  EXPECT_FALSE(parse_data_file("-- asm\nexit\n-- result\n", "bad.data"));
  EXPECT_FALSE(parse_data_file("-- asm\nexit\n-- result\n0\n-- error\noops\n", "bad.data"));
}

TEST(conformance_data_file, ProgramMissing) {
  const auto none = parse_data_file("-- mem\n00\n-- result\n0\n", "bad.data");
  ASSERT_FALSE(none);
  EXPECT_NE(error_text(none).find("no '-- asm' or '-- raw'"), std::string::npos);
  EXPECT_FALSE(parse_data_file("-- asm\n# nothing\n-- result\n0\n", "bad.data"));
  EXPECT_FALSE(parse_data_file("-- raw\n-- result\n0\n", "bad.data"));
}

TEST(conformance_data_file, DuplicateSection) {
  const auto parsed = parse_data_file("-- asm\nexit\n-- asm\nexit\n-- result\n0\n", "bad.data");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(error_text(parsed).starts_with("bad.data:3: ")) << error_text(parsed);
}

TEST(conformance_data_file, AssemblerErrorsCarryTheFileLine) {
  const auto parsed = parse_data_file(
      "# header\n"
      "-- asm\n"
      "mov %r0, 1\n"
      "# a comment\n"
      "frobnicate %r0\n"
      "exit\n"
      "-- result\n"
      "0x1\n",
      "bad.data");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(error_text(parsed).starts_with("bad.data:5: ")) << error_text(parsed);
}

TEST(conformance_data_file, BadRawWordCarriesItsLine) {
  const auto parsed =
      parse_data_file("-- raw\n0x0000000000000095\nnot-a-word\n-- result\n0\n", "bad.data");
  ASSERT_FALSE(parsed);
  EXPECT_TRUE(error_text(parsed).starts_with("bad.data:3: ")) << error_text(parsed);
}

TEST(conformance_data_file, MissingFileIsNamed) {
  const auto parsed = read_data_file("/nonexistent/dir/missing.data");
  ASSERT_FALSE(parsed);
  EXPECT_NE(error_text(parsed).find("/nonexistent/dir/missing.data"), std::string::npos)
      << error_text(parsed);
}

}  // namespace
}  // namespace sandbpf::conformance
