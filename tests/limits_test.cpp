// Every input sandbpf reads has a limit, with an error that says which
// limit and by how much it was passed; the defaults are the ones the
// README's Security section states. One test per limit, at the default
// value where that is cheap, and at the boundary (the limit itself is
// allowed). Elsewhere: the ELF per-program instruction limit
// (loader/tests/elf_object_test.cpp), map memory per instance
// (helpers/maps/tests/memory_budget_test.cpp), the verifier's time and
// memory budgets (verifier/).
#include <gtest/gtest.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <sys/mman.h>
#endif

#include <cstring>
#include <vector>

#include "jit/jit.hpp"
#include "loader/object.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

// Zero pages the loader may be shown without touching them: the size
// check comes before any read.
class UntouchedPages {
 public:
#if defined(_WIN32)
  explicit UntouchedPages(size_t size) : size_(size) {
    data_ = static_cast<const uint8_t*>(::VirtualAlloc(nullptr, size, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY));
  }
  ~UntouchedPages() {
    if (data_ != nullptr) ::VirtualFree(const_cast<uint8_t*>(data_), 0, MEM_RELEASE);
  }
#else
  explicit UntouchedPages(size_t size) : size_(size) {
    void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : static_cast<const uint8_t*>(p);
  }
  ~UntouchedPages() {
    if (data_ != nullptr) munmap(const_cast<uint8_t*>(data_), size_);
  }
#endif
  std::span<const uint8_t> bytes() const { return {data_, size_}; }
  bool ok() const { return data_ != nullptr; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_;
};

TEST(Limits, ObjectFilesAreAtMost256MiB) {
  constexpr uint64_t kLimit = 256ull << 20;
  EXPECT_EQ(LoadOptions{}.max_object_bytes, kLimit);
  UntouchedPages over(kLimit + 1);
  ASSERT_TRUE(over.ok());
  auto r = load_elf_object(over.bytes(), "big.o");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kLoad);
  EXPECT_EQ(r.error().to_string(),
            "big.o: the object is 268435457 bytes, more than the limit of 268435456 bytes");
  // At the limit the size is fine (the zeros are then no ELF file).
  UntouchedPages at(kLimit);
  ASSERT_TRUE(at.ok());
  EXPECT_EQ(load_elf_object(at.bytes(), "big.o").error().message,
            "not an ELF file (no \\x7fELF magic)");
}

// An ELF header whose section count is in section 0's header (extended
// numbering), so any count can be claimed in a few bytes.
std::vector<uint8_t> header_claiming_sections(uint64_t count) {
  std::vector<uint8_t> b(128, 0);
  const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  std::memcpy(b.data(), ident, sizeof ident);
  b[16] = 1;     // ET_REL
  b[18] = 247;   // EM_BPF
  b[0x28] = 64;  // e_shoff: right after the header
  b[0x3a] = 64;  // e_shentsize
  // e_shnum = 0: the count is section 0's sh_size (offset 32 in its header)
  std::memcpy(b.data() + 64 + 32, &count, sizeof count);
  b[0x3e] = 1;   // e_shstrndx
  return b;
}

TEST(Limits, ObjectsHaveAtMost65536Sections) {
  EXPECT_EQ(LoadOptions{}.max_sections, 65536u);
  EXPECT_EQ(load_elf_object(header_claiming_sections(65537), "many.o").error().message,
            "the object has 65537 sections, more than the limit of 65536");
  // 65536 passes the limit; this file is then too short to hold them.
  EXPECT_EQ(load_elf_object(header_claiming_sections(65536), "many.o").error().message,
            "section header table at offset 0x40 (65536 entries of 64 bytes) extends past the "
            "end of the file (size 128)");
}

TEST(Limits, ProgramsHaveAtMostOneMillionInstructions) {
  EXPECT_EQ(DecodeOptions{}.max_instructions, 1000000u);
  EXPECT_EQ(LoadOptions{}.max_instructions_per_program, 1000000u);
  std::vector<Insn> slots(1000000, make_insn(Op::Exit));
  EXPECT_TRUE(Program::decode(slots).has_value());
  slots.push_back(make_insn(Op::Exit));
  auto r = Program::decode(slots);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kLoad);
  EXPECT_EQ(r.error().message, "the program has 1000001 instructions, more than the limit of 1000000");
}

TEST(Limits, JitCodeSizeIsBounded) {
  if (!jit_available()) GTEST_SKIP() << "no JIT backend for this host";
  EXPECT_EQ(JitOptions{}.max_code_bytes, 64u << 20);
  std::vector<Insn> slots(1000, make_insn(Op::Add64Imm, 0, 0, 0, 1));
  slots.insert(slots.begin(), make_insn(Op::Mov64Imm, 0, 0, 0, 0));
  slots.push_back(make_insn(Op::Exit));
  auto program = Program::decode(slots);
  ASSERT_TRUE(program);
  auto unlimited = JitProgram::compile(*program, {});
  ASSERT_TRUE(unlimited) << unlimited.error().to_string();
  const uint64_t size = unlimited->code().size();
  JitOptions exact;
  exact.max_code_bytes = size;
  auto at_limit = JitProgram::compile(*program, {}, exact);
  ASSERT_TRUE(at_limit) << at_limit.error().to_string();
  EXPECT_EQ(*at_limit->run({}, {}), 1000u);
  JitOptions smaller;
  smaller.max_code_bytes = size - 1;
  auto over = JitProgram::compile(*program, {}, smaller);
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().message, "the machine code (" + std::to_string(size) +
                                      " bytes) exceeds the limit of " + std::to_string(size - 1) +
                                      " bytes");
}

}  // namespace
}  // namespace sandbpf
