// The transfer function of each instruction class, as small programs with
// the expected verdict and the expected abstract state before a chosen
// instruction (states derived by hand in the comments).
#include <gtest/gtest.h>

#include "verifier/tests/verifier_test_support.hpp"

namespace sandbpf::verifier {
namespace {

using testing::Accepted;
using testing::Fixture;
using testing::RejectedWith;

// The state before instruction `pc` of `text` (which must be accepted).
State state_before(Fixture& f, std::string_view text, size_t pc) {
  AnalysisDetails d = f.details(text);
  EXPECT_TRUE(Accepted(d.result));
  if (pc >= d.before.size()) return State();
  return d.before[pc];
}

// ------------------------------------------------------------------- ALU

TEST(AluTransfer, SixtyFourBitArithmeticOnConstants) {
  Fixture f;
  const State s = state_before(f, R"(
      mov %r0, 7
      mul %r0, 6
      sub %r0, 2
      lsh %r0, 1
      arsh %r0, 2
      neg %r0
      exit)",
                               6);
  // ((7 * 6 - 2) << 1) >> 2 = 20; negated: -20.
  EXPECT_EQ(s.reg(0), RegValue::constant(static_cast<uint64_t>(-20)));
}

TEST(AluTransfer, ThirtyTwoBitResultsAreZeroExtended) {
  Fixture f;
  const State s = state_before(f, R"(
      mov %r0, -1
      add32 %r0, 2
      mov %r1, -1
      mov32 %r1, %r1
      exit)",
                               4);
  EXPECT_EQ(s.reg(0), RegValue::constant(1));            // 0xffffffff + 2 = 1 in 32 bits
  EXPECT_EQ(s.reg(1), RegValue::constant(0xffffffffu));  // mov32 keeps the low half
}

TEST(AluTransfer, MaskingBoundsAnUnknownValue) {
  Fixture f;
  const State s = state_before(f, R"(
      mov %r0, 0
      jlt %r2, 1, out
      ldxb %r3, [%r1]
      and %r3, 0x0f
      lsh %r3, 2
    out:
      exit)",
                               5);
  // A byte, masked to 4 bits, times 4: [0, 60], multiples of 4.
  const Scalar r3 = s.reg(3).num;
  EXPECT_EQ(r3.umax(), 60u);
  EXPECT_EQ(r3.tnum(), Tnum::make(0, 0x3c));
}

TEST(AluTransfer, MovsxAndByteSwaps) {
  Fixture f;
  const State s = state_before(f, R"(
      mov %r1, 0x80
      movsx864 %r2, %r1
      movsx832 %r3, %r1
      mov %r4, 0x1234
      be16 %r4
      mov %r5, 0x11223344
      le16 %r5
      mov %r0, 0
      exit)",
                               8);
  EXPECT_EQ(s.reg(2), RegValue::constant(0xffffffffffffff80ull));
  EXPECT_EQ(s.reg(3), RegValue::constant(0xffffff80u));
  EXPECT_EQ(s.reg(4), RegValue::constant(0x3412));
  EXPECT_EQ(s.reg(5), RegValue::constant(0x3344));
}

TEST(AluTransfer, PointerArithmeticMovesTheOffset) {
  Fixture f;
  const State s = state_before(f, R"(
      mov %r3, %r10
      add %r3, -16
      mov %r4, %r1
      add %r4, 14
      mov %r5, %r4
      sub %r5, %r1
      mov %r0, 0
      exit)",
                               7);
  EXPECT_EQ(s.reg(3), RegValue::stack_pointer(0, -16));
  EXPECT_EQ(s.reg(4), RegValue::pointer(Region::kPacket, Interval::constant(14)));
  EXPECT_EQ(s.reg(5), RegValue::constant(14));  // the difference of two packet pointers
}

TEST(AluTransfer, PointersBecomeNumbersOnlyWhenLeaksAreAllowed) {
  Fixture f;
  const char* program = "mov %r3, %r10\nand %r3, 0xff\nmov %r0, 0\nexit";
  EXPECT_TRUE(RejectedWith(f.run(program), 1,
                           "pointer arithmetic: this operation on a pointer (and); only adding or subtracting a "
                           "number keeps a pointer"));
  EXPECT_TRUE(RejectedWith(f.run("mov %r3, %r1\nadd %r3, %r1\nmov %r0, 0\nexit"), 1,
                           "pointer arithmetic: combining two pointers (add); only adding or subtracting a number "
                           "keeps a pointer"));
  f.options.allow_pointer_leaks = true;
  const State s = state_before(f, program, 2);
  EXPECT_TRUE(s.reg(3).is_number());  // and it can no longer be dereferenced
}

TEST(AluTransfer, PrivilegedProgramsMayTruncateAndSubtractPointers) {
  // As the kernel allows root: the results are numbers, never dereferenced.
  Fixture f;
  const char* program = "mov32 %r3, %r1\nmov %r4, 8\nsub32 %r4, %r1\nmov %r0, 0\nexit";
  EXPECT_TRUE(Accepted(f.run(program)));
  f.type.privileged = false;
  EXPECT_TRUE(RejectedWith(f.run(program), 0, "pointer arithmetic: mov32 copies only the low half of a pointer"));
}

TEST(AluTransfer, ShiftPairsExtendWithoutLosingRelations) {
  Fixture f;
  // r3 < r2 (the size); r4 = zero-extended r3 is still below the size.
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r0, 0
      jeq %r2, 0, out
      ldxb %r3, [%r1]
      jge %r3, %r2, out
      mov %r4, %r3
      lsh %r4, 32
      rsh %r4, 32
      mov %r5, %r1
      add %r5, %r4
      ldxb %r0, [%r5]
    out:
      exit)")));
}

// ----------------------------------------------------------------- jumps

TEST(JumpTransfer, BothOutcomesRefineTheRegister) {
  Fixture f;
  const char* program = R"(
      mov %r0, 0
      jlt %r2, 1, out
      ldxb %r3, [%r1]
      jgt %r3, 100, big
      mov %r0, %r3
      exit
    big:
      mov %r0, %r3
      exit
    out:
      exit)";
  AnalysisDetails d = f.details(program);
  ASSERT_TRUE(Accepted(d.result));
  EXPECT_EQ(d.before[4].reg(3).num, Scalar::unsigned_range(0, 100));    // not taken: <= 100
  EXPECT_EQ(d.before[6].reg(3).num, Scalar::unsigned_range(101, 255));  // taken: > 100
}

TEST(JumpTransfer, SignedAnd32BitComparisons) {
  Fixture f;
  AnalysisDetails d = f.details(R"(
      mov %r0, 0
      jlt %r2, 4, out
      ldxw %r3, [%r1]
      jslt32 %r3, 0, out
      jsgt32 %r3, 9, out
      mov %r0, %r3
    out:
      exit)");
  ASSERT_TRUE(Accepted(d.result));
  // A zero-extended word between 0 and 9 as a signed 32-bit number.
  EXPECT_EQ(d.before[5].reg(3).num, Scalar::unsigned_range(0, 9));
}

TEST(JumpTransfer, BitTests) {
  Fixture f;
  AnalysisDetails d = f.details(R"(
      mov %r0, 0
      jlt %r2, 1, out
      ldxb %r3, [%r1]
      jset %r3, 0xf0, out
      mov %r0, %r3
    out:
      exit)");
  ASSERT_TRUE(Accepted(d.result));
  EXPECT_EQ(d.before[4].reg(3).num, Scalar::unsigned_range(0, 15));  // high nibble clear
}

TEST(JumpTransfer, ImpossibleBranchesAreUnreachable) {
  Fixture f;
  AnalysisDetails d = f.details(R"(
      mov %r3, 5
      jgt %r3, 10, never
      mov %r0, 0
      exit
    never:
      exit)");
  // The exit without r0 is never reached: accepted.
  ASSERT_TRUE(Accepted(d.result));
  EXPECT_TRUE(d.before[4].is_bottom());
  EXPECT_EQ(d.result.facts.reachable[4], 0);
}

TEST(JumpTransfer, RegisterComparisonsRelateBothRegisters) {
  Fixture f;
  // r3 < r4 <= 16: r3 <= 15 follows through the relation.
  AnalysisDetails d = f.details(R"(
      mov %r0, 0
      jlt %r2, 2, out
      ldxb %r3, [%r1]
      ldxb %r4, [%r1+1]
      jgt %r4, 16, out
      jge %r3, %r4, out
      mov %r0, %r3
    out:
      exit)");
  ASSERT_TRUE(Accepted(d.result));
  EXPECT_EQ(d.before[6].reg(3).num.umax(), 15u);
}

// ----------------------------------------------------------------- stack

TEST(StackTransfer, SpillsAndFillsKeepValues) {
  Fixture f;
  const State s = state_before(f, R"(
      stxdw [%r10-8], %r1
      ldxdw %r3, [%r10-8]
      stw [%r10-12], 42
      ldxw %r4, [%r10-12]
      mov %r0, 0
      exit)",
                               4);
  EXPECT_EQ(s.reg(3), RegValue::pointer(Region::kPacket, Interval::constant(0)));
  EXPECT_EQ(s.reg(4), RegValue::constant(42));
}

TEST(StackTransfer, ReadingUnwrittenBytesIsRefused) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run(R"(
      stw [%r10-12], 1
      ldxdw %r0, [%r10-16]
      exit)"),
                           1, "stack read of 8 bytes at r10-16: bytes -16..-13 were never written"));
}

TEST(StackTransfer, AccessesOutsideTheFrameAreRefused) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run("stdw [%r10-520], 1\nmov %r0, 0\nexit"), 0,
                           "stack write of 8 bytes at r10-520 is outside the 512-byte frame"));
  EXPECT_TRUE(RejectedWith(f.run("stdw [%r10], 1\nmov %r0, 0\nexit"), 0,
                           "stack write of 8 bytes at r10+0 is outside the 512-byte frame"));
}

TEST(StackTransfer, PacketRelationsSurviveASpill) {
  Fixture f;
  // A checked pointer spilled and reloaded is still checked.
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r0, 0
      mov %r3, %r1
      add %r3, %r2
      mov %r4, %r1
      add %r4, 4
      jgt %r4, %r3, out
      stxdw [%r10-8], %r4
      mov %r4, 0
      ldxdw %r5, [%r10-8]
      ldxw %r0, [%r5-4]
    out:
      exit)")));
}

// ----------------------------------------------------------------- atomics

TEST(AtomicTransfer, AlignedStackAtomicsAreSafe) {
  Fixture f;
  const State s = state_before(f, R"(
      stdw [%r10-8], 0
      mov %r1, 1
      lock add [%r10-8], %r1
      lock fetch add [%r10-8], %r1
      mov %r0, 0
      exit)",
                               4);
  EXPECT_TRUE(s.reg(1).is_number());  // the fetched old value
}

TEST(AtomicTransfer, MisalignedAtomicsAreRefused) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run(R"(
      stdw [%r10-16], 0
      stdw [%r10-8], 0
      mov %r1, 1
      lock add [%r10-12], %r1
      mov %r0, 0
      exit)"),
                           3, "atomic access of 8 bytes at r10-12 is not aligned"));
}

TEST(AtomicTransfer, CmpxchgWritesR0) {
  Fixture f;
  const State s = state_before(f, R"(
      stw [%r10-4], 5
      mov %r0, 5
      mov %r1, 6
      lock cmpxchg32 [%r10-4], %r1
      exit)",
                               4);
  EXPECT_EQ(s.reg(0).num.umax(), 0xffffffffu);
}

TEST(AtomicTransfer, AtomicsOnTheMemoryAreRefused) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r0, 0
      jlt %r2, 8, out
      mov %r3, 1
      lock add [%r1], %r3
    out:
      exit)"),
                           3,
                           "atomic operations are only allowed on the stack and on map values, and r1 may point "
                           "elsewhere"));
}

// ----------------------------------------------------------------- lddw

TEST(LddwTransfer, ImmediatesMapsAndFunctions) {
  Fixture f;
  f.maps = {sandbpf::testing::map_def("counters", kMapArray, 4, 16, 1)};
  const State s = state_before(f, R"(
      lddw %r3, 0x1122334455667788
      lddw %r4, map 0
      lddw %r5, map_value 0+8
      ldxdw %r6, [%r5]
      mov %r0, 0
      exit)",
                               8);  // lddw takes two slots
  EXPECT_EQ(s.reg(3), RegValue::constant(0x1122334455667788ull));
  EXPECT_TRUE(s.reg(4).only(Region::kMapPointer));
  EXPECT_TRUE(s.reg(5).only(Region::kMapValue));
  EXPECT_EQ(s.reg(5).off(Region::kMapValue), Interval::constant(8));
}

TEST(LddwTransfer, MapValueAccessesAreBounded) {
  Fixture f;
  f.maps = {sandbpf::testing::map_def("counters", kMapArray, 4, 16, 1)};
  EXPECT_TRUE(RejectedWith(f.run(R"(
      lddw %r5, map_value 0+8
      ldxdw %r0, [%r5+4]
      exit)"),
                           2, "read of 8 bytes at offset 12 of the value of map 'counters' (value_size 16) is out of bounds"));
}

TEST(LddwTransfer, ReadOnlyDataIsKnown) {
  Fixture f;
  MapDefinition m;
  m.name = ".rodata";
  m.type = kMapArray;
  m.key_size = 4;
  m.value_size = 8;
  m.max_entries = 1;
  m.origin = MapOrigin::kGlobalData;
  m.readonly = true;
  m.initial_value = {7, 0, 0, 0, 9, 0, 0, 0};
  f.maps = {m};
  const State s = state_before(f, R"(
      lddw %r5, map_value 0+0
      ldxw %r3, [%r5+4]
      mov %r0, 0
      exit)",
                               3);
  EXPECT_EQ(s.reg(3), RegValue::constant(9));
  EXPECT_TRUE(RejectedWith(f.run(R"(
      lddw %r5, map_value 0+0
      stw [%r5], 1
      mov %r0, 0
      exit)"),
                           2, "write to read-only map '.rodata'"));
}

TEST(LddwTransfer, HostVariablesAreNotSupportedYet) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run("lddw %r1, var 0\nmov %r0, 0\nexit"), 0,
                           "lddw src=3 (host variable 0) is not supported by the verifier: the variable's size "
                           "is unknown"));
}

// ------------------------------------------------------------ local calls

TEST(LocalCalls, CalleesSeeTheCallersStackThroughPointers) {
  Fixture f;
  EXPECT_TRUE(Accepted(f.run(R"(
      stdw [%r10-8], 5
      mov %r1, %r10
      add %r1, -8
      call local fill
      ldxdw %r0, [%r10-8]
      exit
    fill:
      ldxdw %r2, [%r1]
      add %r2, 1
      stxdw [%r1], %r2
      mov %r0, 0
      exit)")));
}

TEST(LocalCalls, CalleeSavedRegistersSurviveAndArgumentsDie) {
  Fixture f;
  AnalysisDetails d = f.details(R"(
      mov %r6, 66
      mov %r1, 1
      call local g
      mov %r0, %r6
      exit
    g:
      mov %r6, 1
      mov %r0, 2
      exit)");
  ASSERT_TRUE(Accepted(d.result));
  EXPECT_EQ(d.before[3].reg(6), RegValue::constant(66));
  EXPECT_EQ(d.before[3].reg(0), RegValue::constant(2));
  EXPECT_TRUE(d.before[3].reg(1).maybe_uninit());
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r1, 1
      call local g
      mov %r0, %r1
      exit
    g:
      mov %r0, 2
      exit)"),
                           2, "r1 is not initialized"));
}

TEST(LocalCalls, RecursionIsRefused) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run(R"(
      call local f
      mov %r0, 0
      exit
    f:
      call local f
      mov %r0, 0
      exit)"),
                           3, "the call chain is deeper than 8 frames (recursion is not allowed)"));
}

TEST(LocalCalls, TheWholeChainsStackIsLimitedWhenThePlatformSaysSo) {
  Fixture f;
  f.stack.whole_chain = 512;
  // 300 bytes in the caller, 300 in the callee, each rounded up to 320:
  // 640 > 512.
  EXPECT_TRUE(RejectedWith(f.run(R"(
      stdw [%r10-300], 0
      call local g
      mov %r0, 0
      exit
    g:
      stdw [%r10-300], 0
      mov %r0, 0
      exit)"),
                           1,
                           "the call chain through insn 1 uses 640 bytes of stack (each frame rounded up to "
                           "32), more than the 512 allowed"));
  f.stack.whole_chain.reset();
  EXPECT_TRUE(Accepted(f.run(R"(
      stdw [%r10-300], 0
      call local g
      mov %r0, 0
      exit
    g:
      stdw [%r10-300], 0
      mov %r0, 0
      exit)")));
}

// ------------------------------------------------------------ termination

TEST(Termination, BoundedLoopsAreProved) {
  Fixture f;
  f.termination = TerminationPolicy::kProved;
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r0, 0
      mov %r3, 0
    loop:
      add %r0, %r3
      add %r3, 1
      jlt %r3, 10, loop
      exit)")));
}

TEST(Termination, UnboundedLoopsAreRefusedUnderProved) {
  Fixture f;
  f.termination = TerminationPolicy::kProved;
  const char* spin = R"(
      mov %r0, 0
    loop:
      add %r0, 1
      jne %r0, 0, loop
      exit)";
  EXPECT_TRUE(RejectedWith(f.run(spin), 1,
                           "infinite loop: the loop at insn 1 has no provable bound (termination policy proved)"));
  // Under a runtime budget the same loop is fine (memory safety still holds).
  f.termination = TerminationPolicy::kBudget;
  EXPECT_TRUE(Accepted(f.run(spin)));
  f.termination = TerminationPolicy::kNone;
  EXPECT_TRUE(Accepted(f.run(spin)));
}

// A counter stepping by a constant towards an exit tested with == / !=:
// 32-bit (what clang-19 emits for `for (unsigned i = 0; i < 64; i++)`) and
// 64-bit. The counter is bounded when every value it takes before the exit
// is below it: it then meets the exit exactly.
std::string EqualityExitLoop(const char* counter_init, const char* step, const char* exit_jump) {
  return std::string("mov %r0, 0\n") + counter_init + "\nloop:\nadd %r0, %r3\n" + step + "\n" + exit_jump +
         "\nexit";
}

TEST(Termination, CountersMeetingAnEqualityExitAreProved) {
  Fixture f;
  f.termination = TerminationPolicy::kProved;
  EXPECT_TRUE(Accepted(f.run(EqualityExitLoop("mov32 %r3, 0", "add32 %r3, 1", "jne32 %r3, 64, loop"))));
  EXPECT_TRUE(Accepted(f.run(EqualityExitLoop("mov %r3, 0", "add %r3, 1", "jne %r3, 64, loop"))));
  // Steps of 4 from 0: the known low bits keep every value a multiple of 4.
  EXPECT_TRUE(Accepted(f.run(EqualityExitLoop("mov32 %r3, 0", "add32 %r3, 4", "jne32 %r3, 64, loop"))));
  // A start anywhere in [0, 7] (from the memory size) still meets 64 stepping by 1.
  EXPECT_TRUE(Accepted(f.run(EqualityExitLoop("mov32 %r3, %r2\nand32 %r3, 7", "add32 %r3, 1",
                                              "jne32 %r3, 64, loop"))));
}

// Counting down ties the counter to the loop's count by their sum, which
// the negated hidden counter holds as a difference.
TEST(Termination, CountersCountingDownAreProved) {
  Fixture f;
  f.termination = TerminationPolicy::kProved;
  EXPECT_TRUE(Accepted(f.run(EqualityExitLoop("mov32 %r3, 64", "add32 %r3, -1", "jne32 %r3, 0, loop"))));
  EXPECT_TRUE(Accepted(f.run(EqualityExitLoop("mov %r3, 64", "sub %r3, 1", "jne %r3, 0, loop"))));
  EXPECT_TRUE(Accepted(f.run(EqualityExitLoop("mov %r3, 64", "add %r3, -2", "jne %r3, 0, loop"))));
  // From the memory size (at most 0xffff here) down to 0.
  EXPECT_TRUE(Accepted(f.run(EqualityExitLoop("mov32 %r3, %r2\njeq %r3, 0, out", "sub32 %r3, 1",
                                              "jne32 %r3, 0, loop\nout:\nmov %r0, 0"))));
}

TEST(Termination, CountersThatMaySkipOrWrapPastTheExitAreRefused) {
  Fixture f;
  f.termination = TerminationPolicy::kProved;
  const char* message = "infinite loop: the loop at insn 2 has no provable bound (termination policy proved)";
  // Steps of 3 go from 63 to 66: 64 comes only after wrapping around 2^32.
  EXPECT_TRUE(RejectedWith(f.run(EqualityExitLoop("mov32 %r3, 0", "add32 %r3, 3", "jne32 %r3, 64, loop")), 2,
                           message));
  EXPECT_TRUE(RejectedWith(f.run(EqualityExitLoop("mov %r3, 0", "add %r3, 3", "jne %r3, 64, loop")), 2, message));
  // A start that may be past 64 (the memory size): 32 bits reach it after
  // up to 2^32 steps, far over any instruction limit; sandbpf does not
  // count that as a bound.
  EXPECT_TRUE(RejectedWith(f.run(EqualityExitLoop("mov32 %r3, %r2", "add32 %r3, 1", "jne32 %r3, 64, loop")), 2,
                           message));
}

TEST(Termination, LoopsBoundedByTheMemorySize) {
  Fixture f;
  f.termination = TerminationPolicy::kProved;
  // for (i = 0; i < size; i++) sum += mem[i]
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r0, 0
      mov %r3, 0
    loop:
      jge %r3, %r2, done
      mov %r4, %r1
      add %r4, %r3
      ldxb %r5, [%r4]
      add %r0, %r5
      add %r3, 1
      ja loop
    done:
      exit)")));
}

// ------------------------------------------------------------ diagnostics

TEST(Diagnostics, CarryTheSourceLine) {
  Fixture f;
  std::vector<std::optional<SourceLine>> lines(2);
  lines[1] = SourceLine{"prog.c", 12, 5};
  const VerifyResult r = f.run("mov %r1, 0\nexit", lines);
  ASSERT_FALSE(r.accepted);
  ASSERT_EQ(r.errors.size(), 1u);
  ASSERT_TRUE(r.errors[0].source.has_value());
  EXPECT_EQ(r.errors[0].source->file, "prog.c");
  EXPECT_EQ(r.errors[0].source->line, 12u);
}

TEST(Diagnostics, TraceShowsTheStateAndThePath) {
  Fixture f;
  f.options.trace = true;
  const VerifyResult r = f.run(R"(
      mov %r3, 5
      jeq %r2, 0, skip
      mov %r3, 6
    skip:
      ldxb %r0, [%r1+8]
      exit)");
  ASSERT_FALSE(r.accepted);
  const std::string& trace = r.errors[0].trace;
  EXPECT_NE(trace.find("r3 = "), std::string::npos) << trace;
  EXPECT_NE(trace.find("path: insns 0-1 -> "), std::string::npos) << trace;
}

TEST(Facts, ProvenAccessesAndReachability) {
  Fixture f;
  const VerifyResult r = f.run(R"(
      mov %r0, 0
      jlt %r2, 4, out
      ldxw %r0, [%r1]
    out:
      exit)");
  ASSERT_TRUE(Accepted(r));
  ASSERT_EQ(r.facts.access_proven.size(), 4u);
  EXPECT_EQ(r.facts.access_proven[2], 1);
  EXPECT_EQ(r.facts.access_proven[0], 0);
  EXPECT_EQ(r.facts.reachable[3], 1);
}

}  // namespace
}  // namespace sandbpf::verifier
