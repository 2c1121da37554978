// bpf_strtol, bpf_strtoul, bpf_strncmp with Linux's semantics
// (kernel/bpf/helpers.c): the behaviour, not the code, is the kernel's.
#include <cstring>

#include "helpers/standard/helper_support.hpp"
#include "helpers/standard/standard_helpers.hpp"

namespace sandbpf {
namespace {

using namespace errno_value;

// Linux's isspace: the C locale's six plus 0xa0 (Latin-1 no-break space,
// which the kernel's ctype table counts as space).
bool kernel_isspace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0; }

int digit_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

struct Parsed {
  int64_t error = 0;       // negated errno, or 0
  uint64_t consumed = 0;   // characters of buf used
  uint64_t magnitude = 0;  // the number without its sign
  bool negative = false;
};

// The kernel's rules: flags holds the base (0, 8, 10 or 16) in its low 5
// bits and nothing else; leading white space is skipped; one '-' may
// follow (never '+'); base 0 picks 16 for "0x" followed by a hex digit, 8
// for a leading 0, else 10; base 16 skips a "0x" prefix; at most 63
// characters after the sign are looked at; overflow is -ERANGE, no digit
// -EINVAL.
Parsed parse_unsigned(const char* buf, uint64_t buf_len, uint64_t flags) {
  Parsed result;
  constexpr uint64_t kBaseMask = 0x1f;
  unsigned base = static_cast<unsigned>(flags & kBaseMask);
  if (buf_len == 0 || (flags & ~kBaseMask) != 0 ||
      (base != 0 && base != 8 && base != 10 && base != 16)) {
    result.error = -kEINVAL;
    return result;
  }
  uint64_t position = 0;
  while (position < buf_len && kernel_isspace(static_cast<unsigned char>(buf[position])))
    ++position;
  result.negative = position < buf_len && buf[position] == '-';
  if (result.negative) ++position;
  if (position == buf_len) {
    result.error = -kEINVAL;
    return result;
  }
  // A NUL-terminated copy of at most 63 characters, as the kernel parses.
  char text[64] = {};
  const uint64_t length = std::min<uint64_t>(buf_len - position, sizeof(text) - 1);
  std::memcpy(text, buf + position, length);

  const char* cursor = text;
  const auto lower = [](char c) { return static_cast<char>(c | 0x20); };
  if (base == 0) {
    if (cursor[0] == '0') {
      base = (lower(cursor[1]) == 'x' && digit_value(static_cast<unsigned char>(cursor[2])) < 16)
                 ? 16
                 : 8;
    } else {
      base = 10;
    }
  }
  if (base == 16 && cursor[0] == '0' && lower(cursor[1]) == 'x') cursor += 2;

  uint64_t value = 0;
  bool overflow = false;
  const char* digits = cursor;
  for (;; ++cursor) {
    const int digit = digit_value(static_cast<unsigned char>(*cursor));
    if (digit >= static_cast<int>(base)) break;
    if (value > (UINT64_MAX - static_cast<uint64_t>(digit)) / base) overflow = true;
    value = value * base + static_cast<uint64_t>(digit);
  }
  if (overflow) {
    result.error = -kERANGE;
    return result;
  }
  if (cursor == digits) {
    result.error = -kEINVAL;
    return result;
  }
  result.magnitude = value;
  result.consumed = position + static_cast<uint64_t>(cursor - text);
  return result;
}

}  // namespace

uint64_t bpf_strtol(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t result, uint64_t,
                    RunContext& context) {
  if (!may_access(context, buf, buf_len, false, "bpf_strtol", "buf") ||
      !may_access(context, result, 8, true, "bpf_strtol", "res"))
    return 0;
  const Parsed parsed = parse_unsigned(reinterpret_cast<const char*>(buf), buf_len, flags);
  if (parsed.error != 0) return static_cast<uint64_t>(parsed.error);
  int64_t value = 0;
  if (parsed.negative) {
    // Down to INT64_MIN, whose magnitude is 2^63.
    if (parsed.magnitude > (uint64_t{1} << 63)) return helper_error(kERANGE);
    value = static_cast<int64_t>(0 - parsed.magnitude);
  } else {
    if (parsed.magnitude > static_cast<uint64_t>(INT64_MAX)) return helper_error(kERANGE);
    value = static_cast<int64_t>(parsed.magnitude);
  }
  std::memcpy(reinterpret_cast<void*>(result), &value, sizeof(value));
  return parsed.consumed;
}

uint64_t bpf_strtoul(uint64_t buf, uint64_t buf_len, uint64_t flags, uint64_t result, uint64_t,
                     RunContext& context) {
  if (!may_access(context, buf, buf_len, false, "bpf_strtoul", "buf") ||
      !may_access(context, result, 8, true, "bpf_strtoul", "res"))
    return 0;
  const Parsed parsed = parse_unsigned(reinterpret_cast<const char*>(buf), buf_len, flags);
  if (parsed.error != 0) return static_cast<uint64_t>(parsed.error);
  if (parsed.negative) return helper_error(kEINVAL);
  std::memcpy(reinterpret_cast<void*>(result), &parsed.magnitude, sizeof(parsed.magnitude));
  return parsed.consumed;
}

// bpf_strncmp(s1, s1_sz, s2): compares at most s1_sz characters of s1
// with the constant string s2; -1, 0 or 1 as the kernel's strncmp.
uint64_t bpf_strncmp(uint64_t s1, uint64_t s1_size, uint64_t s2, uint64_t, uint64_t,
                     RunContext& context) {
  if (!may_access(context, s1, s1_size, false, "bpf_strncmp", "s1")) return 0;
  const auto* a = reinterpret_cast<const unsigned char*>(s1);
  const auto* b = reinterpret_cast<const unsigned char*>(s2);
  const RunServices* services = run_services(context);
  const bool checked = services != nullptr && services->check_arguments;
  for (uint64_t i = 0; i < s1_size; ++i) {
    if (checked && !may_access(context, s2 + i, 1, false, "bpf_strncmp", "s2")) return 0;
    if (a[i] != b[i]) return a[i] < b[i] ? static_cast<uint64_t>(-1) : 1;
    if (a[i] == 0) break;
  }
  return 0;
}

}  // namespace sandbpf
