// The disassembler: the inverse of the assembler. Jump and call targets are
// written as relative offsets (+N / -N), so assemble(disassemble(p)) == p
// and disassemble(assemble(x)) == x for text in canonical form.
#pragma once

#include <optional>
#include <string>
#include <span>

#include "vm/instruction.hpp"

namespace sandbpf {

// One instruction. For an lddw, `next` must be its second slot. Instructions
// that are no row of the table come out as `.word 0x...` (the raw slot).
std::string disassemble_insn(const Insn& insn, std::optional<Insn> next = std::nullopt);

struct DisassembleOptions {
  bool show_pc = false;  // prefix each line with its index ("   3: ")
};

// A whole instruction sequence, one instruction per line.
std::string disassemble(std::span<const Insn> insns, const DisassembleOptions& options = {});

}  // namespace sandbpf
