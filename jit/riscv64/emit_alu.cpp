// ALU instructions, byte swaps, division. RISC-V's *W instructions compute
// on the low 32 bits but sign-extend the result, while BPF zero-extends
// 32-bit results: every 32-bit operation ends with a zero extension
// (slli 32; srli 32) unless its result is known to have bit 31 clear.
#include "jit/riscv64/emitter.hpp"

namespace sandbpf::riscv64 {

using namespace insn;

void Emitter::zero_extend32(Reg rd, Reg rs) {
  a_.emit(slli(rd, rs, 32));
  a_.emit(srli(rd, rd, 32));
}

void Emitter::add_imm(Reg rd, Reg rs, int64_t imm, Reg scratch) {
  if (fits_i12(imm)) {
    if (imm != 0 || rd != rs) a_.emit(addi(rd, rs, static_cast<int32_t>(imm)));
    return;
  }
  a_.li(scratch, imm);
  a_.emit(add(rd, rs, scratch));
}

void Emitter::alu(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  // The budget's counter register lives in the run state (registers.hpp);
  // the budget rewrite only subtracts immediates from it, right after
  // comparing it (lowered_program.hpp), whose load left it in t2.
  if (in.dst == kCounterRegister) {
    add_imm(kScratch2, kScratch2, -static_cast<int64_t>(in.imm), kScratch0);
    a_.emit(sd(kScratch2, kState, SANDBPF_RV_STATE(remaining)));
    return;
  }
  const bool is64 = r.width == 8;
  const bool by_imm = r.form == Form::AluImm;
  const uint8_t op = r.opcode & 0xf0;
  const Reg dst = bpf_reg(in.dst);
  const int64_t imm = in.imm;  // sign-extended, as BPF's ALU64 immediates
  // The second operand as a register (immediates through t0).
  auto operand = [&]() -> Reg {
    if (!by_imm) return bpf_reg(in.src);
    if (imm == 0) return kZero;
    a_.li(kScratch0, imm);
    return kScratch0;
  };
  auto finish32 = [&] {
    if (!is64) zero_extend32(dst, dst);
  };

  switch (op) {
    case kAluAdd:
      if (by_imm && fits_i12(imm)) a_.emit(is64 ? addi(dst, dst, static_cast<int32_t>(imm))
                                                : addiw(dst, dst, static_cast<int32_t>(imm)));
      else { const Reg s = operand(); a_.emit(is64 ? add(dst, dst, s) : addw(dst, dst, s)); }
      return finish32();
    case kAluSub:
      if (by_imm && fits_i12(-imm)) a_.emit(is64 ? addi(dst, dst, static_cast<int32_t>(-imm))
                                                 : addiw(dst, dst, static_cast<int32_t>(-imm)));
      else { const Reg s = operand(); a_.emit(is64 ? sub(dst, dst, s) : subw(dst, dst, s)); }
      return finish32();
    case kAluMul: {
      const Reg s = operand();
      a_.emit(is64 ? mul(dst, dst, s) : mulw(dst, dst, s));
      return finish32();
    }
    case kAluOr:
    case kAluAnd:
    case kAluXor: {
      // The logical operations are the same on the low 32 bits in both
      // widths; 32-bit ones then clear the upper half.
      if (by_imm && fits_i12(imm)) {
        const auto i = static_cast<int32_t>(imm);
        a_.emit(op == kAluOr ? ori(dst, dst, i) : op == kAluAnd ? andi(dst, dst, i) : xori(dst, dst, i));
      } else {
        const Reg s = operand();
        a_.emit(op == kAluOr ? or_(dst, dst, s) : op == kAluAnd ? and_(dst, dst, s) : xor_(dst, dst, s));
      }
      return finish32();
    }
    case kAluNeg:
      a_.emit(is64 ? neg(dst, dst) : negw(dst, dst));
      return finish32();
    case kAluLsh:
    case kAluRsh:
    case kAluArsh:
      return shift(pc);
    case kAluDiv:
    case kAluMod:
      return divide(pc);
    case kAluMov:
      if (by_imm) {
        // 64-bit: the immediate is sign-extended; 32-bit: zero-extended.
        a_.li(dst, is64 ? imm : static_cast<int64_t>(static_cast<uint32_t>(in.imm)));
        return;
      }
      {
        const Reg src = bpf_reg(in.src);
        switch (in.off) {  // movsx: the offset is the source width in bits
          case 8:
          case 16:
            a_.emit(slli(dst, src, static_cast<uint32_t>(64 - in.off)));
            a_.emit(srai(dst, dst, static_cast<uint32_t>(64 - in.off)));
            return finish32();
          case 32:
            a_.emit(sext_w(dst, src));
            return;
          default:
            if (!is64) zero_extend32(dst, src);
            else if (dst != src) a_.emit(mv(dst, src));
            return;
        }
      }
    default:
      a_.emit(0);  // not reached: every ALU row is handled above (an illegal instruction)
      return;
  }
}

// Shift counts are masked to the operand width, as RISC-V does by itself
// (6 bits for sll/srl/sra, 5 for the *W forms).
void Emitter::shift(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const bool is64 = r.width == 8;
  const uint8_t op = r.opcode & 0xf0;
  const Reg dst = bpf_reg(in.dst);
  if (r.form == Form::AluImm) {
    const uint32_t count = static_cast<uint32_t>(in.imm) & (is64 ? 63 : 31);
    if (is64) {
      if (count == 0) return;
      a_.emit(op == kAluLsh ? slli(dst, dst, count) : op == kAluRsh ? srli(dst, dst, count) : srai(dst, dst, count));
      return;
    }
    if (op == kAluRsh && count != 0) {
      a_.emit(srliw(dst, dst, count));  // bit 31 is clear: already zero-extended
      return;
    }
    a_.emit(op == kAluLsh ? slliw(dst, dst, count) : op == kAluRsh ? srliw(dst, dst, count) : sraiw(dst, dst, count));
    zero_extend32(dst, dst);
    return;
  }
  const Reg src = bpf_reg(in.src);
  if (is64) {
    a_.emit(op == kAluLsh ? sll(dst, dst, src) : op == kAluRsh ? srl(dst, dst, src) : sra(dst, dst, src));
    return;
  }
  a_.emit(op == kAluLsh ? sllw(dst, dst, src) : op == kAluRsh ? srlw(dst, dst, src) : sraw(dst, dst, src));
  zero_extend32(dst, dst);
}

// RFC 9669: x / 0 = 0, x % 0 = x (32-bit: x's low half), and signed
// INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0. RISC-V never traps: its signed
// overflow results are BPF's, and so is rem by zero (the dividend); only
// div by zero differs (all ones), so its result is masked with
// -(divisor != 0).
void Emitter::divide(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const bool is64 = r.width == 8;
  const bool is_mod = (r.opcode & 0xf0) == kAluMod;
  const bool is_signed = in.off == 1;
  const Reg dst = bpf_reg(in.dst);
  auto op = [&](Reg divisor) {
    if (is64) {
      if (is_mod) a_.emit(is_signed ? rem(dst, dst, divisor) : remu(dst, dst, divisor));
      else a_.emit(is_signed ? div(dst, dst, divisor) : divu(dst, dst, divisor));
    } else {
      if (is_mod) a_.emit(is_signed ? remw(dst, dst, divisor) : remuw(dst, dst, divisor));
      else a_.emit(is_signed ? divw(dst, dst, divisor) : divuw(dst, dst, divisor));
    }
  };

  if (r.form == Form::AluImm) {
    if (in.imm == 0) {
      if (!is_mod) a_.emit(mv(dst, kZero));
      else if (!is64) zero_extend32(dst, dst);
      return;
    }
    a_.li(kScratch0, in.imm);  // the *W forms read its low 32 bits
    op(kScratch0);
    if (!is64) zero_extend32(dst, dst);
    return;
  }

  const Reg src = bpf_reg(in.src);
  if (is_mod) {
    op(src);
    if (!is64) zero_extend32(dst, dst);
    return;
  }
  // mask = divisor != 0 ? ~0 : 0 (32-bit: of its low half), computed
  // before dst is written (dst may be the divisor).
  if (is64) {
    a_.emit(snez(kScratch0, src));
  } else {
    a_.emit(slli(kScratch0, src, 32));
    a_.emit(snez(kScratch0, kScratch0));
  }
  a_.emit(neg(kScratch0, kScratch0));
  op(src);
  if (!is64) zero_extend32(dst, dst);
  a_.emit(and_(dst, dst, kScratch0));
}

// Reverses the low `width` bytes of reg into reg (the upper bytes become
// zero): byte i goes to byte width-1-i. RV64I has no byte-reverse
// instruction (that is Zbb's rev8).
void Emitter::byte_swap(Reg reg, int width) {
  const Reg result = kScratch1, byte = kScratch0;
  for (int i = 0; i < width; ++i) {
    const Reg into = i == 0 ? result : byte;
    if (i == 0) a_.emit(andi(into, reg, 0xff));
    else {
      a_.emit(srli(into, reg, static_cast<uint32_t>(8 * i)));
      if (i != width - 1 || width != 8) a_.emit(andi(into, into, 0xff));
    }
    if (const int to = width - 1 - i; to != 0) a_.emit(slli(into, into, static_cast<uint32_t>(8 * to)));
    if (i != 0) a_.emit(or_(result, result, byte));
  }
  a_.emit(mv(reg, result));
}

// Byte order: the host is little-endian, so "le" truncates and "be" and
// "bswap" swap.
void Emitter::endian(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const Reg dst = bpf_reg(in.dst);
  const bool swap = r.opcode != (kClassAlu | kAluEnd | kSrcK);
  if (swap) return byte_swap(dst, r.width);
  switch (r.width) {
    case 2:
      a_.emit(slli(dst, dst, 48));
      a_.emit(srli(dst, dst, 48));
      return;
    case 4:
      zero_extend32(dst, dst);
      return;
    default:
      return;
  }
}

}  // namespace sandbpf::riscv64
