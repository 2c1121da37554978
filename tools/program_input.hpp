// The program file a command reads (DESIGN.md, "Inputs"): recognised by
// content as ELF, assembly text or raw 8-byte instructions (`--raw` forces
// raw). ELF objects are recognised but cannot be loaded yet.
#pragma once

#include <string>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/instruction.hpp"

namespace sandbpf::tools {

// The instruction slots of a program file; errors name the file.
Result<std::vector<Insn>> load_program_file(const std::string& path, bool force_raw);

}  // namespace sandbpf::tools
