#include "loader/asm_syntax.hpp"

namespace sandbpf::asm_syntax {

FormFields form_fields(Form form) {
  switch (form) {
    case Form::AluImm: return {.dst = true, .imm = true};
    case Form::AluReg: return {.dst = true, .src = true};
    case Form::AluNeg: return {.dst = true};
    case Form::Endian: return {.dst = true};
    case Form::Load: return {.dst = true, .src = true, .off = true};
    case Form::StoreImm: return {.dst = true, .off = true, .imm = true};
    case Form::StoreReg: return {.dst = true, .src = true, .off = true};
    case Form::Atomic: return {.dst = true, .src = true, .off = true};
    case Form::Lddw:
    case Form::LddwMap:
    case Form::LddwMapValue:
    case Form::LddwHostVariable:
    case Form::LddwFunction:
    case Form::LddwMapIdx:
    case Form::LddwMapIdxValue: return {.dst = true, .imm = true};
    case Form::LoadAbs: return {.imm = true};
    case Form::LoadInd: return {.src = true, .imm = true};
    case Form::Ja: return {.off = true};
    case Form::Ja32: return {.imm = true};
    case Form::JumpImm: return {.dst = true, .off = true, .imm = true};
    case Form::JumpReg: return {.dst = true, .src = true, .off = true};
    case Form::CallHelper: return {.imm = true};
    case Form::CallLocal: return {.imm = true};
    case Form::CallReg: return {.dst = true};
    case Form::Exit: return {};
  }
  return {};
}

std::string_view form_operands(Form form) {
  switch (form) {
    case Form::AluImm: return "%rD, imm";
    case Form::AluReg: return "%rD, %rS";
    case Form::AluNeg: return "%rD";
    case Form::Endian: return "%rD";
    case Form::Load: return "%rD, [%rS+off]";
    case Form::StoreImm: return "[%rD+off], imm";
    case Form::StoreReg: return "[%rD+off], %rS";
    case Form::Atomic: return "[%rD+off], %rS";
    case Form::Lddw: return "%rD, imm64";
    case Form::LddwMap: return "%rD, map N";
    case Form::LddwMapValue: return "%rD, map_value N+K";
    case Form::LddwHostVariable: return "%rD, var N";
    case Form::LddwFunction: return "%rD, func target";
    case Form::LddwMapIdx: return "%rD, map_idx N";
    case Form::LddwMapIdxValue: return "%rD, map_idx_value N+K";
    case Form::LoadAbs: return "imm";
    case Form::LoadInd: return "%rS, imm";
    case Form::Ja: return "target";
    case Form::Ja32: return "target";
    case Form::JumpImm: return "%rD, imm, target";
    case Form::JumpReg: return "%rD, %rS, target";
    case Form::CallHelper: return "imm";
    case Form::CallLocal: return "target";
    case Form::CallReg: return "%rD";
    case Form::Exit: return "";
  }
  return "";
}

size_t form_operand_count(Form form) {
  const std::string_view syntax = form_operands(form);
  if (syntax.empty()) return 0;
  size_t count = 1;
  for (char c : syntax) count += c == ',' ? 1 : 0;
  return count;
}

std::string_view lddw_keyword(Form form) {
  switch (form) {
    case Form::LddwMap: return "map";
    case Form::LddwMapValue: return "map_value";
    case Form::LddwHostVariable: return "var";
    case Form::LddwFunction: return "func";
    case Form::LddwMapIdx: return "map_idx";
    case Form::LddwMapIdxValue: return "map_idx_value";
    default: return "";
  }
}

bool lddw_has_second_imm(Form form) {
  return form == Form::Lddw || form == Form::LddwMapValue || form == Form::LddwMapIdxValue;
}

}  // namespace sandbpf::asm_syntax
