// Whole programs on the generic platform (r1 = memory, r2 = its size):
// each test states a program and its verdict, with the message when it is
// refused.
#include <gtest/gtest.h>

#include "verifier/tests/verifier_test_support.hpp"

namespace sandbpf::verifier {
namespace {

using testing::Accepted;
using testing::Fixture;
using testing::RejectedWith;

TEST(GenericPrograms, ReturningAConstantIsSafe) {
  Fixture f;
  EXPECT_TRUE(Accepted(f.run("mov %r0, 0\nexit")));
}

TEST(GenericPrograms, ExitNeedsR0) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run("exit"), 0, "r0 is not initialized at exit: set the return value first"));
}

TEST(GenericPrograms, ReadingAnUninitializedRegisterIsRefused) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run("mov %r0, %r3\nexit"), 0, "r3 is not initialized"));
}

TEST(GenericPrograms, ReadingTheMemoryNeedsASizeCheck) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run("ldxb %r0, [%r1]\nexit"), 0,
                           "read of 1 bytes at memory offset 0 may be beyond the end of the memory: compare the "
                           "offset with the memory size (r2 at entry) first"));
  // After checking that the memory has at least 4 bytes, the first 4 are fine.
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r0, 0
      jlt %r2, 4, out
      ldxw %r0, [%r1]
    out:
      exit)")));
  // ... but not the fifth.
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r0, 0
      jlt %r2, 4, out
      ldxb %r0, [%r1+4]
    out:
      exit)"),
                           2,
                           "read of 1 bytes at memory offset 4 may be beyond the end of the memory: compare the "
                           "offset with the memory size (r2 at entry) first"));
}

TEST(GenericPrograms, AnIndexCheckedAgainstTheSizeIsInBounds) {
  Fixture f;
  // r3 = memory[0]; if r3 < size, read memory[r3].
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r0, 0
      jeq %r2, 0, out
      ldxb %r3, [%r1]
      jge %r3, %r2, out
      mov %r4, %r1
      add %r4, %r3
      ldxb %r0, [%r4]
    out:
      exit)")));
  // Without the check, the index may run past the end.
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r0, 0
      jeq %r2, 0, out
      ldxb %r3, [%r1]
      mov %r4, %r1
      add %r4, %r3
      ldxb %r0, [%r4]
    out:
      exit)"),
                           5,
                           "read of 1 bytes at memory offset [0, 255] may be beyond the end of the memory: compare "
                           "the offset with the memory size (r2 at entry) first"));
}

TEST(GenericPrograms, APointerComparedWithTheEndIsInBounds) {
  Fixture f;
  // end = r1 + r2; if (r1 + 8 <= end) read 8 bytes.
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r0, 0
      mov %r3, %r1
      add %r3, %r2
      mov %r4, %r1
      add %r4, 8
      jgt %r4, %r3, out
      ldxdw %r0, [%r1]
    out:
      exit)")));
}

TEST(GenericPrograms, WritesToTheMemoryAreChecked) {
  Fixture f;
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r0, 0
      jlt %r2, 8, out
      stdw [%r1], 7
    out:
      exit)")));
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r0, 0
      jlt %r2, 8, out
      stdw [%r1+4], 7
    out:
      exit)"),
                           2,
                           "write of 8 bytes at memory offset 4 may be beyond the end of the memory: compare the "
                           "offset with the memory size (r2 at entry) first"));
}

TEST(GenericPrograms, MemoryBeforeTheStartIsRefused) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r0, 0
      jlt %r2, 8, out
      ldxb %r0, [%r1-1]
    out:
      exit)"),
                           2, "read of 1 bytes at memory offset -1 may be before the start of the memory"));
}

TEST(GenericPrograms, NumbersAreNotPointers) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run("mov %r1, 0x1000\nldxb %r0, [%r1]\nexit"), 1,
                           "r1 is not a pointer: it holds a number (4096)"));
}

TEST(GenericPrograms, DivisionByZeroIsDefined) {
  Fixture f;
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r0, 10
      mov %r1, 0
      div %r0, %r1
      mod %r0, %r1
      div32 %r0, 0
      exit)")));
}

}  // namespace
}  // namespace sandbpf::verifier
