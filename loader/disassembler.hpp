// The disassembler: the inverse of the assembler. Jump and call targets are
// written as relative offsets (+N / -N), so assemble(disassemble(p)) == p
// and disassemble(assemble(x)) == x for text in canonical form.
//
// Canonical form (what the disassembler prints, one instruction a line):
// - the table's mnemonic, one space, operands separated by ", ":
//   `add32 %r1, 7`, `neg %r1`, `lock fetch add [%r10-8], %r1`, `exit`;
// - 32-bit immediates (ALU, stores, conditional jumps, call helper ids,
//   ldabs/ldind) in signed decimal, as the imm field reads as int32:
//   `mov32 %r0, -1`, `mov %r0, -2147483648` for imm bits 0x80000000;
// - lddw's 64-bit immediate in lower-case hex without leading zeros:
//   `lddw %r0, 0x1122334455667788`, `lddw %r0, 0x0`;
// - lddw pseudo forms: `map N`, `map_value N+K`, `var N`, `map_idx N`,
//   `map_idx_value N+K` with N and K unsigned decimal (K always printed),
//   `func +N` / `func -N` (the target is the lddw's index + 1 + N, as the
//   decoder and the kernel read it);
// - memory operands `[%rN]` when the offset is 0, else `[%rN+off]` or
//   `[%rN-off]` in decimal;
// - jump and call targets in signed decimal slots relative to the next
//   slot, the sign always written: `ja +0`, `jeq %r1, 3, -2`,
//   `call local +3`, `ja32 +1`;
// - a slot that is no row of the table, or whose fields the text cannot
//   express (a register above r10, a reserved field that is not zero, an
//   lddw without a valid second slot), as `.word 0x<16 hex digits>`: the
//   raw 64-bit word (opcode in the lowest byte), one slot.
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
