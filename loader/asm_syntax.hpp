// What the assembly syntax looks like for each Form of the instruction table.
// The assembler and the disassembler both read these facts, so the two
// cannot disagree about which fields a form writes or how lddw's pseudo
// forms are spelled. (Internal to loader/.)
#pragma once

#include <cstddef>
#include <string_view>

#include "vm/insn_table.hpp"

namespace sandbpf::asm_syntax {

// The instruction fields a form takes from its operands. Every other field
// is zero, except the row's discriminating field (Disc), which the table
// fixes.
struct FormFields {
  bool dst = false;
  bool src = false;
  bool off = false;
  bool imm = false;
};
FormFields form_fields(Form form);

// The operands as a user writes them, for messages: "%rD, [%rS+off]".
std::string_view form_operands(Form form);

// How many comma-separated operands the form takes.
size_t form_operand_count(Form form);

// The word that introduces the second operand of lddw's pseudo forms
// ("map", "map_value", "var", "func", "map_idx", "map_idx_value"); empty for
// the plain 64-bit immediate and for every non-lddw form.
std::string_view lddw_keyword(Form form);

// lddw forms whose second slot's imm is an operand (written N+K).
bool lddw_has_second_imm(Form form);

}  // namespace sandbpf::asm_syntax
