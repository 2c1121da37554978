#include "loader/elf/elf_file.hpp"

#include <fmt/format.h>

#include "loader/elf/bytes.hpp"

namespace sandbpf::elf {
namespace {

constexpr uint64_t kHeaderSize = 64;
constexpr uint64_t kSectionHeaderSize = 64;
constexpr uint64_t kSymbolSize = 24;
constexpr uint64_t kRelSize = 16;
constexpr uint64_t kRelaSize = 24;

std::unexpected<Error> fail(const std::string& path, std::string message,
                            std::string section = {}) {
  Location where;
  where.file = path;
  where.section = std::move(section);
  return make_error(ErrorKind::kLoad, std::move(message), std::move(where));
}

}  // namespace

std::string relocation_type_name(uint32_t type) {
  switch (type) {
    case kRBpfNone: return "R_BPF_NONE";
    case kRBpf64_64: return "R_BPF_64_64";
    case kRBpf64Abs64: return "R_BPF_64_ABS64";
    case kRBpf64Abs32: return "R_BPF_64_ABS32";
    case kRBpf64Nodyld32: return "R_BPF_64_NODYLD32";
    case kRBpf64_32: return "R_BPF_64_32";
    default: return fmt::format("type {}", type);
  }
}

const Section* ElfFile::find_section(std::string_view name) const {
  for (const Section& section : sections_)
    if (section.name == name) return &section;
  return nullptr;
}

Result<ElfFile> ElfFile::parse(std::span<const uint8_t> bytes, const std::string& path,
                               const LoadOptions& options) {
  const uint64_t file_size = bytes.size();
  if (file_size > options.max_object_bytes)
    return fail(path, fmt::format("the object is {} bytes, more than the limit of {} bytes",
                                  file_size, options.max_object_bytes));
  if (file_size < 4 || bytes[0] != 0x7f || bytes[1] != 'E' || bytes[2] != 'L' || bytes[3] != 'F')
    return fail(path, "not an ELF file (no \\x7fELF magic)");
  if (file_size < kHeaderSize)
    return fail(path, fmt::format("the ELF header is truncated: the file has {} bytes, the "
                                  "header needs {}",
                                  file_size, kHeaderSize));
  if (bytes[4] != 2)
    return fail(path, fmt::format("not a 64-bit ELF file (class {}); BPF objects are ELF64",
                                  bytes[4]));
  if (bytes[5] != 1)
    return fail(path, fmt::format("not a little-endian ELF file (data encoding {}); sandbpf "
                                  "loads little-endian BPF objects",
                                  bytes[5]));

  ElfFile file;
  const uint16_t type = read_u16(bytes, 16);
  file.machine_ = read_u16(bytes, 18);
  if (type != 1)
    return fail(path, fmt::format("not a relocatable object (ELF type {}); sandbpf loads the .o "
                                  "files compilers produce",
                                  type));
  // EM_NONE: BPF objects from LLVM releases before the BPF machine number
  // was assigned (the corpus has two).
  if (file.machine_ != kEmBpf && file.machine_ != kEmNone)
    return fail(path, fmt::format("not a BPF object (ELF machine {}, BPF is {})", file.machine_,
                                  kEmBpf));

  const uint64_t shoff = read_u64(bytes, 0x28);
  const uint16_t shentsize = read_u16(bytes, 0x3a);
  uint64_t shnum = read_u16(bytes, 0x3c);
  uint32_t shstrndx = read_u16(bytes, 0x3e);
  if (shoff == 0) return fail(path, "the object has no section header table");
  if (shentsize != kSectionHeaderSize)
    return fail(path, fmt::format("section header entries are {} bytes; ELF64 needs {}", shentsize,
                                  kSectionHeaderSize));
  if (!fits(shoff, kSectionHeaderSize, file_size))
    return fail(path, fmt::format("section header table at offset 0x{:x} extends past the end of "
                                  "the file (size {})",
                                  shoff, file_size));
  // Extended numbering: a count of 0 or an index of SHN_XINDEX means the
  // real value is in section 0's header.
  if (shnum == 0) shnum = read_u64(bytes, shoff + 32);
  if (shstrndx == kShnXindex) shstrndx = read_u32(bytes, shoff + 40);
  if (shnum == 0) return fail(path, "the section header table is empty");
  if (shnum > options.max_sections)
    return fail(path, fmt::format("the object has {} sections, more than the limit of {}", shnum,
                                  options.max_sections));
  if (shnum > (file_size - shoff) / kSectionHeaderSize)
    return fail(path, fmt::format("section header table at offset 0x{:x} ({} entries of {} bytes) "
                                  "extends past the end of the file (size {})",
                                  shoff, shnum, kSectionHeaderSize, file_size));
  if (shstrndx == 0 || shstrndx >= shnum)
    return fail(path, fmt::format("the section name table is section {}, but the object has {} "
                                  "sections",
                                  shstrndx, shnum));

  std::vector<uint32_t> name_offsets;
  file.sections_.reserve(shnum);
  for (uint64_t i = 0; i < shnum; ++i) {
    const uint64_t h = shoff + i * kSectionHeaderSize;
    Section section;
    section.index = static_cast<uint32_t>(i);
    name_offsets.push_back(read_u32(bytes, h));
    section.type = read_u32(bytes, h + 4);
    section.flags = read_u64(bytes, h + 8);
    section.offset = read_u64(bytes, h + 24);
    section.size = read_u64(bytes, h + 32);
    section.link = read_u32(bytes, h + 40);
    section.info = read_u32(bytes, h + 44);
    section.entsize = read_u64(bytes, h + 56);
    // Section 0 is the null section whatever its header says: its fields
    // only carry extended numbering (read above). A header giving it a
    // type, flags or a name would make it code or maps without bytes (the
    // loader fuzzer found a section 0 marked executable PROGBITS).
    if (i == 0) {
      section.type = 0;
      section.flags = 0;
      section.size = 0;
    }
    // Every section but SHT_NOBITS ones (and section 0) has its bytes in
    // the file.
    if (i != 0 && section.type != kShtNobits) {
      if (!fits(section.offset, section.size, file_size))
        return fail(path, fmt::format("section {} at offset 0x{:x} with size {} extends past the "
                                      "end of the file (size {})",
                                      i, section.offset, section.size, file_size));
      section.data = bytes.subspan(section.offset, section.size);
    }
    file.sections_.push_back(std::move(section));
  }

  const Section& names = file.sections_[shstrndx];
  if (names.type != kShtStrtab)
    return fail(path, fmt::format("the section name table (section {}) is not a string table "
                                  "(type {})",
                                  shstrndx, names.type));
  for (uint64_t i = 1; i < shnum; ++i) {
    std::string_view name;
    if (!string_at(names.data, name_offsets[i], name))
      return fail(path, fmt::format("section {}'s name at offset 0x{:x} is outside the section "
                                    "name table (size {}) or not terminated",
                                    i, name_offsets[i], names.data.size()));
    file.sections_[i].name = std::string(name);
  }

  // The symbol table. BPF objects have one (or none, for an object with no
  // symbols at all).
  const Section* symtab = nullptr;
  for (const Section& section : file.sections_) {
    if (section.type != kShtSymtab) continue;
    if (symtab != nullptr)
      return fail(path, fmt::format("the object has two symbol tables (sections {} and {})",
                                    symtab->index, section.index),
                  section.name);
    symtab = &section;
  }
  if (symtab != nullptr) {
    if (symtab->entsize != kSymbolSize)
      return fail(path, fmt::format("symbol table entries are {} bytes; ELF64 symbols are {}",
                                    symtab->entsize, kSymbolSize),
                  symtab->name);
    if (symtab->size % kSymbolSize != 0)
      return fail(path, fmt::format("the symbol table's size {} is not a multiple of {}",
                                    symtab->size, kSymbolSize),
                  symtab->name);
    if (symtab->link == 0 || symtab->link >= shnum)
      return fail(path, fmt::format("the symbol table's string table is section {}, but the "
                                    "object has {} sections",
                                    symtab->link, shnum),
                  symtab->name);
    const Section& strings = file.sections_[symtab->link];
    if (strings.type != kShtStrtab)
      return fail(path, fmt::format("the symbol table's string table (section {}) is not a "
                                    "string table (type {})",
                                    strings.index, strings.type),
                  symtab->name);
    const uint64_t count = symtab->size / kSymbolSize;
    file.symbols_.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t s = i * kSymbolSize;
      Symbol symbol;
      symbol.index = static_cast<uint32_t>(i);
      const uint32_t name_offset = read_u32(symtab->data, s);
      const uint8_t info = symtab->data[s + 4];
      symbol.type = info & 0x0f;
      symbol.binding = info >> 4;
      symbol.shndx = read_u16(symtab->data, s + 6);
      symbol.value = read_u64(symtab->data, s + 8);
      symbol.size = read_u64(symtab->data, s + 16);
      std::string_view name;
      if (!string_at(strings.data, name_offset, name))
        return fail(path, fmt::format("symbol {}'s name at offset 0x{:x} is outside the string "
                                      "table (size {}) or not terminated",
                                      i, name_offset, strings.data.size()),
                    symtab->name);
      symbol.name = std::string(name);
      if (symbol.shndx == kShnXindex)
        return fail(path, fmt::format("symbol {} ({}) uses extended section indices, which BPF "
                                      "objects never need",
                                      i, symbol.name),
                    symtab->name);
      if (symbol.shndx != kShnUndef && symbol.shndx < kShnLoreserve && symbol.shndx >= shnum)
        return fail(path, fmt::format("symbol {} ({}) names section {}, but the object has {} "
                                      "sections",
                                      i, symbol.name, symbol.shndx, shnum),
                    symtab->name);
      // A section symbol's name is its section's.
      if (symbol.type == kSttSection && symbol.name.empty() && symbol.shndx != kShnUndef &&
          symbol.shndx < shnum)
        symbol.name = file.sections_[symbol.shndx].name;
      file.symbols_.push_back(std::move(symbol));
    }
  }

  // Relocation tables.
  for (const Section& section : file.sections_) {
    if (section.type != kShtRel && section.type != kShtRela) continue;
    const bool rela = section.type == kShtRela;
    const uint64_t entry = rela ? kRelaSize : kRelSize;
    if (section.entsize != entry && section.entsize != 0)
      return fail(path, fmt::format("relocation entries are {} bytes; {} entries are {}",
                                    section.entsize, rela ? "SHT_RELA" : "SHT_REL", entry),
                  section.name);
    if (section.size % entry != 0)
      return fail(path, fmt::format("the relocation table's size {} is not a multiple of {}",
                                    section.size, entry),
                  section.name);
    if (section.info == 0 || section.info >= shnum)
      return fail(path, fmt::format("the relocation table applies to section {}, but the object "
                                    "has {} sections",
                                    section.info, shnum),
                  section.name);
    if (symtab == nullptr || section.link != symtab->index)
      return fail(path, fmt::format("the relocation table's symbol table is section {}, which is "
                                    "not the object's symbol table",
                                    section.link),
                  section.name);
    RelocationTable table;
    table.section = section.index;
    table.target = section.info;
    const uint64_t count = section.size / entry;
    table.entries.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      Relocation r;
      r.offset = read_u64(section.data, i * entry);
      const uint64_t info = read_u64(section.data, i * entry + 8);
      r.type = static_cast<uint32_t>(info);
      const uint64_t symbol = info >> 32;
      if (rela) {
        r.addend = static_cast<int64_t>(read_u64(section.data, i * entry + 16));
        r.has_addend = true;
      }
      if (symbol >= file.symbols_.size())
        return fail(path, fmt::format("relocation {} names symbol {}, but the symbol table has {} "
                                      "symbols",
                                      i, symbol, file.symbols_.size()),
                    section.name);
      r.symbol = static_cast<uint32_t>(symbol);
      table.entries.push_back(r);
    }
    file.relocations_.push_back(std::move(table));
  }
  return file;
}

}  // namespace sandbpf::elf
