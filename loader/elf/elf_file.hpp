// A strictly bounds-checked reader for little-endian ELF64 relocatable
// objects (the BPF target's .o files). It knows ELF only: section headers,
// the symbol table and relocation tables, all validated when the file is
// opened, so everything it returns can be used without further checks on
// its own structure (an offset in a section's data, a symbol's section
// index, a relocation's symbol index are all known to be in range).
// What the sections mean to BPF is elf_object.cpp's business.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "loader/object.hpp"
#include "sandbpf/error.hpp"

namespace sandbpf::elf {

inline constexpr uint16_t kEmNone = 0;
inline constexpr uint16_t kEmBpf = 247;

inline constexpr uint32_t kShtNull = 0;
inline constexpr uint32_t kShtProgbits = 1;
inline constexpr uint32_t kShtSymtab = 2;
inline constexpr uint32_t kShtStrtab = 3;
inline constexpr uint32_t kShtRela = 4;
inline constexpr uint32_t kShtNobits = 8;
inline constexpr uint32_t kShtRel = 9;

inline constexpr uint64_t kShfWrite = 0x1;
inline constexpr uint64_t kShfAlloc = 0x2;
inline constexpr uint64_t kShfExecinstr = 0x4;

inline constexpr uint8_t kSttNotype = 0;
inline constexpr uint8_t kSttObject = 1;
inline constexpr uint8_t kSttFunc = 2;
inline constexpr uint8_t kSttSection = 3;
inline constexpr uint8_t kSttFile = 4;

inline constexpr uint8_t kStbLocal = 0;
inline constexpr uint8_t kStbGlobal = 1;
inline constexpr uint8_t kStbWeak = 2;

inline constexpr uint16_t kShnUndef = 0;
inline constexpr uint16_t kShnLoreserve = 0xff00;
inline constexpr uint16_t kShnAbs = 0xfff1;
inline constexpr uint16_t kShnCommon = 0xfff2;
inline constexpr uint16_t kShnXindex = 0xffff;

// BPF relocation types (llvm/BinaryFormat/ELFRelocs/BPF.def).
inline constexpr uint32_t kRBpfNone = 0;
inline constexpr uint32_t kRBpf64_64 = 1;
inline constexpr uint32_t kRBpf64Abs64 = 2;
inline constexpr uint32_t kRBpf64Abs32 = 3;
inline constexpr uint32_t kRBpf64Nodyld32 = 4;
inline constexpr uint32_t kRBpf64_32 = 10;

std::string relocation_type_name(uint32_t type);  // "R_BPF_64_64", ... or "type N"

struct Section {
  uint32_t index = 0;
  std::string name;
  uint32_t type = 0;
  uint64_t flags = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t link = 0;
  uint32_t info = 0;
  uint64_t entsize = 0;
  // The section's bytes in the file; empty for SHT_NOBITS (whose `size`
  // still says how large it is in memory).
  std::span<const uint8_t> data;

  bool executable() const { return (flags & kShfExecinstr) != 0; }
};

struct Symbol {
  uint32_t index = 0;
  std::string name;
  uint8_t type = 0;     // STT_*
  uint8_t binding = 0;  // STB_*
  uint16_t shndx = 0;   // SHN_UNDEF, a valid section index, or a reserved index
  uint64_t value = 0;
  uint64_t size = 0;

  // The section the symbol is defined in, when it names one.
  std::optional<uint32_t> section(size_t section_count) const {
    if (shndx == kShnUndef || shndx >= kShnLoreserve || shndx >= section_count) return std::nullopt;
    return shndx;
  }
};

struct Relocation {
  uint64_t offset = 0;   // in the patched section
  uint32_t type = 0;     // R_BPF_*
  uint32_t symbol = 0;   // index into ElfFile::symbols(), known to be valid
  int64_t addend = 0;    // 0 for SHT_REL
  bool has_addend = false;
};

// A relocation table and the section it patches.
struct RelocationTable {
  uint32_t section = 0;  // the relocation section's own index
  uint32_t target = 0;   // sh_info: the section patched, known to be valid
  std::vector<Relocation> entries;
};

class ElfFile {
 public:
  // Validates the header, every section header (bounds, names), the symbol
  // table (names, section indices) and every relocation table (entry
  // sizes, symbol indices, target sections). Errors have kind kLoad and
  // where.file = path.
  static Result<ElfFile> parse(std::span<const uint8_t> bytes, const std::string& path,
                               const LoadOptions& options);

  uint16_t machine() const { return machine_; }
  const std::vector<Section>& sections() const { return sections_; }
  const std::vector<Symbol>& symbols() const { return symbols_; }
  const std::vector<RelocationTable>& relocation_tables() const { return relocations_; }

  const Section* find_section(std::string_view name) const;

 private:
  uint16_t machine_ = 0;
  std::vector<Section> sections_;
  std::vector<Symbol> symbols_;
  std::vector<RelocationTable> relocations_;
};

}  // namespace sandbpf::elf
