#include "helpers/standard/format.hpp"

#include <fmt/format.h>

#include <array>
#include <cstring>

#include "helpers/standard/helper_support.hpp"

namespace sandbpf {
namespace {

bool is_printable_or_space(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x80 && ((u >= 0x20 && u < 0x7f) || (u >= '\t' && u <= '\r'));
}

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

bool is_punct(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f &&
         !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

struct Spec {
  bool left = false;   // '-'
  bool zero = false;   // '0'
  bool plus = false;   // '+'
  bool space = false;  // ' '
  int width = -1;      // -1: none
};

void pad_to(std::string& out, std::string_view body, const Spec& spec, bool zero_pad_allowed) {
  const size_t width = spec.width < 0 ? 0 : static_cast<size_t>(spec.width);
  if (body.size() >= width) {
    out.append(body);
    return;
  }
  const size_t fill = width - body.size();
  if (spec.left) {
    out.append(body);
    out.append(fill, ' ');
  } else if (spec.zero && zero_pad_allowed) {
    // Zeros go after a sign.
    size_t sign = (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) ? 1 : 0;
    out.append(body.substr(0, sign));
    out.append(fill, '0');
    out.append(body.substr(sign));
  } else {
    out.append(fill, ' ');
    out.append(body);
  }
}

// Reads a NUL-terminated string of at most kFormatMaxStringBytes - 1
// characters, as far as the probe allows; empty when nothing is readable.
std::string read_string(uint64_t address, const MemoryProbe& probe) {
  std::string text;
  if (address == 0) return text;
  const uint64_t readable = probe.bytes(address, kFormatMaxStringBytes - 1, false);
  const auto* chars = reinterpret_cast<const char*>(address);
  for (uint64_t i = 0; i < readable && chars[i] != 0; ++i) text.push_back(chars[i]);
  return text;
}

}  // namespace

int64_t format_bpf_string(std::string_view format, std::span<const uint64_t> values,
                          const MemoryProbe& probe, std::string& out) {
  using errno_value::kEINVAL;
  size_t used = 0;
  const auto at = [&](size_t i) { return i < format.size() ? format[i] : '\0'; };
  for (size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (!is_printable_or_space(c)) return -kEINVAL;
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (at(i + 1) == '%') {
      out.push_back('%');
      ++i;
      continue;
    }
    if (used >= values.size()) return -kEINVAL;
    const uint64_t value = values[used++];
    ++i;
    Spec spec;
    for (;; ++i) {
      const char flag = at(i);
      if (flag == '-')
        spec.left = true;
      else if (flag == '0')
        spec.zero = true;
      else if (flag == '+')
        spec.plus = true;
      else if (flag == ' ')
        spec.space = true;
      else
        break;
    }
    if (at(i) >= '1' && at(i) <= '9') {
      spec.width = 0;
      while (at(i) >= '0' && at(i) <= '9') {
        spec.width = std::min(spec.width * 10 + (at(i) - '0'), 4096);
        ++i;
      }
    }
    const char conversion = at(i);
    if (conversion == 'p') {
      const char next = at(i + 1);
      if ((next == 'k' || next == 'u') && at(i + 2) == 's') {
        i += 2;
        pad_to(out, read_string(value, probe), spec, false);
        continue;
      }
      if ((next == 'i' || next == 'I') && (at(i + 2) == '4' || at(i + 2) == '6')) {
        const bool v6 = at(i + 2) == '6';
        const bool padded = next == 'i';
        i += 2;
        std::array<uint8_t, 16> bytes{};
        const uint64_t size = v6 ? 16 : 4;
        if (value != 0 && probe.bytes(value, size, false) >= size)
          std::memcpy(bytes.data(), reinterpret_cast<const void*>(value), size);
        std::string text;
        if (!v6) {
          text = padded ? fmt::format("{:03}.{:03}.{:03}.{:03}", bytes[0], bytes[1], bytes[2],
                                      bytes[3])
                        : fmt::format("{}.{}.{}.{}", bytes[0], bytes[1], bytes[2], bytes[3]);
        } else {
          for (size_t b = 0; b < 16; b += 2) {
            if (!padded && b > 0) text.push_back(':');
            text += fmt::format("{:02x}{:02x}", bytes[b], bytes[b + 1]);
          }
        }
        pad_to(out, text, spec, false);
        continue;
      }
      if (next == 'K' || next == 'x' || next == 's' || next == 'S' || next == 'B') {
        ++i;
      } else if (!(next == '\0' || is_space(next) || is_punct(next))) {
        return -kEINVAL;
      }
      // Linux prints a pointer as 16 zero-padded hex digits unless a width is given.
      if (spec.width < 0) {
        spec.width = 16;
        spec.zero = true;
      }
      pad_to(out, fmt::format("{:x}", value), spec, true);
      continue;
    }
    if (conversion == 'c') {
      pad_to(out, std::string(1, static_cast<char>(value & 0xff)), spec, false);
      continue;
    }
    if (conversion == 's') {
      pad_to(out, read_string(value, probe), spec, false);
      continue;
    }
    bool wide = false;
    if (at(i) == 'l') {
      wide = true;
      ++i;
      if (at(i) == 'l') ++i;
    }
    const char kind = at(i);
    std::string body;
    switch (kind) {
      case 'd':
      case 'i': {
        const int64_t number = wide ? static_cast<int64_t>(value) : static_cast<int32_t>(value);
        if (number < 0) {
          body = fmt::format("-{}", 0 - static_cast<uint64_t>(number));
        } else {
          body = fmt::format("{}{}", spec.plus ? "+" : (spec.space ? " " : ""), number);
        }
        break;
      }
      case 'u': body = fmt::format("{}", wide ? value : static_cast<uint32_t>(value)); break;
      case 'x': body = fmt::format("{:x}", wide ? value : static_cast<uint32_t>(value)); break;
      case 'X': body = fmt::format("{:X}", wide ? value : static_cast<uint32_t>(value)); break;
      default: return -kEINVAL;
    }
    pad_to(out, body, spec, true);
  }
  return 0;
}

}  // namespace sandbpf
