// Spectre v1 masking (jit/rewrites/spectre_v1.hpp): the slots it writes,
// the masked value for every kind of index, the same results with the
// option on as off, and, by running the rewritten code on the interpreter
// with the bounds checks removed (what a mispredicted branch does), that
// an index the verifier's bound excludes lands inside the region.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "helpers/generic/generic_platform.hpp"
#include "helpers/platform.hpp"
#include "jit/jit.hpp"
#include "jit/lowered_program.hpp"
#include "jit/rewrites/spectre_v1.hpp"
#include "jit/tests/test_programs.hpp"
#include "loader/assembler.hpp"
#include "verifier/verifier.hpp"
#include "vm/interpreter.hpp"

namespace sandbpf {
namespace {

using test_programs::decode;
using test_programs::I;

// The lowered slots as a Program the interpreter runs: the hidden register
// r11 (which Program refuses) renamed to `spare`, a register the test
// program leaves alone.
Program runnable(const LoweredProgram& lowered, uint8_t spare) {
  std::vector<Insn> slots = lowered.insns;
  for (size_t pc = 0; pc < slots.size(); ++pc) {
    if (lowered.tail[pc]) continue;
    if (slots[pc].dst == kHiddenRegister) slots[pc].dst = spare;
    if (slots[pc].src == kHiddenRegister) slots[pc].src = spare;
  }
  return decode(slots);
}

uint64_t run_fast(const Program& program, uint64_t r1) {
  auto interpreter = Interpreter::create(program);
  EXPECT_TRUE(interpreter);
  RunInput input;
  input.args[0] = r1;
  auto r0 = interpreter->run({}, input, ExecMode::kFast);
  EXPECT_TRUE(r0) << r0.error().to_string();
  return r0 ? *r0 : 0xdeadbeef;
}

std::vector<PointerOffsetLimit> limit_at(size_t size, size_t pc, uint8_t reg, uint32_t limit) {
  std::vector<PointerOffsetLimit> limits(size);
  limits[pc] = {reg, limit};
  return limits;
}

TEST(SpectreV1Rewrite, MasksTheBoundedOperandAndRepairsOffsets) {
  const Program program = decode({I(Op::Mov64Imm, 2), I(Op::Jeq64Imm, 1, 0, 1, 0), I(Op::Add64Reg, 2, 1),
                                  I(Op::Mov64Reg, 0, 2), I(Op::Exit)});
  const LoweredProgram p = mask_pointer_offsets(LoweredProgram::from(program), limit_at(5, 2, 1, 100));
  const uint8_t h = kHiddenRegister;
  const std::vector<Op> ops = {Op::Mov64Imm, Op::Jeq64Imm, Op::Mov64Imm, Op::Sub64Reg, Op::Or64Reg,
                               Op::Arsh64Imm, Op::Xor64Imm, Op::And64Reg, Op::Add64Reg, Op::Mov64Reg,
                               Op::Exit};
  EXPECT_EQ(p.ops, ops);
  EXPECT_EQ(p.insns[2].dst, h);
  EXPECT_EQ(p.insns[2].imm, 100);
  EXPECT_EQ(p.insns[3].src, 1);
  EXPECT_EQ(p.insns[5].imm, 63);
  EXPECT_EQ(p.insns[6].imm, -1);
  EXPECT_EQ(p.insns[8].dst, 2);
  EXPECT_EQ(p.insns[8].src, h);   // ptr += masked idx
  EXPECT_EQ(p.insns[1].off, 7);   // the jump still lands on the mov after the add
  EXPECT_EQ(p.origin, (std::vector<uint32_t>{0, 1, 2, 2, 2, 2, 2, 2, 2, 3, 4}));
  EXPECT_EQ(p.counted, (std::vector<uint8_t>{1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1}));
  EXPECT_TRUE(p.uses_hidden_register);
  // No fact, or a fact about another register: unchanged.
  EXPECT_EQ(mask_pointer_offsets(LoweredProgram::from(program), limit_at(5, 2, 3, 100)).ops,
            LoweredProgram::from(program).ops);
  EXPECT_EQ(mask_pointer_offsets(LoweredProgram::from(program), {}).size(), program.size());
}

// Every index against every limit: kept when in [0, L], 0 otherwise; in
// all three forms (ptr += idx, ptr -= idx, idx += ptr).
TEST(SpectreV1Rewrite, TheMaskKeepsInRangeIndicesAndZeroesTheRest) {
  const Program add = decode({I(Op::Mov64Imm, 2, 0, 0, 0), I(Op::Add64Reg, 2, 1), I(Op::Mov64Reg, 0, 2),
                              I(Op::Exit)});
  const Program sub = decode({I(Op::Mov64Imm, 2, 0, 0, 0), I(Op::Sub64Reg, 2, 1), I(Op::Mov64Reg, 0, 2),
                              I(Op::Exit)});
  const Program swapped = decode({I(Op::Mov64Imm, 2, 0, 0, 1000), I(Op::Add64Reg, 1, 2),
                                  I(Op::Mov64Reg, 0, 1), I(Op::Exit)});
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (uint32_t limit : {0u, 1u, 63u, 4095u, 65535u, 0x7fffffffu}) {
    const Program masked_add =
        runnable(mask_pointer_offsets(LoweredProgram::from(add), limit_at(4, 1, 1, limit)), 9);
    const Program masked_sub =
        runnable(mask_pointer_offsets(LoweredProgram::from(sub), limit_at(4, 1, 1, limit)), 9);
    const Program masked_swapped =
        runnable(mask_pointer_offsets(LoweredProgram::from(swapped), limit_at(4, 1, 1, limit)), 9);
    const uint64_t l = limit;
    for (uint64_t idx : {uint64_t{0}, uint64_t{1}, l - 1, l, l + 1, 2 * l + 2, uint64_t{1} << 31,
                         uint64_t{1} << 32, (uint64_t{1} << 63) - 1, uint64_t{1} << 63,
                         (uint64_t{1} << 63) + l, kMax, kMax - l, 0 - (l + 1)}) {
      const uint64_t expected = idx <= l ? idx : 0;
      SCOPED_TRACE("limit " + std::to_string(limit) + ", index " + std::to_string(idx));
      EXPECT_EQ(run_fast(masked_add, idx), expected);
      EXPECT_EQ(run_fast(masked_sub, idx), 0 - expected);
      EXPECT_EQ(run_fast(masked_swapped, idx), expected + 1000);
    }
  }
}

// memory[idx] for idx = memory[0..8], checked against 63 and the memory's
// size (r2): insns 3 and 4 are the bounds checks, insn 6 the add.
constexpr const char* kIndexedRead = R"(
    mov %r0, 0
    jlt %r2, 8, out
    ldxdw %r3, [%r1]
    jgt %r3, 63, out
    jge %r3, %r2, out
    mov %r4, %r1
    add %r4, %r3
    ldxb %r0, [%r4]
  out:
    exit)";

struct Verified {
  Program program;
  std::shared_ptr<const VerifiedFacts> facts;
};

Verified verified(const char* text) {
  auto slots = assemble(text);
  EXPECT_TRUE(slots) << slots.error().to_string();
  Verified out{decode(*slots), nullptr};
  const auto platform = Platform::make_generic();
  const VerifierInput input{&out.program, platform.get(),
                            platform->find_program_type(kGenericProgramType), {}};
  auto result = verify(input);
  EXPECT_TRUE(result && result->accepted);
  if (result) out.facts = std::make_shared<const VerifiedFacts>(result->facts);
  return out;
}

TEST(SpectreV1Rewrite, MasksTheVerifiersBoundAndChangesNoResult) {
  const Verified v = verified(kIndexedRead);
  ASSERT_TRUE(v.facts);
  ASSERT_EQ(v.facts->pointer_offset_limits[6], (PointerOffsetLimit{3, 63}));
  if (!jit_available()) GTEST_SKIP() << "no JIT backend for this host";
  JitOptions plain;
  JitOptions hardened;
  hardened.spectre_v1 = true;
  hardened.facts = v.facts;
  auto off = JitProgram::compile(v.program, {}, plain);
  auto on = JitProgram::compile(v.program, {}, hardened);
  ASSERT_TRUE(off && on);
  EXPECT_GT(on->code().size(), off->code().size());  // the mask is there
  auto interpreter = Interpreter::create(v.program);
  ASSERT_TRUE(interpreter);
  for (uint64_t size : {8u, 16u, 64u, 200u}) {
    for (uint64_t idx : {0u, 5u, 15u, 16u, 63u, 64u, 199u, 1000u}) {
      std::vector<uint8_t> memory(size);
      for (size_t i = 0; i < size; ++i) memory[i] = static_cast<uint8_t>(i * 7 + 3);
      std::memcpy(memory.data(), &idx, 8);
      const MemoryRegion region{reinterpret_cast<uint64_t>(memory.data()), size, true};
      RunInput input;
      input.args[0] = region.base;
      input.args[1] = size;
      input.regions = {&region, 1};
      const auto expected = interpreter->run({}, input, ExecMode::kFast);
      ASSERT_TRUE(expected);
      EXPECT_EQ(*on->run({}, input), *expected) << "size " << size << ", index " << idx;
      EXPECT_EQ(*off->run({}, input), *expected) << "size " << size << ", index " << idx;
    }
  }
  // The option needs the facts, and the facts of this program.
  JitOptions missing;
  missing.spectre_v1 = true;
  EXPECT_FALSE(JitProgram::compile(v.program, {}, missing));
  JitOptions other = hardened;
  other.facts = verified("mov %r0, 0\nexit").facts;
  EXPECT_FALSE(JitProgram::compile(v.program, {}, other));
}

// A mispredicted bounds check runs the code after it with an index the
// check excludes. Removing the checks (ja +0) runs that path for real: on
// the masked code the read stays inside the memory (the index became 0);
// on the unmasked code checked mode catches it reading out of bounds.
TEST(SpectreV1Rewrite, AnIndexTheBoundExcludesLandsInsideTheRegion) {
  const Verified v = verified(kIndexedRead);
  ASSERT_TRUE(v.facts);
  auto without_checks = [](LoweredProgram lowered) {
    for (size_t pc = 0; pc < lowered.size(); ++pc) {
      if (lowered.origin[pc] != 3 && lowered.origin[pc] != 4) continue;
      lowered.insns[pc] = I(Op::Ja, 0, 0, 0);
      lowered.ops[pc] = Op::Ja;
    }
    return runnable(lowered, 9);
  };
  const LoweredProgram plain = LoweredProgram::from(v.program);
  const Program masked = without_checks(
      mask_pointer_offsets(plain, plain.per_slot<PointerOffsetLimit>(v.facts->pointer_offset_limits)));
  const Program unmasked = without_checks(plain);

  std::vector<uint8_t> memory(64);
  for (size_t i = 0; i < memory.size(); ++i) memory[i] = static_cast<uint8_t>(0x40 + i);
  for (uint64_t idx : {64u, 1000u, 1u << 20}) {
    std::memcpy(memory.data(), &idx, 8);
    const MemoryRegion region{reinterpret_cast<uint64_t>(memory.data()), memory.size(), true};
    RunInput input;
    input.args[0] = region.base;
    input.args[1] = memory.size();
    input.regions = {&region, 1};
    auto on_masked = Interpreter::create(masked)->run({}, input, ExecMode::kChecked);
    ASSERT_TRUE(on_masked) << on_masked.error().to_string();
    EXPECT_EQ(*on_masked, memory[0]) << "index " << idx << " was masked to 0";
    auto on_unmasked = Interpreter::create(unmasked)->run({}, input, ExecMode::kChecked);
    ASSERT_FALSE(on_unmasked) << "index " << idx;
    EXPECT_NE(on_unmasked.error().message.find("out of bounds"), std::string::npos)
        << on_unmasked.error().message;
  }
}

uint64_t sum_helper(uint64_t a, uint64_t b, uint64_t, uint64_t, uint64_t, RunContext&) { return a + b; }

// callx clamps the helper id after checking it (backend.hpp): known ids
// still reach their helper, unknown ones still fail as on the interpreter.
TEST(SpectreV1Rewrite, CallxReachesItsHelpersWithTheIdClamped) {
  if (!jit_available()) GTEST_SKIP() << "no JIT backend for this host";
  std::array<HelperFunction, 3> helpers = {nullptr, nullptr, sum_helper};
  Environment env;
  env.helpers = helpers;
  for (int32_t id : {2, 1, 3, 1000}) {
    const Program program = decode({I(Op::Mov64Imm, 1, 0, 0, 40), I(Op::Mov64Imm, 2, 0, 0, 2),
                                    I(Op::Mov64Imm, 6, 0, 0, id), I(Op::CallReg, 6), I(Op::Exit)});
    auto facts = std::make_shared<VerifiedFacts>();
    facts->pointer_offset_limits.resize(program.size());
    JitOptions hardened;
    hardened.spectre_v1 = true;
    hardened.facts = facts;
    auto jit = JitProgram::compile(program, env, hardened);
    ASSERT_TRUE(jit) << jit.error().to_string();
    auto interpreter = Interpreter::create(program);
    ASSERT_TRUE(interpreter);
    const auto expected = interpreter->run(env, {}, ExecMode::kFast);
    const auto got = jit->run(env, {});
    ASSERT_EQ(got.has_value(), expected.has_value()) << "id " << id;
    if (expected) EXPECT_EQ(*got, *expected) << "id " << id;
    else EXPECT_EQ(got.error().to_string(), expected.error().to_string()) << "id " << id;
  }
}

}  // namespace
}  // namespace sandbpf
