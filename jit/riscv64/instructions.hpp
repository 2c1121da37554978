// RISC-V mnemonics (RV64I, M, A, Zifencei) as pure functions on the
// formats of encoding.hpp: one function per instruction, named as the
// assembler spells it (a trailing underscore where the name is a C++
// keyword). Operands are in assembly order (rd, rs1, rs2 / imm); memory
// operands are (register, offset) as in `ld rd, offset(rs1)`. Offsets of
// branches and jal are relative to the instruction itself.
//
// The common pseudo-instructions the backend uses (mv, neg, sext.w, ...)
// are here too, as what the spec defines them to be.
#pragma once

#include <cstdint>

#include "jit/riscv64/encoding.hpp"

namespace sandbpf::riscv64::insn {

using format::b_type;
using format::i_type;
using format::j_type;
using format::r_type;
using format::s_type;
using format::u_type;

// --- RV64I: upper immediates, jumps --------------------------------------
constexpr uint32_t lui(Reg rd, int32_t upper20) { return u_type(opcode::kLui, rd, upper20); }
constexpr uint32_t auipc(Reg rd, int32_t upper20) { return u_type(opcode::kAuipc, rd, upper20); }
constexpr uint32_t jal(Reg rd, int32_t offset) { return j_type(opcode::kJal, rd, offset); }
constexpr uint32_t jalr(Reg rd, Reg rs1, int32_t offset) { return i_type(opcode::kJalr, 0, rd, rs1, offset); }

// --- branches -------------------------------------------------------------
constexpr uint32_t beq(Reg rs1, Reg rs2, int32_t offset) { return b_type(opcode::kBranch, 0, rs1, rs2, offset); }
constexpr uint32_t bne(Reg rs1, Reg rs2, int32_t offset) { return b_type(opcode::kBranch, 1, rs1, rs2, offset); }
constexpr uint32_t blt(Reg rs1, Reg rs2, int32_t offset) { return b_type(opcode::kBranch, 4, rs1, rs2, offset); }
constexpr uint32_t bge(Reg rs1, Reg rs2, int32_t offset) { return b_type(opcode::kBranch, 5, rs1, rs2, offset); }
constexpr uint32_t bltu(Reg rs1, Reg rs2, int32_t offset) { return b_type(opcode::kBranch, 6, rs1, rs2, offset); }
constexpr uint32_t bgeu(Reg rs1, Reg rs2, int32_t offset) { return b_type(opcode::kBranch, 7, rs1, rs2, offset); }

// --- loads and stores -----------------------------------------------------
constexpr uint32_t lb(Reg rd, Reg rs1, int32_t offset) { return i_type(opcode::kLoad, 0, rd, rs1, offset); }
constexpr uint32_t lh(Reg rd, Reg rs1, int32_t offset) { return i_type(opcode::kLoad, 1, rd, rs1, offset); }
constexpr uint32_t lw(Reg rd, Reg rs1, int32_t offset) { return i_type(opcode::kLoad, 2, rd, rs1, offset); }
constexpr uint32_t ld(Reg rd, Reg rs1, int32_t offset) { return i_type(opcode::kLoad, 3, rd, rs1, offset); }
constexpr uint32_t lbu(Reg rd, Reg rs1, int32_t offset) { return i_type(opcode::kLoad, 4, rd, rs1, offset); }
constexpr uint32_t lhu(Reg rd, Reg rs1, int32_t offset) { return i_type(opcode::kLoad, 5, rd, rs1, offset); }
constexpr uint32_t lwu(Reg rd, Reg rs1, int32_t offset) { return i_type(opcode::kLoad, 6, rd, rs1, offset); }
constexpr uint32_t sb(Reg rs2, Reg rs1, int32_t offset) { return s_type(opcode::kStore, 0, rs1, rs2, offset); }
constexpr uint32_t sh(Reg rs2, Reg rs1, int32_t offset) { return s_type(opcode::kStore, 1, rs1, rs2, offset); }
constexpr uint32_t sw(Reg rs2, Reg rs1, int32_t offset) { return s_type(opcode::kStore, 2, rs1, rs2, offset); }
constexpr uint32_t sd(Reg rs2, Reg rs1, int32_t offset) { return s_type(opcode::kStore, 3, rs1, rs2, offset); }

// --- register-immediate ---------------------------------------------------
constexpr uint32_t addi(Reg rd, Reg rs1, int32_t imm) { return i_type(opcode::kOpImm, 0, rd, rs1, imm); }
constexpr uint32_t slti(Reg rd, Reg rs1, int32_t imm) { return i_type(opcode::kOpImm, 2, rd, rs1, imm); }
constexpr uint32_t sltiu(Reg rd, Reg rs1, int32_t imm) { return i_type(opcode::kOpImm, 3, rd, rs1, imm); }
constexpr uint32_t xori(Reg rd, Reg rs1, int32_t imm) { return i_type(opcode::kOpImm, 4, rd, rs1, imm); }
constexpr uint32_t ori(Reg rd, Reg rs1, int32_t imm) { return i_type(opcode::kOpImm, 6, rd, rs1, imm); }
constexpr uint32_t andi(Reg rd, Reg rs1, int32_t imm) { return i_type(opcode::kOpImm, 7, rd, rs1, imm); }
// RV64 shifts by an immediate take a 6-bit amount; srai sets bit 30.
constexpr uint32_t slli(Reg rd, Reg rs1, uint32_t shamt) { return i_type(opcode::kOpImm, 1, rd, rs1, static_cast<int32_t>(shamt & 63)); }
constexpr uint32_t srli(Reg rd, Reg rs1, uint32_t shamt) { return i_type(opcode::kOpImm, 5, rd, rs1, static_cast<int32_t>(shamt & 63)); }
constexpr uint32_t srai(Reg rd, Reg rs1, uint32_t shamt) { return i_type(opcode::kOpImm, 5, rd, rs1, static_cast<int32_t>(0x400 | (shamt & 63))); }
// The *W forms compute on the low 32 bits and sign-extend the result.
constexpr uint32_t addiw(Reg rd, Reg rs1, int32_t imm) { return i_type(opcode::kOpImm32, 0, rd, rs1, imm); }
constexpr uint32_t slliw(Reg rd, Reg rs1, uint32_t shamt) { return i_type(opcode::kOpImm32, 1, rd, rs1, static_cast<int32_t>(shamt & 31)); }
constexpr uint32_t srliw(Reg rd, Reg rs1, uint32_t shamt) { return i_type(opcode::kOpImm32, 5, rd, rs1, static_cast<int32_t>(shamt & 31)); }
constexpr uint32_t sraiw(Reg rd, Reg rs1, uint32_t shamt) { return i_type(opcode::kOpImm32, 5, rd, rs1, static_cast<int32_t>(0x400 | (shamt & 31))); }

// --- register-register ----------------------------------------------------
constexpr uint32_t add(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 0, 0x00, rd, rs1, rs2); }
constexpr uint32_t sub(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 0, 0x20, rd, rs1, rs2); }
constexpr uint32_t sll(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 1, 0x00, rd, rs1, rs2); }
constexpr uint32_t slt(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 2, 0x00, rd, rs1, rs2); }
constexpr uint32_t sltu(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 3, 0x00, rd, rs1, rs2); }
constexpr uint32_t xor_(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 4, 0x00, rd, rs1, rs2); }
constexpr uint32_t srl(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 5, 0x00, rd, rs1, rs2); }
constexpr uint32_t sra(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 5, 0x20, rd, rs1, rs2); }
constexpr uint32_t or_(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 6, 0x00, rd, rs1, rs2); }
constexpr uint32_t and_(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 7, 0x00, rd, rs1, rs2); }
constexpr uint32_t addw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 0, 0x00, rd, rs1, rs2); }
constexpr uint32_t subw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 0, 0x20, rd, rs1, rs2); }
constexpr uint32_t sllw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 1, 0x00, rd, rs1, rs2); }
constexpr uint32_t srlw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 5, 0x00, rd, rs1, rs2); }
constexpr uint32_t sraw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 5, 0x20, rd, rs1, rs2); }

// --- M: multiplication and division (funct7 = 1) --------------------------
// Division by zero does not trap: div/divu give all ones, rem/remu the
// dividend; the signed overflow gives the dividend (div) and 0 (rem).
constexpr uint32_t mul(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 0, 0x01, rd, rs1, rs2); }
constexpr uint32_t mulhu(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 3, 0x01, rd, rs1, rs2); }
constexpr uint32_t div(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 4, 0x01, rd, rs1, rs2); }
constexpr uint32_t divu(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 5, 0x01, rd, rs1, rs2); }
constexpr uint32_t rem(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 6, 0x01, rd, rs1, rs2); }
constexpr uint32_t remu(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp, 7, 0x01, rd, rs1, rs2); }
constexpr uint32_t mulw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 0, 0x01, rd, rs1, rs2); }
constexpr uint32_t divw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 4, 0x01, rd, rs1, rs2); }
constexpr uint32_t divuw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 5, 0x01, rd, rs1, rs2); }
constexpr uint32_t remw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 6, 0x01, rd, rs1, rs2); }
constexpr uint32_t remuw(Reg rd, Reg rs1, Reg rs2) { return r_type(opcode::kOp32, 7, 0x01, rd, rs1, rs2); }

// --- A: atomics -----------------------------------------------------------
// `width` is 4 (.w, funct3 2) or 8 (.d, funct3 3). The 32-bit forms
// sign-extend the value they return.
enum class Order : uint8_t { kNone, kAcquire, kRelease, kAcqRel };
namespace detail {
constexpr uint32_t amo(uint32_t funct5, int width, Order order, Reg rd, Reg rs1, Reg rs2) {
  const bool aq = order == Order::kAcquire || order == Order::kAcqRel;
  const bool rl = order == Order::kRelease || order == Order::kAcqRel;
  return format::amo_type(width == 8 ? 3 : 2, funct5, aq, rl, rd, rs1, rs2);
}
}  // namespace detail
// Operand order as assembly writes it: amoadd.d rd, rs2, (rs1).
constexpr uint32_t lr(int width, Order order, Reg rd, Reg addr) { return detail::amo(0x02, width, order, rd, addr, kZero); }
constexpr uint32_t sc(int width, Order order, Reg rd, Reg value, Reg addr) { return detail::amo(0x03, width, order, rd, addr, value); }
constexpr uint32_t amoswap(int width, Order order, Reg rd, Reg value, Reg addr) { return detail::amo(0x01, width, order, rd, addr, value); }
constexpr uint32_t amoadd(int width, Order order, Reg rd, Reg value, Reg addr) { return detail::amo(0x00, width, order, rd, addr, value); }
constexpr uint32_t amoxor(int width, Order order, Reg rd, Reg value, Reg addr) { return detail::amo(0x04, width, order, rd, addr, value); }
constexpr uint32_t amoand(int width, Order order, Reg rd, Reg value, Reg addr) { return detail::amo(0x0c, width, order, rd, addr, value); }
constexpr uint32_t amoor(int width, Order order, Reg rd, Reg value, Reg addr) { return detail::amo(0x08, width, order, rd, addr, value); }

// --- fences ---------------------------------------------------------------
// fence rw,rw: pred and succ both read+write.
constexpr uint32_t fence_rw_rw() { return 0x0330000f; }
// fence.i orders this hart's own instruction fetches only; code published
// for every hart goes through the kernel's icache flush instead
// (executable_memory.cpp).
constexpr uint32_t fence_i() { return 0x0000100f; }

// --- pseudo-instructions, as the spec defines them ------------------------
constexpr uint32_t nop() { return addi(kZero, kZero, 0); }
constexpr uint32_t mv(Reg rd, Reg rs) { return addi(rd, rs, 0); }
constexpr uint32_t neg(Reg rd, Reg rs) { return sub(rd, kZero, rs); }
constexpr uint32_t negw(Reg rd, Reg rs) { return subw(rd, kZero, rs); }
constexpr uint32_t sext_w(Reg rd, Reg rs) { return addiw(rd, rs, 0); }
constexpr uint32_t seqz(Reg rd, Reg rs) { return sltiu(rd, rs, 1); }
constexpr uint32_t snez(Reg rd, Reg rs) { return sltu(rd, kZero, rs); }
constexpr uint32_t j(int32_t offset) { return jal(kZero, offset); }
constexpr uint32_t ret() { return jalr(kZero, kRa, 0); }

}  // namespace sandbpf::riscv64::insn
