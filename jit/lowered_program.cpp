#include "jit/lowered_program.hpp"

#include <algorithm>

namespace sandbpf {

LoweredProgram LoweredProgram::from(const Program& program) {
  LoweredProgram lowered;
  const size_t n = program.size();
  lowered.insns.assign(program.insns().begin(), program.insns().end());
  lowered.ops.resize(n);
  lowered.tail.resize(n);
  lowered.origin.resize(n);
  lowered.counted.resize(n);
  for (size_t pc = 0; pc < n; ++pc) {
    lowered.tail[pc] = program.is_lddw_tail(pc) ? 1 : 0;
    lowered.ops[pc] = lowered.tail[pc] ? Op::Lddw : program.op(pc);
    lowered.origin[pc] = static_cast<uint32_t>(pc);
    lowered.counted[pc] = lowered.tail[pc] ? 0 : 1;
  }
  lowered.function_entries.assign(program.function_entries().begin(),
                                  program.function_entries().end());
  return lowered;
}

bool LoweredProgram::is_function_entry(size_t pc) const {
  return std::binary_search(function_entries.begin(), function_entries.end(),
                            static_cast<uint32_t>(pc));
}

int64_t LoweredProgram::target(size_t pc) const {
  const Insn& insn = insns[pc];
  const Form form = row(pc).form;
  const int64_t next = static_cast<int64_t>(pc) + 1;
  switch (form) {
    case Form::Ja32: return next + insn.imm;
    case Form::CallLocal: return next + insn.imm;
    case Form::LddwFunction: return next + insn.imm;
    default: return next + insn.off;
  }
}

int64_t LoweredProgram::slot_of(uint32_t original_pc) const {
  auto it = std::lower_bound(origin.begin(), origin.end(), original_pc);
  if (it == origin.end() || *it != original_pc) return -1;
  return it - origin.begin();
}

}  // namespace sandbpf
