// The format language of bpf_trace_printk, bpf_trace_vprintk and
// bpf_snprintf, with the kernel's rules (bpf_bprintf_prepare): only
// printable ASCII and white space; conversions %d %i %u %x %X with an
// optional l or ll (without it the value is 32 bits), %c, %s, %% and the
// pointer forms %p %px %pK %ps %pS %pB (printed as 16 hex digits),
// %pks %pus (strings), %pI4 %pi4 %pI6 %pi6 (addresses read from memory);
// flags 0 + - and space and a width, no precision; at most as many
// conversions as values (more is -EINVAL).
//
// Memory named by %s and %pI* is read only as far as the probe allows (a
// verifier does not check those pointers); what cannot be read prints as
// an empty string (an address as zeros), as Linux does.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "helpers/run_services.hpp"

namespace sandbpf {

// Appends the formatted text to `out`. Returns 0, or -EINVAL for a format
// the kernel refuses (then `out` holds what was formatted before the error).
int64_t format_bpf_string(std::string_view format, std::span<const uint64_t> values,
                          const MemoryProbe& probe, std::string& out);

// The longest string a %s reads (the kernel's per-call string buffer).
inline constexpr uint64_t kFormatMaxStringBytes = 512;

}  // namespace sandbpf
