// What every backend's walk over a LoweredProgram shares, so the three
// backends cut budget blocks and dispatch instructions the same way:
//   * checked mode's budget blocks: a block starts at pc 0, at function
//     entries and jump/call targets, and after every instruction that can
//     stop the run or touch memory (ends_budget_block); its entry charges
//     the counted instructions up to the next start (jit.cpp explains why
//     that gives the interpreter's budget errors);
//   * the dispatch of a slot to the emitter by the table's Form.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "jit/lowered_program.hpp"
#include "vm/insn_table.hpp"

namespace sandbpf {

inline bool ends_budget_block(Form form) {
  switch (form) {
    case Form::Load: case Form::StoreImm: case Form::StoreReg: case Form::Atomic:
    case Form::LddwMap: case Form::LddwMapValue: case Form::LddwHostVariable:
    case Form::LddwMapIdx: case Form::LddwMapIdxValue:
    case Form::LoadAbs: case Form::LoadInd:
    case Form::Ja: case Form::Ja32: case Form::JumpImm: case Form::JumpReg:
    case Form::CallHelper: case Form::CallLocal: case Form::CallReg: case Form::Exit:
      return true;
    default:
      return false;
  }
}

// Slots an instruction of this form occupies.
inline size_t slot_count(Form form) { return is_lddw_form(form) ? 2 : 1; }

// The counted instructions of the budget block starting at `pc` (`leader`
// marks every block start; its size is program.size() + 1).
inline uint32_t budget_block_count(const LoweredProgram& program,
                                   const std::vector<uint8_t>& leader, size_t pc) {
  uint32_t count = 0;
  for (size_t i = pc; i < program.size(); ++i) {
    if (i > pc && leader[i]) break;
    count += program.counted[i];
  }
  return count;
}

// Emits the slot at `pc` (not an lddw tail) with the backend's emitter.
template <class Emitter>
void emit_slot(Emitter& emit, const LoweredProgram& program, size_t pc) {
  switch (program.row(pc).form) {
    case Form::AluImm: case Form::AluReg: case Form::AluNeg: emit.alu(pc); break;
    case Form::Endian: emit.endian(pc); break;
    case Form::Load: emit.load(pc); break;
    case Form::StoreImm: case Form::StoreReg: emit.store(pc); break;
    case Form::Atomic: emit.atomic(pc); break;
    case Form::Lddw: case Form::LddwMap: case Form::LddwMapValue: case Form::LddwHostVariable:
    case Form::LddwFunction: case Form::LddwMapIdx: case Form::LddwMapIdxValue:
      emit.lddw(pc);
      break;
    case Form::LoadAbs: case Form::LoadInd: emit.packet_load(pc); break;
    case Form::Ja: case Form::Ja32: case Form::JumpImm: case Form::JumpReg: emit.jump(pc); break;
    case Form::CallHelper: emit.call_helper(pc); break;
    case Form::CallReg: emit.call_reg(pc); break;
    case Form::CallLocal: emit.call_local(pc); break;
    case Form::Exit: emit.exit(pc); break;
  }
}

}  // namespace sandbpf
