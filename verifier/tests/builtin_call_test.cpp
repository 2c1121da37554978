// Calls of the built-in memory functions (memset, memcpy, memmove, memcmp:
// vm/builtin_functions.hpp) with the prototypes every platform registers:
// two memory arguments sized by one later argument, memset's writes
// initializing the stack, and r0 holding the destination afterwards.
#include <gtest/gtest.h>

#include "helpers/standard/builtin_functions.hpp"
#include "verifier/tests/verifier_test_support.hpp"
#include "vm/builtin_functions.hpp"

namespace sandbpf::verifier {
namespace {

using testing::Accepted;
using testing::Fixture;
using testing::RejectedWith;

Fixture with_builtins() {
  // The registry owns the names the prototypes point to: it lives on.
  static const HelperRegistry registry = [] {
    HelperRegistry r;
    add_builtin_functions(r);
    return r;
  }();
  Fixture f;
  for (const HelperDefinition* helper : registry.all()) f.helpers[helper->prototype.id] = helper->prototype;
  return f;
}

TEST(BuiltinCalls, MemsetInitializesTheStackBytesItWrites) {
  Fixture f = with_builtins();
  // Without the memset the load reads bytes never written.
  EXPECT_TRUE(RejectedWith(f.run(R"(
      ldxdw %r0, [%r10-16]
      exit)"),
                           0, "stack read of 8 bytes at r10-16: bytes -16..-9 were never written"));
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r1, %r10
      add %r1, -16
      mov %r2, 0
      mov %r3, 16
      call 1024
      ldxdw %r0, [%r10-16]
      ldxdw %r1, [%r10-8]
      add %r0, %r1
      exit)")));
  // Only the 8 bytes written are initialized.
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r1, %r10
      add %r1, -8
      mov %r2, 0
      mov %r3, 8
      call 1024
      ldxdw %r0, [%r10-16]
      exit)"),
                           5, "stack read of 8 bytes at r10-16: bytes -16..-9 were never written"));
}

TEST(BuiltinCalls, MemcpyAndMemcmpReadInitializedMemoryAndWriteTheDestination) {
  Fixture f = with_builtins();
  EXPECT_TRUE(Accepted(f.run(R"(
      stdw [%r10-8], 42
      mov %r1, %r10
      add %r1, -16
      mov %r2, %r10
      add %r2, -8
      mov %r3, 8
      call 1025
      mov %r1, %r10
      add %r1, -24
      mov %r2, %r10
      add %r2, -16
      mov %r3, 8
      call 1026
      mov %r1, %r10
      add %r1, -24
      mov %r2, %r10
      add %r2, -8
      mov %r3, 8
      call 1027
      exit)")));
  // The source must have been written (the generic platform lets no
  // program read a previous run's stack).
  const auto uninit = f.run(R"(
      mov %r1, %r10
      add %r1, -16
      mov %r2, %r10
      add %r2, -8
      mov %r3, 8
      call 1025
      mov %r0, 0
      exit)");
  EXPECT_TRUE(RejectedWith(uninit, 5, "the memory for memcpy (r2): stack bytes -8..-1 were never written"));
}

TEST(BuiltinCalls, OutOfBoundsMemoryIsRefusedForEitherPointer) {
  Fixture f = with_builtins();
  const auto dest = f.run(R"(
      stdw [%r10-16], 0
      stdw [%r10-8], 0
      mov %r1, %r10
      add %r1, -8
      mov %r2, %r10
      add %r2, -16
      mov %r3, 16
      call 1025
      mov %r0, 0
      exit)");
  EXPECT_TRUE(RejectedWith(dest, 7,
                           "the memory for memcpy (r1): 16 bytes at r10 + -8 are outside the 512-byte frame"));
  // r1 is the program's memory of r2 bytes (generic platform): copying 16
  // bytes from it needs a check that it has 16.
  const auto source = f.run(R"(
      mov %r2, %r1
      mov %r1, %r10
      add %r1, -16
      mov %r3, 16
      call 1025
      mov %r0, 0
      exit)");
  EXPECT_TRUE(RejectedWith(source, 4,
                           "read of 16 bytes at memory offset 0 may be beyond the end of the memory: "
                           "compare the offset with the memory size (r2 at entry) first"));
  EXPECT_TRUE(Accepted(f.run(R"(
      jlt %r2, 16, out
      mov %r2, %r1
      mov %r1, %r10
      add %r1, -16
      mov %r3, 16
      call 1025
      ldxdw %r0, [%r10-16]
      exit
    out:
      mov %r0, 0
      exit)")));
}

TEST(BuiltinCalls, TheSizeMustBeABoundedNumber) {
  Fixture f = with_builtins();
  // A size read from the input may be anything.
  const auto unbounded = f.run(R"(
      jlt %r2, 8, out
      ldxdw %r3, [%r1]
      mov %r1, %r10
      add %r1, -64
      mov %r2, 0
      call 1024
    out:
      mov %r0, 0
      exit)");
  EXPECT_TRUE(RejectedWith(unbounded, 5, "the size of the memory for memset is not bounded (it may be any): check it first"));
  // Bounded by a mask: up to 63 bytes may be written, and are in bounds;
  // only those written for sure (none) count as initialized.
  EXPECT_TRUE(Accepted(f.run(R"(
      jlt %r2, 8, out
      ldxdw %r3, [%r1]
      and %r3, 63
      mov %r1, %r10
      add %r1, -64
      mov %r2, 0
      call 1024
    out:
      mov %r0, 0
      exit)")));
  const auto too_big = f.run(R"(
      jlt %r2, 8, out
      ldxdw %r3, [%r1]
      and %r3, 127
      mov %r1, %r10
      add %r1, -64
      mov %r2, 0
      call 1024
    out:
      mov %r0, 0
      exit)");
  EXPECT_FALSE(too_big.accepted);
  const auto pointer_size = f.run(R"(
      mov %r3, %r10
      mov %r1, %r10
      add %r1, -8
      mov %r2, 0
      call 1024
      mov %r0, 0
      exit)");
  EXPECT_TRUE(RejectedWith(pointer_size, 4, "r3 (the size for r1 of memset) must be a number"));
}

TEST(BuiltinCalls, MemsetTakesAValueNotAPointerAndReturnsItsDestination) {
  Fixture f = with_builtins();
  const auto pointer_value = f.run(R"(
      mov %r2, %r10
      mov %r1, %r10
      add %r1, -8
      mov %r3, 8
      call 1024
      mov %r0, 0
      exit)");
  EXPECT_TRUE(RejectedWith(pointer_value, 4, "r2 (argument 2 of memset) must be a number; it is stack+0"));
  // r0 is the destination: a stack pointer the program may use...
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r1, %r10
      add %r1, -8
      mov %r2, 7
      mov %r3, 8
      call 1024
      ldxb %r0, [%r0+7]
      exit)")));
  // ...and may not return (a pointer is no number).
  const auto leak = f.run(R"(
      mov %r1, %r10
      add %r1, -8
      mov %r2, 7
      mov %r3, 8
      call 1024
      exit)");
  EXPECT_TRUE(RejectedWith(leak, 5, "pointer leak: r0 holds stack-8 at exit"));
}

}  // namespace
}  // namespace sandbpf::verifier
