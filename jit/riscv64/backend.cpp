// The walk over the program: labels for targets, checked mode's budget
// blocks, one emitter call per slot (dispatching on the table's Form), then
// the stubs; repeated while the assembler widens far branches
// (assembler.hpp).
#include "jit/riscv64/backend.hpp"

#include "jit/backend_walk.hpp"
#include "jit/riscv64/emitter.hpp"

namespace sandbpf::riscv64 {
namespace {

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
      if (const uint32_t count = budget_block_count(program, leader, pc); count != 0)
        emit.budget_block(pc, count);
    }
    emit_slot(emit, program, pc);
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
