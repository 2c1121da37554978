// The walk over the program: labels for targets, checked mode's budget
// blocks, one emitter call per slot (dispatching on the table's Form), then
// the stubs; repeated while the assembler widens far branches
// (assembler.hpp).
#include "jit/riscv64/backend.hpp"

#include "jit/riscv64/emitter.hpp"

namespace sandbpf::riscv64 {
namespace {

// Instructions after which checked mode starts a new budget block: control
// flow, and every instruction that can stop the run (so that when the
// budget runs out inside a block, nothing before that point could have
// failed or had an effect: see jit.cpp, budget errors).
bool ends_budget_block(Form form) {
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

size_t slot_count(Form form) { return is_lddw_form(form) ? 2 : 1; }

// One round: the whole program with the given widths of far references.
MachineCode emit_program(Assembler& a, const LoweredProgram& program, const BackendOptions& options,
                         Label& trampoline, std::vector<Label>& entries) {
  const size_t n = program.size();
  Emitter emit(a, program, options);

  std::vector<uint8_t> leader(n + 1, 0);
  leader[0] = 1;
  for (uint32_t entry : program.function_entries) leader[entry] = 1;
  for (size_t pc = 0; pc < n; ++pc) {
    if (program.tail[pc]) continue;
    const Form form = program.row(pc).form;
    if (is_jump(form)) {
      const auto target = static_cast<size_t>(program.target(pc));
      emit.make_target_label(target);
      leader[target] = 1;
    } else if (form == Form::CallLocal) {
      leader[static_cast<size_t>(program.target(pc))] = 1;
    }
    if (ends_budget_block(form)) leader[pc + slot_count(form)] = 1;
  }

  MachineCode out;
  out.slot_offsets.assign(n, 0);
  emit.trampoline();
  for (size_t pc = 0; pc < n; ++pc) {
    out.slot_offsets[pc] = static_cast<uint32_t>(a.offset());
    if (program.tail[pc]) continue;
    emit.enter_slot(pc);
    if (options.mode == ExecMode::kChecked && leader[pc]) {
      uint32_t count = 0;
      for (size_t i = pc; i < n; ++i) {
        if (i > pc && leader[i]) break;
        count += program.counted[i];
      }
      if (count != 0) emit.budget_block(pc, count);
    }
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
  emit.stubs();
  trampoline = emit.trampoline_label();
  entries.clear();
  for (size_t f = 0; f < program.function_entries.size(); ++f) entries.push_back(emit.entry_label(f));
  return out;
}

}  // namespace

Result<MachineCode> compile(const LoweredProgram& program, const BackendOptions& options) {
  if (options.mode == ExecMode::kChecked && options.check_access == nullptr)
    return make_error(ErrorKind::kInternal, "checked mode needs an access check function");

  // Each round widens the references that did not fit; they only grow, so
  // a handful of rounds suffice (a bound keeps a bug from looping).
  std::vector<uint8_t> widths;
  for (int round = 0; round < 16; ++round) {
    Assembler a(widths);
    Label trampoline;
    std::vector<Label> entries;
    MachineCode out = emit_program(a, program, options, trampoline, entries);
    if (!a.finish()) {
      if (a.broken())
        return make_error(ErrorKind::kInternal,
                          "riscv64 code generation left a reference unresolved or beyond ±2 GiB");
      widths = a.widened_sites();
      continue;
    }
    out.bytes = a.bytes();
    out.trampoline_offset = a.label_offset(trampoline);
    for (Label entry : entries) out.function_offsets.push_back(a.label_offset(entry));
    return out;
  }
  return make_error(ErrorKind::kInternal, "riscv64 code generation did not settle its branch widths");
}

}  // namespace sandbpf::riscv64
