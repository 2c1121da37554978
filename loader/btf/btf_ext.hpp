// .BTF.ext: per code section, the line info (instruction -> source file,
// line, column) and the CO-RE relocations, both keyed by byte offsets in the
// section (in a relocatable object). Function info is skipped: the symbol
// table already names the functions. Parsed strictly against the .BTF it
// refers to: every string and type id is checked.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "loader/btf/btf.hpp"
#include "sandbpf/error.hpp"

namespace sandbpf::btf {

struct LineRecord {
  uint32_t insn_off = 0;  // byte offset in the section
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
};

struct CoreRecord {
  uint32_t insn_off = 0;  // byte offset in the section
  uint32_t type_id = 0;   // root type, < btf.type_count()
  std::string access;     // "0:1:2"
  uint32_t kind = 0;      // bpf_core_relo_kind
};

struct BtfExt {
  // Keyed by section name, records in file order.
  std::map<std::string, std::vector<LineRecord>> lines;
  std::map<std::string, std::vector<CoreRecord>> core;

  // Errors are kind kLoad with a sentence about the .BTF.ext section.
  static Result<BtfExt> parse(std::span<const uint8_t> section, const Btf& btf);
};

}  // namespace sandbpf::btf
