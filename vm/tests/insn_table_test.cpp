#include "vm/insn_table.hpp"

#include <gtest/gtest.h>

#include <set>

namespace sandbpf {
namespace {

TEST(InsnTable, RowsAreInOpOrder) {
  const auto rows = all_instructions();
  ASSERT_EQ(rows.size(), kOpCount);
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(static_cast<size_t>(rows[i].op), i);
}

TEST(InsnTable, EveryRowIsFoundByItsOwnEncoding) {
  for (const InsnInfo& row : all_instructions()) {
    const Insn insn = make_insn(row.op);
    const InsnInfo* found = find_row(insn);
    ASSERT_NE(found, nullptr) << row.mnemonic;
    EXPECT_EQ(found->op, row.op) << row.mnemonic;
  }
}

TEST(InsnTable, NoTwoRowsShareAnEncoding) {
  std::set<std::tuple<uint8_t, int, int32_t>> seen;
  for (const InsnInfo& row : all_instructions()) {
    EXPECT_TRUE(seen.insert({row.opcode, static_cast<int>(row.disc), row.disc_value}).second)
        << row.mnemonic;
  }
}

TEST(InsnTable, RowsSharingAnOpcodeUseTheSameDiscriminator) {
  for (int opcode = 0; opcode < 256; ++opcode) {
    const auto rows = rows_for_opcode(static_cast<uint8_t>(opcode));
    for (const InsnInfo* row : rows) EXPECT_EQ(row->disc, rows.front()->disc) << row->mnemonic;
  }
}

TEST(InsnTable, OpcodeClassesMatchTheRfc) {
  // RFC 9669 section 3: the low three bits are the class.
  EXPECT_EQ(info(Op::Add64Imm).opcode, 0x07);
  EXPECT_EQ(info(Op::Add32Reg).opcode, 0x0c);
  EXPECT_EQ(info(Op::Lddw).opcode, 0x18);
  EXPECT_EQ(info(Op::LdxDW).opcode, 0x79);
  EXPECT_EQ(info(Op::LdxsB).opcode, 0x91);
  EXPECT_EQ(info(Op::StW).opcode, 0x62);
  EXPECT_EQ(info(Op::StxB).opcode, 0x73);
  EXPECT_EQ(info(Op::AtomicAdd64).opcode, 0xdb);
  EXPECT_EQ(info(Op::AtomicCmpxchg32).opcode, 0xc3);
  EXPECT_EQ(info(Op::AtomicCmpxchg32).disc_value, 0xf1);
  EXPECT_EQ(info(Op::Ja32).opcode, 0x06);
  EXPECT_EQ(info(Op::Jsle32Reg).opcode, 0xde);
  EXPECT_EQ(info(Op::CallReg).opcode, 0x8d);
  EXPECT_EQ(info(Op::Exit).opcode, 0x95);
  EXPECT_EQ(info(Op::Be64).opcode, 0xdc);
  EXPECT_EQ(info(Op::Bswap16).opcode, 0xd7);
  EXPECT_EQ(info(Op::LdAbsH).opcode, 0x28);
  EXPECT_EQ(info(Op::LdIndB).opcode, 0x50);
}

}  // namespace
}  // namespace sandbpf
