#include "loader/program_file.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace sandbpf {
namespace {

bool is_text_byte(uint8_t b) {
  return (b >= 0x20 && b <= 0x7e) || b == '\t' || b == '\n' || b == '\r' || b == '\v' ||
         b == '\f';
}

// Length of the UTF-8 sequence starting at bytes[i] (2 to 4), or 0 when
// the bytes there are not one (so that comments may hold non-ASCII text).
size_t utf8_sequence(std::span<const uint8_t> bytes, size_t i) {
  const uint8_t lead = bytes[i];
  size_t length = 0;
  uint32_t min = 0;
  uint32_t code = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, min = 0x80, code = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, min = 0x800, code = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, min = 0x10000, code = lead & 0x07;
  } else {
    return 0;
  }
  if (bytes.size() - i < length) return 0;
  for (size_t k = 1; k < length; ++k) {
    if ((bytes[i + k] & 0xc0) != 0x80) return 0;
    code = (code << 6) | (bytes[i + k] & 0x3f);
  }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return length;
}

bool is_text(std::span<const uint8_t> bytes) {
  for (size_t i = 0; i < bytes.size();) {
    if (is_text_byte(bytes[i])) {
      ++i;
      continue;
    }
    const size_t n = utf8_sequence(bytes, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

ProgramFileKind detect_program_file_kind(std::span<const uint8_t> bytes) {
  static constexpr uint8_t kElfMagic[] = {0x7f, 'E', 'L', 'F'};
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), kElfMagic, 4) == 0) return ProgramFileKind::kElf;
  return is_text(bytes) ? ProgramFileKind::kAssembly : ProgramFileKind::kRaw;
}

Result<std::vector<uint8_t>> read_file_bytes(const std::string& path) {
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  Location where;
  where.file = path;
  if (!file)
    return make_error(ErrorKind::kLoad, fmt::format("cannot open: {}", std::strerror(errno)), where);
  std::vector<uint8_t> bytes;
  uint8_t buffer[65536];
  for (;;) {
    const size_t n = std::fread(buffer, 1, sizeof buffer, file.get());
    bytes.insert(bytes.end(), buffer, buffer + n);
    if (n < sizeof buffer) break;
  }
  if (std::ferror(file.get()))
    return make_error(ErrorKind::kLoad, fmt::format("cannot read: {}", std::strerror(errno)), where);
  return bytes;
}

}  // namespace sandbpf
