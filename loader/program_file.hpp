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

ProgramFileKind detect_program_file_kind(std::span<const uint8_t> bytes);

// Reads a whole file; the error names the file.
Result<std::vector<uint8_t>> read_file_bytes(const std::string& path);

}  // namespace sandbpf
