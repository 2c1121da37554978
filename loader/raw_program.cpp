#include "loader/raw_program.hpp"

#include <fmt/format.h>

#include <optional>

namespace sandbpf {
namespace {

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// 0x followed by 1 to 16 hex digits.
std::optional<uint64_t> parse_word(std::string_view token) {
  if (token.size() < 3 || token[0] != '0' || (token[1] != 'x' && token[1] != 'X')) return {};
  const std::string_view digits = token.substr(2);
  if (digits.size() > 16) return {};
  uint64_t value = 0;
  for (char c : digits) {
    const int d = hex_digit(c);
    if (d < 0) return {};
    value = (value << 4) | static_cast<uint64_t>(d);
  }
  return value;
}

}  // namespace

Result<std::vector<Insn>> read_raw_binary(std::span<const uint8_t> bytes) {
  if (bytes.size() % sizeof(Insn) != 0)
    return load_error(fmt::format("the raw program is {} bytes long, which is not a multiple of 8 "
                                  "(each instruction slot is 8 bytes)",
                                  bytes.size()));
  std::vector<Insn> insns;
  insns.reserve(bytes.size() / sizeof(Insn));
  for (size_t i = 0; i < bytes.size(); i += sizeof(Insn)) insns.push_back(Insn::from_bytes(&bytes[i]));
  return insns;
}

Result<std::vector<Insn>> parse_raw_words(std::string_view text) {
  std::vector<Insn> insns;
  uint32_t line_no = 0;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    for (size_t pos = 0;;) {
      while (pos < line.size() && is_space(line[pos])) ++pos;
      if (pos >= line.size()) break;
      const size_t start = pos;
      while (pos < line.size() && !is_space(line[pos])) ++pos;
      const std::string_view token = line.substr(start, pos - start);
      const auto word = parse_word(token);
      if (!word) {
        Location where;
        where.source = SourceLine{"", line_no, static_cast<uint32_t>(start + 1)};
        return make_error(ErrorKind::kLoad,
                          fmt::format("expected a 64-bit word written 0x<1 to 16 hex digits>, "
                                      "got '{}'",
                                      token),
                          std::move(where));
      }
      insns.push_back(Insn::from_word(*word));
    }
  }
  return insns;
}

std::vector<uint8_t> to_raw_binary(std::span<const Insn> insns) {
  std::vector<uint8_t> bytes;
  bytes.reserve(insns.size() * sizeof(Insn));
  for (const Insn& insn : insns) {
    const uint64_t word = insn.to_word();
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(word >> (8 * i)));
  }
  return bytes;
}

}  // namespace sandbpf
