// bpf_trace_printk, bpf_trace_vprintk, bpf_snprintf.
#include <algorithm>
#include <cstring>

#include "helpers/standard/format.hpp"
#include "helpers/standard/helper_support.hpp"
#include "helpers/standard/standard_helpers.hpp"

namespace sandbpf {
namespace {

using namespace errno_value;

// The kernel formats trace_printk output into a 1024-byte buffer.
constexpr size_t kTraceBufferSize = 1024;
// bpf_snprintf and bpf_trace_vprintk take at most 12 values.
constexpr uint64_t kMaxValues = 12;

MemoryProbe probe_of(RunContext& context) { return probe_with_stack(context); }

// The format up to its NUL, which must come within fmt_size bytes.
bool format_text(uint64_t fmt, uint64_t fmt_size, std::string_view& text) {
  const auto* chars = reinterpret_cast<const char*>(fmt);
  const void* nul = fmt_size == 0 ? nullptr : std::memchr(chars, 0, fmt_size);
  if (nul == nullptr) return false;
  text = std::string_view(chars, static_cast<size_t>(static_cast<const char*>(nul) - chars));
  return true;
}

uint64_t trace(RunContext& context, std::string_view format, std::span<const uint64_t> values) {
  std::string text;
  if (const int64_t error = format_bpf_string(format, values, probe_of(context), text); error != 0)
    return static_cast<uint64_t>(error);
  const RunServices* services = run_services(context);
  if (services != nullptr && services->host != nullptr && services->host->trace) {
    services->host->trace(std::string_view(text).substr(0, kTraceBufferSize - 1));
  }
  return text.size();  // the whole length, as the kernel's bstr_printf reports it
}

// Copies the u64 values of a data array (snprintf, vprintk).
bool read_values(RunContext& context, uint64_t data, uint64_t data_len, std::string_view helper,
                 uint64_t (&values)[kMaxValues], size_t& count) {
  if (!may_access(context, data, data_len, false, helper, "data")) return false;
  count = data_len / 8;
  if (count > 0) std::memcpy(values, reinterpret_cast<const void*>(data), count * 8);
  return true;
}

}  // namespace

uint64_t bpf_trace_printk(uint64_t fmt, uint64_t fmt_size, uint64_t arg1, uint64_t arg2,
                          uint64_t arg3, RunContext& context) {
  if (!may_access(context, fmt, fmt_size, false, "bpf_trace_printk", "fmt")) return 0;
  std::string_view format;
  if (!format_text(fmt, fmt_size, format)) return helper_error(kEINVAL);
  const uint64_t values[] = {arg1, arg2, arg3};
  return trace(context, format, values);
}

uint64_t bpf_trace_vprintk(uint64_t fmt, uint64_t fmt_size, uint64_t data, uint64_t data_len,
                           uint64_t, RunContext& context) {
  if (data_len % 8 != 0 || data_len > kMaxValues * 8 || (data_len != 0 && data == 0))
    return helper_error(kEINVAL);
  if (!may_access(context, fmt, fmt_size, false, "bpf_trace_vprintk", "fmt")) return 0;
  std::string_view format;
  if (!format_text(fmt, fmt_size, format)) return helper_error(kEINVAL);
  uint64_t values[kMaxValues] = {};
  size_t count = 0;
  if (!read_values(context, data, data_len, "bpf_trace_vprintk", values, count)) return 0;
  return trace(context, format, std::span<const uint64_t>(values, count));
}

// bpf_snprintf(str, str_size, fmt, data, data_len): formats into str
// (truncated, always NUL-terminated when str_size > 0) and returns the
// length of the whole formatted text plus its NUL.
uint64_t bpf_snprintf(uint64_t str, uint64_t str_size, uint64_t fmt, uint64_t data,
                      uint64_t data_len, RunContext& context) {
  if (data_len % 8 != 0 || data_len > kMaxValues * 8 || (data_len != 0 && data == 0))
    return helper_error(kEINVAL);
  const RunServices* services = run_services(context);
  std::string_view format;
  if (services != nullptr && services->check_arguments) {
    // Not verified: the format must be readable up to its NUL.
    const uint64_t readable = accessible_bytes(context, fmt, 4096, false);
    if (fmt == 0 || !format_text(fmt, readable, format)) {
      context.fail("bpf_snprintf: fmt is not a NUL-terminated string the program may read");
      return 0;
    }
  } else {
    format = reinterpret_cast<const char*>(fmt);  // a constant string: the verifier proved its NUL
  }
  if (!may_access(context, str, str_size, true, "bpf_snprintf", "str")) return 0;
  uint64_t values[kMaxValues] = {};
  size_t count = 0;
  if (!read_values(context, data, data_len, "bpf_snprintf", values, count)) return 0;
  std::string text;
  if (const int64_t error =
          format_bpf_string(format, std::span<const uint64_t>(values, count),
                            probe_of(context), text);
      error != 0)
    return static_cast<uint64_t>(error);
  if (str_size > 0 && str != 0) {
    const size_t copied = std::min<uint64_t>(text.size(), str_size - 1);
    auto* out = reinterpret_cast<char*>(str);
    std::memcpy(out, text.data(), copied);
    out[copied] = '\0';
  }
  return text.size() + 1;
}

}  // namespace sandbpf
