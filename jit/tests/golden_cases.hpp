// The program every backend's golden table uses for one row of the
// instruction table: the row's instruction with operands that exercise it
// (registers, an offset into the stack, immediates, an lddw tail), then
// exit. Shared so the three backends' golden tables cover the same cases.
#pragma once

#include <vector>

#include "vm/insn_table.hpp"
#include "vm/instruction.hpp"

namespace sandbpf {

// objdump (the golden tests' check of the expected text) is a Linux
// program: a Windows build, running under wine, cannot start it and checks
// the bytes alone (the Linux builds check the text).
#if defined(_WIN32)
inline constexpr bool kObjdumpCanRun = false;
#else
inline constexpr bool kObjdumpCanRun = true;
#endif
inline constexpr const char* kObjdumpCannotRun =
    "a Windows build cannot start objdump (a Linux program): only the encodings are checked";

inline std::vector<Insn> golden_case_for_row(const InsnInfo& row) {
  const uint8_t dst = uses_dst_register(row.form) ? 1 : 0;
  const uint8_t src = uses_src_register(row.form) ? 2 : 0;
  std::vector<Insn> slots;
  Insn tail_slot;
  switch (row.form) {
    case Form::AluImm: slots = {make_insn(row.op, 1, 0, 0, 3)}; break;
    case Form::CallLocal: slots = {make_insn(row.op, 0, 0, 0, 1), make_insn(Op::Exit)}; break;
    case Form::CallHelper: slots = {make_insn(row.op, 0, 0, 0, 1)}; break;
    case Form::LddwFunction: slots = {make_insn(row.op, 1, 0, 0, 2), tail_slot, make_insn(Op::Exit)}; break;
    case Form::Lddw:
      tail_slot.imm = 0x11223344;
      slots = {make_insn(row.op, 1, 0, 0, 0x55667788), tail_slot};
      break;
    case Form::LddwMap: case Form::LddwMapValue: case Form::LddwHostVariable:
    case Form::LddwMapIdx: case Form::LddwMapIdxValue:
      if (row.form == Form::LddwMapValue || row.form == Form::LddwMapIdxValue) tail_slot.imm = 8;
      slots = {make_insn(row.op, 1, 0, 0, 2), tail_slot};
      break;
    case Form::LoadAbs: slots = {make_insn(row.op, 0, 0, 0, 4)}; break;
    case Form::LoadInd: slots = {make_insn(row.op, 0, 2, 0, 4)}; break;
    case Form::StoreImm: slots = {make_insn(row.op, 10, 0, -8, 7)}; break;
    case Form::Load: slots = {make_insn(row.op, 1, 10, -8)}; break;
    case Form::StoreReg: case Form::Atomic: slots = {make_insn(row.op, 10, 2, -8, make_insn(row.op).imm)}; break;
    case Form::JumpImm: slots = {make_insn(row.op, 1, 0, 0, 3)}; break;
    case Form::Exit: slots = {make_insn(Op::Exit)}; break;  // then a second exit
    default: slots = {make_insn(row.op, dst, src, 0, make_insn(row.op).imm)}; break;
  }
  slots.push_back(make_insn(Op::Exit));
  return slots;
}

}  // namespace sandbpf
