#include "loader/disassembler.hpp"

#include <fmt/format.h>

#include "loader/asm_syntax.hpp"
#include "vm/insn_table.hpp"

namespace sandbpf {
namespace {

using asm_syntax::FormFields;

std::string reg(unsigned r) { return fmt::format("%r{}", r); }

// [%rN], [%rN+off] or [%rN-off].
std::string mem(unsigned r, int16_t off) {
  if (off == 0) return fmt::format("[%r{}]", r);
  return fmt::format("[%r{}{:+}]", r, off);
}

// A relative jump or call target: always signed, "+0" included.
std::string rel(int64_t delta) { return fmt::format("{:+}", delta); }

std::string word(const Insn& insn) { return fmt::format(".word 0x{:016x}", insn.to_word()); }

bool valid_register(unsigned r) { return r < kNumRegisters; }

// True when the text of the row can say everything the slot holds: operand
// registers are r0..r10 and the fields that are no operand are zero (or
// the row's discriminating field, which the mnemonic implies).
bool representable(const InsnInfo& row, const Insn& insn) {
  const FormFields fields = asm_syntax::form_fields(row.form);
  if (fields.dst ? !valid_register(insn.dst) : insn.dst != 0) return false;
  if (row.disc != Disc::Src && (fields.src ? !valid_register(insn.src) : insn.src != 0))
    return false;
  if (row.disc != Disc::Off && !fields.off && insn.off != 0) return false;
  if (row.disc != Disc::Imm && !fields.imm && insn.imm != 0) return false;
  return true;
}

// The second slot of an lddw that the text can describe: all zero but imm,
// and imm zero unless the form writes it (N+K or the upper 32 bits).
bool representable_tail(const InsnInfo& row, const Insn& tail) {
  if (tail.opcode != 0 || tail.dst != 0 || tail.src != 0 || tail.off != 0) return false;
  return asm_syntax::lddw_has_second_imm(row.form) || tail.imm == 0;
}

uint32_t u32(int32_t v) { return static_cast<uint32_t>(v); }

// The operand text of a representable instruction (lddw: with its tail).
std::string operands(const InsnInfo& row, const Insn& insn, const Insn& tail) {
  switch (row.form) {
    case Form::AluImm: return fmt::format("{}, {}", reg(insn.dst), insn.imm);
    case Form::AluReg: return fmt::format("{}, {}", reg(insn.dst), reg(insn.src));
    case Form::AluNeg:
    case Form::Endian:
    case Form::CallReg: return reg(insn.dst);
    case Form::Load: return fmt::format("{}, {}", reg(insn.dst), mem(insn.src, insn.off));
    case Form::StoreImm: return fmt::format("{}, {}", mem(insn.dst, insn.off), insn.imm);
    case Form::StoreReg:
    case Form::Atomic: return fmt::format("{}, {}", mem(insn.dst, insn.off), reg(insn.src));
    case Form::Lddw: {
      const uint64_t value = u32(insn.imm) | (static_cast<uint64_t>(u32(tail.imm)) << 32);
      return fmt::format("{}, 0x{:x}", reg(insn.dst), value);
    }
    case Form::LddwMap:
    case Form::LddwHostVariable:
    case Form::LddwMapIdx:
      return fmt::format("{}, {} {}", reg(insn.dst), asm_syntax::lddw_keyword(row.form), u32(insn.imm));
    case Form::LddwMapValue:
    case Form::LddwMapIdxValue:
      return fmt::format("{}, {} {}+{}", reg(insn.dst), asm_syntax::lddw_keyword(row.form),
                         u32(insn.imm), u32(tail.imm));
    case Form::LddwFunction:
      return fmt::format("{}, {} {}", reg(insn.dst), asm_syntax::lddw_keyword(row.form),
                         rel(insn.imm));
    case Form::LoadAbs: return fmt::format("{}", insn.imm);
    case Form::LoadInd: return fmt::format("{}, {}", reg(insn.src), insn.imm);
    case Form::Ja: return rel(insn.off);
    case Form::Ja32: return rel(insn.imm);
    case Form::JumpImm: return fmt::format("{}, {}, {}", reg(insn.dst), insn.imm, rel(insn.off));
    case Form::JumpReg:
      return fmt::format("{}, {}, {}", reg(insn.dst), reg(insn.src), rel(insn.off));
    case Form::CallHelper: return fmt::format("{}", insn.imm);
    case Form::CallLocal: return rel(insn.imm);
    case Form::Exit: return "";
  }
  return "";
}

struct Disassembled {
  std::string text;
  size_t slots = 1;
};

Disassembled disassemble_at(const Insn& insn, const Insn* next) {
  const InsnInfo* row = find_row(insn);
  if (row == nullptr || !representable(*row, insn)) return {word(insn), 1};
  Insn tail;
  size_t slots = 1;
  if (is_lddw_form(row->form)) {
    if (next == nullptr || !representable_tail(*row, *next)) return {word(insn), 1};
    tail = *next;
    slots = 2;
  }
  std::string text(row->mnemonic);
  const std::string args = operands(*row, insn, tail);
  if (!args.empty()) {
    text += ' ';
    text += args;
  }
  return {std::move(text), slots};
}

}  // namespace

std::string disassemble_insn(const Insn& insn, std::optional<Insn> next) {
  return disassemble_at(insn, next ? &*next : nullptr).text;
}

std::string disassemble(std::span<const Insn> insns, const DisassembleOptions& options) {
  std::string out;
  for (size_t pc = 0; pc < insns.size();) {
    const Insn* next = pc + 1 < insns.size() ? &insns[pc + 1] : nullptr;
    const Disassembled d = disassemble_at(insns[pc], next);
    if (options.show_pc) out += fmt::format("{:4}: ", pc);
    out += d.text;
    out += '\n';
    pc += d.slots;
  }
  return out;
}

}  // namespace sandbpf
