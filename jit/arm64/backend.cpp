// The walk over the program: labels for targets, function prologues,
// checked mode's budget blocks, one emitter call per slot (dispatching on
// the table's Form), then the stubs; and turning asmjit's CodeHolder into
// bytes. Code too large for AArch64's +-1 MiB conditional branches is
// compiled again in far mode (emitter.hpp).
#include "jit/arm64/backend.hpp"

#include <fmt/format.h>

#include <string>

#include "jit/asmjit_first_error.hpp"
#include "jit/backend_walk.hpp"
#include "jit/arm64/emitter.hpp"

namespace sandbpf::arm64 {
namespace {

// One attempt; `far` selects the long-range branch forms.
Result<MachineCode> compile_once(const LoweredProgram& program, const BackendOptions& options,
                                 bool far) {
  const size_t n = program.size();
  asmjit::CodeHolder code;
  code.init(asmjit::Environment(asmjit::Arch::kAArch64));
  AsmjitFirstError errors;
  code.setErrorHandler(&errors);
  a64::Assembler a(&code);
  Emitter emit(a, program, options, far);

  std::vector<uint8_t> leader(n + 1, 0), entry(n + 1, 0);
  leader[0] = 1;
  for (uint32_t e : program.function_entries) leader[e] = entry[e] = 1;
  for (size_t pc = 0; pc < n; ++pc) {
    if (program.tail[pc]) continue;
    const Form form = program.row(pc).form;
    if (is_jump(form)) {
      const auto target = static_cast<size_t>(program.target(pc));
      emit.make_target_label(target);
      leader[target] = 1;
    }
    if (form == Form::CallLocal) leader[static_cast<size_t>(program.target(pc))] = 1;
    if (ends_budget_block(form)) leader[pc + slot_count(form)] = 1;
  }

  MachineCode out;
  out.slot_offsets.assign(n, 0);
  emit.trampoline();

  for (size_t pc = 0; pc < n; ++pc) {
    out.slot_offsets[pc] = static_cast<uint32_t>(a.offset());
    if (program.tail[pc]) continue;
    if (entry[pc]) emit.function_entry(pc);
    emit.bind_target_label(pc);
    if (options.mode == ExecMode::kChecked && leader[pc]) {
      if (const uint32_t count = budget_block_count(program, leader, pc); count != 0)
        emit.budget_block(pc, count);
    }
    emit_slot(emit, program, pc);
  }
  emit.stubs();

  if (errors.error != asmjit::kErrorOk)
    return make_error(ErrorKind::kInternal,
                      fmt::format("arm64 code generation failed: {}", errors.text));
  if (code.flatten() != asmjit::kErrorOk || code.resolveUnresolvedLinks() != asmjit::kErrorOk ||
      code.hasUnresolvedLinks() || !code.relocEntries().empty() || code.hasAddressTable() ||
      errors.error != asmjit::kErrorOk)
    return make_error(ErrorKind::kInternal,
                      "arm64 code generation left references that are not position-independent "
                      "or out of range");

  const asmjit::CodeBuffer& buffer = code.textSection()->buffer();
  out.bytes.assign(buffer.data(), buffer.data() + buffer.size());
  out.relocations = emit.relocations();
  out.trampoline_offset = static_cast<uint32_t>(code.labelOffsetFromBase(emit.trampoline_label()));
  for (uint32_t e : program.function_entries)
    out.function_offsets.push_back(static_cast<uint32_t>(code.labelOffsetFromBase(emit.entry_label(e))));
  return out;
}

}  // namespace

Result<MachineCode> compile(const LoweredProgram& program, const BackendOptions& options) {
  if (options.mode == ExecMode::kChecked && options.check_access == nullptr)
    return make_error(ErrorKind::kInternal, "checked mode needs an access check function");
  auto near = compile_once(program, options, false);
  if (near) return near;
  // Most likely a branch or literal out of its +-1 MiB range.
  return compile_once(program, options, true);
}

}  // namespace sandbpf::arm64
