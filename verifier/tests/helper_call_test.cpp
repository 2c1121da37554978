// Calls to helpers, checked against prototypes (built here by hand, as a
// platform would register them): maps, nullness, memory arguments,
// callbacks, references and packet-moving helpers.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "verifier/tests/verifier_test_support.hpp"

namespace sandbpf::verifier {
namespace {

using testing::Accepted;
using testing::Fixture;
using testing::RejectedWith;

HelperPrototype proto(uint32_t id, std::string_view name, ReturnKind ret, std::array<ArgKind, 5> args) {
  HelperPrototype p;
  p.id = id;
  p.name = name;
  p.returns = ret;
  p.args = args;
  return p;
}

constexpr ArgKind N = ArgKind::kNone;

Fixture with_maps() {
  Fixture f;
  f.maps = {sandbpf::testing::map_def("counters", kMapHash, 4, 16, 8)};
  f.helpers[1] = proto(1, "bpf_map_lookup_elem", ReturnKind::kMapValueOrNull,
                       {ArgKind::kMapPointer, ArgKind::kMapKey, N, N, N});
  f.helpers[2] = proto(2, "bpf_map_update_elem", ReturnKind::kInteger,
                       {ArgKind::kMapPointer, ArgKind::kMapKey, ArgKind::kMapValue, ArgKind::kAnything, N});
  f.helpers[16] = proto(16, "bpf_get_current_comm", ReturnKind::kInteger,
                        {ArgKind::kWritableMemory, ArgKind::kSize, N, N, N});
  return f;
}

TEST(HelperCalls, LookupResultsMustBeCheckedForNull) {
  Fixture f = with_maps();
  const char* unchecked = R"(
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -4
      lddw %r1, map 0
      call 1
      ldxdw %r0, [%r0]
      exit)";
  EXPECT_TRUE(RejectedWith(f.run(unchecked), 6,
                           "r0 may be NULL here: the result of bpf_map_lookup_elem at insn 5 is not checked"));
  EXPECT_TRUE(Accepted(f.run(R"(
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -4
      lddw %r1, map 0
      call 1
      jeq %r0, 0, out
      ldxdw %r0, [%r0+8]
      exit
    out:
      mov %r0, 0
      exit)")));
}

TEST(HelperCalls, CheckingACopyChecksTheOriginal) {
  Fixture f = with_maps();
  EXPECT_TRUE(Accepted(f.run(R"(
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -4
      lddw %r1, map 0
      call 1
      mov %r6, %r0
      stxdw [%r10-16], %r0
      jeq %r6, 0, out
      ldxdw %r7, [%r10-16]
      ldxdw %r0, [%r7]
      exit
    out:
      mov %r0, 0
      exit)")));
}

TEST(HelperCalls, TheKeyMustBeInitializedMemoryOfTheKeySize) {
  Fixture f = with_maps();
  EXPECT_TRUE(RejectedWith(f.run(R"(
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -2
      lddw %r1, map 0
      call 1
      mov %r0, 0
      exit)"),
                           5, "the map key for bpf_map_lookup_elem (4 bytes) (r2): 4 bytes at r10 + -2 are outside the 512-byte frame"));
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r2, %r10
      add %r2, -4
      lddw %r1, map 0
      call 1
      mov %r0, 0
      exit)"),
                           4, "the map key for bpf_map_lookup_elem (4 bytes) (r2): stack bytes -4..-1 were never written"));
}

TEST(HelperCalls, MapArgumentsMustBeMaps) {
  Fixture f = with_maps();
  EXPECT_TRUE(RejectedWith(f.run(R"(
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -4
      mov %r1, 0
      call 1
      mov %r0, 0
      exit)"),
                           4, "r1 (argument 1 of bpf_map_lookup_elem) must be a map (lddw map); it is 0"));
}

// A helper's prototype says which map types its map argument takes (the
// kernel's check_map_func_compatibility on Linux); a map of another type is
// refused, naming the helper, the map and its type.
TEST(HelperCalls, MapArgumentsMustBeOfATypeTheHelperTakes) {
  Fixture f = with_maps();
  f.maps.push_back(sandbpf::testing::map_def("jumps", kMapProgArray, 4, 4, 4));
  f.helpers[1].map_types = MapTypeSet::of({kMapHash, kMapArray});
  f.helpers[12] = proto(12, "bpf_tail_call", ReturnKind::kVoid, {ArgKind::kAnything, ArgKind::kMapPointer,
                                                                 ArgKind::kAnything, N, N});
  f.helpers[12].map_types = MapTypeSet::of({kMapProgArray});
  auto lookup = [](const char* map) {
    return fmt::format(R"(
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -4
      lddw %r1, map {}
      call 1
      mov %r0, 0
      exit)", map);
  };
  EXPECT_TRUE(Accepted(f.run(lookup("0"))));
  EXPECT_TRUE(RejectedWith(f.run(lookup("1")), 5,
                           "r1 (argument 1 of bpf_map_lookup_elem) is map 'jumps' of type prog_array: "
                           "bpf_map_lookup_elem takes only hash or array maps"));
  const char* tail_call = R"(
      lddw %r2, map 0
      mov %r3, 0
      call 12
      mov %r0, 0
      exit)";
  EXPECT_TRUE(RejectedWith(f.run(tail_call), 3,
                           "r2 (argument 2 of bpf_tail_call) is map 'counters' of type hash: bpf_tail_call takes "
                           "only prog_array maps"));
  // Either of two maps (joined paths): each must be of a type it takes.
  EXPECT_TRUE(RejectedWith(f.run(R"(
      lddw %r2, map 1
      jeq %r1, 0, call
      lddw %r2, map 0
    call:
      mov %r3, 0
      call 12
      mov %r0, 0
      exit)"),
                           6, "r2 (argument 2 of bpf_tail_call) is map 'counters' of type hash: bpf_tail_call takes "
                              "only prog_array maps"));
  // A long list is not spelled out: what the helper refuses is named.
  f.helpers[1].map_types = MapTypeSet::of({kMapHash, kMapArray, kMapLruHash, kMapPercpuHash, kMapLpmTrie});
  EXPECT_TRUE(RejectedWith(f.run(lookup("1")), 5,
                           "r1 (argument 1 of bpf_map_lookup_elem) is map 'jumps' of type prog_array: "
                           "bpf_map_lookup_elem does not take prog_array maps"));
}

TEST(HelperCalls, StoringAPointerInAMapIsALeak) {
  Fixture f = with_maps();
  const char* leak = R"(
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -4
      lddw %r1, map 0
      call 1
      jeq %r0, 0, out
      stxdw [%r0], %r10
    out:
      mov %r0, 0
      exit)";
  EXPECT_TRUE(RejectedWith(f.run(leak), 7, "pointer leak: storing a stack pointer into a map value"));
  f.options.allow_pointer_leaks = true;
  EXPECT_TRUE(Accepted(f.run(leak)));
}

TEST(HelperCalls, UpdatingAMapWithASpilledPointerIsALeak) {
  Fixture f = with_maps();
  EXPECT_TRUE(RejectedWith(f.run(R"(
      stw [%r10-4], 0
      stxdw [%r10-24], %r1
      stdw [%r10-16], 0
      mov %r2, %r10
      add %r2, -4
      mov %r3, %r10
      add %r3, -24
      lddw %r1, map 0
      mov %r4, 0
      call 2
      mov %r0, 0
      exit)"),
                           10,
                           "pointer leak: the map value for bpf_map_update_elem (16 bytes) (r3) contains a packet "
                           "pointer stored at r10-24"));
}

TEST(HelperCalls, WrittenMemoryBecomesInitialized) {
  Fixture f = with_maps();
  EXPECT_TRUE(Accepted(f.run(R"(
      mov %r1, %r10
      add %r1, -16
      mov %r2, 16
      call 16
      ldxdw %r0, [%r10-16]
      exit)")));
}

TEST(HelperCalls, UnknownHelpersAreRefused) {
  Fixture f;
  EXPECT_TRUE(RejectedWith(f.run("call 99\nmov %r0, 0\nexit"), 0,
                           "call to unknown helper 99: the generic platform has no helper with that id"));
}

TEST(HelperCalls, ArgumentRegistersAreClobbered) {
  Fixture f = with_maps();
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r1, %r10
      add %r1, -16
      mov %r2, 16
      call 16
      mov %r0, %r2
      exit)"),
                           4, "r2 is not initialized"));
}

TEST(HelperCalls, PacketMovingHelpersInvalidatePacketPointers) {
  Fixture f;
  HelperPrototype adjust = proto(44, "bpf_xdp_adjust_head", ReturnKind::kInteger, {ArgKind::kAnything, ArgKind::kScalar, N, N, N});
  adjust.changes_packet_data = true;
  f.helpers[44] = adjust;
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r0, 0
      jlt %r2, 8, out
      mov %r6, %r1
      mov %r2, 4
      call 44
      ldxb %r0, [%r6]
    out:
      exit)"),
                           5, "r6 is not a pointer: it holds a number"));
}

TEST(HelperCalls, ReferencesMustBeReleased) {
  Fixture f;
  HelperPrototype reserve = proto(131, "bpf_ringbuf_reserve", ReturnKind::kRingbufRecordOrNull,
                                  {ArgKind::kMapPointer, ArgKind::kAllocSize, ArgKind::kAnything, N, N});
  reserve.acquires_reference = true;
  HelperPrototype submit = proto(132, "bpf_ringbuf_submit", ReturnKind::kVoid, {ArgKind::kRingbufRecord, ArgKind::kAnything, N, N, N});
  submit.releases_reference = true;
  f.helpers[131] = reserve;
  f.helpers[132] = submit;
  MapDefinition rb;
  rb.name = "events";
  rb.type = kMapRingbuf;
  rb.max_entries = 4096;
  f.maps = {rb};
  const char* leaked = R"(
      lddw %r1, map 0
      mov %r2, 16
      mov %r3, 0
      call 131
      jeq %r0, 0, out
      stdw [%r0+8], 1
    out:
      mov %r0, 0
      exit)";
  EXPECT_TRUE(RejectedWith(f.run(leaked), 8,
                           "the reference returned by bpf_ringbuf_reserve at insn 4 is not released before exit"));
  EXPECT_TRUE(Accepted(f.run(R"(
      lddw %r1, map 0
      mov %r2, 16
      mov %r3, 0
      call 131
      jeq %r0, 0, out
      stdw [%r0+8], 1
      mov %r1, %r0
      mov %r2, 0
      call 132
    out:
      mov %r0, 0
      exit)")));
  // The record is 16 bytes: offset 16 is past it; after submit it is gone.
  EXPECT_TRUE(RejectedWith(f.run(R"(
      lddw %r1, map 0
      mov %r2, 16
      mov %r3, 0
      call 131
      jeq %r0, 0, out
      mov %r6, %r0
      mov %r1, %r0
      mov %r2, 0
      call 132
      stdw [%r6], 1
    out:
      mov %r0, 0
      exit)"),
                           10, "r6 is not a pointer: it holds a number"));
}

TEST(Callbacks, LoopCallbacksSeeTheCallersStackThroughTheirContext) {
  Fixture f;
  HelperPrototype loop = proto(181, "bpf_loop", ReturnKind::kInteger,
                               {ArgKind::kScalar, ArgKind::kCallback, ArgKind::kCallbackContext, ArgKind::kScalar, N});
  loop.callback_args = 2;
  f.helpers[181] = loop;
  const char* program = R"(
      stdw [%r10-8], 0
      mov %r1, 10
      lddw %r2, func body
      mov %r3, %r10
      add %r3, -8
      mov %r4, 0
      call 181
      ldxdw %r0, [%r10-8]
      exit
    body:
      ldxdw %r3, [%r2]
      add %r3, %r1
      stxdw [%r2], %r3
      mov %r0, 0
      exit)";
  EXPECT_TRUE(Accepted(f.run(program)));
  f.termination = TerminationPolicy::kProved;  // the helper bounds the loop
  EXPECT_TRUE(Accepted(f.run(program)));
  EXPECT_TRUE(RejectedWith(f.run(R"(
      mov %r1, 10
      lddw %r2, func body
      mov %r3, 0
      mov %r4, 0
      call 181
      mov %r0, 0
      exit
    body:
      mov %r0, 2
      exit)"),
                           9, "the callback of bpf_loop must return 0 or 1; r0 may be 2"));
}

// ------------------------------------------------------------- contexts

TEST(ContextAccess, PacketPointersComeFromTheContext) {
  Fixture f;
  f.type = testing::xdp_type();
  EXPECT_TRUE(Accepted(f.run(R"(
      ldxw %r2, [%r1]
      ldxw %r3, [%r1+4]
      mov %r4, %r2
      add %r4, 14
      mov %r0, 1
      jgt %r4, %r3, out
      ldxh %r0, [%r2+12]
    out:
      exit)")));
  EXPECT_TRUE(RejectedWith(f.run(R"(
      ldxw %r2, [%r1]
      ldxw %r3, [%r1+4]
      mov %r4, %r2
      add %r4, 12
      mov %r0, 1
      jgt %r4, %r3, out
      ldxh %r0, [%r2+12]
    out:
      exit)"),
                           6,
                           "read of 2 bytes at packet offset 12 may be beyond data_end: compare the pointer with "
                           "data_end first"));
}

TEST(ContextAccess, FieldsAreCheckedAgainstTheLayout) {
  Fixture f;
  f.type = testing::xdp_type();
  EXPECT_TRUE(RejectedWith(f.run("ldxw %r0, [%r1+60]\nexit"), 0,
                           "context offset 60 (4 bytes) is outside struct xdp_md (24 bytes)"));
  EXPECT_TRUE(RejectedWith(f.run("stw [%r1], 0\nmov %r0, 0\nexit"), 0,
                           "write to read-only context field at offset 0 of struct xdp_md"));
  f.type.context.readable = {{0, 16}};
  EXPECT_TRUE(RejectedWith(f.run("ldxw %r0, [%r1+16]\nexit"), 0,
                           "context offset 16 (4 bytes) is not readable in struct xdp_md"));
}

TEST(ContextAccess, ReturnValuesOutsideTheTypesRangeAreRefused) {
  Fixture f;
  f.type = testing::xdp_type();
  f.type.return_range = std::pair<int64_t, int64_t>(0, 4);
  EXPECT_TRUE(Accepted(f.run("mov %r0, 2\nexit")));
  EXPECT_TRUE(RejectedWith(f.run("mov %r0, 7\nexit"), 1,
                           "the return value may be 7, outside [0, 4] allowed for xdp programs"));
}

TEST(ContextAccess, LegacyPacketLoadsNeedTheContextInR6) {
  Fixture f;
  f.type = testing::xdp_type();
  f.type.legacy_packet_access = true;
  EXPECT_TRUE(Accepted(f.run("mov %r6, %r1\nldabsh 12\nexit")));
  EXPECT_TRUE(RejectedWith(f.run("ldabsh 12\nexit"), 0, "r6 is not initialized"));
  const State s = f.details("mov %r6, %r1\nmov %r1, 1\nldabsb 0\nexit").before[3];
  EXPECT_EQ(s.reg(0).num, Scalar::unsigned_range(0, 255));
  EXPECT_TRUE(s.reg(1).maybe_uninit());  // r1-r5 are clobbered
  f.type.legacy_packet_access = false;
  EXPECT_TRUE(RejectedWith(f.run("mov %r6, %r1\nldabsh 12\nexit"), 1,
                           "ldabsh: legacy packet access (LD_ABS/LD_IND) is not allowed for xdp programs"));
}

TEST(ContextAccess, PathsKeepTheirPointerKindsApart) {
  Fixture f = with_maps();
  // r8 is a stack buffer on one path and a map value on the other; the
  // stack bytes are written only on the stack path.
  EXPECT_TRUE(Accepted(f.run(R"(
      stw [%r10-4], 0
      mov %r2, %r10
      add %r2, -4
      lddw %r1, map 0
      call 1
      mov %r8, %r0
      jne %r8, 0, read
      stdw [%r10-16], 7
      mov %r8, %r10
      add %r8, -16
    read:
      ldxdw %r0, [%r8]
      exit)")));
}

}  // namespace
}  // namespace sandbpf::verifier
