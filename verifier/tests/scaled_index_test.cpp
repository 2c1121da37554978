// Loops whose index moves by 1 while a pointer moves by the element size
// (for (i = 0; i < len / 8; i++) read words[i]): the relational domain ties
// the pointer to 8 times the index, and 8 times len / 8 to the memory size
// (scaled twins, State::assign_quotient). Each safe form is accepted; each
// off-by-one or unchecked variant is refused where it reads.
#include <gtest/gtest.h>

#include <string>

#include "verifier/tests/verifier_test_support.hpp"

namespace sandbpf::verifier {
namespace {

using testing::Accepted;
using testing::Fixture;
using testing::RejectedWith;

const char* const kBeyondEnd =
    "read of 8 bytes at memory offset {} may be beyond the end of the memory: compare the offset with the "
    "memory size (r2 at entry) first";

std::string beyond_end(const std::string& offset) {
  std::string m = kBeyondEnd;
  return m.replace(m.find("{}"), 2, offset);
}

// A loop over the memory: the pointer r6 moves by `step` bytes and the
// index r8 by 1 while `compare` r8, r7 holds, where r7 is len after
// `quotient`; each iteration reads `load` at r6. len >= `least` is checked
// first.
struct Loop {
  const char* quotient;
  const char* step;
  const char* compare;
  const char* load = "ldxdw";
  const char* least = "8";
  const char* why = "";
};

std::string program(const Loop& l) {
  return std::string("  mov %r0, 0\n  mov %r6, %r1\n  jlt %r2, ") + l.least + ", out\n  mov %r7, %r2\n" +
         l.quotient + "\n  mov %r8, 0\nloop:\n  " + l.load + " %r3, [%r6]\n  add %r0, %r3\n  add %r6, " + l.step +
         "\n  add %r8, 1\n  " + l.compare + " %r8, %r7, loop\nout:\n  exit\n";
}

// Safe loops are accepted; each off-by-one or unchecked variant is refused
// where it reads, and nowhere else.
TEST(ScaledIndex, ALoopIsAcceptedExactlyWhenItsReadsStayInside) {
  struct Case {
    bool safe;
    Loop loop;
  };
  const Case cases[] = {
      {true, {"  rsh %r7, 3", "8", "jlt", "ldxdw", "8", "words below len / 8"}},
      {true, {"  div %r7, 8", "8", "jlt", "ldxdw", "8", "division by 8 is the same quotient"}},
      {true, {"  rsh %r7, 1", "2", "jlt", "ldxh", "2", "half-words below len / 2"}},
      {true, {"  rsh %r7, 2", "4", "jlt", "ldxw", "4", "words below len / 4"}},
      {true, {"  sub %r7, 8\n  rsh %r7, 3", "8", "jlt", "ldxdw", "8", "len - 8 >= 0 (checked): (len - 8) / 8 words"}},
      {false, {"  rsh %r7, 3", "8", "jle", "ldxdw", "8", "i <= len / 8: the last word may end past len"}},
      {false, {"  rsh %r7, 3", "16", "jlt", "ldxdw", "8", "16 bytes per step, len / 8 steps"}},
      {false, {"  rsh %r7, 2", "8", "jlt", "ldxdw", "8", "len / 4 words of 8 bytes"}},
      {false, {"  rsh %r7, 1", "2", "jlt", "ldxw", "2", "len / 2 steps of 2 bytes, reading 4"}},
      {false, {"  rsh %r7, 3\n  mov %r7, 100", "8", "jlt", "ldxdw", "8", "the quotient replaced by 100"}},
      {false, {"  rsh %r7, 3\n  add %r7, 1", "8", "jlt", "ldxdw", "8", "the quotient moved on by one"}},
      {false, {"  sub %r7, 16\n  rsh %r7, 3", "8", "jlt", "ldxdw", "8",
               "len - 16 may be negative: shifted right it is huge, not a quotient"}},
  };
  for (const Case& c : cases) {
    Fixture f;
    const VerifyResult r = f.run(program(c.loop));
    EXPECT_EQ(r.accepted, c.safe) << c.loop.why << testing::messages(r);
    // Refused where it reads: insn 6, after a quotient of two instructions 7.
    const uint64_t load_at = std::string(c.loop.quotient).find('\n') == std::string::npos ? 6 : 7;
    for (const auto& e : r.errors) EXPECT_EQ(e.insn, load_at) << c.loop.why << ": " << e.message;
  }
}

TEST(ScaledIndex, AnIndexMultipliedByEightIsAnOffset) {
  Fixture f;
  const std::string program = R"(
      mov %r0, 0
      jlt %r2, 8, out
      mov %r7, %r2
      rsh %r7, 3
      mov %r8, 0
    loop:
      mov %r3, %r8
      SCALE
      mov %r4, %r1
      add %r4, %r3
      ldxdw %r3, [%r4]
      add %r0, %r3
      add %r8, 1
      jlt %r8, %r7, loop
    out:
      exit)";
  auto with = [&](const std::string& scale) {
    std::string p = program;
    return p.replace(p.find("SCALE"), 5, scale);
  };
  EXPECT_TRUE(Accepted(f.run(with("lsh %r3, 3"))));
  EXPECT_TRUE(Accepted(f.run(with("mul %r3, 8"))));
  // 16 * i: past the end in the second half of the loop.
  EXPECT_TRUE(RejectedWith(f.run(with("lsh %r3, 4")), 9, beyond_end("[16, 131040]")));
}

}  // namespace
}  // namespace sandbpf::verifier
