// Test support: builds small ELF64 BPF objects by hand, so tests can state
// exactly what an object holds and then break one field of it.
// Layout: the ELF header, each section's bytes (8-aligned), then the section
// header table. Section 1 is .strtab (section and symbol names), section 2
// is .symtab; sections added by the test start at 3.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "vm/instruction.hpp"

namespace sandbpf::testing {

inline constexpr uint32_t kShtProgbits = 1;
inline constexpr uint32_t kShtSymtab = 2;
inline constexpr uint32_t kShtStrtab = 3;
inline constexpr uint32_t kShtNobits = 8;
inline constexpr uint32_t kShtRel = 9;
inline constexpr uint64_t kShfAlloc = 2;
inline constexpr uint64_t kShfExec = 4;
inline constexpr uint64_t kShfWrite = 1;
inline constexpr uint8_t kSttNotype = 0;
inline constexpr uint8_t kSttObject = 1;
inline constexpr uint8_t kSttFunc = 2;
inline constexpr uint8_t kSttSection = 3;
inline constexpr uint8_t kStbLocal = 0;
inline constexpr uint8_t kStbGlobal = 1;

inline std::vector<uint8_t> insn_bytes(const std::vector<Insn>& insns) {
  std::vector<uint8_t> out;
  for (const Insn& insn : insns) {
    const uint64_t word = insn.to_word();
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(word >> (8 * i)));
  }
  return out;
}

inline void put_u16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v);
  b[at + 1] = static_cast<uint8_t>(v >> 8);
}
inline void put_u32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}
inline void put_u64(std::vector<uint8_t>& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
}
inline void append_u32(std::vector<uint8_t>& b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void append_u64(std::vector<uint8_t>& b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

class ElfBuilder {
 public:
  struct Section {
    std::string name;
    uint32_t type = kShtProgbits;
    uint64_t flags = 0;
    std::vector<uint8_t> data;
    uint32_t link = 0;
    uint32_t info = 0;
    uint64_t entsize = 0;
    uint64_t nobits_size = 0;  // SHT_NOBITS only
  };
  struct Symbol {
    std::string name;
    uint8_t type = kSttNotype;
    uint8_t bind = kStbGlobal;
    uint16_t shndx = 0;
    uint64_t value = 0;
    uint64_t size = 0;
  };
  struct Reloc {
    uint64_t offset;
    uint32_t type;
    uint32_t symbol;  // index into the symbol table (0 is the null symbol)
  };

  uint16_t machine = 247;

  uint32_t add(Section section) {
    sections_.push_back(std::move(section));
    return static_cast<uint32_t>(sections_.size() + 2);  // after null, .strtab, .symtab
  }
  uint32_t code(const std::string& name, const std::vector<Insn>& insns) {
    return add({name, kShtProgbits, kShfAlloc | kShfExec, insn_bytes(insns)});
  }
  uint32_t data(const std::string& name, std::vector<uint8_t> bytes, uint64_t flags = kShfAlloc | kShfWrite) {
    return add({name, kShtProgbits, flags, std::move(bytes)});
  }
  // Returns the symbol's index (the null symbol is 0).
  uint32_t symbol(Symbol s) {
    symbols_.push_back(std::move(s));
    return static_cast<uint32_t>(symbols_.size());
  }
  uint32_t function(const std::string& name, uint32_t section, uint64_t offset, uint64_t size) {
    return symbol({name, kSttFunc, kStbGlobal, static_cast<uint16_t>(section), offset, size});
  }
  uint32_t object(const std::string& name, uint32_t section, uint64_t offset, uint64_t size) {
    return symbol({name, kSttObject, kStbGlobal, static_cast<uint16_t>(section), offset, size});
  }
  uint32_t relocations(uint32_t target, const std::vector<Reloc>& relocs) {
    std::vector<uint8_t> bytes;
    for (const Reloc& r : relocs) {
      append_u64(bytes, r.offset);
      append_u64(bytes, (static_cast<uint64_t>(r.symbol) << 32) | r.type);
    }
    return add({".rel" + section_name(target), kShtRel, 0, std::move(bytes), 2, target, 16});
  }

  std::string section_name(uint32_t index) const {
    if (index >= 3 && index - 3 < sections_.size()) return sections_[index - 3].name;
    return {};
  }

  // The built object; section_header(i) gives where section i's header is.
  std::vector<uint8_t> build() {
    std::vector<Section> all;
    all.push_back({});  // null
    std::string strtab(1, '\0');
    std::vector<uint32_t> name_offsets;
    auto add_name = [&](const std::string& name) {
      if (name.empty()) return uint32_t{0};
      const auto off = static_cast<uint32_t>(strtab.size());
      strtab += name;
      strtab += '\0';
      return off;
    };
    std::vector<Section> user = sections_;
    // Names: null, .strtab, .symtab, user sections, then symbols.
    name_offsets.push_back(0);
    name_offsets.push_back(add_name(".strtab"));
    name_offsets.push_back(add_name(".symtab"));
    for (const Section& s : user) name_offsets.push_back(add_name(s.name));
    std::vector<uint8_t> symtab(24, 0);  // the null symbol
    for (const Symbol& s : symbols_) {
      append_u32(symtab, add_name(s.name));
      symtab.push_back(static_cast<uint8_t>((s.bind << 4) | s.type));
      symtab.push_back(0);
      symtab.push_back(static_cast<uint8_t>(s.shndx));
      symtab.push_back(static_cast<uint8_t>(s.shndx >> 8));
      append_u64(symtab, s.value);
      append_u64(symtab, s.size);
    }
    all.push_back({".strtab", kShtStrtab, 0, std::vector<uint8_t>(strtab.begin(), strtab.end())});
    all.push_back({".symtab", kShtSymtab, 0, symtab, 1, 1, 24});
    for (Section& s : user) all.push_back(std::move(s));

    std::vector<uint8_t> out(64, 0);
    std::vector<uint64_t> offsets;
    for (const Section& s : all) {
      while (out.size() % 8 != 0) out.push_back(0);
      offsets.push_back(out.size());
      out.insert(out.end(), s.data.begin(), s.data.end());
    }
    while (out.size() % 8 != 0) out.push_back(0);
    const uint64_t shoff = out.size();
    for (size_t i = 0; i < all.size(); ++i) {
      const Section& s = all[i];
      std::vector<uint8_t> h(64, 0);
      put_u32(h, 0, name_offsets[i]);
      put_u32(h, 4, i == 0 ? 0 : s.type);
      put_u64(h, 8, s.flags);
      put_u64(h, 24, i == 0 ? 0 : offsets[i]);
      put_u64(h, 32, s.type == kShtNobits ? s.nobits_size : s.data.size());
      put_u32(h, 40, s.link);
      put_u32(h, 44, s.info);
      put_u64(h, 48, 8);
      put_u64(h, 56, s.entsize);
      out.insert(out.end(), h.begin(), h.end());
    }
    std::memcpy(out.data(), "\x7f" "ELF", 4);
    out[4] = 2;  // ELFCLASS64
    out[5] = 1;  // little-endian
    out[6] = 1;  // EV_CURRENT
    put_u16(out, 16, 1);  // ET_REL
    put_u16(out, 18, machine);
    put_u32(out, 20, 1);
    put_u64(out, 0x28, shoff);
    put_u16(out, 0x34, 64);
    put_u16(out, 0x3a, 64);
    put_u16(out, 0x3c, static_cast<uint16_t>(all.size()));
    put_u16(out, 0x3e, 1);
    shoff_ = shoff;
    return out;
  }

  uint64_t section_header(uint32_t index) const { return shoff_ + 64ull * index; }
  uint64_t symbol_entry(uint32_t index, const std::vector<uint8_t>& built) const {
    // .symtab is section 2: its offset is in its header.
    uint64_t off = 0;
    for (int i = 7; i >= 0; --i) off = (off << 8) | built[section_header(2) + 24 + static_cast<uint64_t>(i)];
    return off + 24ull * index;
  }

 private:
  std::vector<Section> sections_;
  std::vector<Symbol> symbols_;
  uint64_t shoff_ = 0;
};

// A minimal .BTF section from raw type words and a string table.
inline std::vector<uint8_t> btf_section(const std::vector<uint32_t>& type_words,
                                        const std::string& strings) {
  std::vector<uint8_t> out;
  out.push_back(0x9f);
  out.push_back(0xeb);
  out.push_back(1);  // version
  out.push_back(0);  // flags
  append_u32(out, 24);
  append_u32(out, 0);
  append_u32(out, static_cast<uint32_t>(type_words.size() * 4));
  append_u32(out, static_cast<uint32_t>(type_words.size() * 4));
  append_u32(out, static_cast<uint32_t>(strings.size()));
  for (uint32_t w : type_words) append_u32(out, w);
  out.insert(out.end(), strings.begin(), strings.end());
  return out;
}

inline uint32_t btf_info(uint32_t kind, uint32_t vlen = 0) { return (kind << 24) | vlen; }

}  // namespace sandbpf::testing
