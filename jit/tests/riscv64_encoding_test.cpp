// Golden encodings of the RISC-V encoder (jit/riscv64/encoding.hpp,
// instructions.hpp): for each case, the word the encoder function returns,
// the word binutils' assembler makes of the same instruction, and the text
// binutils' disassembler gives for it, checked together:
//   - the encoder must return exactly the expected word (the words were
//     produced by riscv64-linux-gnu-as from the text, not by this encoder);
//   - riscv64-linux-gnu-objdump -M no-aliases must disassemble the expected
//     word to exactly the expected text (skipped, and reported as skipped,
//     when binutils-riscv64-linux-gnu is not installed; the words are still
//     checked). Branch and jal targets are written relative to the
//     instruction.
// Then the emit layer (assembler.hpp): li gives every value (checked by
// evaluating the sequence it emits), and references to far labels are
// widened until they reach.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "jit/tests/golden_cases.hpp"
#include "jit/riscv64/assembler.hpp"
#include "jit/riscv64/instructions.hpp"

namespace sandbpf::riscv64 {
namespace {

using namespace insn;

struct Encoding {
  uint32_t encoded;   // what the encoder returns
  uint32_t expected;  // what binutils' assembler made of `text`
  const char* text;   // objdump -M no-aliases
};

// clang-format off
constexpr Encoding kEncodings[] = {
    {lui(kT0, 0x0), 0x000002b7, "lui t0,0x0"},
    {auipc(kT6, 0x0), 0x00000f97, "auipc t6,0x0"},
    {lui(kT0, 0x1), 0x000012b7, "lui t0,0x1"},
    {auipc(kT6, 0x1), 0x00001f97, "auipc t6,0x1"},
    {lui(kT0, 0x80000), 0x800002b7, "lui t0,0x80000"},
    {auipc(kT6, 0x80000), 0x80000f97, "auipc t6,0x80000"},
    {lui(kT0, 0xfffff), 0xfffff2b7, "lui t0,0xfffff"},
    {auipc(kT6, 0xfffff), 0xffffff97, "auipc t6,0xfffff"},
    {jal(kRa, 8), 0x008000ef, "jal ra,+8"},
    {jal(kRa, -8), 0xff9ff0ef, "jal ra,-8"},
    {jal(kRa, 2048), 0x001000ef, "jal ra,+2048"},
    {jal(kRa, 1048574), 0x7ffff0ef, "jal ra,+1048574"},
    {jal(kRa, -1048576), 0x800000ef, "jal ra,-1048576"},
    {jal(kZero, 4), 0x0040006f, "jal zero,+4"},
    {jalr(kRa, kT0, 0), 0x000280e7, "jalr ra,0(t0)"},
    {jalr(kRa, kT0, 2047), 0x7ff280e7, "jalr ra,2047(t0)"},
    {jalr(kRa, kT0, -2048), 0x800280e7, "jalr ra,-2048(t0)"},
    {beq(kA0, kS5, 16), 0x01550863, "beq a0,s5,+16"},
    {bne(kA0, kS5, 16), 0x01551863, "bne a0,s5,+16"},
    {blt(kA0, kS5, 16), 0x01554863, "blt a0,s5,+16"},
    {bge(kA0, kS5, 16), 0x01555863, "bge a0,s5,+16"},
    {bltu(kA0, kS5, 16), 0x01556863, "bltu a0,s5,+16"},
    {bgeu(kA0, kS5, 16), 0x01557863, "bgeu a0,s5,+16"},
    {bne(kT0, kZero, 4094), 0x7e029fe3, "bne t0,zero,+4094"},
    {bne(kT0, kZero, -4096), 0x80029063, "bne t0,zero,-4096"},
    {bne(kT0, kZero, 8), 0x00029463, "bne t0,zero,+8"},
    {bne(kT0, kZero, -2), 0xfe029fe3, "bne t0,zero,-2"},
    {lb(kA5, kS5, -8), 0xff8a8783, "lb a5,-8(s5)"},
    {lh(kA5, kS5, -8), 0xff8a9783, "lh a5,-8(s5)"},
    {lw(kA5, kS5, -8), 0xff8aa783, "lw a5,-8(s5)"},
    {ld(kA5, kS5, -8), 0xff8ab783, "ld a5,-8(s5)"},
    {lbu(kA5, kS5, -8), 0xff8ac783, "lbu a5,-8(s5)"},
    {lhu(kA5, kS5, -8), 0xff8ad783, "lhu a5,-8(s5)"},
    {lwu(kA5, kS5, -8), 0xff8ae783, "lwu a5,-8(s5)"},
    {ld(kT6, kS6, 2047), 0x7ffb3f83, "ld t6,2047(s6)"},
    {ld(kT6, kS6, -2048), 0x800b3f83, "ld t6,-2048(s6)"},
    {ld(kT6, kS6, 0), 0x000b3f83, "ld t6,0(s6)"},
    {sb(kA1, kS5, -512), 0xe0ba8023, "sb a1,-512(s5)"},
    {sh(kA1, kS5, -512), 0xe0ba9023, "sh a1,-512(s5)"},
    {sw(kA1, kS5, -512), 0xe0baa023, "sw a1,-512(s5)"},
    {sd(kA1, kS5, -512), 0xe0bab023, "sd a1,-512(s5)"},
    {sd(kT3, kSp, 2047), 0x7fc13fa3, "sd t3,2047(sp)"},
    {sd(kT3, kSp, -2048), 0x81c13023, "sd t3,-2048(sp)"},
    {addi(kA0, kA1, -2048), 0x80058513, "addi a0,a1,-2048"},
    {addi(kA0, kA1, 2047), 0x7ff58513, "addi a0,a1,2047"},
    {addi(kA0, kA1, -1), 0xfff58513, "addi a0,a1,-1"},
    {slti(kA0, kA1, -2048), 0x8005a513, "slti a0,a1,-2048"},
    {slti(kA0, kA1, 2047), 0x7ff5a513, "slti a0,a1,2047"},
    {slti(kA0, kA1, -1), 0xfff5a513, "slti a0,a1,-1"},
    {sltiu(kA0, kA1, -2048), 0x8005b513, "sltiu a0,a1,-2048"},
    {sltiu(kA0, kA1, 2047), 0x7ff5b513, "sltiu a0,a1,2047"},
    {sltiu(kA0, kA1, -1), 0xfff5b513, "sltiu a0,a1,-1"},
    {xori(kA0, kA1, -2048), 0x8005c513, "xori a0,a1,-2048"},
    {xori(kA0, kA1, 2047), 0x7ff5c513, "xori a0,a1,2047"},
    {xori(kA0, kA1, -1), 0xfff5c513, "xori a0,a1,-1"},
    {ori(kA0, kA1, -2048), 0x8005e513, "ori a0,a1,-2048"},
    {ori(kA0, kA1, 2047), 0x7ff5e513, "ori a0,a1,2047"},
    {ori(kA0, kA1, -1), 0xfff5e513, "ori a0,a1,-1"},
    {andi(kA0, kA1, -2048), 0x8005f513, "andi a0,a1,-2048"},
    {andi(kA0, kA1, 2047), 0x7ff5f513, "andi a0,a1,2047"},
    {andi(kA0, kA1, -1), 0xfff5f513, "andi a0,a1,-1"},
    {addiw(kA0, kA1, -2048), 0x8005851b, "addiw a0,a1,-2048"},
    {addiw(kA0, kA1, 2047), 0x7ff5851b, "addiw a0,a1,2047"},
    {addiw(kA0, kA1, -1), 0xfff5851b, "addiw a0,a1,-1"},
    {slli(kS1, kS2, 0), 0x00091493, "slli s1,s2,0x0"},
    {slli(kS1, kS2, 1), 0x00191493, "slli s1,s2,0x1"},
    {slli(kS1, kS2, 32), 0x02091493, "slli s1,s2,0x20"},
    {slli(kS1, kS2, 63), 0x03f91493, "slli s1,s2,0x3f"},
    {srli(kS1, kS2, 0), 0x00095493, "srli s1,s2,0x0"},
    {srli(kS1, kS2, 1), 0x00195493, "srli s1,s2,0x1"},
    {srli(kS1, kS2, 32), 0x02095493, "srli s1,s2,0x20"},
    {srli(kS1, kS2, 63), 0x03f95493, "srli s1,s2,0x3f"},
    {srai(kS1, kS2, 0), 0x40095493, "srai s1,s2,0x0"},
    {srai(kS1, kS2, 1), 0x40195493, "srai s1,s2,0x1"},
    {srai(kS1, kS2, 32), 0x42095493, "srai s1,s2,0x20"},
    {srai(kS1, kS2, 63), 0x43f95493, "srai s1,s2,0x3f"},
    {slliw(kT1, kT2, 0), 0x0003931b, "slliw t1,t2,0x0"},
    {slliw(kT1, kT2, 1), 0x0013931b, "slliw t1,t2,0x1"},
    {slliw(kT1, kT2, 31), 0x01f3931b, "slliw t1,t2,0x1f"},
    {srliw(kT1, kT2, 0), 0x0003d31b, "srliw t1,t2,0x0"},
    {srliw(kT1, kT2, 1), 0x0013d31b, "srliw t1,t2,0x1"},
    {srliw(kT1, kT2, 31), 0x01f3d31b, "srliw t1,t2,0x1f"},
    {sraiw(kT1, kT2, 0), 0x4003d31b, "sraiw t1,t2,0x0"},
    {sraiw(kT1, kT2, 1), 0x4013d31b, "sraiw t1,t2,0x1"},
    {sraiw(kT1, kT2, 31), 0x41f3d31b, "sraiw t1,t2,0x1f"},
    {add(kA5, kT3, kS4), 0x014e07b3, "add a5,t3,s4"},
    {sub(kA5, kT3, kS4), 0x414e07b3, "sub a5,t3,s4"},
    {sll(kA5, kT3, kS4), 0x014e17b3, "sll a5,t3,s4"},
    {slt(kA5, kT3, kS4), 0x014e27b3, "slt a5,t3,s4"},
    {sltu(kA5, kT3, kS4), 0x014e37b3, "sltu a5,t3,s4"},
    {xor_(kA5, kT3, kS4), 0x014e47b3, "xor a5,t3,s4"},
    {srl(kA5, kT3, kS4), 0x014e57b3, "srl a5,t3,s4"},
    {sra(kA5, kT3, kS4), 0x414e57b3, "sra a5,t3,s4"},
    {or_(kA5, kT3, kS4), 0x014e67b3, "or a5,t3,s4"},
    {and_(kA5, kT3, kS4), 0x014e77b3, "and a5,t3,s4"},
    {addw(kA5, kT3, kS4), 0x014e07bb, "addw a5,t3,s4"},
    {subw(kA5, kT3, kS4), 0x414e07bb, "subw a5,t3,s4"},
    {sllw(kA5, kT3, kS4), 0x014e17bb, "sllw a5,t3,s4"},
    {srlw(kA5, kT3, kS4), 0x014e57bb, "srlw a5,t3,s4"},
    {sraw(kA5, kT3, kS4), 0x414e57bb, "sraw a5,t3,s4"},
    {mul(kA5, kT3, kS4), 0x034e07b3, "mul a5,t3,s4"},
    {mulhu(kA5, kT3, kS4), 0x034e37b3, "mulhu a5,t3,s4"},
    {div(kA5, kT3, kS4), 0x034e47b3, "div a5,t3,s4"},
    {divu(kA5, kT3, kS4), 0x034e57b3, "divu a5,t3,s4"},
    {rem(kA5, kT3, kS4), 0x034e67b3, "rem a5,t3,s4"},
    {remu(kA5, kT3, kS4), 0x034e77b3, "remu a5,t3,s4"},
    {mulw(kA5, kT3, kS4), 0x034e07bb, "mulw a5,t3,s4"},
    {divw(kA5, kT3, kS4), 0x034e47bb, "divw a5,t3,s4"},
    {divuw(kA5, kT3, kS4), 0x034e57bb, "divuw a5,t3,s4"},
    {remw(kA5, kT3, kS4), 0x034e67bb, "remw a5,t3,s4"},
    {remuw(kA5, kT3, kS4), 0x034e77bb, "remuw a5,t3,s4"},
    {lr(4, Order::kNone, kT0, kA0), 0x100522af, "lr.w t0,(a0)"},
    {sc(4, Order::kNone, kT2, kA1, kA0), 0x18b523af, "sc.w t2,a1,(a0)"},
    {lr(4, Order::kAcquire, kT0, kA0), 0x140522af, "lr.w.aq t0,(a0)"},
    {sc(4, Order::kAcquire, kT2, kA1, kA0), 0x1cb523af, "sc.w.aq t2,a1,(a0)"},
    {lr(4, Order::kRelease, kT0, kA0), 0x120522af, "lr.w.rl t0,(a0)"},
    {sc(4, Order::kRelease, kT2, kA1, kA0), 0x1ab523af, "sc.w.rl t2,a1,(a0)"},
    {lr(4, Order::kAcqRel, kT0, kA0), 0x160522af, "lr.w.aqrl t0,(a0)"},
    {sc(4, Order::kAcqRel, kT2, kA1, kA0), 0x1eb523af, "sc.w.aqrl t2,a1,(a0)"},
    {amoswap(4, Order::kAcqRel, kA1, kA1, kT1), 0x0eb325af, "amoswap.w.aqrl a1,a1,(t1)"},
    {amoswap(4, Order::kNone, kZero, kS3, kA0), 0x0935202f, "amoswap.w zero,s3,(a0)"},
    {amoadd(4, Order::kAcqRel, kA1, kA1, kT1), 0x06b325af, "amoadd.w.aqrl a1,a1,(t1)"},
    {amoadd(4, Order::kNone, kZero, kS3, kA0), 0x0135202f, "amoadd.w zero,s3,(a0)"},
    {amoxor(4, Order::kAcqRel, kA1, kA1, kT1), 0x26b325af, "amoxor.w.aqrl a1,a1,(t1)"},
    {amoxor(4, Order::kNone, kZero, kS3, kA0), 0x2135202f, "amoxor.w zero,s3,(a0)"},
    {amoand(4, Order::kAcqRel, kA1, kA1, kT1), 0x66b325af, "amoand.w.aqrl a1,a1,(t1)"},
    {amoand(4, Order::kNone, kZero, kS3, kA0), 0x6135202f, "amoand.w zero,s3,(a0)"},
    {amoor(4, Order::kAcqRel, kA1, kA1, kT1), 0x46b325af, "amoor.w.aqrl a1,a1,(t1)"},
    {amoor(4, Order::kNone, kZero, kS3, kA0), 0x4135202f, "amoor.w zero,s3,(a0)"},
    {lr(8, Order::kNone, kT0, kA0), 0x100532af, "lr.d t0,(a0)"},
    {sc(8, Order::kNone, kT2, kA1, kA0), 0x18b533af, "sc.d t2,a1,(a0)"},
    {lr(8, Order::kAcquire, kT0, kA0), 0x140532af, "lr.d.aq t0,(a0)"},
    {sc(8, Order::kAcquire, kT2, kA1, kA0), 0x1cb533af, "sc.d.aq t2,a1,(a0)"},
    {lr(8, Order::kRelease, kT0, kA0), 0x120532af, "lr.d.rl t0,(a0)"},
    {sc(8, Order::kRelease, kT2, kA1, kA0), 0x1ab533af, "sc.d.rl t2,a1,(a0)"},
    {lr(8, Order::kAcqRel, kT0, kA0), 0x160532af, "lr.d.aqrl t0,(a0)"},
    {sc(8, Order::kAcqRel, kT2, kA1, kA0), 0x1eb533af, "sc.d.aqrl t2,a1,(a0)"},
    {amoswap(8, Order::kAcqRel, kA1, kA1, kT1), 0x0eb335af, "amoswap.d.aqrl a1,a1,(t1)"},
    {amoswap(8, Order::kNone, kZero, kS3, kA0), 0x0935302f, "amoswap.d zero,s3,(a0)"},
    {amoadd(8, Order::kAcqRel, kA1, kA1, kT1), 0x06b335af, "amoadd.d.aqrl a1,a1,(t1)"},
    {amoadd(8, Order::kNone, kZero, kS3, kA0), 0x0135302f, "amoadd.d zero,s3,(a0)"},
    {amoxor(8, Order::kAcqRel, kA1, kA1, kT1), 0x26b335af, "amoxor.d.aqrl a1,a1,(t1)"},
    {amoxor(8, Order::kNone, kZero, kS3, kA0), 0x2135302f, "amoxor.d zero,s3,(a0)"},
    {amoand(8, Order::kAcqRel, kA1, kA1, kT1), 0x66b335af, "amoand.d.aqrl a1,a1,(t1)"},
    {amoand(8, Order::kNone, kZero, kS3, kA0), 0x6135302f, "amoand.d zero,s3,(a0)"},
    {amoor(8, Order::kAcqRel, kA1, kA1, kT1), 0x46b335af, "amoor.d.aqrl a1,a1,(t1)"},
    {amoor(8, Order::kNone, kZero, kS3, kA0), 0x4135302f, "amoor.d zero,s3,(a0)"},
    {fence_rw_rw(), 0x0330000f, "fence rw,rw"},
    {fence_i(), 0x0000100f, "fence.i"},
    {nop(), 0x00000013, "addi zero,zero,0"},
    {mv(kA0, kA5), 0x00078513, "addi a0,a5,0"},
    {neg(kA5, kA5), 0x40f007b3, "sub a5,zero,a5"},
    {negw(kA5, kA5), 0x40f007bb, "subw a5,zero,a5"},
    {sext_w(kT0, kA0), 0x0005029b, "addiw t0,a0,0"},
    {seqz(kT0, kA0), 0x00153293, "sltiu t0,a0,1"},
    {snez(kT0, kA0), 0x00a032b3, "sltu t0,zero,a0"},
    {j(-16), 0xff1ff06f, "jal zero,-16"},
    {ret(), 0x00008067, "jalr zero,0(ra)"},
};
// clang-format on

constexpr const char* kObjdump = "/usr/bin/riscv64-linux-gnu-objdump";

// objdump's text for each word (laid end to end in one file), whitespace
// collapsed, comments dropped, branch targets made relative.
std::vector<std::string> objdump_words(const std::vector<uint32_t>& words) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("sandbpf_rv_encoding_" + std::to_string(::getpid()) + ".bin")).string();
  {
    std::ofstream file(path, std::ios::binary);
    for (uint32_t w : words)
      for (int i = 0; i < 4; ++i) file.put(static_cast<char>(w >> (8 * i)));
  }
  const std::string command =
      std::string(kObjdump) + " -D -b binary -m riscv:rv64 -M no-aliases " + path + " 2>&1";
  std::string output;
  if (FILE* pipe = ::popen(command.c_str(), "r")) {
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    ::pclose(pipe);
  }
  std::filesystem::remove(path);

  std::vector<std::string> texts(words.size());
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    // "  1c:\t1ab533af          \tsc.d.rl\tt2,a1,(a0)"
    const size_t colon = line.find(":\t");
    if (colon == std::string::npos) continue;
    size_t address = 0;
    try {
      address = std::stoul(line.substr(0, colon), nullptr, 16);
    } catch (...) {
      continue;
    }
    if (address % 4 != 0 || address / 4 >= words.size()) continue;
    const size_t tab = line.find('\t', colon + 2);
    if (tab == std::string::npos) continue;
    std::string rest = line.substr(tab + 1);
    if (const size_t comment = rest.find(" #"); comment != std::string::npos) rest.resize(comment);
    std::istringstream parts(rest);
    std::string mnemonic, operands;
    parts >> mnemonic >> operands;
    if (mnemonic[0] == 'b' || mnemonic == "jal") {
      const size_t comma = operands.rfind(',');
      const auto target = static_cast<int64_t>(std::stoull(operands.substr(comma + 1), nullptr, 16));
      char relative[32];
      std::snprintf(relative, sizeof relative, "%+lld", static_cast<long long>(target - static_cast<int64_t>(address)));
      operands = operands.substr(0, comma + 1) + relative;
    }
    texts[address / 4] = operands.empty() ? mnemonic : mnemonic + " " + operands;
  }
  return texts;
}

TEST(riscv64_encoding, EncoderMatchesTheAssembler) {
  for (const Encoding& e : kEncodings) {
    SCOPED_TRACE(e.text);
    EXPECT_EQ(e.encoded, e.expected) << std::hex << e.encoded << " vs " << e.expected;
  }
}

TEST(riscv64_encoding, ObjdumpAgreesWithTheExpectedText) {
  if (!kObjdumpCanRun) GTEST_SKIP() << kObjdumpCannotRun;
  if (!std::filesystem::exists(kObjdump))
    GTEST_SKIP() << kObjdump << " is not installed (binutils-riscv64-linux-gnu): only the words are checked";
  std::vector<uint32_t> words;
  for (const Encoding& e : kEncodings) words.push_back(e.expected);
  const std::vector<std::string> texts = objdump_words(words);
  for (size_t i = 0; i < words.size(); ++i) EXPECT_EQ(texts[i], kEncodings[i].text);
}

// --- the emit layer -------------------------------------------------------

uint32_t word_at(const std::vector<uint8_t>& code, size_t at) {
  return static_cast<uint32_t>(code[at]) | static_cast<uint32_t>(code[at + 1]) << 8 |
         static_cast<uint32_t>(code[at + 2]) << 16 | static_cast<uint32_t>(code[at + 3]) << 24;
}

int64_t sign_extend(uint64_t value, int bits) {
  const uint64_t sign = uint64_t{1} << (bits - 1);
  return static_cast<int64_t>((value ^ sign) - sign);
}

// Evaluates what li may emit (lui, addi, addiw, slli) on one register;
// fails the test on anything else.
int64_t evaluate_li(const std::vector<uint8_t>& code, Reg rd) {
  uint64_t value = 0xdeadbeefdeadbeef;  // garbage: li must not read rd first
  for (size_t at = 0; at < code.size(); at += 4) {
    const uint32_t w = word_at(code, at);
    const uint32_t op = w & 0x7f, funct3 = (w >> 12) & 7;
    const auto dest = static_cast<Reg>((w >> 7) & 31), src = static_cast<Reg>((w >> 15) & 31);
    EXPECT_EQ(dest, rd);
    const uint64_t in = src == kZero ? 0 : value;
    const int64_t imm = sign_extend(w >> 20, 12);
    if (op == opcode::kLui) {
      value = static_cast<uint64_t>(sign_extend(w & 0xfffff000, 32));
    } else if (op == opcode::kOpImm && funct3 == 0) {
      value = in + static_cast<uint64_t>(imm);
    } else if (op == opcode::kOpImm32 && funct3 == 0) {
      value = static_cast<uint64_t>(sign_extend((in + static_cast<uint64_t>(imm)) & 0xffffffff, 32));
    } else if (op == opcode::kOpImm && funct3 == 1) {
      value = in << ((w >> 20) & 63);
    } else {
      ADD_FAILURE() << "li emitted an unexpected instruction " << std::hex << w;
    }
  }
  return static_cast<int64_t>(value);
}

TEST(riscv64_encoding, LiMaterializesEveryValue) {
  std::vector<int64_t> values = {0, 1, -1, 2047, -2048, 2048, -2049, 0x7ff, 0x800, 0xfff, 0x1000,
                                 0x7ffff7ff, 0x7ffff800, 0x7fffffff, INT32_MIN, -0x80000800ll,
                                 0x80000000, 0xffffffff, 0x100000000, 0x123456789abcdef0,
                                 INT64_MAX, INT64_MIN, INT64_MIN + 1, 0x0000555555554000,
                                 0x00007fffffffe000, -0x123456789};
  std::mt19937_64 random(42);
  for (int i = 0; i < 2000; ++i) {
    const uint64_t v = random();
    values.push_back(static_cast<int64_t>(v >> (v & 63)));
    values.push_back(static_cast<int64_t>(v));
  }
  for (int64_t value : values) {
    Assembler a;
    a.li(kA3, value);
    ASSERT_TRUE(a.finish());
    std::vector<uint8_t> code = a.bytes();
    EXPECT_LE(code.size(), 8u * 4) << value;
    EXPECT_EQ(evaluate_li(code, kA3), value);
  }
  // The short cases are as short as they can be.
  Assembler small;
  small.li(kA0, -5);
  small.li(kA1, 0x12345000);
  small.li(kA2, 0x12345678);
  ASSERT_TRUE(small.finish());
  EXPECT_EQ(small.bytes().size(), 4u * (1 + 1 + 2));
}

// The offset a patched branch or jal at `at` jumps by.
int64_t branch_offset(uint32_t w) {
  return sign_extend(((w >> 31) & 1) << 12 | ((w >> 7) & 1) << 11 | ((w >> 25) & 0x3f) << 5 | ((w >> 8) & 0xf) << 1, 13);
}
int64_t jal_offset(uint32_t w) {
  return sign_extend(((w >> 31) & 1) << 20 | ((w >> 12) & 0xff) << 12 | ((w >> 20) & 1) << 11 | ((w >> 21) & 0x3ff) << 1, 21);
}

// Emits: branch to a label `distance` bytes of nops away, and returns where
// the branch ends up going (following the widened form).
struct FarBranch {
  std::vector<uint8_t> code;
  int64_t target = 0;
  size_t rounds = 0;
};
FarBranch far_branch(size_t nops) {
  FarBranch out;
  std::vector<uint8_t> widths;
  for (;;) {
    ++out.rounds;
    Assembler a(widths);
    const Label there = a.new_label();
    a.branch(Cond::kLtu, kA0, kA1, there);
    for (size_t i = 0; i < nops; ++i) a.emit(nop());
    a.bind(there);
    a.emit(ret());
    if (a.finish()) {
      out.code = a.bytes();
      out.target = a.label_offset(there);
      return out;
    }
    EXPECT_FALSE(a.broken());
    widths = a.widened_sites();
    if (out.rounds > 4) return out;
  }
}

TEST(riscv64_encoding, FarBranchesAreWidened) {
  {  // within ±4 KiB: one bltu
    const FarBranch b = far_branch(1000);
    EXPECT_EQ(b.rounds, 1u);
    const uint32_t w = word_at(b.code, 0);
    EXPECT_EQ(w & 0x707f, 0x6063u);  // bltu
    EXPECT_EQ(branch_offset(w), b.target);
  }
  {  // beyond 4 KiB: bgeu +8; jal zero, target
    const FarBranch b = far_branch(2000);
    EXPECT_EQ(b.rounds, 2u);
    EXPECT_EQ(word_at(b.code, 0) & 0x707f, 0x7063u);  // bgeu (negated)
    EXPECT_EQ(branch_offset(word_at(b.code, 0)), 8);
    const uint32_t j = word_at(b.code, 4);
    EXPECT_EQ(j & 0xfff, 0x06fu);  // jal zero
    EXPECT_EQ(4 + jal_offset(j), b.target);
  }
  {  // beyond 1 MiB: bgeu +12; auipc t6; jalr zero, t6
    const FarBranch b = far_branch(300000);
    EXPECT_EQ(b.rounds, 3u);
    EXPECT_EQ(branch_offset(word_at(b.code, 0)), 12);
    const uint32_t hi = word_at(b.code, 4), lo = word_at(b.code, 8);
    EXPECT_EQ(hi & 0xfff, (uint32_t{kT6} << 7) | opcode::kAuipc);
    EXPECT_EQ(lo & 0xfffff, (uint32_t{kT6} << 15) | opcode::kJalr);
    EXPECT_EQ(4 + sign_extend(hi & 0xfffff000, 32) + sign_extend(lo >> 20, 12), b.target);
  }
}

TEST(riscv64_encoding, LiteralsArePcRelative) {
  Assembler a;
  a.emit(nop());
  a.load_literal(kT4, 0x1122334455667788);
  a.load_literal(kT0, 0x1122334455667788);  // shared
  ASSERT_TRUE(a.finish());
  const std::vector<uint8_t>& code = a.bytes();
  ASSERT_EQ(code.size(), 4u * 5 + 4 + 8);  // 5 instructions, padding, one literal
  for (size_t at : {4u, 12u}) {
    const uint32_t hi = word_at(code, at), lo = word_at(code, at + 4);
    const int64_t where = static_cast<int64_t>(at) + sign_extend(hi & 0xfffff000, 32) + sign_extend(lo >> 20, 12);
    ASSERT_EQ(where, 24);
    uint64_t literal = 0;
    for (int i = 7; i >= 0; --i) literal = literal << 8 | code[static_cast<size_t>(where) + static_cast<size_t>(i)];
    EXPECT_EQ(literal, 0x1122334455667788u);
  }
}

TEST(riscv64_encoding, UnboundLabelsAreReported) {
  Assembler a;
  a.jump(a.new_label());
  EXPECT_FALSE(a.finish());
  EXPECT_TRUE(a.broken());
}

}  // namespace
}  // namespace sandbpf::riscv64
