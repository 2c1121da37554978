// The text assembler for the bpf_conformance assembly syntax:
//   mov32 %r0, 1            ldxh %r0, [%r1+2]        stxdw [%r10-8], %r1
//   lddw %r0, 0x1122334455667788                     jeq %r1, 3, +2
//   jeq %r1, %r2, label     label:                   call local f
//   call 5   call %r2       lock fetch add [%r10-8], %r1
//   movsx832 %r0, %r1       ldxsb %r0, [%r1]         bswap16 %r0
//   ja32 label              exit                     # comments
// plus the forms of every table row that the suite does not spell (lddw
// with src 1..6, ldabs/ldind): see the disassembler, whose output the
// assembler reads back unchanged.
//
// What the assembler accepts (the mnemonics and operand shapes are the
// instruction table's mnemonic + Form; nothing here lists opcodes):
// - one instruction a line; `#` starts a comment anywhere; blank lines are
//   ignored; `name:` at the start of a line defines a label (an instruction
//   may follow on the same line); label names are [A-Za-z_.][A-Za-z0-9_.]*;
// - operands separated by commas, any spacing; registers `%r0`..`%r10`;
// - numbers in decimal or 0x/0X hex, optionally signed; 32-bit immediates
//   take -2^31 .. 2^32-1 (the field keeps the low 32 bits), lddw and
//   `.word` take -2^63 .. 2^64-1; memory offsets `[%rN]`, `[%rN+off]`,
//   `[%rN-off]` take -32768 .. 32767;
// - jump and call targets (ja, ja32, conditional jumps, call local, lddw
//   func): a label, or an offset in slots from the next slot, `+N`, `-N`
//   or `N` (lddw counts two slots); a target named `exit` that is no label
//   means the first exit instruction (the conformance suite relies on it);
//   lddw func's target is relative to the lddw's index + 1, as the decoder
//   and the kernel read it;
// - aliases: `add64` etc. for every 64-bit ALU mnemonic without a width
//   suffix, `gotol` for ja32, `swap16/32/64` for bswap16/32/64;
// - `lddw %rD, map_value N` means `map_value N+0` (also map_idx_value);
// - `.word 0x<64-bit word>` emits one raw slot (opcode in the low byte).
#pragma once

#include <string_view>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/instruction.hpp"

namespace sandbpf {

// Errors carry the 1-based line number in where.source.
Result<std::vector<Insn>> assemble(std::string_view text);

}  // namespace sandbpf
