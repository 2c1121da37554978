// The assembler, specified by examples: encodings derived by hand from
// RFC 9669, the syntax the bpf_conformance suite uses (every file of it),
// labels, immediates' ranges, and one test per kind of error.
#include "loader/assembler.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include "loader/disassembler.hpp"
#include "loader/raw_program.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

std::vector<uint64_t> words_of(const std::vector<Insn>& insns) {
  std::vector<uint64_t> words;
  for (const Insn& insn : insns) words.push_back(insn.to_word());
  return words;
}

// The 64-bit words of an assembled text; an error fails the test.
std::vector<uint64_t> asm_words(std::string_view text) {
  auto result = assemble(text);
  EXPECT_TRUE(result.has_value()) << text << "\n-> " << result.error().message;
  return result ? words_of(*result) : std::vector<uint64_t>{};
}

// Assembling `text` fails with exactly `message`, reported on `line`.
::testing::AssertionResult FailsWith(std::string_view text, uint32_t line,
                                     std::string_view message) {
  auto result = assemble(text);
  if (result) return ::testing::AssertionFailure() << "'" << text << "' assembled";
  const Error& error = result.error();
  if (error.message != message)
    return ::testing::AssertionFailure() << "message is \"" << error.message << "\"";
  if (!error.where.source) return ::testing::AssertionFailure() << "no line in the error";
  if (error.where.source->line != line)
    return ::testing::AssertionFailure() << "line is " << error.where.source->line;
  if (error.kind != ErrorKind::kLoad) return ::testing::AssertionFailure() << "not a load error";
  return ::testing::AssertionSuccess();
}

using Words = std::vector<uint64_t>;

// ------------------------------------------------------------ encodings

// Each word is written from RFC 9669's layout (opcode in the low byte,
// dst in bits 8-11, src in 12-15, offset in 16-31, imm in 32-63).
TEST(Assembler, EncodesAluAsTheRfcSays) {
  EXPECT_EQ(asm_words("mov32 %r0, 1"), Words{0x00000001000000b4});  // ALU|K|MOV
  EXPECT_EQ(asm_words("mov %r0, 1"), Words{0x00000001000000b7});    // ALU64|K|MOV
  EXPECT_EQ(asm_words("add32 %r1, %r2"), Words{0x000000000000210c});
  EXPECT_EQ(asm_words("neg32 %r3"), Words{0x0000000000000384});
  // sdiv / smod: the offset field is 1 (RFC 9669 section 4.1).
  EXPECT_EQ(asm_words("sdiv %r0, %r1"), Words{0x000000000001103f});
  EXPECT_EQ(asm_words("sdiv %r0, 3"), Words{0x0000000300010037});
  EXPECT_EQ(asm_words("smod32 %r0, 3"), Words{0x0000000300010094});
  EXPECT_EQ(asm_words("div %r0, 3"), Words{0x0000000300000037});
  // movsx: the offset is the source width in bits.
  EXPECT_EQ(asm_words("movsx832 %r0, %r1"), Words{0x00000000000810bc});
  EXPECT_EQ(asm_words("movsx1664 %r0, %r1"), Words{0x00000000001010bf});
  EXPECT_EQ(asm_words("movsx3264 %r0, %r1"), Words{0x00000000002010bf});
}

TEST(Assembler, EncodesByteSwapsWithTheWidthInImm) {
  EXPECT_EQ(asm_words("le16 %r0"), Words{0x00000010000000d4});
  EXPECT_EQ(asm_words("be64 %r0"), Words{0x00000040000000dc});
  EXPECT_EQ(asm_words("bswap32 %r0"), Words{0x00000020000000d7});
}

TEST(Assembler, EncodesMemoryAccesses) {
  EXPECT_EQ(asm_words("ldxh %r0, [%r1+2]"), Words{0x0000000000021069});
  EXPECT_EQ(asm_words("ldxsw %r0, [%r1]"), Words{0x0000000000001081});
  EXPECT_EQ(asm_words("stxdw [%r10-8], %r1"), Words{0x00000000fff81a7b});
  EXPECT_EQ(asm_words("stw [%r1+4], -1"), Words{0xffffffff00040162});
  EXPECT_EQ(asm_words("stb [%r1+0x2], 0x11"), Words{0x0000001100020172});
}

TEST(Assembler, EncodesAtomicsWithTheOperationInImm) {
  EXPECT_EQ(asm_words("lock add [%r10-8], %r1"), Words{0x00000000fff81adb});
  EXPECT_EQ(asm_words("lock fetch add32 [%r10-8], %r1"), Words{0x00000001fff81ac3});
  EXPECT_EQ(asm_words("lock xchg32 [%r1], %r2"), Words{0x000000e1000021c3});
  EXPECT_EQ(asm_words("lock cmpxchg [%r1+8], %r2"), Words{0x000000f1000821db});
  EXPECT_EQ(asm_words("lock fetch xor [%r1], %r2"), Words{0x000000a1000021db});
}

TEST(Assembler, EncodesLddwInTwoSlots) {
  EXPECT_EQ(asm_words("lddw %r0, 0x1122334455667788"),
            (Words{0x5566778800000018, 0x1122334400000000}));
  // The pseudo forms put their kind in src_reg.
  EXPECT_EQ(asm_words("lddw %r1, map 3"), (Words{0x0000000300001118, 0}));
  EXPECT_EQ(asm_words("lddw %r1, map_value 3+16"),
            (Words{0x0000000300002118, 0x0000001000000000}));
  EXPECT_EQ(asm_words("lddw %r1, var 7"), (Words{0x0000000700003118, 0}));
  EXPECT_EQ(asm_words("lddw %r1, func +2"), (Words{0x0000000200004118, 0}));
  EXPECT_EQ(asm_words("lddw %r1, map_idx 3"), (Words{0x0000000300005118, 0}));
  EXPECT_EQ(asm_words("lddw %r1, map_idx_value 3+16"),
            (Words{0x0000000300006118, 0x0000001000000000}));
}

TEST(Assembler, EncodesLegacyPacketLoads) {
  EXPECT_EQ(asm_words("ldabsh 12"), Words{0x0000000c00000028});
  EXPECT_EQ(asm_words("ldindb %r2, 4"), Words{0x0000000400002050});
}

TEST(Assembler, EncodesJumpsAndCalls) {
  EXPECT_EQ(asm_words("ja +1"), Words{0x0000000000010005});
  EXPECT_EQ(asm_words("ja32 +1"), Words{0x0000000100000006});  // gotol: offset in imm
  EXPECT_EQ(asm_words("jeq %r1, 3, +2"), Words{0x0000000300020115});
  EXPECT_EQ(asm_words("jne32 %r1, %r2, -1"), Words{0x00000000ffff215e});
  EXPECT_EQ(asm_words("call 5"), Words{0x0000000500000085});
  EXPECT_EQ(asm_words("call local +3"), Words{0x0000000300001085});
  EXPECT_EQ(asm_words("call %r2"), Words{0x000000000000028d});  // callx: register in dst
  EXPECT_EQ(asm_words("exit"), Words{0x0000000000000095});
}

// ------------------------------------------------------------ syntax

TEST(Assembler, IgnoresCommentsBlankLinesAndSpacing) {
  EXPECT_EQ(asm_words("# a program\n\n  mov32 %r0, 1   # r0 = 1\n\texit\n"),
            (Words{0x00000001000000b4, 0x95}));
  EXPECT_EQ(asm_words("mov32\t%r0 ,1\r\nexit\r\n"), (Words{0x00000001000000b4, 0x95}));
  EXPECT_EQ(asm_words("ldxb %r0, [ %r1 + 2 ]"), asm_words("ldxb %r0, [%r1+2]"));
  EXPECT_EQ(asm_words(""), Words{});
}

TEST(Assembler, AcceptsAliases) {
  EXPECT_EQ(asm_words("add64 %r1, 2"), asm_words("add %r1, 2"));
  EXPECT_EQ(asm_words("mov64 %r1, %r2"), asm_words("mov %r1, %r2"));
  EXPECT_EQ(asm_words("neg64 %r1"), asm_words("neg %r1"));
  EXPECT_EQ(asm_words("gotol +4"), asm_words("ja32 +4"));
  EXPECT_EQ(asm_words("swap16 %r1"), asm_words("bswap16 %r1"));
  EXPECT_EQ(asm_words("swap64 %r1"), asm_words("bswap64 %r1"));
}

TEST(Assembler, MemoryOffsetsMayBeOmittedOrHex) {
  EXPECT_EQ(asm_words("ldxw %r0, [%r1]"), asm_words("ldxw %r0, [%r1+0]"));
  EXPECT_EQ(asm_words("ldxw %r0, [%r1+0x10]"), asm_words("ldxw %r0, [%r1+16]"));
  EXPECT_EQ(asm_words("stdw [%r10-0x8], 1"), asm_words("stdw [%r10-8], 1"));
  EXPECT_EQ(asm_words("ldxw %r0, [%r1-32768]"), Words{0x0000000080001061});
  EXPECT_EQ(asm_words("ldxw %r0, [%r1+32767]"), Words{0x000000007fff1061});
}

TEST(Assembler, ThirtyTwoBitImmediatesAcceptSignedAndUnsignedValues) {
  // -2^31 .. 2^32-1; the field keeps the low 32 bits.
  EXPECT_EQ(asm_words("mov %r0, 0x80000000"), Words{0x80000000000000b7});
  EXPECT_EQ(asm_words("mov %r0, -2147483648"), Words{0x80000000000000b7});
  EXPECT_EQ(asm_words("mov %r0, 4294967295"), Words{0xffffffff000000b7});
  EXPECT_EQ(asm_words("mov %r0, -1"), Words{0xffffffff000000b7});
  EXPECT_EQ(asm_words("mov %r0, 0XFF"), Words{0x000000ff000000b7});
  EXPECT_EQ(asm_words("mov %r0, -0x10"), Words{0xfffffff0000000b7});
}

TEST(Assembler, LddwAcceptsAnySixtyFourBitValue) {
  EXPECT_EQ(asm_words("lddw %r0, -1"), (Words{0xffffffff00000018, 0xffffffff00000000}));
  EXPECT_EQ(asm_words("lddw %r0, 0xFFFFFFFFFFFFFFFF"), asm_words("lddw %r0, -1"));
  EXPECT_EQ(asm_words("lddw %r0, 18446744073709551615"), asm_words("lddw %r0, -1"));
  EXPECT_EQ(asm_words("lddw %r0, -9223372036854775808"),
            (Words{0x0000000000000018, 0x8000000000000000}));
  EXPECT_EQ(asm_words("lddw %r0, 2147483648"), (Words{0x8000000000000018, 0}));
}

TEST(Assembler, MapValueOffsetMayBeOmitted) {
  EXPECT_EQ(asm_words("lddw %r1, map_value 3"), asm_words("lddw %r1, map_value 3+0"));
  EXPECT_EQ(asm_words("lddw %r1, map_idx_value 3"), asm_words("lddw %r1, map_idx_value 3+0"));
  EXPECT_EQ(asm_words("lddw %r1, map_value 1+4294967295"),
            (Words{0x0000000100002118, 0xffffffff00000000}));
}

TEST(Assembler, WordDirectiveEmitsOneRawSlot) {
  EXPECT_EQ(asm_words(".word 0x00000000000000ff\n.word 0x0123456789abcdef"),
            (Words{0xff, 0x0123456789abcdef}));
}

// ------------------------------------------------------------ labels

TEST(Assembler, ResolvesLabelsToOffsetsFromTheNextSlot) {
  const char* text =
      "start:\n"
      "  jeq %r1, 0, done\n"     // slot 0 -> 3: +2
      "  add %r1, -1\n"          // slot 1
      "  ja start\n"             // slot 2 -> 0: -3
      "done:\n"
      "  exit\n";                // slot 3
  EXPECT_EQ(asm_words(text), (Words{0x0000000000020115, 0xffffffff00000107,
                                    0x00000000fffd0005, 0x95}));
}

TEST(Assembler, LddwCountsTwoSlotsForLabels) {
  const char* text =
      "ja over\n"            // slot 0 -> 3: +2
      "lddw %r0, 1\n"        // slots 1, 2
      "over: exit\n";        // slot 3; label and instruction on one line
  EXPECT_EQ(asm_words(text), (Words{0x0000000000020005, 0x0000000100000018, 0, 0x95}));
}

TEST(Assembler, CallLocalAndLddwFuncTakeLabels) {
  const char* text =
      "call local f\n"       // slot 0 -> 4: imm 3
      "lddw %r1, func f\n"   // slots 1, 2 -> 4: imm 4 - (1 + 1) = 2
      "exit\n"               // slot 3
      "f: mov %r0, 0\n"      // slot 4
      "exit\n";
  EXPECT_EQ(asm_words(text), (Words{0x0000000300001085, 0x0000000200004118, 0, 0x95,
                                    0x00000000000000b7, 0x95}));
  EXPECT_EQ(asm_words("ja32 l\nexit\nl: exit"), (Words{0x0000000100000006, 0x95, 0x95}));
}

TEST(Assembler, ExitNamesTheFirstExitUnlessItIsALabel) {
  // The conformance suite writes `jne %r0, 0, exit` without defining it.
  EXPECT_EQ(asm_words("jne %r0, 0, exit\nmov %r0, 1\nexit\nexit"),
            (Words{0x0000000000010055, 0x00000001000000b7, 0x95, 0x95}));
  EXPECT_EQ(asm_words("ja exit\nexit\nexit:\nexit"), (Words{0x0000000000010005, 0x95, 0x95}));
}

TEST(Assembler, BareNumbersAreRelativeOffsetsToo) {
  EXPECT_EQ(asm_words("call local 3"), asm_words("call local +3"));
  EXPECT_EQ(asm_words("ja 0x10"), asm_words("ja +16"));
}

// ------------------------------------------------------------ errors

TEST(AssemblerErrors, UnknownMnemonic) {
  EXPECT_TRUE(FailsWith("exit\nfoo %r1, 2", 2, "unknown mnemonic 'foo'"));
  EXPECT_TRUE(FailsWith("lock nand [%r1], %r2", 1, "unknown mnemonic 'lock nand'"));
  EXPECT_TRUE(FailsWith("add128 %r1, 2", 1, "unknown mnemonic 'add128'"));
  EXPECT_TRUE(FailsWith("movsx864 %r1, %r2\nmovsx86464 %r1, %r2", 2,
                        "unknown mnemonic 'movsx86464'"));
}

TEST(AssemblerErrors, UndefinedLabel) {
  EXPECT_TRUE(FailsWith("mov %r0, 0\n\nja nowhere\nexit", 3, "undefined label 'nowhere'"));
  EXPECT_TRUE(FailsWith("call local f", 1, "undefined label 'f'"));
  EXPECT_TRUE(FailsWith("ja exit", 1, "undefined label 'exit'"));  // no exit anywhere
}

TEST(AssemblerErrors, DuplicateLabel) {
  EXPECT_TRUE(FailsWith("a:\nexit\n  a: exit", 3, "duplicate label 'a' (first defined on line 1)"));
}

TEST(AssemblerErrors, ImmediateOutOfRange) {
  EXPECT_TRUE(FailsWith("mov %r0, 5000000000", 1, "immediate 5000000000 does not fit in 32 bits"));
  EXPECT_TRUE(FailsWith("exit\nmov32 %r0, 0x100000000", 2,
                        "immediate 0x100000000 does not fit in 32 bits"));
  EXPECT_TRUE(FailsWith("mov %r0, -2147483649", 1, "immediate -2147483649 does not fit in 32 bits"));
  EXPECT_TRUE(FailsWith("stw [%r1], 4294967296", 1, "immediate 4294967296 does not fit in 32 bits"));
  EXPECT_TRUE(FailsWith("lddw %r0, 18446744073709551616", 1,
                        "immediate 18446744073709551616 does not fit in 64 bits"));
  EXPECT_TRUE(FailsWith("lddw %r0, -9223372036854775809", 1,
                        "immediate -9223372036854775809 does not fit in 64 bits"));
  EXPECT_TRUE(FailsWith("lddw %r0, 0x1ffffffffffffffff", 1,
                        "immediate 0x1ffffffffffffffff does not fit in 64 bits"));
}

TEST(AssemblerErrors, NotAnImmediate) {
  EXPECT_TRUE(FailsWith("mov %r0, ten", 1, "expected an immediate, got 'ten'"));
  EXPECT_TRUE(FailsWith("mov %r0, 0x", 1, "expected an immediate, got '0x'"));
  EXPECT_TRUE(FailsWith("mov %r0, 12ab", 1, "expected an immediate, got '12ab'"));
  EXPECT_TRUE(FailsWith("lddw %r0, 0xg", 1, "expected a 64-bit immediate, got '0xg'"));
  EXPECT_TRUE(FailsWith("lddw %r0, map", 1, "expected a number after 'map'"));
  EXPECT_TRUE(FailsWith("lddw %r0, map_value 1+", 1, "expected a number after '+' in 'map_value 1+'"));
}

TEST(AssemblerErrors, BadRegister) {
  EXPECT_TRUE(FailsWith("mov r0, 1", 1, "expected a register, got 'r0'"));
  EXPECT_TRUE(FailsWith("mov %r0, r1", 1, "expected a register, got 'r1'"));
  EXPECT_TRUE(FailsWith("mov %r11, 1", 1, "invalid register '%r11' (registers are %r0 to %r10)"));
  EXPECT_TRUE(FailsWith("mov %r01, 1", 1, "invalid register '%r01' (registers are %r0 to %r10)"));
  EXPECT_TRUE(FailsWith("neg %rx", 1, "expected a register, got '%rx'"));
  EXPECT_TRUE(FailsWith("call %r99999999999999999999", 1,
                        "invalid register '%r99999999999999999999' (registers are %r0 to %r10)"));
}

TEST(AssemblerErrors, BadMemoryOperand) {
  EXPECT_TRUE(FailsWith("ldxw %r0, %r1", 1, "expected a memory operand such as [%r1+8], got '%r1'"));
  EXPECT_TRUE(FailsWith("ldxw %r0, [%r1+x]", 1, "expected an offset after '+' in '[%r1+x]', got 'x'"));
  EXPECT_TRUE(FailsWith("ldxw %r0, [%r1+-2]", 1, "expected an offset after '+' in '[%r1+-2]', got '-2'"));
  EXPECT_TRUE(FailsWith("stxw [%r1+32768], %r2", 1,
                        "offset +32768 in '[%r1+32768]' does not fit in 16 bits (-32768 to 32767)"));
  EXPECT_TRUE(FailsWith("ldxw %r0, [r1]", 1, "expected a register, got 'r1'"));
}

TEST(AssemblerErrors, JumpOffsetOutOfRange) {
  EXPECT_TRUE(FailsWith("ja +32768", 1, "jump offset 32768 out of range (-32768 to 32767)"));
  EXPECT_TRUE(FailsWith("jeq %r1, 0, -32769", 1, "jump offset -32769 out of range (-32768 to 32767)"));
  EXPECT_TRUE(FailsWith("call local +2147483648", 1,
                        "call offset 2147483648 out of range (-2147483648 to 2147483647)"));
  EXPECT_TRUE(FailsWith("ja +99999999999999999999", 1, "jump offset +99999999999999999999 out of range"));
  // A label too far away for the 16-bit offset of ja (but not of ja32).
  std::string far = "ja end\nja32 end\n";
  for (int i = 0; i < 32768; ++i) far += "mov %r0, 0\n";
  far += "end: exit\n";
  EXPECT_TRUE(FailsWith(far, 1, "jump offset 32769 out of range (-32768 to 32767)"));
}

TEST(AssemblerErrors, BadTarget) {
  EXPECT_TRUE(FailsWith("ja %r1", 1, "expected a label or a relative offset (+N or -N), got '%r1'"));
  EXPECT_TRUE(FailsWith("jeq %r1, 0, +x", 1,
                        "expected a label or a relative offset (+N or -N), got '+x'"));
}

TEST(AssemblerErrors, WrongNumberOfOperands) {
  EXPECT_TRUE(FailsWith("exit %r0", 1, "'exit' takes 0 operands (exit), got 1"));
  EXPECT_TRUE(FailsWith("neg %r1, 2", 1, "'neg' takes 1 operand (neg %rD), got 2"));
  EXPECT_TRUE(FailsWith("add32 %r1", 1,
                        "'add32' takes 2 operands (add32 %rD, imm or add32 %rD, %rS), got 1"));
  EXPECT_TRUE(FailsWith("jeq %r1, 2", 1,
                        "'jeq' takes 3 operands (jeq %rD, imm, target or jeq %rD, %rS, target), got 2"));
  EXPECT_TRUE(FailsWith(".word 1, 2", 1, "'.word' takes 1 operand (.word 0x<64-bit word>), got 2"));
}

TEST(AssemblerErrors, EmptyOperand) {
  EXPECT_TRUE(FailsWith("mov %r0,, 1", 1, "empty operand in 'mov %r0,, 1'"));
  EXPECT_TRUE(FailsWith("mov %r0, 1,", 1, "empty operand in 'mov %r0, 1,'"));
}

// The assembler will be fuzzed: no input may crash it. Mutations of a
// valid program and random bytes must come back as a value or an error.
TEST(AssemblerErrors, NeverCrashesOnMangledInput) {
  const std::string base =
      "l: lddw %r1, map_value 3+4\nlock fetch add32 [%r10-8], %r1\njeq %r1, %r2, l\n"
      "call local l\nldxsb %r0, [%r1+0x7fff]\n.word 0x95\nexit\n";
  std::mt19937 rng(1234);
  const std::string alphabet = "%r0123456789abcdefx+-[],:# \n\tlmapvu_.";
  for (int round = 0; round < 20000; ++round) {
    std::string text = base;
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        case 1: if (at < text.size()) text.erase(at, 1); break;
        default: if (at < text.size()) text[at] = static_cast<char>(rng() % 256); break;
      }
    }
    auto result = assemble(text);
    if (!result) {
      ASSERT_TRUE(result.error().where.source.has_value()) << text;
      EXPECT_FALSE(result.error().message.empty());
    }
  }
}

// ------------------------------------------------------------ conformance suite

std::filesystem::path source_dir() {
  if (const char* env = std::getenv("SANDBPF_SOURCE_DIR"); env != nullptr && *env != '\0')
    return env;
#ifdef SANDBPF_DEFAULT_SOURCE_DIR
  return SANDBPF_DEFAULT_SOURCE_DIR;
#else
  return ".";
#endif
}

// The sections of a .data file: "-- name" lines start them.
std::map<std::string, std::string> sections(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::map<std::string, std::string> out;
  std::string line, current;
  while (std::getline(in, line)) {
    if (line.rfind("-- ", 0) == 0) {
      current = line.substr(3);
      while (!current.empty() && (current.back() == '\r' || current.back() == ' ')) current.pop_back();
      out[current];
      continue;
    }
    if (!current.empty()) out[current] += line + "\n";
  }
  return out;
}

TEST(ConformanceSuite, EveryAsmSectionAssembles) {
  const std::filesystem::path dir = source_dir() / ".." / "shared" / "conformance";
  if (!std::filesystem::is_directory(dir))
    GTEST_SKIP() << "no conformance suite at " << dir.string();
  size_t files = 0, with_raw = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".data") continue;
    SCOPED_TRACE(entry.path().filename().string());
    ++files;
    const auto parts = sections(entry.path());
    const auto asm_text = parts.find("asm");
    ASSERT_NE(asm_text, parts.end());
    auto program = assemble(asm_text->second);
    ASSERT_TRUE(program.has_value()) << program.error().to_string();
    // Every program of the suite is structurally valid.
    auto decoded = Program::decode(*program);
    EXPECT_TRUE(decoded.has_value()) << decoded.error().to_string();
    // The disassembly reads back to the same slots.
    auto again = assemble(disassemble(*program));
    ASSERT_TRUE(again.has_value()) << again.error().to_string();
    EXPECT_EQ(*again, *program);
    if (const auto raw = parts.find("raw"); raw != parts.end()) {
      ++with_raw;
      auto words = parse_raw_words(raw->second);
      ASSERT_TRUE(words.has_value()) << words.error().message;
      EXPECT_EQ(words_of(*program), words_of(*words));
    }
  }
  EXPECT_GE(files, 313u);
  EXPECT_GE(with_raw, 1u);
}

}  // namespace
}  // namespace sandbpf
