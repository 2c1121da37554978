// Bounds-checked little-endian reads from a byte span. Every read in the
// ELF and BTF parsers goes through `fits` first: offsets and sizes come from
// the file and may be anything, so the check is written so that it cannot
// overflow (offset + size is never computed before it is known to fit).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sandbpf::elf {

// True when [offset, offset + size) lies inside a buffer of `total` bytes.
constexpr bool fits(uint64_t offset, uint64_t size, uint64_t total) {
  return offset <= total && size <= total - offset;
}

inline uint16_t read_u16(std::span<const uint8_t> bytes, uint64_t offset) {
  return static_cast<uint16_t>(bytes[offset] | (bytes[offset + 1] << 8));
}

inline uint32_t read_u32(std::span<const uint8_t> bytes, uint64_t offset) {
  uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | bytes[offset + static_cast<uint64_t>(i)];
  return value;
}

inline uint64_t read_u64(std::span<const uint8_t> bytes, uint64_t offset) {
  return static_cast<uint64_t>(read_u32(bytes, offset)) |
         (static_cast<uint64_t>(read_u32(bytes, offset + 4)) << 32);
}

// The NUL-terminated string at `offset` in a string table, or false when the
// offset is outside the table or the string runs off its end.
inline bool string_at(std::span<const uint8_t> table, uint64_t offset, std::string_view& out) {
  if (offset >= table.size()) return false;
  for (uint64_t end = offset; end < table.size(); ++end)
    if (table[end] == 0) {
      out = std::string_view(reinterpret_cast<const char*>(table.data() + offset), end - offset);
      return true;
    }
  return false;
}

}  // namespace sandbpf::elf
