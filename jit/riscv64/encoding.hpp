// RISC-V instruction formats (the unprivileged spec, chapter "Base
// Instruction Formats"): pure functions from fields to the 32-bit word.
// Nothing here knows a mnemonic; instructions.hpp builds the mnemonics on
// these, and assembler.hpp emits them. Immediates are taken as signed
// values and must already fit their field (callers check with fits_*):
// a format function only scatters bits, it never decides what an
// out-of-range value should become.
#pragma once

#include <cstdint>

namespace sandbpf::riscv64 {

// Integer registers by number, named as the psABI does.
enum Reg : uint8_t {
  kZero = 0, kRa = 1, kSp = 2, kGp = 3, kTp = 4,
  kT0 = 5, kT1 = 6, kT2 = 7,
  kS0 = 8, kS1 = 9,
  kA0 = 10, kA1 = 11, kA2 = 12, kA3 = 13, kA4 = 14, kA5 = 15, kA6 = 16, kA7 = 17,
  kS2 = 18, kS3 = 19, kS4 = 20, kS5 = 21, kS6 = 22, kS7 = 23, kS8 = 24, kS9 = 25,
  kS10 = 26, kS11 = 27,
  kT3 = 28, kT4 = 29, kT5 = 30, kT6 = 31,
};

// Major opcodes (bits 6:0).
namespace opcode {
inline constexpr uint32_t kLoad = 0x03;
inline constexpr uint32_t kMiscMem = 0x0f;
inline constexpr uint32_t kOpImm = 0x13;
inline constexpr uint32_t kAuipc = 0x17;
inline constexpr uint32_t kOpImm32 = 0x1b;
inline constexpr uint32_t kStore = 0x23;
inline constexpr uint32_t kAmo = 0x2f;
inline constexpr uint32_t kOp = 0x33;
inline constexpr uint32_t kLui = 0x37;
inline constexpr uint32_t kOp32 = 0x3b;
inline constexpr uint32_t kBranch = 0x63;
inline constexpr uint32_t kJalr = 0x67;
inline constexpr uint32_t kJal = 0x6f;
}  // namespace opcode

constexpr bool fits_signed(int64_t value, int bits) {
  return value >= -(int64_t{1} << (bits - 1)) && value < (int64_t{1} << (bits - 1));
}
constexpr bool fits_i12(int64_t value) { return fits_signed(value, 12); }
// Branch offsets: 13 bits signed, even (±4 KiB).
constexpr bool fits_branch(int64_t offset) { return fits_signed(offset, 13) && offset % 2 == 0; }
// jal offsets: 21 bits signed, even (±1 MiB).
constexpr bool fits_jal(int64_t offset) { return fits_signed(offset, 21) && offset % 2 == 0; }

// The low 12 bits of `value` as the sign-extended immediate that addi,
// ld, jalr... add, and the upper part that lui/auipc must supply so that
// (upper << 12) + low == value (mod 2^32 for lui; auipc adds to pc).
constexpr int32_t low12(int64_t value) {
  return static_cast<int32_t>(static_cast<uint64_t>(value) & 0xfff) -
         ((value & 0x800) != 0 ? 0x1000 : 0);
}
constexpr int32_t high20(int64_t value) {
  return static_cast<int32_t>(((static_cast<uint64_t>(value) + 0x800) >> 12) & 0xfffff);
}
// Whether auipc+12-bit (or lui+12-bit) reaches `offset`.
constexpr bool fits_pcrel32(int64_t offset) {
  return offset >= -(int64_t{1} << 31) - 0x800 && offset < (int64_t{1} << 31) - 0x800;
}

namespace format {

constexpr uint32_t reg(Reg r) { return static_cast<uint32_t>(r) & 0x1f; }

// R: funct7 | rs2 | rs1 | funct3 | rd | opcode
constexpr uint32_t r_type(uint32_t op, uint32_t funct3, uint32_t funct7, Reg rd, Reg rs1, Reg rs2) {
  return (funct7 & 0x7f) << 25 | reg(rs2) << 20 | reg(rs1) << 15 | (funct3 & 7) << 12 |
         reg(rd) << 7 | (op & 0x7f);
}

// I: imm[11:0] | rs1 | funct3 | rd | opcode
constexpr uint32_t i_type(uint32_t op, uint32_t funct3, Reg rd, Reg rs1, int32_t imm) {
  return (static_cast<uint32_t>(imm) & 0xfff) << 20 | reg(rs1) << 15 | (funct3 & 7) << 12 |
         reg(rd) << 7 | (op & 0x7f);
}

// S: imm[11:5] | rs2 | rs1 | funct3 | imm[4:0] | opcode
constexpr uint32_t s_type(uint32_t op, uint32_t funct3, Reg rs1, Reg rs2, int32_t imm) {
  const auto u = static_cast<uint32_t>(imm);
  return ((u >> 5) & 0x7f) << 25 | reg(rs2) << 20 | reg(rs1) << 15 | (funct3 & 7) << 12 |
         (u & 0x1f) << 7 | (op & 0x7f);
}

// B: imm[12|10:5] | rs2 | rs1 | funct3 | imm[4:1|11] | opcode (offset even)
constexpr uint32_t b_type(uint32_t op, uint32_t funct3, Reg rs1, Reg rs2, int32_t offset) {
  const auto u = static_cast<uint32_t>(offset);
  return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | reg(rs2) << 20 | reg(rs1) << 15 |
         (funct3 & 7) << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | (op & 0x7f);
}

// U: imm[31:12] | rd | opcode (`upper` is the 20-bit field)
constexpr uint32_t u_type(uint32_t op, Reg rd, int32_t upper) {
  return (static_cast<uint32_t>(upper) & 0xfffff) << 12 | reg(rd) << 7 | (op & 0x7f);
}

// J: imm[20|10:1|11|19:12] | rd | opcode (offset even)
constexpr uint32_t j_type(uint32_t op, Reg rd, int32_t offset) {
  const auto u = static_cast<uint32_t>(offset);
  return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 | ((u >> 11) & 1) << 20 |
         ((u >> 12) & 0xff) << 12 | reg(rd) << 7 | (op & 0x7f);
}

// The A extension's R variant: funct5 | aq | rl | rs2 | rs1 | funct3 | rd | opcode
constexpr uint32_t amo_type(uint32_t funct3, uint32_t funct5, bool aq, bool rl, Reg rd, Reg rs1,
                            Reg rs2) {
  return r_type(opcode::kAmo, funct3, (funct5 & 0x1f) << 2 | (aq ? 2u : 0u) | (rl ? 1u : 0u), rd,
                rs1, rs2);
}

}  // namespace format
}  // namespace sandbpf::riscv64
