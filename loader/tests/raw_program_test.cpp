// Raw programs: binary 8-byte slots and the suite's `0x...` word lines.
#include "loader/raw_program.hpp"

#include <gtest/gtest.h>

namespace sandbpf {
namespace {

TEST(RawProgram, ReadsLittleEndianSlots) {
  // lddw %r0, 0x1122334455667788 then exit, as the bytes of a file.
  const std::vector<uint8_t> bytes{0x18, 0x00, 0x00, 0x00, 0x88, 0x77, 0x66, 0x55,
                                   0x00, 0x00, 0x00, 0x00, 0x44, 0x33, 0x22, 0x11,
                                   0x95, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  auto insns = read_raw_binary(bytes);
  ASSERT_TRUE(insns.has_value());
  ASSERT_EQ(insns->size(), 3u);
  EXPECT_EQ((*insns)[0].to_word(), 0x5566778800000018u);
  EXPECT_EQ((*insns)[1].to_word(), 0x1122334400000000u);
  EXPECT_EQ((*insns)[2].to_word(), 0x95u);
  EXPECT_EQ(to_raw_binary(*insns), bytes);
}

TEST(RawProgram, SizeMustBeAMultipleOfEight) {
  const std::vector<uint8_t> bytes(13, 0);
  auto insns = read_raw_binary(bytes);
  ASSERT_FALSE(insns.has_value());
  EXPECT_EQ(insns.error().message,
            "the raw program is 13 bytes long, which is not a multiple of 8 (each instruction "
            "slot is 8 bytes)");
  EXPECT_EQ(insns.error().kind, ErrorKind::kLoad);
  auto empty = read_raw_binary({});
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
}

TEST(RawProgram, ParsesWordLinesWithCommentsAndBlankLines) {
  auto insns = parse_raw_words(
      "# lddw %r0, 0x1122334455667788\n"
      "0x5566778800000018\n"
      "\n"
      "  0x1122334400000000   # upper half\r\n"
      "0X95\n");
  ASSERT_TRUE(insns.has_value()) << insns.error().message;
  ASSERT_EQ(insns->size(), 3u);
  EXPECT_EQ((*insns)[0].to_word(), 0x5566778800000018u);
  EXPECT_EQ((*insns)[0].opcode, 0x18);
  EXPECT_EQ((*insns)[0].imm, 0x55667788);
  EXPECT_EQ((*insns)[1].imm, 0x11223344);
  EXPECT_EQ((*insns)[2].opcode, 0x95);
}

TEST(RawProgram, BadTokensNameTheLine) {
  const struct {
    std::string_view text;
    uint32_t line;
    std::string_view token;
  } cases[] = {
      {"0x95\nexit\n", 2, "exit"},
      {"0x95\n\n95\n", 3, "95"},
      {"0x\n", 1, "0x"},
      {"0x00000000000000095\n", 1, "0x00000000000000095"},  // 17 digits
      {"0x12g4\n", 1, "0x12g4"},
  };
  for (const auto& c : cases) {
    auto insns = parse_raw_words(c.text);
    ASSERT_FALSE(insns.has_value()) << c.text;
    EXPECT_EQ(insns.error().message,
              "expected a 64-bit word written 0x<1 to 16 hex digits>, got '" + std::string(c.token) +
                  "'");
    ASSERT_TRUE(insns.error().where.source.has_value());
    EXPECT_EQ(insns.error().where.source->line, c.line) << c.text;
  }
}

TEST(RawProgram, BinaryRoundTrip) {
  std::vector<Insn> insns;
  for (uint64_t i = 0; i < 64; ++i) insns.push_back(Insn::from_word(i * 0x0123456789abcdefull));
  auto back = read_raw_binary(to_raw_binary(insns));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, insns);
}

}  // namespace
}  // namespace sandbpf
