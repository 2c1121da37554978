// The BPF-to-BPF rewrites (jit/rewrites) as specifications of their output:
// which slots each instruction becomes, where every jump lands, when a jump
// is widened, and that origins and counted flags still describe the
// program as loaded, alone and composed.
#include <gtest/gtest.h>

#include <vector>

#include "jit/lowered_program.hpp"
#include "jit/rewrites/constant_blinding.hpp"
#include "jit/rewrites/instruction_budget.hpp"
#include "jit/tests/test_programs.hpp"

namespace sandbpf {
namespace {

using test_programs::decode;
using test_programs::I;

LoweredProgram budgeted(const std::vector<Insn>& slots) {
  return charge_instruction_budget(LoweredProgram::from(decode(slots)));
}

// The slot's instruction, its origin and whether it counts, in one value.
struct Slot {
  Op op;
  uint8_t dst;
  int16_t off;
  int32_t imm;
  uint32_t origin;
  uint8_t counted;
  bool operator==(const Slot&) const = default;
};
std::ostream& operator<<(std::ostream& out, const Slot& s) {
  return out << info(s.op).mnemonic << " dst=" << int(s.dst) << " off=" << s.off << " imm=" << s.imm
             << " origin=" << s.origin << " counted=" << int(s.counted);
}
std::vector<Slot> slots_of(const LoweredProgram& p) {
  std::vector<Slot> out;
  for (size_t pc = 0; pc < p.size(); ++pc)
    out.push_back({p.ops[pc], p.insns[pc].dst, p.insns[pc].off, p.insns[pc].imm, p.origin[pc], p.counted[pc]});
  return out;
}

constexpr uint8_t C = kCounterRegister;

TEST(InstructionBudgetRewrite, BackwardJaChargesItsDistanceBeforeJumping) {
  const LoweredProgram p = budgeted({I(Op::Mov64Imm, 0, 0, 0, 1), I(Op::Mov64Imm, 1, 0, 0, 2),
                                     I(Op::Ja, 0, 0, -2), I(Op::Exit)});
  const std::vector<Slot> expected = {
      {Op::Mov64Imm, 0, 0, 1, 0, 1},
      {Op::Mov64Imm, 1, 0, 2, 1, 1},
      {Op::Jlt64Imm, C, 2, 2, 2, 1},     // not enough left: to the exit
      {Op::Sub64Imm, C, 0, 2, 2, 0},     // distance 2 in the program as loaded
      {Op::Ja, 0, -4, 0, 2, 0},          // back to slot 1
      {Op::CallHelper, C, -1, -1, 2, 0}, // budget exhausted, named insn 2
      {Op::Exit, 0, 0, 0, 3, 1},
  };
  EXPECT_EQ(slots_of(p), expected);
  EXPECT_TRUE(p.uses_counter_register);
  EXPECT_FALSE(p.uses_hidden_register);
  EXPECT_TRUE(is_budget_exhausted_call(p.insns[5]));
}

TEST(InstructionBudgetRewrite, BackwardConditionalJumpChargesOnlyWhenTaken) {
  // jne becomes jeq to the next instruction, then the charge and the jump.
  const LoweredProgram p = budgeted({I(Op::Mov64Imm, 1, 0, 0, 3), I(Op::Sub64Imm, 1, 0, 0, 1),
                                     I(Op::Jne64Imm, 1, 0, -2, 0), I(Op::Exit)});
  const std::vector<Slot> expected = {
      {Op::Mov64Imm, 1, 0, 3, 0, 1},
      {Op::Sub64Imm, 1, 0, 1, 1, 1},
      {Op::Jeq64Imm, 1, 4, 0, 2, 1},  // not taken: to the exit
      {Op::Jlt64Imm, C, 2, 2, 2, 0},
      {Op::Sub64Imm, C, 0, 2, 2, 0},
      {Op::Ja, 0, -5, 0, 2, 0},       // taken: back to slot 1
      {Op::CallHelper, C, -1, -1, 2, 0},
      {Op::Exit, 0, 0, 0, 3, 1},
  };
  EXPECT_EQ(slots_of(p), expected);
}

TEST(InstructionBudgetRewrite, JsetHasNoOppositeSoItJumpsOverTheCharge) {
  const LoweredProgram p = budgeted({I(Op::Jset32Imm, 1, 0, -1, 4), I(Op::Exit)});
  const std::vector<Slot> expected = {
      {Op::Jset32Imm, 1, 1, 4, 0, 1},  // taken: to the charge
      {Op::Ja, 0, 4, 0, 0, 0},         // not taken: to the exit
      {Op::Jlt64Imm, C, 2, 1, 0, 0},
      {Op::Sub64Imm, C, 0, 1, 0, 0},
      {Op::Ja, 0, -5, 0, 0, 0},        // back to the jset
      {Op::CallHelper, C, -1, -1, 0, 0},
      {Op::Exit, 0, 0, 0, 1, 1},
  };
  EXPECT_EQ(slots_of(p), expected);
}

TEST(InstructionBudgetRewrite, CallsCostOneAndTheExitRecordsWhatTheInterpreterChecksFirst) {
  const LoweredProgram p = budgeted({I(Op::CallHelper, 0, 0, 0, 1), I(Op::CallReg, 3), I(Op::CallLocal, 0, 0, 0, 1),
                                     I(Op::Exit), I(Op::Exit)});
  ASSERT_EQ(p.size(), 14u);
  EXPECT_EQ(p.insns[1].off, -1);  // call imm: the helper id is in the instruction
  EXPECT_EQ(p.insns[5].off, 3);   // callx: its register
  EXPECT_EQ(p.insns[9].off, 10);  // call local: r10, for the depth
  for (size_t pc : {1, 5, 9}) EXPECT_TRUE(is_budget_exhausted_call(p.insns[pc])) << pc;
  EXPECT_EQ(p.ops[3], Op::CallHelper);
  EXPECT_EQ(p.ops[7], Op::CallReg);
  EXPECT_EQ(p.ops[11], Op::CallLocal);
  EXPECT_EQ(p.target(11), 13);  // still the function at insn 4 as loaded
  EXPECT_EQ(p.function_entries, (std::vector<uint32_t>{0, 13}));
  // Forward jumps and everything else are left alone.
  const LoweredProgram q = budgeted({I(Op::Jeq64Imm, 1, 0, 1, 0), I(Op::Mov64Imm), I(Op::Exit)});
  EXPECT_EQ(slots_of(q), slots_of(LoweredProgram::from(decode({I(Op::Jeq64Imm, 1, 0, 1, 0), I(Op::Mov64Imm),
                                                               I(Op::Exit)}))));
  EXPECT_FALSE(q.uses_counter_register);
}

TEST(InstructionBudgetRewrite, ForwardJumpsThatNoLongerFitAreWidened) {
  // 9000 backward jumps grow 4 times each: a forward jump over them no
  // longer fits in 16 bits and becomes jcc +1 ; ja +1 ; ja32 target.
  std::vector<Insn> slots = {I(Op::Jeq64Imm, 1, 0, 9000, 0)};
  for (int i = 0; i < 9000; ++i) slots.push_back(I(Op::Ja, 0, 0, -1));
  slots.push_back(I(Op::Exit));
  const LoweredProgram p = budgeted(slots);
  ASSERT_EQ(p.size(), 3u + 9000 * 4 + 1);  // each ja -1: jlt, sub, ja, exit
  EXPECT_EQ(p.ops[0], Op::Jeq64Imm);
  EXPECT_EQ(p.insns[0].off, 1);
  EXPECT_EQ(p.ops[1], Op::Ja);
  EXPECT_EQ(p.insns[1].off, 1);
  EXPECT_EQ(p.ops[2], Op::Ja32);
  EXPECT_EQ(p.target(2), static_cast<int64_t>(p.size() - 1));
  EXPECT_EQ(p.ops.back(), Op::Exit);
  EXPECT_EQ(p.origin.back(), 9001u);
  EXPECT_EQ(p.origin[2], 0u);
  EXPECT_EQ(p.counted[0] + p.counted[1] + p.counted[2], 1);
  // A backward jump of more than 32767 slots jumps back with ja32.
  std::vector<Insn> loop(40000, I(Op::Ja, 0, 0, 0));
  loop.push_back(I(Op::Ja32, 0, 0, 0, -40001));
  loop.push_back(I(Op::Exit));
  const LoweredProgram back = budgeted(loop);
  EXPECT_EQ(back.ops[back.size() - 3], Op::Ja32);
  EXPECT_EQ(back.target(back.size() - 3), 0);
  EXPECT_EQ(back.insns[back.size() - 4].imm, 40001);  // the distance as loaded
}

TEST(InstructionBudgetRewrite, ComposesWithBlindingAndKeepsCountsAsLoaded) {
  // A loop whose compare has an immediate: blinding puts it in r11 first,
  // then the budget charges the blinded jump the distance as loaded.
  const Program program = decode({I(Op::Mov64Imm, 1, 0, 0, 1000), I(Op::Sub64Imm, 1, 0, 0, 1),
                                  I(Op::Jgt64Imm, 1, 0, -2, 7), I(Op::Lddw, 0, 0, 0, 5), Insn{},
                                  I(Op::Exit)});
  const LoweredProgram p = charge_instruction_budget(blind_constants(program, 42));
  EXPECT_TRUE(p.uses_hidden_register);
  EXPECT_TRUE(p.uses_counter_register);
  size_t counted = 0;
  for (size_t pc = 0; pc < p.size(); ++pc) counted += p.counted[pc];
  EXPECT_EQ(counted, 5u);  // the five instructions as loaded
  for (size_t pc = 1; pc < p.size(); ++pc) EXPECT_LE(p.origin[pc - 1], p.origin[pc]);
  // The charge is the loaded distance (2), and the jump back lands on the
  // first slot of insn 1's blinded sequence.
  const int64_t charge = [&] {
    for (size_t pc = 0; pc < p.size(); ++pc)
      if (p.ops[pc] == Op::Sub64Imm && p.insns[pc].dst == C) return static_cast<int64_t>(pc);
    return int64_t{-1};
  }();
  ASSERT_GE(charge, 0);
  EXPECT_EQ(p.insns[static_cast<size_t>(charge)].imm, 2);
  EXPECT_EQ(p.origin[static_cast<size_t>(charge)], 2u);
  EXPECT_EQ(p.target(static_cast<size_t>(charge) + 1), p.slot_of(1));
  // Blinding leaves the budget's own instructions alone (in either order).
  const LoweredProgram other = blind_constants(charge_instruction_budget(LoweredProgram::from(program)), 42);
  size_t charges = 0;
  for (size_t pc = 0; pc < other.size(); ++pc) {
    if (other.insns[pc].dst != C || other.ops[pc] != Op::Sub64Imm) continue;
    EXPECT_EQ(other.insns[pc].imm, 2);
    ++charges;
  }
  EXPECT_EQ(charges, 1u);
}

TEST(LoweredProgramFacts, PerInstructionFactsFollowTheirOrigin) {
  const Program program = decode({I(Op::Mov64Imm, 1, 0, 0, 9), I(Op::Ja, 0, 0, -1), I(Op::Exit)});
  const LoweredProgram p = charge_instruction_budget(blind_constants(program, 7));
  const std::vector<uint32_t> facts = {10, 20, 30};
  const std::vector<uint32_t> mapped = p.per_slot<uint32_t>(facts);
  ASSERT_EQ(mapped.size(), p.size());
  for (size_t pc = 0; pc < p.size(); ++pc) EXPECT_EQ(mapped[pc], facts[p.origin[pc]]) << pc;
  EXPECT_EQ(mapped.front(), 10u);
  EXPECT_EQ(mapped.back(), 30u);
  // A fact vector shorter than the program leaves the rest absent.
  const std::vector<uint32_t> shorter = {1};
  const std::vector<uint32_t> partial = p.per_slot<uint32_t>(shorter, 99);
  EXPECT_EQ(partial.front(), 1u);
  EXPECT_EQ(partial.back(), 99u);
}

}  // namespace
}  // namespace sandbpf
