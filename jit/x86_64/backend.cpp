// The walk over the program: labels for targets, checked mode's budget
// blocks, one emitter call per slot (dispatching on the table's Form), then
// the stubs; and turning asmjit's CodeHolder into bytes.
#include "jit/x86_64/backend.hpp"

#include <fmt/format.h>

#include "jit/asmjit_first_error.hpp"
#include "jit/backend_walk.hpp"
#include "jit/x86_64/emitter.hpp"

namespace sandbpf::x86_64 {

Result<MachineCode> compile(const LoweredProgram& program, const BackendOptions& options) {
  const size_t n = program.size();
  if (options.mode == ExecMode::kChecked && options.check_access == nullptr)
    return make_error(ErrorKind::kInternal, "checked mode needs an access check function");

  asmjit::CodeHolder code;
  code.init(asmjit::Environment(asmjit::Arch::kX64));
  AsmjitFirstError errors;
  code.setErrorHandler(&errors);
  x86::Assembler a(&code);
  Emitter emit(a, program, options);

  // Labels for every jump and call target and function entry; checked
  // mode's budget blocks also start after every block-ending instruction.
  std::vector<uint8_t> leader(n + 1, 0), targeted(n + 1, 0);
  leader[0] = targeted[0] = 1;
  for (uint32_t entry : program.function_entries) {
    emit.make_target_label(entry);
    leader[entry] = targeted[entry] = 1;
  }
  for (size_t pc = 0; pc < n; ++pc) {
    if (program.tail[pc]) continue;
    const Form form = program.row(pc).form;
    if (is_jump(form) || form == Form::CallLocal) {
      const auto target = static_cast<size_t>(program.target(pc));
      emit.make_target_label(target);
      leader[target] = targeted[target] = 1;
    }
    if (ends_budget_block(form)) leader[pc + slot_count(form)] = 1;
  }

  MachineCode out;
  out.slot_offsets.assign(n, 0);
  emit.trampoline();

  for (size_t pc = 0; pc < n; ++pc) {
    out.slot_offsets[pc] = static_cast<uint32_t>(a.offset());
    if (program.tail[pc]) continue;
    emit.bind_target_label(pc);
    if (options.mode == ExecMode::kChecked && leader[pc]) {
      if (const uint32_t count = budget_block_count(program, leader, pc); count != 0)
        emit.budget_block(pc, count);
    }
    // A fused sequence must not contain a jump target (or, in checked mode,
    // a budget block's start) after its first slot.
    const std::vector<uint8_t>& barrier = options.mode == ExecMode::kChecked ? leader : targeted;
    size_t available = 1;
    while (available < 4 && pc + available < n && !barrier[pc + available]) ++available;
    if (const size_t fused = emit.fused(pc, available); fused > 0) {
      for (size_t i = 1; i < fused; ++i) out.slot_offsets[pc + i] = static_cast<uint32_t>(a.offset());
      pc += fused - 1;
      continue;
    }
    emit_slot(emit, program, pc);
  }
  emit.stubs();

  if (errors.error != asmjit::kErrorOk)
    return make_error(ErrorKind::kInternal,
                      fmt::format("x86-64 code generation failed: {}", errors.text));
  if (code.flatten() != asmjit::kErrorOk || code.resolveUnresolvedLinks() != asmjit::kErrorOk ||
      code.hasUnresolvedLinks() || !code.relocEntries().empty() || code.hasAddressTable())
    return make_error(ErrorKind::kInternal,
                      "x86-64 code generation left references that are not position-independent");

  const asmjit::CodeBuffer& buffer = code.textSection()->buffer();
  out.bytes.assign(buffer.data(), buffer.data() + buffer.size());
  out.relocations = emit.relocations();
  out.trampoline_offset = static_cast<uint32_t>(code.labelOffsetFromBase(emit.trampoline_label()));
  for (uint32_t entry : program.function_entries)
    out.function_offsets.push_back(
        static_cast<uint32_t>(code.labelOffsetFromBase(emit.target_label(entry))));
  return out;
}

}  // namespace sandbpf::x86_64
