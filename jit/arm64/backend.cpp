// The walk over the program: labels for targets, function prologues,
// checked mode's budget blocks, one emitter call per slot (dispatching on
// the table's Form), then the stubs; and turning asmjit's CodeHolder into
// bytes. Code too large for AArch64's +-1 MiB conditional branches is
// compiled again in far mode (emitter.hpp).
#include "jit/arm64/backend.hpp"

#include <fmt/format.h>

#include <string>

#include "jit/arm64/emitter.hpp"

namespace sandbpf::arm64 {
namespace {

class FirstError final : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error err, const char* message, asmjit::BaseEmitter*) override {
    if (error == asmjit::kErrorOk) {
      error = err;
      text = message;
    }
  }
  asmjit::Error error = asmjit::kErrorOk;
  std::string text;
};

// Instructions after which checked mode starts a new budget block (the
// same rule as every backend: see jit.cpp, budget errors).
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

// One attempt; `far` selects the long-range branch forms.
Result<MachineCode> compile_once(const LoweredProgram& program, const BackendOptions& options,
                                 bool far) {
  const size_t n = program.size();
  asmjit::CodeHolder code;
  code.init(asmjit::Environment(asmjit::Arch::kAArch64));
  FirstError errors;
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
