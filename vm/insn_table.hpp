// Instruction facts, one row per instruction (the rows are in insn_table.def).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "vm/instruction.hpp"

namespace sandbpf {

// One enumerator per row, in table order.
enum class Op : uint16_t {
#define X(name, opcode, disc, value, mnemonic, form, group, cpu, width) name,
#include "vm/insn_table.def"
#undef X
};

inline constexpr size_t kOpCount = 0
#define X(name, opcode, disc, value, mnemonic, form, group, cpu, width) +1
#include "vm/insn_table.def"
#undef X
    ;

// Which field, besides the opcode, selects a row.
enum class Disc : uint8_t { None, Src, Off, Imm };

// The operand shape of an instruction. It says which fields are operands
// (everything else is reserved and must be zero) and how the assembly
// syntax writes them.
enum class Form : uint8_t {
  AluImm,            // op dst, imm
  AluReg,            // op dst, src
  AluNeg,            // neg dst
  Endian,            // be16 dst (width in imm)
  Load,              // ldxw dst, [src+off]
  StoreImm,          // stw [dst+off], imm
  StoreReg,          // stxw [dst+off], src
  Atomic,            // lock add [dst+off], src (operation in imm)
  Lddw,              // lddw dst, imm64
  LddwMap,           // lddw dst, map N          (src 1)
  LddwMapValue,      // lddw dst, map_value N+K  (src 2)
  LddwHostVariable,  // lddw dst, var N          (src 3)
  LddwFunction,      // lddw dst, func +N        (src 4)
  LddwMapIdx,        // lddw dst, map_idx N      (src 5)
  LddwMapIdxValue,   // lddw dst, map_idx_value N+K (src 6)
  LoadAbs,           // ldabsw imm
  LoadInd,           // ldindw src, imm
  Ja,                // ja +off
  Ja32,              // ja32 +imm (gotol)
  JumpImm,           // jeq dst, imm, +off
  JumpReg,           // jeq dst, src, +off
  CallHelper,        // call imm
  CallLocal,         // call local +imm
  CallReg,           // call dst (callx: the register holds a helper id)
  Exit,              // exit
};

enum class Group : uint8_t { Base32, Base64, Atomic32, Atomic64, DivMul32, DivMul64, Packet, Callx };

struct InsnInfo {
  Op op;
  uint8_t opcode;
  Disc disc;
  int32_t disc_value;
  std::string_view mnemonic;
  Form form;
  Group group;
  uint8_t cpu_version;
  uint8_t width;
};

// Every row, in Op order: all_instructions()[i].op == Op(i).
std::span<const InsnInfo> all_instructions();

inline const InsnInfo& info(Op op) { return all_instructions()[static_cast<size_t>(op)]; }

// The row an encoded instruction belongs to, or nullptr when none matches.
// Only the opcode and the discriminating field are looked at; reserved
// fields are the decoder's business (Program::decode, program.hpp).
const InsnInfo* find_row(const Insn& insn);

// The rows sharing an opcode (empty for unknown opcodes).
std::span<const InsnInfo* const> rows_for_opcode(uint8_t opcode);

std::string_view group_name(Group group);
std::string_view form_name(Form form);

// Facts derived from the form, for the analyses.
bool is_lddw_form(Form form);
bool is_conditional_jump(Form form);
bool is_jump(Form form);          // ja, ja32 and conditional jumps
bool uses_src_register(Form form);
bool uses_dst_register(Form form);
bool writes_dst_register(Form form);  // loads, ALU, lddw
bool is_32bit_alu(const InsnInfo& row);

// Encode the discriminating field of a row into an instruction.
Insn make_insn(Op op, uint8_t dst = 0, uint8_t src = 0, int16_t off = 0, int32_t imm = 0);

}  // namespace sandbpf
