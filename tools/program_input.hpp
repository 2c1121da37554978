// The program file a command reads (DESIGN.md, "Inputs"): recognised by
// content as ELF, assembly text or raw 8-byte instructions (`--raw` forces
// raw). ELF objects are recognised but cannot be loaded yet.
#pragma once

#include <string>
#include <vector>

#include "loader/object.hpp"
#include "sandbpf/error.hpp"
#include "vm/instruction.hpp"

namespace sandbpf::tools {

// The instruction slots of a program file; errors name the file.
Result<std::vector<Insn>> load_program_file(const std::string& path, bool force_raw);

// True when the file starts with the ELF magic (a BPF object); false when it
// cannot be read (load_program_file or load_object_file then says why).
bool is_elf_file(const std::string& path);

// A BPF ELF object with its maps and linked programs; errors name the file.
Result<Object> load_object_file(const std::string& path);

}  // namespace sandbpf::tools
