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

Result<std::vector<Insn>> read_raw_binary(std::span<const uint8_t> bytes);
Result<std::vector<Insn>> parse_raw_words(std::string_view text);
std::vector<uint8_t> to_raw_binary(std::span<const Insn> insns);

}  // namespace sandbpf
