// Recognises a program file by its content (DESIGN.md, command line):
// ELF (magic \x7fELF), assembly text, or raw 8-byte slots.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/instruction.hpp"

namespace sandbpf {

enum class ProgramFileKind { kElf, kAssembly, kRaw };

// ELF when the bytes start with \x7fELF; assembly when every byte is
// printable ASCII, whitespace or part of a valid UTF-8 sequence (comments
// may hold any text; an empty file is assembly); raw otherwise (raw slots
// nearly always hold zero bytes).
ProgramFileKind detect_program_file_kind(std::span<const uint8_t> bytes);

// Reads a whole file; the error names the file and the system's reason:
// "cannot open <path>: <strerror>" (or "cannot read ...").
Result<std::vector<uint8_t>> read_file_bytes(const std::string& path);

}  // namespace sandbpf
