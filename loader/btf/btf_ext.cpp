#include "loader/btf/btf_ext.hpp"

#include <fmt/format.h>

#include "loader/elf/bytes.hpp"

namespace sandbpf::btf {
namespace {

using elf::fits;
using elf::read_u16;
using elf::read_u32;

constexpr uint16_t kMagic = 0xeb9f;
constexpr uint32_t kHeaderMin = 24;  // up to line_info_len
constexpr uint32_t kHeaderCore = 32; // with core_relo_off/len
constexpr uint32_t kLineRecordMin = 16;
constexpr uint32_t kCoreRecordMin = 16;

std::unexpected<Error> fail(std::string message) {
  return make_error(ErrorKind::kLoad, std::move(message));
}

// Walks one info block (line info or CO-RE relocations): a record size, then
// per section {name offset, count, records}. Calls `record(section name,
// record bytes)` for each record.
template <typename F>
Result<void> walk_block(std::span<const uint8_t> body, uint32_t off, uint32_t len,
                        std::string_view what, uint32_t min_record, const Btf& btf, F&& record) {
  if (len == 0) return {};
  if (!fits(off, len, body.size()))
    return fail(fmt::format("the {} (offset {}, length {}) extends past the end of the section "
                            "({} bytes after the header)",
                            what, off, len, body.size()));
  const auto block = body.subspan(off, len);
  if (block.size() < 4) return fail(fmt::format("the {} has no record size", what));
  const uint32_t rec_size = read_u32(block, 0);
  if (rec_size < min_record)
    return fail(fmt::format("the {}'s records are {} bytes, less than the {} they need", what,
                            rec_size, min_record));
  uint64_t at = 4;
  while (at < block.size()) {
    if (!fits(at, 8, block.size()))
      return fail(fmt::format("the {} is truncated at offset {}", what, at));
    const uint32_t name_off = read_u32(block, at);
    const uint32_t count = read_u32(block, at + 4);
    at += 8;
    if (!btf.has_string(name_off))
      return fail(fmt::format("a {} section name offset {} is outside the BTF string section",
                              what, name_off));
    const std::string section(btf.string(name_off));
    if (count > (block.size() - at) / rec_size)
      return fail(fmt::format("the {} for section {} has {} records of {} bytes, past the end of "
                              "the block ({} bytes left)",
                              what, section, count, rec_size, block.size() - at));
    for (uint32_t i = 0; i < count; ++i) {
      if (auto r = record(section, block.subspan(at, rec_size)); !r) return r;
      at += rec_size;
    }
  }
  return {};
}

}  // namespace

Result<BtfExt> BtfExt::parse(std::span<const uint8_t> section, const Btf& btf) {
  if (section.size() < kHeaderMin)
    return fail(fmt::format("the section has {} bytes, less than the {}-byte header",
                            section.size(), kHeaderMin));
  if (read_u16(section, 0) != kMagic)
    return fail(fmt::format("bad magic 0x{:04x} (expected 0xeb9f)", read_u16(section, 0)));
  if (section[2] != 1) return fail(fmt::format("unsupported version {}", section[2]));
  const uint32_t hdr_len = read_u32(section, 4);
  if (hdr_len < kHeaderMin || hdr_len > section.size())
    return fail(fmt::format("header length {} is outside the section (size {})", hdr_len,
                            section.size()));
  const auto body = section.subspan(hdr_len);
  const uint32_t line_off = read_u32(section, 16);
  const uint32_t line_len = read_u32(section, 20);

  BtfExt ext;
  auto line = [&](const std::string& name, std::span<const uint8_t> rec) -> Result<void> {
    LineRecord r;
    r.insn_off = read_u32(rec, 0);
    const uint32_t file_off = read_u32(rec, 4);
    const uint32_t line_text_off = read_u32(rec, 8);
    const uint32_t line_col = read_u32(rec, 12);
    if (!btf.has_string(file_off))
      return fail(fmt::format("line info for section {} names a file at string offset {}, "
                              "outside the BTF string section",
                              name, file_off));
    if (!btf.has_string(line_text_off))
      return fail(fmt::format("line info for section {} names a source line at string offset "
                              "{}, outside the BTF string section",
                              name, line_text_off));
    if (r.insn_off % 8 != 0)
      return fail(fmt::format("line info for section {} is at byte offset {}, which is not an "
                              "instruction boundary",
                              name, r.insn_off));
    r.file = std::string(btf.string(file_off));
    r.line = line_col >> 10;
    r.column = line_col & 0x3ff;
    ext.lines[name].push_back(std::move(r));
    return {};
  };
  if (auto r = walk_block(body, line_off, line_len, "line info", kLineRecordMin, btf, line); !r)
    return std::unexpected(r.error());

  if (hdr_len >= kHeaderCore) {
    const uint32_t core_off = read_u32(section, 24);
    const uint32_t core_len = read_u32(section, 28);
    auto core = [&](const std::string& name, std::span<const uint8_t> rec) -> Result<void> {
      CoreRecord r;
      r.insn_off = read_u32(rec, 0);
      r.type_id = read_u32(rec, 4);
      const uint32_t access_off = read_u32(rec, 8);
      r.kind = read_u32(rec, 12);
      if (r.type_id >= btf.type_count())
        return fail(fmt::format("a CO-RE relocation for section {} names type {}, but the BTF "
                                "has {} types",
                                name, r.type_id, btf.type_count() - 1));
      if (!btf.has_string(access_off))
        return fail(fmt::format("a CO-RE relocation for section {} has its access string at "
                                "offset {}, outside the BTF string section",
                                name, access_off));
      if (r.insn_off % 8 != 0)
        return fail(fmt::format("a CO-RE relocation for section {} is at byte offset {}, which "
                                "is not an instruction boundary",
                                name, r.insn_off));
      r.access = std::string(btf.string(access_off));
      ext.core[name].push_back(std::move(r));
      return {};
    };
    if (auto r = walk_block(body, core_off, core_len, "CO-RE relocations", kCoreRecordMin, btf,
                            core);
        !r)
      return std::unexpected(r.error());
  }
  return ext;
}

}  // namespace sandbpf::btf
