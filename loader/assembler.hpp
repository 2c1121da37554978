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
#pragma once

#include <string_view>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/instruction.hpp"

namespace sandbpf {

// Errors carry the 1-based line number in where.source.
Result<std::vector<Insn>> assemble(std::string_view text);

}  // namespace sandbpf
