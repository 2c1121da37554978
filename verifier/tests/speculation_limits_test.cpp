// VerifiedFacts::pointer_offset_limits: which `ptr += reg` instructions get
// a bound for Spectre v1 masking, and which bound (verifier/speculation_limits.hpp).
#include <gtest/gtest.h>

#include "verifier/tests/verifier_test_support.hpp"

namespace sandbpf::verifier {
namespace {

using testing::Accepted;
using testing::Fixture;

// Reads memory[idx] for idx = memory[0..8] after `checks` (memory of at
// least `size` bytes); with two check instructions the add is insn 6.
std::string indexed_read(std::string_view checks, std::string_view add = "add %r4, %r3",
                         int size = 8) {
  return "mov %r0, 0\njlt %r2, " + std::to_string(size) + ", out\nldxdw %r3, [%r1]\n" +
         std::string(checks) + "\nmov %r4, %r1\n" + std::string(add) + "\nldxb %r0, [%r4]\nout:\nexit\n";
}

PointerOffsetLimit at(const VerifyResult& r, size_t pc) {
  return pc < r.facts.pointer_offset_limits.size() ? r.facts.pointer_offset_limits[pc] : PointerOffsetLimit{};
}

TEST(SpeculationLimits, APointerMovedByACheckedIndexGetsTheIndexBound) {
  Fixture f;
  const VerifyResult r = f.run(indexed_read("jgt %r3, 63, out\njge %r3, %r2, out"));
  ASSERT_TRUE(Accepted(r));
  ASSERT_EQ(r.facts.pointer_offset_limits.size(), f.program->size());
  EXPECT_EQ(at(r, 6), (PointerOffsetLimit{3, 63}));
  // No other instruction moves a pointer by a register.
  for (size_t pc = 0; pc < f.program->size(); ++pc) {
    if (pc == 6) continue;
    EXPECT_EQ(at(r, pc).scalar_register, PointerOffsetLimit::kNone) << pc;
  }
  // The number may be the destination (reg += ptr).
  const VerifyResult swapped = f.run(indexed_read("and %r3, 63", "add %r3, %r4\nmov %r4, %r3", 64));
  ASSERT_TRUE(Accepted(swapped));
  EXPECT_EQ(at(swapped, 5), (PointerOffsetLimit{3, 63}));
}

TEST(SpeculationLimits, NoBoundWhereMaskingCouldNotKeepWhatWasProven) {
  Fixture f;
  // Only checked against the memory's size: its largest size bounds it
  // (64 KiB here), but the generic platform's memory may be up to 4 GiB,
  // beyond what a masking immediate holds.
  const VerifyResult size_bound = f.run(indexed_read("jge %r3, %r2, out"));
  ASSERT_TRUE(Accepted(size_bound));
  EXPECT_EQ(at(size_bound, 5), (PointerOffsetLimit{3, 0xfffe}));
  f.max_packet_size = 0xffffffffll;
  const VerifyResult wide = f.run(indexed_read("jge %r3, %r2, out"));
  ASSERT_TRUE(Accepted(wide));
  EXPECT_EQ(at(wide, 5).scalar_register, PointerOffsetLimit::kNone);
  // 0 is not among the proven values: masking to 0 would leave them.
  const VerifyResult above = f.run(indexed_read("jgt %r3, 63, out\njlt %r3, 4, out\njge %r3, %r2, out"));
  ASSERT_TRUE(Accepted(above));
  EXPECT_EQ(at(above, 7).scalar_register, PointerOffsetLimit::kNone);
  // Numbers added to numbers are not pointers moving.
  const VerifyResult numbers = f.run("mov %r0, 1\nmov %r3, 2\nadd %r0, %r3\nexit");
  ASSERT_TRUE(Accepted(numbers));
  EXPECT_EQ(at(numbers, 2).scalar_register, PointerOffsetLimit::kNone);
}

TEST(SpeculationLimits, TheBoundIsTheLargestOverEveryPath) {
  Fixture f;
  const VerifyResult r = f.run(indexed_read(
      "ldxb %r5, [%r1+8]\njeq %r5, 0, small\nand %r3, 31\nja join\nsmall:\nand %r3, 7\njoin:",
      "add %r4, %r3", 64));
  ASSERT_TRUE(Accepted(r));
  EXPECT_EQ(at(r, 9), (PointerOffsetLimit{3, 31}));
}

}  // namespace
}  // namespace sandbpf::verifier
