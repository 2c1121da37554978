// The disassembler, specified by its canonical text and by the round trip
// with the assembler over every row of the instruction table and over
// arbitrary slots.
#include "loader/disassembler.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "loader/assembler.hpp"
#include "vm/insn_table.hpp"

namespace sandbpf {
namespace {

// The operands each form is given in the table walk, and the text they
// must print as. Fields a form does not use stay zero.
struct Sample {
  bool dst, src, off, imm;
  std::string_view text;  // operands after "<mnemonic> "
};

Sample sample_for(Form form) {
  switch (form) {
    case Form::AluImm: return {true, false, false, true, "%r1, 7"};
    case Form::AluReg: return {true, true, false, false, "%r1, %r2"};
    case Form::AluNeg: return {true, false, false, false, "%r1"};
    case Form::Endian: return {true, false, false, false, "%r1"};
    case Form::Load: return {true, true, true, false, "%r1, [%r2-8]"};
    case Form::StoreImm: return {true, false, true, true, "[%r1-8], 7"};
    case Form::StoreReg: return {true, true, true, false, "[%r1-8], %r2"};
    case Form::Atomic: return {true, true, true, false, "[%r1-8], %r2"};
    case Form::Lddw: return {true, false, false, true, "%r1, 0x900000007"};
    case Form::LddwMap: return {true, false, false, true, "%r1, map 7"};
    case Form::LddwMapValue: return {true, false, false, true, "%r1, map_value 7+9"};
    case Form::LddwHostVariable: return {true, false, false, true, "%r1, var 7"};
    case Form::LddwFunction: return {true, false, false, true, "%r1, func +7"};
    case Form::LddwMapIdx: return {true, false, false, true, "%r1, map_idx 7"};
    case Form::LddwMapIdxValue: return {true, false, false, true, "%r1, map_idx_value 7+9"};
    case Form::LoadAbs: return {false, false, false, true, "7"};
    case Form::LoadInd: return {false, true, false, true, "%r2, 7"};
    case Form::Ja: return {false, false, true, false, "-8"};
    case Form::Ja32: return {false, false, false, true, "+7"};
    case Form::JumpImm: return {true, false, true, true, "%r1, 7, -8"};
    case Form::JumpReg: return {true, true, true, false, "%r1, %r2, -8"};
    case Form::CallHelper: return {false, false, false, true, "7"};
    case Form::CallLocal: return {false, false, false, true, "+7"};
    case Form::CallReg: return {true, false, false, false, "%r1"};
    case Form::Exit: return {false, false, false, false, ""};
  }
  return {};
}

// The slots of one instance of a row: dst=1, src=2, off=-8, imm=7 where
// the form uses them; lddw's second slot holds 9 where the form uses it.
std::vector<Insn> instance_of(const InsnInfo& row) {
  const Sample s = sample_for(row.form);
  std::vector<Insn> slots{make_insn(row.op, s.dst ? 1 : 0, s.src ? 2 : 0, s.off ? -8 : 0,
                                    s.imm ? 7 : 0)};
  if (is_lddw_form(row.form)) {
    Insn tail;
    const bool has_k = row.form == Form::Lddw || row.form == Form::LddwMapValue ||
                       row.form == Form::LddwMapIdxValue;
    tail.imm = has_k ? 9 : 0;
    slots.push_back(tail);
  }
  return slots;
}

TEST(Disassembler, EveryTableRowRoundTrips) {
  for (const InsnInfo& row : all_instructions()) {
    SCOPED_TRACE(std::string(row.mnemonic) + " / " + std::string(form_name(row.form)));
    const std::vector<Insn> slots = instance_of(row);
    const Sample s = sample_for(row.form);
    const std::string expected =
        std::string(row.mnemonic) + (s.text.empty() ? "" : " ") + std::string(s.text);

    const std::string text = disassemble(slots);
    EXPECT_EQ(text, expected + "\n");
    EXPECT_EQ(disassemble_insn(slots[0], slots.size() > 1 ? std::optional(slots[1]) : std::nullopt),
              expected);

    auto again = assemble(text);
    ASSERT_TRUE(again.has_value()) << again.error().message;
    EXPECT_EQ(*again, slots);
    const InsnInfo* found = find_row((*again)[0]);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->op, row.op);
    EXPECT_EQ(disassemble(*again), text);
  }
}

TEST(Disassembler, PrintsCanonicalText) {
  auto text_of = [](std::string_view source) {
    auto slots = assemble(source);
    EXPECT_TRUE(slots.has_value()) << source;
    return slots ? disassemble(*slots) : std::string();
  };
  // Immediates: signed decimal, as the 32-bit field reads.
  EXPECT_EQ(text_of("mov32 %r0, 1"), "mov32 %r0, 1\n");
  EXPECT_EQ(text_of("mov32 %r0, 0xffffffff"), "mov32 %r0, -1\n");
  EXPECT_EQ(text_of("mov %r0, 0x80000000"), "mov %r0, -2147483648\n");
  EXPECT_EQ(text_of("and %r0, 0xff"), "and %r0, 255\n");
  EXPECT_EQ(text_of("call 0x10"), "call 16\n");
  // Memory: the offset omitted when 0, else signed decimal.
  EXPECT_EQ(text_of("ldxh %r0, [%r1+2]"), "ldxh %r0, [%r1+2]\n");
  EXPECT_EQ(text_of("ldxh %r0, [%r1+0]"), "ldxh %r0, [%r1]\n");
  EXPECT_EQ(text_of("stxdw [%r10-0x8], %r1"), "stxdw [%r10-8], %r1\n");
  // Targets: relative, the sign always written.
  EXPECT_EQ(text_of("jeq %r1, 3, 2"), "jeq %r1, 3, +2\n");
  EXPECT_EQ(text_of("ja +0"), "ja +0\n");
  EXPECT_EQ(text_of("l: ja l"), "ja -1\n");
  EXPECT_EQ(text_of("call local 3"), "call local +3\n");
  EXPECT_EQ(text_of("gotol -2"), "ja32 -2\n");
  // lddw: hex without leading zeros; pseudo forms in unsigned decimal.
  EXPECT_EQ(text_of("lddw %r0, 0x0011223344556677"), "lddw %r0, 0x11223344556677\n");
  EXPECT_EQ(text_of("lddw %r0, 0"), "lddw %r0, 0x0\n");
  EXPECT_EQ(text_of("lddw %r0, -1"), "lddw %r0, 0xffffffffffffffff\n");
  EXPECT_EQ(text_of("lddw %r2, map_value 1"), "lddw %r2, map_value 1+0\n");
  EXPECT_EQ(text_of("lddw %r2, map_idx_value -1+-1"),
            "lddw %r2, map_idx_value 4294967295+4294967295\n");
  EXPECT_EQ(text_of("lddw %r2, map 0xffffffff"), "lddw %r2, map 4294967295\n");
  // Aliases come out as the table's mnemonic.
  EXPECT_EQ(text_of("add64 %r1, %r2"), "add %r1, %r2\n");
  EXPECT_EQ(text_of("swap32 %r1"), "bswap32 %r1\n");
  // Atomics and callx.
  EXPECT_EQ(text_of("lock fetch add32 [%r10-8], %r1"), "lock fetch add32 [%r10-8], %r1\n");
  EXPECT_EQ(text_of("call %r2"), "call %r2\n");
}

TEST(Disassembler, SlotsThatAreNoInstructionPrintAsWords) {
  // No row has opcode 0x00 or 0xff.
  EXPECT_EQ(disassemble_insn(Insn::from_word(0x00000000000000ff)), ".word 0x00000000000000ff");
  EXPECT_EQ(disassemble_insn(Insn::from_word(0)), ".word 0x0000000000000000");
  // A reserved field that is not zero: mov32 imm with src_reg 3.
  EXPECT_EQ(disassemble_insn(Insn::from_word(0x00000001000030b4)), ".word 0x00000001000030b4");
  // exit with an immediate.
  EXPECT_EQ(disassemble_insn(Insn::from_word(0x0000000100000095)), ".word 0x0000000100000095");
  // A register the syntax cannot name (r11).
  EXPECT_EQ(disassemble_insn(Insn::from_word(0x0000000100000bb7)), ".word 0x0000000100000bb7");
  // movsx with an offset that is no width, call with src_reg 2 (kfunc).
  EXPECT_EQ(disassemble_insn(Insn::from_word(0x00000000000410bf)), ".word 0x00000000000410bf");
  EXPECT_EQ(disassemble_insn(Insn::from_word(0x0000000100002085)), ".word 0x0000000100002085");
}

TEST(Disassembler, LddwNeedsAValidSecondSlot) {
  const Insn lddw = Insn::from_word(0x0000000100000018);
  // Missing second slot.
  EXPECT_EQ(disassemble_insn(lddw), ".word 0x0000000100000018");
  EXPECT_EQ(disassemble(std::vector<Insn>{lddw}), ".word 0x0000000100000018\n");
  // A second slot with an opcode: both slots print on their own.
  const std::vector<Insn> bad_tail{lddw, Insn::from_word(0x95)};
  EXPECT_EQ(disassemble(bad_tail), ".word 0x0000000100000018\nexit\n");
  // lddw map: the second slot's imm must be 0.
  const std::vector<Insn> map_with_k{Insn::from_word(0x0000000300001118),
                                     Insn::from_word(0x0000000500000000)};
  EXPECT_EQ(disassemble(map_with_k), ".word 0x0000000300001118\n.word 0x0000000500000000\n");
  for (const auto& slots : {bad_tail, map_with_k}) {
    auto again = assemble(disassemble(slots));
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, slots);
  }
}

TEST(Disassembler, ShowPcCountsSlots) {
  auto slots = assemble("lddw %r0, 1\nja -3\nexit");
  ASSERT_TRUE(slots.has_value());
  EXPECT_EQ(disassemble(*slots, {.show_pc = true}),
            "   0: lddw %r0, 0x1\n"
            "   2: ja -3\n"
            "   3: exit\n");
  EXPECT_EQ(disassemble(std::vector<Insn>{}), "");
}

// assemble(disassemble(p)) == p for any slots at all: random words, with
// the opcodes biased towards real ones so every form is reached, and
// fields (registers above r10, reserved bits) left random.
TEST(Disassembler, RandomSlotsRoundTrip) {
  std::mt19937_64 rng(42);
  const auto rows = all_instructions();
  for (int round = 0; round < 3000; ++round) {
    std::vector<Insn> slots(1 + rng() % 12);
    for (Insn& slot : slots) {
      const uint64_t r = rng();
      slot = Insn::from_word(rng());
      switch (r % 4) {
        case 0: break;  // fully random
        case 1: slot.opcode = rows[r / 4 % rows.size()].opcode; break;
        default: {
          // A valid instance of a random row, with random operand values.
          const InsnInfo& row = rows[r / 4 % rows.size()];
          const Sample s = sample_for(row.form);
          slot = make_insn(row.op, s.dst ? (r >> 20) % 11 : 0, s.src ? (r >> 24) % 11 : 0,
                           s.off ? static_cast<int16_t>(r >> 28) : 0,
                           s.imm ? static_cast<int32_t>(r >> 32) : 0);
        }
      }
    }
    // Sometimes make a valid lddw tail.
    for (size_t i = 0; i + 1 < slots.size(); ++i)
      if (is_lddw(slots[i]) && rng() % 2) slots[i + 1] = Insn{.imm = static_cast<int32_t>(rng())};
    const std::string text = disassemble(slots);
    auto again = assemble(text);
    ASSERT_TRUE(again.has_value()) << text << "\n-> " << again.error().message;
    ASSERT_EQ(*again, slots) << text;
    ASSERT_EQ(disassemble(*again), text);
  }
}

}  // namespace
}  // namespace sandbpf
