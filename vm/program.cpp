#include "vm/program.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace sandbpf {
namespace {

std::string_view field_name(Disc disc) {
  switch (disc) {
    case Disc::Src: return "src_reg";
    case Disc::Off: return "offset";
    case Disc::Imm: return "imm";
    case Disc::None: break;
  }
  return "?";
}

int32_t field_value(const Insn& insn, Disc disc) {
  switch (disc) {
    case Disc::Src: return insn.src;
    case Disc::Off: return insn.off;
    case Disc::Imm: return insn.imm;
    case Disc::None: break;
  }
  return 0;
}

// Which fields a form uses as operands; the others are reserved (zero),
// except the row's discriminating field.
struct FieldUse {
  bool dst, src, off, imm;
};

FieldUse field_use(Form form) {
  switch (form) {
    case Form::AluImm: return {true, false, false, true};
    case Form::AluReg: return {true, true, false, false};
    case Form::AluNeg: return {true, false, false, false};
    case Form::Endian: return {true, false, false, false};
    case Form::Load: return {true, true, true, false};
    case Form::StoreImm: return {true, false, true, true};
    case Form::StoreReg: return {true, true, true, false};
    case Form::Atomic: return {true, true, true, false};
    case Form::Lddw: case Form::LddwMap: case Form::LddwMapValue: case Form::LddwHostVariable:
    case Form::LddwFunction: case Form::LddwMapIdx: case Form::LddwMapIdxValue:
      return {true, false, false, true};
    case Form::LoadAbs: return {false, false, false, true};
    case Form::LoadInd: return {false, true, false, true};
    case Form::Ja: return {false, false, true, false};
    case Form::Ja32: return {false, false, false, true};
    case Form::JumpImm: return {true, false, true, true};
    case Form::JumpReg: return {true, true, true, false};
    case Form::CallHelper: return {false, false, false, true};
    case Form::CallLocal: return {false, false, false, true};
    case Form::CallReg: return {true, false, false, false};
    case Form::Exit: return {false, false, false, false};
  }
  return {false, false, false, false};
}

std::string describe_variants(uint8_t opcode, Disc disc) {
  std::string known;
  for (const InsnInfo* row : rows_for_opcode(opcode)) {
    if (!known.empty()) known += ", ";
    known += fmt::format("{} for {}", row->disc_value, row->mnemonic);
  }
  return fmt::format("{} must be {}", field_name(disc), known);
}

struct Decoder {
  std::span<const Insn> slots;
  const DecodeOptions& options;

  std::unexpected<Error> fail(size_t pc, std::string message) const {
    return load_error(std::move(message), pc);
  }

  Result<const InsnInfo*> decode_one(size_t pc) const {
    const Insn& insn = slots[pc];
    const auto rows = rows_for_opcode(insn.opcode);
    if (rows.empty()) {
      return fail(pc, fmt::format("unknown opcode 0x{:02x}", insn.opcode));
    }
    const InsnInfo* row = find_row(insn);
    if (row == nullptr) {
      const Disc disc = rows.front()->disc;
      if (insn.opcode == (kClassJmp | kJmpCall) && insn.src == kCallKfunc)
        return fail(pc, "call with src_reg 2 (a kernel function by BTF id) is not supported");
      return fail(pc, fmt::format("opcode 0x{:02x} with {} {} is not an instruction ({})",
                                  insn.opcode, field_name(disc), field_value(insn, disc),
                                  describe_variants(insn.opcode, disc)));
    }
    if (row->cpu_version > options.cpu_version)
      return fail(pc, fmt::format("{} needs cpu v{}, but cpu v{} was selected", row->mnemonic,
                                  row->cpu_version, options.cpu_version));

    const FieldUse use = field_use(row->form);
    auto reserved = [&](std::string_view field, int64_t value) {
      return fail(pc, fmt::format("{}: reserved field {} must be 0, not {}", row->mnemonic, field,
                                  value));
    };
    if (!use.dst && insn.dst != 0) return reserved("dst_reg", insn.dst);
    if (!use.src && insn.src != 0 && row->disc != Disc::Src) return reserved("src_reg", insn.src);
    if (!use.off && insn.off != 0 && row->disc != Disc::Off) return reserved("offset", insn.off);
    if (!use.imm && insn.imm != 0 && row->disc != Disc::Imm) return reserved("imm", insn.imm);
    if (use.dst && insn.dst > kFramePointer)
      return fail(pc, fmt::format("{}: invalid register r{} (registers are r0 to r10)",
                                  row->mnemonic, insn.dst));
    if (use.src && insn.src > kFramePointer)
      return fail(pc, fmt::format("{}: invalid register r{} (registers are r0 to r10)",
                                  row->mnemonic, insn.src));
    const bool writes_src =
        row->form == Form::Atomic && (row->disc_value & kAtomicFetch) && row->disc_value != kAtomicCmpxchg;
    if ((writes_dst_register(row->form) && insn.dst == kFramePointer) ||
        (writes_src && insn.src == kFramePointer))
      return fail(pc, fmt::format("{}: r10 is the read-only frame pointer and cannot be written",
                                  row->mnemonic));
    return row;
  }
};

}  // namespace

Result<Program> Program::decode(std::span<const Insn> slots, const DecodeOptions& options) {
  if (slots.empty()) return load_error("the program is empty");
  if (slots.size() > options.max_instructions)
    return load_error(fmt::format("the program has {} instructions, more than the limit of {}",
                                  slots.size(), options.max_instructions));
  Decoder decoder{slots, options};
  Program program;
  const size_t n = slots.size();
  program.insns_.assign(slots.begin(), slots.end());
  program.ops_.assign(n, Op::Exit);
  program.lddw_tail_.assign(n, 0);

  for (size_t pc = 0; pc < n; ++pc) {
    auto row = decoder.decode_one(pc);
    if (!row) return std::unexpected(row.error());
    program.ops_[pc] = (*row)->op;
    if (is_lddw_form((*row)->form)) {
      if (pc + 1 >= n)
        return decoder.fail(pc, "lddw: its second slot is missing at the end of the program");
      const Insn& tail = slots[pc + 1];
      if (tail.opcode != 0 || tail.dst != 0 || tail.src != 0 || tail.off != 0)
        return decoder.fail(pc + 1,
                            "lddw: the second slot must be zero except for its imm (the upper 32 bits)");
      if ((*row)->form == Form::LddwMap || (*row)->form == Form::LddwMapIdx ||
          (*row)->form == Form::LddwHostVariable || (*row)->form == Form::LddwFunction) {
        if (tail.imm != 0)
          return decoder.fail(pc + 1, fmt::format("lddw: the second slot's imm must be 0 for {}",
                                                  form_name((*row)->form)));
      }
      program.lddw_tail_[pc + 1] = 1;
      ++pc;
    }
  }

  // Targets of jumps and calls; collect function entries.
  std::vector<uint32_t> entries{0};
  for (size_t pc = 0; pc < n; ++pc) {
    if (program.lddw_tail_[pc]) continue;
    const InsnInfo& row = program.row(pc);
    const bool is_call_target = row.form == Form::CallLocal || row.form == Form::LddwFunction;
    if (!is_jump(row.form) && !is_call_target) continue;
    const int64_t target = program.target(pc);
    if (target < 0 || target >= static_cast<int64_t>(n))
      return decoder.fail(pc, fmt::format("{}: target {} is outside the program (0 to {})",
                                          row.mnemonic, target, n - 1));
    if (program.lddw_tail_[target])
      return decoder.fail(pc, fmt::format("{}: target {} is the second slot of an lddw",
                                          row.mnemonic, target));
    if (is_call_target) entries.push_back(static_cast<uint32_t>(target));
  }
  std::sort(entries.begin(), entries.end());
  entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
  program.functions_ = std::move(entries);

  // Jumps stay inside their function, and no function can run past its end.
  for (size_t pc = 0; pc < n; ++pc) {
    if (program.lddw_tail_[pc]) continue;
    const InsnInfo& row = program.row(pc);
    if (is_jump(row.form) && program.function_of(program.target(pc)) != program.function_of(pc))
      return decoder.fail(pc, fmt::format("{}: target {} is in another function (functions are "
                                          "entered only by calls)",
                                          row.mnemonic, program.target(pc)));
  }
  for (size_t f = 0; f < program.functions_.size(); ++f) {
    const size_t end = f + 1 < program.functions_.size() ? program.functions_[f + 1] : n;
    size_t last = end - 1;
    if (program.lddw_tail_[last]) --last;
    const Form form = program.row(last).form;
    if (form != Form::Exit && form != Form::Ja && form != Form::Ja32) {
      if (end == n)
        return decoder.fail(last, "execution can run past the end of the program: the last "
                                  "instruction must be exit or ja");
      return decoder.fail(last, fmt::format("execution can run from the function at insn {} into "
                                            "the function at insn {}: its last instruction must "
                                            "be exit or ja",
                                            program.functions_[f], end));
    }
  }
  return program;
}

int64_t Program::target(size_t pc) const {
  const Insn& insn = insns_[pc];
  const Form form = row(pc).form;
  const int64_t delta = (form == Form::Ja32 || form == Form::CallLocal || form == Form::LddwFunction)
                            ? insn.imm
                            : insn.off;
  return static_cast<int64_t>(pc) + 1 + delta;
}

size_t Program::function_of(size_t pc) const {
  auto it = std::upper_bound(functions_.begin(), functions_.end(), static_cast<uint32_t>(pc));
  return static_cast<size_t>(it - functions_.begin()) - 1;
}

}  // namespace sandbpf
