// Raw programs: binary files of 8-byte little-endian slots, and the `-- raw`
// text form of the conformance suite (one `0x...` 64-bit word per line,
// opcode in the lowest byte).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/instruction.hpp"

namespace sandbpf {

// Binary slots; a size that is not a multiple of 8 is an error naming it.
Result<std::vector<Insn>> read_raw_binary(std::span<const uint8_t> bytes);

// Words `0x` + 1 to 16 hex digits, separated by whitespace (normally one a
// line); `#` starts a comment; blank lines are ignored. Errors carry the
// 1-based line (and column) in where.source.
Result<std::vector<Insn>> parse_raw_words(std::string_view text);

// The inverse of read_raw_binary.
std::vector<uint8_t> to_raw_binary(std::span<const Insn> insns);

}  // namespace sandbpf
