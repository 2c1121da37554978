#include "vm/insn_table.hpp"

#include <array>
#include <vector>

namespace sandbpf {
namespace {

constexpr InsnInfo kRows[] = {
#define X(name, opcode, disc, value, mnemonic, form, group, cpu, width) \
  {Op::name, opcode, Disc::disc, value, mnemonic, Form::form, Group::group, cpu, width},
#include "vm/insn_table.def"
#undef X
};
static_assert(std::size(kRows) == kOpCount);

struct OpcodeIndex {
  std::array<std::vector<const InsnInfo*>, 256> rows;
  OpcodeIndex() {
    for (const InsnInfo& row : kRows) rows[row.opcode].push_back(&row);
  }
};

const OpcodeIndex& opcode_index() {
  static const OpcodeIndex index;
  return index;
}

bool disc_matches(const InsnInfo& row, const Insn& insn) {
  switch (row.disc) {
    case Disc::None: return true;
    case Disc::Src: return insn.src == row.disc_value;
    case Disc::Off: return insn.off == row.disc_value;
    case Disc::Imm: return insn.imm == row.disc_value;
  }
  return false;
}

}  // namespace

std::span<const InsnInfo> all_instructions() { return kRows; }

std::span<const InsnInfo* const> rows_for_opcode(uint8_t opcode) {
  return opcode_index().rows[opcode];
}

const InsnInfo* find_row(const Insn& insn) {
  for (const InsnInfo* row : rows_for_opcode(insn.opcode))
    if (disc_matches(*row, insn)) return row;
  return nullptr;
}

std::string_view group_name(Group group) {
  switch (group) {
    case Group::Base32: return "base32";
    case Group::Base64: return "base64";
    case Group::Atomic32: return "atomic32";
    case Group::Atomic64: return "atomic64";
    case Group::DivMul32: return "divmul32";
    case Group::DivMul64: return "divmul64";
    case Group::Packet: return "packet";
    case Group::Callx: return "callx";
  }
  return "?";
}

std::string_view form_name(Form form) {
  switch (form) {
#define CASE(f) case Form::f: return #f;
    CASE(AluImm) CASE(AluReg) CASE(AluNeg) CASE(Endian) CASE(Load) CASE(StoreImm)
    CASE(StoreReg) CASE(Atomic) CASE(Lddw) CASE(LddwMap) CASE(LddwMapValue)
    CASE(LddwHostVariable) CASE(LddwFunction) CASE(LddwMapIdx) CASE(LddwMapIdxValue)
    CASE(LoadAbs) CASE(LoadInd) CASE(Ja) CASE(Ja32) CASE(JumpImm) CASE(JumpReg)
    CASE(CallHelper) CASE(CallLocal) CASE(CallReg) CASE(Exit)
#undef CASE
  }
  return "?";
}

bool is_lddw_form(Form form) {
  switch (form) {
    case Form::Lddw: case Form::LddwMap: case Form::LddwMapValue: case Form::LddwHostVariable:
    case Form::LddwFunction: case Form::LddwMapIdx: case Form::LddwMapIdxValue:
      return true;
    default:
      return false;
  }
}

bool is_conditional_jump(Form form) { return form == Form::JumpImm || form == Form::JumpReg; }

bool is_jump(Form form) { return form == Form::Ja || form == Form::Ja32 || is_conditional_jump(form); }

bool uses_src_register(Form form) {
  switch (form) {
    case Form::AluReg: case Form::Load: case Form::StoreReg: case Form::Atomic:
    case Form::LoadInd: case Form::JumpReg:
      return true;
    default:
      return false;
  }
}

bool uses_dst_register(Form form) {
  switch (form) {
    case Form::LoadAbs: case Form::LoadInd: case Form::Ja: case Form::Ja32:
    case Form::CallHelper: case Form::CallLocal: case Form::Exit:
      return false;
    default:
      return true;
  }
}

bool writes_dst_register(Form form) {
  switch (form) {
    case Form::AluImm: case Form::AluReg: case Form::AluNeg: case Form::Endian: case Form::Load:
      return true;
    default:
      return is_lddw_form(form);
  }
}

bool is_32bit_alu(const InsnInfo& row) {
  return opcode_class(row.opcode) == kClassAlu;
}

Insn make_insn(Op op, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  const InsnInfo& row = info(op);
  Insn insn;
  insn.opcode = row.opcode;
  insn.dst = dst & 0x0f;
  insn.src = src & 0x0f;
  insn.off = off;
  insn.imm = imm;
  switch (row.disc) {
    case Disc::None: break;
    case Disc::Src: insn.src = static_cast<uint8_t>(row.disc_value); break;
    case Disc::Off: insn.off = static_cast<int16_t>(row.disc_value); break;
    case Disc::Imm: insn.imm = row.disc_value; break;
  }
  return insn;
}

}  // namespace sandbpf
