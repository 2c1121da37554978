// The ELF loader on hand-built objects: what it makes of well-formed ones
// (programs, linking, maps, global data, relocations), and the error each
// malformed one gives. Every error names the file and says what is wrong.
#include "loader/object.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "loader/tests/elf_builder.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

using testing::ElfBuilder;
using testing::btf_info;
using testing::btf_section;
using testing::put_u16;
using testing::put_u32;
using testing::put_u64;

constexpr uint32_t kR64_64 = 1;
constexpr uint32_t kRAbs64 = 2;
constexpr uint32_t kR64_32 = 10;

Insn mov(uint8_t dst, int32_t imm) { return Insn{0xb7, dst, 0, 0, imm}; }
Insn exit_insn() { return Insn{0x95, 0, 0, 0, 0}; }
Insn lddw(uint8_t dst, int32_t imm = 0) { return Insn{0x18, dst, 0, 0, imm}; }
Insn lddw_tail(int32_t imm = 0) { return Insn{0, 0, 0, 0, imm}; }
Insn call_local(int32_t imm) { return Insn{0x85, 0, 1, 0, imm}; }
Insn call_helper(int32_t id) { return Insn{0x85, 0, 0, 0, id}; }

const std::string kPath = "test.o";

Result<Object> load(const std::vector<uint8_t>& bytes, const LoadOptions& options = {}) {
  return load_elf_object(bytes, kPath, options);
}

std::string error_of(const Result<Object>& r) {
  if (r) return "(loaded)";
  EXPECT_EQ(r.error().kind, ErrorKind::kLoad);
  EXPECT_EQ(r.error().where.file, kPath);
  return r.error().message;
}

// A legacy map definition record: type, key, value, max_entries, flags.
std::vector<uint8_t> map_def(uint32_t type, uint32_t key, uint32_t value, uint32_t entries,
                             uint32_t flags = 0) {
  std::vector<uint8_t> out;
  for (uint32_t v : {type, key, value, entries, flags}) testing::append_u32(out, v);
  return out;
}

// --- programs and linking ------------------------------------------------

TEST(ElfObject, ProgramsAreFunctionSymbolsInSectionThenOffsetOrder) {
  ElfBuilder b;
  const uint32_t text = b.code(".text", {mov(0, 1), exit_insn(), mov(0, 2), exit_insn()});
  const uint32_t xdp = b.code("xdp", {mov(0, 3), exit_insn()});
  const uint32_t bare = b.code("socket", {mov(0, 4), exit_insn()});
  b.function("second", text, 16, 16);
  b.function("first", text, 0, 16);
  b.function("prog", xdp, 0, 16);
  // A NOTYPE symbol (older compilers) does not make a program: the section
  // is one program named after it.
  b.symbol({"label", testing::kSttNotype, testing::kStbGlobal, static_cast<uint16_t>(bare), 0, 0});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  std::vector<std::string> names;
  for (const ObjectProgram& p : object->programs) names.push_back(p.name());
  EXPECT_EQ(names, (std::vector<std::string>{".text/first", ".text/second", "xdp/prog",
                                             "socket/socket"}));
  EXPECT_EQ(object->programs[1].insns, (std::vector<Insn>{mov(0, 2), exit_insn()}));
  EXPECT_EQ(object->programs[3].function, "socket");
}

TEST(ElfObject, CallsLinkSubprogramsAcrossSectionsAndWithinOne) {
  ElfBuilder b;
  // .text: helper_a calls helper_b directly (resolved, no relocation).
  const uint32_t text = b.code(".text", {call_local(1), exit_insn(), mov(0, 9), exit_insn()});
  const uint32_t xdp = b.code("xdp", {call_local(-1), exit_insn()});
  const uint32_t a = b.function("helper_a", text, 0, 16);
  b.function("helper_b", text, 16, 16);
  b.function("entry", xdp, 0, 16);
  b.relocations(xdp, {{0, kR64_32, a}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  const ObjectProgram& entry = object->programs.at(2);
  ASSERT_EQ(entry.name(), "xdp/entry");
  ASSERT_FALSE(entry.load_error) << entry.load_error->to_string();
  // entry (2 slots), then helper_a (2), then helper_b (2).
  EXPECT_EQ(entry.insns, (std::vector<Insn>{call_local(1), exit_insn(), call_local(1), exit_insn(),
                                            mov(0, 9), exit_insn()}));
  ASSERT_EQ(entry.functions.size(), 3u);
  EXPECT_EQ(entry.functions[1].name, "helper_a");
  EXPECT_EQ(entry.functions[1].entry, 2u);
  EXPECT_EQ(entry.functions[2].name, "helper_b");
  EXPECT_EQ(entry.functions[2].section, ".text");
  EXPECT_EQ(entry.functions[2].entry, 4u);
  EXPECT_TRUE(Program::decode(entry.insns)) << "the linked program decodes";
  ASSERT_EQ(object->relocations.size(), 1u);
  EXPECT_EQ(object->relocations[0].resolution, "call helper_a");
}

TEST(ElfObject, FunctionAddressBecomesLddwSrc4) {
  ElfBuilder b;
  const uint32_t text = b.code(".text", {mov(0, 0), exit_insn()});
  const uint32_t xdp = b.code("xdp", {lddw(2, 0), lddw_tail(), call_helper(181), exit_insn()});
  b.symbol({"cb", testing::kSttFunc, testing::kStbLocal, static_cast<uint16_t>(text), 0, 16});
  const uint32_t text_sym =
      b.symbol({"", testing::kSttSection, testing::kStbLocal, static_cast<uint16_t>(text), 0, 0});
  b.function("entry", xdp, 0, 32);
  b.relocations(xdp, {{0, kR64_64, text_sym}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  const ObjectProgram& entry = object->programs.at(1);
  ASSERT_FALSE(entry.load_error) << entry.load_error->to_string();
  ASSERT_EQ(entry.insns.size(), 6u);
  EXPECT_EQ(entry.insns[0].src, kLddwFunction);
  EXPECT_EQ(entry.insns[0].imm, 3);  // 0 + 1 + 3 = 4, where cb was placed
  EXPECT_EQ(entry.functions.at(1).entry, 4u);
  EXPECT_TRUE(Program::decode(entry.insns));
}

// Symbol values and immediates past int64_t (a corrupt object; the loader
// fuzzer's input) make the relocation an error, not an overflow: a call
// through a section symbol whose value is near 2^64, and a function address
// likewise.
TEST(ElfObject, RelocationsWithHugeSymbolValuesAreErrors) {
  ElfBuilder b;
  const uint32_t text = b.code(".text", {mov(0, 0), exit_insn()});
  const uint32_t xdp = b.code("xdp", {call_local(-1), lddw(2, 0), lddw_tail(), exit_insn()});
  const uint32_t far = b.symbol(
      {"far", testing::kSttNotype, testing::kStbLocal, static_cast<uint16_t>(text), 0xfffffffffffffff8ull, 0});
  b.function("entry", xdp, 0, 32);
  b.relocations(xdp, {{0, kR64_32, far}, {8, kR64_64, far}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  const ObjectProgram& entry = object->programs.at(1);
  ASSERT_EQ(entry.name(), "xdp/entry");
  ASSERT_TRUE(entry.load_error);
  EXPECT_NE(entry.load_error->message.find("the call target .text, slot 2305843009213693951, is not an "
                                           "instruction of .text"),
            std::string::npos)
      << entry.load_error->to_string();
  ASSERT_EQ(object->relocations.size(), 2u);
  EXPECT_EQ(object->relocations[1].resolution,
            "error: R_BPF_64_64 relocation for far at offset 0x8: the function address (symbol value "
            "18446744073709551608, addend 0, imm 0) is not an instruction of .text");
}

TEST(ElfObject, CallToAnUndefinedFunctionIsALoadErrorForThatProgramOnly) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {call_local(-1), exit_insn()});
  const uint32_t other = b.code("socket", {mov(0, 0), exit_insn()});
  b.function("caller", xdp, 0, 16);
  b.function("fine", other, 0, 16);
  // A C library function that is not one of the built-ins.
  const uint32_t ext = b.symbol({"strlen", testing::kSttNotype, testing::kStbGlobal, 0, 0, 0});
  b.relocations(xdp, {{0, kR64_32, ext}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  ASSERT_TRUE(object->programs[0].load_error);
  const Error& e = *object->programs[0].load_error;
  EXPECT_EQ(e.message,
            "R_BPF_64_32 relocation for strlen at offset 0x0: calls strlen, which the object does "
            "not define (an external function, which sandbpf cannot resolve; of the C library it "
            "has memset, memcpy, memmove, memcmp and bcmp)");
  EXPECT_EQ(e.where.file, kPath);
  EXPECT_EQ(e.where.section, "xdp");
  EXPECT_EQ(e.where.function, "caller");
  EXPECT_EQ(e.where.instruction, 0u);
  EXPECT_FALSE(object->programs[1].load_error);
}

// clang calls memset & co. (src=1, imm=-1, R_BPF_64_32 to the undefined
// symbol) when it does not expand them inline, as Falco's probe does: each
// becomes a call of the built-in helper with that name's reserved id.
TEST(ElfObject, CallsToMemoryFunctionsOfTheCLibraryBecomeBuiltinHelperCalls) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {call_local(-1), call_local(-1), call_local(-1),
                                      call_local(-1), call_local(-1), call_local(1), exit_insn(),
                                      mov(0, 7), exit_insn()});
  b.function("caller", xdp, 0, 56);
  b.function("local", xdp, 56, 16);
  std::vector<ElfBuilder::Reloc> relocations;
  const char* names[] = {"memset", "memcpy", "memmove", "memcmp", "bcmp"};
  for (uint64_t i = 0; i < 5; ++i) {
    const uint32_t sym = b.symbol({names[i], testing::kSttNotype, testing::kStbGlobal, 0, 0, 0});
    relocations.push_back({i * 8, kR64_32, sym});
  }
  b.relocations(xdp, relocations);
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  const ObjectProgram& caller = object->programs.at(0);
  ASSERT_FALSE(caller.load_error) << caller.load_error->to_string();
  const int32_t ids[] = {1024, 1025, 1026, 1027, 1028};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(caller.insns[i].opcode, 0x85) << names[i];
    EXPECT_EQ(caller.insns[i].src, kCallHelper) << names[i];
    EXPECT_EQ(caller.insns[i].imm, ids[i]) << names[i];
  }
  // The local call next to them is still linked as one.
  EXPECT_EQ(caller.insns[5].src, kCallLocal);
  EXPECT_EQ(caller.insns[5].imm, 1);
  EXPECT_TRUE(Program::decode(caller.insns));
  ASSERT_GE(object->relocations.size(), 5u);
  EXPECT_EQ(object->relocations[0].symbol, "memset");
  EXPECT_EQ(object->relocations[0].resolution, "built-in memset (helper 1024)");
  EXPECT_EQ(object->relocations[3].resolution, "built-in memcmp (helper 1027)");
}

TEST(ElfObject, UnknownRelocationTypeIsALoadErrorForThePrograms) {
  ElfBuilder b;
  const uint32_t maps = b.data("maps", map_def(1, 4, 4, 1));
  const uint32_t xdp = b.code("xdp", {lddw(1), lddw_tail(), exit_insn()});
  const uint32_t m = b.object("m", maps, 0, 20);
  b.function("prog", xdp, 0, 24);
  b.relocations(xdp, {{0, 77, m}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  ASSERT_TRUE(object->programs[0].load_error);
  EXPECT_EQ(object->programs[0].load_error->message,
            "type 77 relocation for m at offset 0x0: unknown relocation type 77");
}

TEST(ElfObject, RelocationOnAnInstructionThatIsNotLddw) {
  ElfBuilder b;
  const uint32_t maps = b.data("maps", map_def(1, 4, 4, 1));
  const uint32_t xdp = b.code("xdp", {mov(0, 0), exit_insn()});
  const uint32_t m = b.object("m", maps, 0, 20);
  b.function("prog", xdp, 0, 16);
  b.relocations(xdp, {{0, kR64_64, m}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  ASSERT_TRUE(object->programs[0].load_error);
  EXPECT_EQ(object->programs[0].load_error->message,
            "R_BPF_64_64 relocation for m at offset 0x0: applies to an instruction with opcode "
            "0xb7, not to lddw (0x18)");
}

TEST(ElfObject, LddwRelocationToASymbolThatIsNoMap) {
  ElfBuilder b;
  const uint32_t maps = b.data("maps", map_def(1, 4, 4, 1));
  const uint32_t info = b.data("info", {1, 2, 3, 4});
  const uint32_t xdp = b.code("xdp", {lddw(1, 8), lddw_tail(), lddw(1), lddw_tail(), exit_insn()});
  b.object("m", maps, 0, 20);
  // The section symbol with 8 in the instruction: maps+8, inside m.
  const uint32_t stray =
      b.symbol({"", testing::kSttSection, testing::kStbLocal, static_cast<uint16_t>(maps), 0, 0});
  const uint32_t other = b.object("other", info, 0, 4);
  b.function("prog", xdp, 0, 40);
  b.relocations(xdp, {{0, kR64_64, stray}, {16, kR64_64, other}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  ASSERT_TRUE(object->programs[0].load_error);
  EXPECT_EQ(object->programs[0].load_error->message,
            "R_BPF_64_64 relocation for maps at offset 0x0: no map is defined at offset 8 of "
            "section maps");
  ASSERT_EQ(object->relocations.size(), 2u);
  EXPECT_EQ(object->relocations[1].resolution,
            "error: R_BPF_64_64 relocation for other at offset 0x10: other is in section info, "
            "which holds no maps, global data or code");
}

TEST(ElfObject, RelocationsOfDataSectionsAreIgnored) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {mov(0, 0), exit_insn()});
  const uint32_t btf_ext = b.data(".debug_info", std::vector<uint8_t>(16, 0), 0);
  const uint32_t f = b.function("prog", xdp, 0, 16);
  b.relocations(btf_ext, {{0, kRAbs64, f}, {8, 3, f}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  EXPECT_FALSE(object->programs[0].load_error);
  EXPECT_TRUE(object->relocations.empty());
}

// --- maps ----------------------------------------------------------------

TEST(ElfObject, LegacyMapsTakeTheirRecordSizeFromTheSymbols) {
  ElfBuilder b;
  std::vector<uint8_t> records = map_def(1, 4, 8, 16, 1);
  const auto second = map_def(2, 4, 32, 1);
  records.insert(records.end(), second.begin(), second.end());
  const uint32_t maps = b.data("maps", records);
  const uint32_t xdp = b.code("xdp", {lddw(1), lddw_tail(), lddw(2), lddw_tail(), exit_insn()});
  // Symbols without sizes: the section is divided equally (20 bytes each).
  const uint32_t m1 = b.object("hash", maps, 0, 0);
  const uint32_t m2 = b.object("array", maps, 20, 0);
  b.function("prog", xdp, 0, 40);
  b.relocations(xdp, {{0, kR64_64, m2}, {16, kR64_64, m1}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  ASSERT_EQ(object->maps.size(), 2u);
  EXPECT_EQ(object->maps[0].name, "hash");
  EXPECT_EQ(object->maps[0].type, kMapHash);
  EXPECT_EQ(object->maps[0].key_size, 4u);
  EXPECT_EQ(object->maps[0].value_size, 8u);
  EXPECT_EQ(object->maps[0].max_entries, 16u);
  EXPECT_EQ(object->maps[0].flags, 1u);
  EXPECT_EQ(object->maps[0].origin, MapOrigin::kLegacySection);
  EXPECT_EQ(object->maps[1].value_size, 32u);
  const auto& insns = object->programs[0].insns;
  EXPECT_EQ(insns[0].src, kLddwMapByIndex);
  EXPECT_EQ(insns[0].imm, 1);
  EXPECT_EQ(insns[2].src, kLddwMapByIndex);
  EXPECT_EQ(insns[2].imm, 0);
  EXPECT_TRUE(Program::decode(insns));
}

TEST(ElfObject, LegacyMapsSectionThatCannotBeDividedIsAnError) {
  ElfBuilder b;
  std::vector<uint8_t> records = map_def(1, 4, 8, 16);
  records.resize(31);
  const uint32_t maps = b.data("maps", records);
  b.object("a", maps, 0, 0);
  b.object("b", maps, 16, 0);
  b.object("c", maps, 24, 0);
  EXPECT_EQ(error_of(load(b.build())),
            "the maps section has 31 bytes, which cannot hold 3 map definitions of one size (its "
            "symbols have no sizes)");
}

TEST(ElfObject, GlobalDataBecomesArrayMapsOfOneValue) {
  ElfBuilder b;
  const uint32_t data = b.data(".data", {7, 0, 0, 0, 9, 0, 0, 0});
  const uint32_t rodata = b.data(".rodata.str1.1", {'h', 'i', 0}, testing::kShfAlloc);
  const uint32_t bss = b.add({".bss", testing::kShtNobits, testing::kShfAlloc | testing::kShfWrite,
                              {}, 0, 0, 0, 12});
  const uint32_t xdp = b.code("xdp", {lddw(1), lddw_tail(), lddw(2, 1), lddw_tail(), lddw(3),
                                      lddw_tail(), exit_insn()});
  const uint32_t second = b.object("second", data, 4, 4);
  const uint32_t rodata_sym =
      b.symbol({"", testing::kSttSection, testing::kStbLocal, static_cast<uint16_t>(rodata), 0, 0});
  const uint32_t counter = b.object("counter", bss, 8, 4);
  b.function("prog", xdp, 0, 56);
  b.relocations(xdp, {{0, kR64_64, second}, {16, kR64_64, rodata_sym}, {32, kR64_64, counter}});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  ASSERT_EQ(object->maps.size(), 3u);
  const MapDefinition& d = object->maps[0];
  EXPECT_EQ(d.name, ".data");
  EXPECT_EQ(d.origin, MapOrigin::kGlobalData);
  EXPECT_EQ(d.type, kMapArray);
  EXPECT_EQ(d.key_size, 4u);
  EXPECT_EQ(d.value_size, 8u);
  EXPECT_EQ(d.max_entries, 1u);
  EXPECT_EQ(d.initial_value, (std::vector<uint8_t>{7, 0, 0, 0, 9, 0, 0, 0}));
  EXPECT_FALSE(d.readonly);
  EXPECT_TRUE(object->maps[1].readonly);
  EXPECT_EQ(object->maps[2].value_size, 12u);
  EXPECT_TRUE(object->maps[2].initial_value.empty());  // .bss starts as zeros
  const auto& insns = object->programs[0].insns;
  ASSERT_FALSE(object->programs[0].load_error) << object->programs[0].load_error->to_string();
  EXPECT_EQ(insns[0].src, kLddwMapValue);
  EXPECT_EQ(insns[0].imm, 0);
  EXPECT_EQ(insns[1].imm, 4);  // "second" is at .data+4
  EXPECT_EQ(insns[2].imm, 1);
  EXPECT_EQ(insns[3].imm, 1);  // section symbol + the addend in imm
  EXPECT_EQ(insns[4].imm, 2);
  EXPECT_EQ(insns[5].imm, 8);
  EXPECT_TRUE(Program::decode(insns));
  EXPECT_EQ(object->relocations[0].resolution, "global .data+4 (map 0)");
}

TEST(ElfObject, LicenseIsRead) {
  ElfBuilder b;
  b.data("license", {'G', 'P', 'L', 0});
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  EXPECT_EQ(object->license, "GPL");
}

// --- malformed objects -----------------------------------------------------

TEST(ElfMalformed, TruncatedHeader) {
  const std::vector<uint8_t> bytes{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0};
  EXPECT_EQ(error_of(load(bytes)),
            "the ELF header is truncated: the file has 10 bytes, the header needs 64");
}

TEST(ElfMalformed, NotElf) {
  EXPECT_EQ(error_of(load({1, 2, 3})), "not an ELF file (no \\x7fELF magic)");
}

TEST(ElfMalformed, WrongClassEndiannessAndMachine) {
  ElfBuilder b;
  auto bytes = b.build();
  bytes[4] = 1;
  EXPECT_EQ(error_of(load(bytes)), "not a 64-bit ELF file (class 1); BPF objects are ELF64");
  bytes[4] = 2;
  bytes[5] = 2;
  EXPECT_EQ(error_of(load(bytes)),
            "not a little-endian ELF file (data encoding 2); sandbpf loads little-endian BPF "
            "objects");
  bytes[5] = 1;
  put_u16(bytes, 18, 62);
  EXPECT_EQ(error_of(load(bytes)), "not a BPF object (ELF machine 62, BPF is 247)");
  put_u16(bytes, 18, 0);  // EM_NONE: old LLVM releases
  EXPECT_TRUE(load(bytes));
}

TEST(ElfMalformed, SectionHeaderTablePastTheEnd) {
  ElfBuilder b;
  auto bytes = b.build();
  put_u64(bytes, 0x28, bytes.size() - 8);
  EXPECT_EQ(error_of(load(bytes)),
            fmt::format("section header table at offset 0x{:x} extends past the end of the file "
                        "(size {})",
                        bytes.size() - 8, bytes.size()));
  put_u64(bytes, 0x28, bytes.size() - 64);  // room for one header, not three
  EXPECT_EQ(error_of(load(bytes)),
            fmt::format("section header table at offset 0x{:x} (3 entries of 64 bytes) extends "
                        "past the end of the file (size {})",
                        bytes.size() - 64, bytes.size()));
}

TEST(ElfMalformed, SectionDataPastTheEnd) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {exit_insn()});
  auto bytes = b.build();
  put_u64(bytes, b.section_header(xdp) + 24, 0x10000);
  EXPECT_EQ(error_of(load(bytes)),
            fmt::format("section 3 at offset 0x10000 with size 8 extends past the end of the file "
                        "(size {})",
                        bytes.size()));
  // A size so large that offset + size wraps around.
  put_u64(bytes, b.section_header(xdp) + 24, 64);
  put_u64(bytes, b.section_header(xdp) + 32, ~uint64_t{0});
  EXPECT_EQ(error_of(load(bytes)).rfind("section 3 at offset 0x40 with size 18446744073709551615 "
                                        "extends past the end",
                                        0),
            0u);
}

// Section 0 is the null section: a header that gives it a type, flags, a
// size and a name (the loader fuzzer's input: executable PROGBITS with 304
// bytes and no data) makes it neither code nor maps.
TEST(ElfMalformed, SectionZeroIsNullWhateverItsHeaderSays) {
  ElfBuilder b;
  b.code("xdp", {mov(0, 7), exit_insn()});
  auto bytes = b.build();
  put_u32(bytes, b.section_header(0), 0x80001);         // name: outside the table
  put_u32(bytes, b.section_header(0) + 4, testing::kShtProgbits);
  put_u64(bytes, b.section_header(0) + 8, testing::kShfAlloc | testing::kShfExec);
  put_u64(bytes, b.section_header(0) + 24, 0x10000);    // offset: past the end
  put_u64(bytes, b.section_header(0) + 32, 304);
  auto object = load(bytes);
  ASSERT_TRUE(object) << object.error().to_string();
  ASSERT_EQ(object->programs.size(), 1u);
  EXPECT_EQ(object->programs[0].section, "xdp");
  EXPECT_EQ(object->programs[0].insns.size(), 2u);
}

TEST(ElfMalformed, BadSectionNameOffset) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {exit_insn()});
  auto bytes = b.build();
  put_u32(bytes, b.section_header(xdp), 0x80001);
  EXPECT_EQ(error_of(load(bytes)).rfind("section 3's name at offset 0x80001 is outside the section "
                                        "name table",
                                        0),
            0u);
}

TEST(ElfMalformed, SymbolInANonExistentSection) {
  ElfBuilder b;
  b.code("xdp", {exit_insn()});
  b.symbol({"f", testing::kSttFunc, testing::kStbGlobal, 99, 0, 8});
  auto r = load(b.build());
  EXPECT_EQ(error_of(r), "symbol 1 (f) names section 99, but the object has 4 sections");
  if (!r) {
    EXPECT_EQ(r.error().where.section, ".symtab");
  }
}

TEST(ElfMalformed, BadSymbolName) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {exit_insn()});
  const uint32_t f = b.function("f", xdp, 0, 8);
  auto bytes = b.build();
  put_u32(bytes, b.symbol_entry(f, bytes), 5000);
  EXPECT_EQ(error_of(load(bytes)).rfind("symbol 1's name at offset 0x1388 is outside the string "
                                        "table",
                                        0),
            0u);
}

TEST(ElfMalformed, SymbolTableWithTheWrongEntrySize) {
  ElfBuilder b;
  auto bytes = b.build();
  put_u64(bytes, b.section_header(2) + 56, 8);
  EXPECT_EQ(error_of(load(bytes)), "symbol table entries are 8 bytes; ELF64 symbols are 24");
}

TEST(ElfMalformed, RelocationOffsetOutOfRange) {
  ElfBuilder b;
  const uint32_t maps = b.data("maps", map_def(1, 4, 4, 1));
  const uint32_t xdp = b.code("xdp", {lddw(1), lddw_tail()});
  const uint32_t m = b.object("m", maps, 0, 20);
  b.relocations(xdp, {{0x100, kR64_64, m}});
  auto r = load(b.build());
  EXPECT_EQ(error_of(r),
            "relocation at offset 0x100 is outside section xdp (16 bytes) or not on an "
            "instruction boundary");
  if (!r) {
    EXPECT_EQ(r.error().where.section, ".relxdp");
  }
}

TEST(ElfMalformed, RelocationWithABadSymbolIndex) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {lddw(1), lddw_tail()});
  b.relocations(xdp, {{0, kR64_64, 50}});
  EXPECT_EQ(error_of(load(b.build())),
            "relocation 0 names symbol 50, but the symbol table has 1 symbols");
}

TEST(ElfMalformed, CodeSectionNotAMultipleOfEight) {
  ElfBuilder b;
  b.add({"xdp", testing::kShtProgbits, testing::kShfAlloc | testing::kShfExec, {0x95, 0, 0}});
  EXPECT_EQ(error_of(load(b.build())),
            "the code section's size 3 is not a multiple of 8 (the instruction size)");
}

TEST(ElfMalformed, LddwWithoutItsSecondSlot) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {lddw(1)});
  b.function("f", xdp, 0, 8);
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  ASSERT_TRUE(object->programs[0].load_error);
  EXPECT_EQ(object->programs[0].load_error->message,
            "lddw: its second slot is missing at the end of the function");
}

// --- limits ----------------------------------------------------------------

// A fuzz finding: .bss sizes come from section headers alone, and the
// loader used to fill a zero vector of each size, so a small file with a
// dozen 200 MiB .bss sections made it allocate gigabytes.
TEST(ElfLimits, BssSizesAllocateNothingAtLoad) {
  ElfBuilder b;
  for (int i = 0; i < 12; ++i)
    b.add({fmt::format(".bss.{}", i), testing::kShtNobits, testing::kShfAlloc | testing::kShfWrite,
           {}, 0, 0, 0, 200ull << 20});
  const uint32_t xdp = b.code("xdp", {mov(0, 0), exit_insn()});
  b.function("f", xdp, 0, 16);
  auto object = load(b.build());
  ASSERT_TRUE(object) << object.error().to_string();
  ASSERT_EQ(object->maps.size(), 12u);
  for (const MapDefinition& m : object->maps) {
    EXPECT_EQ(m.value_size, 200u << 20);
    EXPECT_TRUE(m.initial_value.empty());
  }
}

TEST(ElfLimits, ObjectSizeSectionsAndInstructions) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {mov(0, 0), mov(0, 1), exit_insn()});
  b.function("f", xdp, 0, 24);
  const auto bytes = b.build();
  LoadOptions small;
  small.max_object_bytes = 100;
  EXPECT_EQ(error_of(load(bytes, small)),
            fmt::format("the object is {} bytes, more than the limit of 100 bytes", bytes.size()));
  LoadOptions few;
  few.max_sections = 2;
  EXPECT_EQ(error_of(load(bytes, few)), "the object has 4 sections, more than the limit of 2");
  LoadOptions short_programs;
  short_programs.max_instructions_per_program = 2;
  auto object = load(bytes, short_programs);
  ASSERT_TRUE(object);
  ASSERT_TRUE(object->programs[0].load_error);
  EXPECT_EQ(object->programs[0].load_error->message,
            "the program and its subprograms have more than 2 instructions");
}

// --- BTF -------------------------------------------------------------------

// "\0int\0p\0": int at 1, p at 5.
const std::string kStrings = std::string("\0int\0p\0", 7);

std::vector<uint8_t> object_with_btf(std::vector<uint8_t> btf) {
  ElfBuilder b;
  b.code("xdp", {exit_insn()});
  b.data(".BTF", std::move(btf), 0);
  return b.build();
}

TEST(ElfBtf, ValidTypesLoad) {
  // [1] int (4 bytes), [2] p: pointer to [1]
  const std::vector<uint32_t> types{1, btf_info(1), 4, 0x20, 5, btf_info(2), 1};
  auto object = load(object_with_btf(btf_section(types, kStrings)));
  ASSERT_TRUE(object) << object.error().to_string();
  EXPECT_TRUE(object->has_btf);
  EXPECT_FALSE(object->has_line_info);
}

TEST(ElfBtf, BadTypeId) {
  const std::vector<uint32_t> types{1, btf_info(1), 4, 0x20, 5, btf_info(2), 7};
  auto r = load(object_with_btf(btf_section(types, kStrings)));
  EXPECT_EQ(error_of(r),
            "type 2 (ptr) refers to type 7 as its type, but there are only 2 types");
  if (!r) {
    EXPECT_EQ(r.error().where.section, ".BTF");
  }
}

TEST(ElfBtf, BadStringOffset) {
  const std::vector<uint32_t> types{1000, btf_info(1), 4, 0x20};
  EXPECT_EQ(error_of(load(object_with_btf(btf_section(types, kStrings)))),
            "type 1 (int)'s name offset 1000 is outside the string section (7 bytes)");
}

TEST(ElfBtf, TruncatedSections) {
  const std::vector<uint32_t> types{1, btf_info(1), 4, 0x20};
  auto btf = btf_section(types, kStrings);
  auto header_only = btf;
  header_only.resize(20);
  EXPECT_EQ(error_of(load(object_with_btf(header_only))),
            "the section has 20 bytes, less than the 24-byte header");
  auto long_types = btf;
  put_u32(long_types, 12, 100);  // type_len
  EXPECT_EQ(error_of(load(object_with_btf(long_types))),
            "the type section (offset 0, length 100) extends past the end of the .BTF "
            "section (23 bytes after the header)");
  // A struct claiming five members with no room for them.
  const std::vector<uint32_t> short_struct{0, btf_info(4, 5), 8};
  EXPECT_EQ(error_of(load(object_with_btf(btf_section(short_struct, kStrings)))),
            "type 1 (struct) needs 60 more bytes at offset 12, past the end of the type "
            "section (12 bytes)");
}

TEST(ElfBtf, UnknownKind) {
  const std::vector<uint32_t> types{0, btf_info(25), 0};
  EXPECT_EQ(error_of(load(object_with_btf(btf_section(types, kStrings)))),
            "type 1 has unknown kind 25");
}

// .BTF.ext with one line-info record for section `section` at `insn_off`.
std::vector<uint8_t> btf_ext_lines(uint32_t section_name_off, uint32_t insn_off,
                                   uint32_t block_len_override = 0) {
  std::vector<uint8_t> out{0x9f, 0xeb, 1, 0};
  testing::append_u32(out, 32);  // hdr_len
  testing::append_u32(out, 0);   // func_info_off
  testing::append_u32(out, 0);   // func_info_len
  testing::append_u32(out, 0);   // line_info_off
  const uint32_t block_len = 4 + 8 + 16;
  testing::append_u32(out, block_len_override != 0 ? block_len_override : block_len);
  testing::append_u32(out, 0);  // core_relo_off
  testing::append_u32(out, 0);  // core_relo_len
  testing::append_u32(out, 16);  // record size
  testing::append_u32(out, section_name_off);
  testing::append_u32(out, 1);
  testing::append_u32(out, insn_off);
  testing::append_u32(out, 1);             // file name: "int" (any string will do)
  testing::append_u32(out, 0);             // line text
  testing::append_u32(out, (7u << 10) | 3);  // line 7, column 3
  return out;
}

std::vector<uint8_t> object_with_line_info(std::vector<uint8_t> ext) {
  ElfBuilder b;
  const uint32_t xdp = b.code("xdp", {mov(0, 0), exit_insn()});
  b.function("f", xdp, 0, 16);
  // Strings: "\0int\0xdp\0": xdp at 5.
  const std::vector<uint32_t> types{1, btf_info(1), 4, 0x20};
  b.data(".BTF", btf_section(types, std::string("\0int\0xdp\0", 9)), 0);
  b.data(".BTF.ext", std::move(ext), 0);
  return b.build();
}

TEST(ElfBtfExt, LineInfoIsAttachedToEachSlot) {
  auto object = load(object_with_line_info(btf_ext_lines(5, 8)));
  ASSERT_TRUE(object) << object.error().to_string();
  EXPECT_TRUE(object->has_line_info);
  const auto& lines = object->programs[0].line_info;
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_FALSE(lines[0]);  // no record before insn 1
  ASSERT_TRUE(lines[1]);
  EXPECT_EQ(lines[1]->file, "int");
  EXPECT_EQ(lines[1]->line, 7u);
  EXPECT_EQ(lines[1]->column, 3u);
}

TEST(ElfBtfExt, LineInfoPastTheSection) {
  auto r = load(object_with_line_info(btf_ext_lines(5, 0x100)));
  EXPECT_EQ(error_of(r),
            "line info for section xdp at byte offset 256 is past the end of the section "
            "(16 bytes)");
  if (!r) {
    EXPECT_EQ(r.error().where.section, ".BTF.ext");
  }
}

TEST(ElfBtfExt, LineInfoBlockPastTheEnd) {
  EXPECT_EQ(error_of(load(object_with_line_info(btf_ext_lines(5, 0, 1000)))),
            "the line info (offset 0, length 1000) extends past the end of the section "
            "(28 bytes after the header)");
}

TEST(ElfBtfExt, LineInfoForAnUnknownSectionName) {
  EXPECT_EQ(error_of(load(object_with_line_info(btf_ext_lines(1, 0)))),
            "line info for section int, which is not a code section of the object");
  EXPECT_EQ(error_of(load(object_with_line_info(btf_ext_lines(900, 0)))),
            "a line info section name offset 900 is outside the BTF string section");
}

}  // namespace
}  // namespace sandbpf
