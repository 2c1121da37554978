// ALU instructions, byte swaps, division. 32-bit operations write 32-bit
// x86 registers, which zero-extends into the upper half as BPF requires.
#include "jit/x86_64/emitter.hpp"

namespace sandbpf::x86_64 {

namespace {

x86::Gp sized(const x86::Gp& r, bool is64) { return is64 ? r : x86::Gp(r.r32()); }

}  // namespace

void Emitter::mov_imm64(const x86::Gp& dst, uint64_t value) {
  if (value == 0)
    a_.xor_(dst.r32(), dst.r32());
  else if (value <= 0xffffffffull)
    a_.mov(dst.r32(), static_cast<uint32_t>(value));
  else if (static_cast<int64_t>(value) >= INT32_MIN && static_cast<int64_t>(value) < 0)
    a_.mov(dst, asmjit::imm(static_cast<int64_t>(value)));  // sign-extended imm32
  else
    a_.movabs(dst, asmjit::imm(value));
}

void Emitter::alu(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  // The budget's counter register lives in the run state (registers.hpp);
  // the budget rewrite only subtracts immediates from it.
  if (in.dst == kCounterRegister) {
    a_.sub(SANDBPF_STATE(remaining), in.imm);
    return;
  }
  const bool is64 = r.width == 8;
  const bool by_imm = r.form == Form::AluImm;
  const uint8_t op = r.opcode & 0xf0;
  const x86::Gp dst = sized(bpf_reg(in.dst), is64);
  const x86::Gp src = sized(bpf_reg(in.src), is64);
  const int32_t imm = in.imm;

  switch (op) {
    case kAluAdd:
      if (by_imm) a_.add(dst, imm); else a_.add(dst, src);
      return;
    case kAluSub:
      if (by_imm) a_.sub(dst, imm); else a_.sub(dst, src);
      return;
    case kAluMul:
      if (by_imm) multiply_by_constant(dst, imm, is64);
      else a_.imul(dst, src);
      return;
    case kAluOr:
      if (by_imm) a_.or_(dst, imm); else a_.or_(dst, src);
      return;
    case kAluAnd:
      if (by_imm) a_.and_(dst, imm); else a_.and_(dst, src);
      return;
    case kAluXor:
      if (by_imm) a_.xor_(dst, imm); else a_.xor_(dst, src);
      return;
    case kAluNeg:
      a_.neg(dst);
      return;
    case kAluLsh:
    case kAluRsh:
    case kAluArsh:
      shift(dst, in, is64, by_imm, op);
      return;
    case kAluDiv:
    case kAluMod:
      divide(in, is64, by_imm, op == kAluMod, in.off == 1);
      return;
    case kAluMov:
      if (by_imm) {
        // 64-bit: the immediate is sign-extended; 32-bit: zero-extended.
        if (is64) mov_imm64(bpf_reg(in.dst), static_cast<uint64_t>(static_cast<int64_t>(imm)));
        else mov_imm64(bpf_reg(in.dst), static_cast<uint32_t>(imm));
        return;
      }
      switch (in.off) {  // movsx: the offset is the source width in bits
        case 8: a_.movsx(dst, bpf_reg(in.src).r8()); return;
        case 16: a_.movsx(dst, bpf_reg(in.src).r16()); return;
        case 32: a_.movsxd(dst, bpf_reg(in.src).r32()); return;
        default:
          // A 32-bit move to itself still clears the upper half.
          if (is64 && in.dst == in.src) return;
          a_.mov(dst, src);
          return;
      }
    default:
      a_.ud2();  // not reached: every ALU row is handled above
      return;
  }
}

// Multiplication by a constant, as compilers strength-reduce it (shorter
// latency than imul's 3 cycles on loop-carried chains): 2^n -> shl,
// 3/5/9 -> lea, 2^n - 1 and 2^n + 1 -> shift and subtract or add. The
// results are exact modulo 2^width like imul's.
void Emitter::multiply_by_constant(const x86::Gp& dst, int32_t imm, bool is64) {
  const uint64_t value = is64 ? static_cast<uint64_t>(static_cast<int64_t>(imm)) : static_cast<uint32_t>(imm);
  const int bits = is64 ? 64 : 32;
  auto log2_exact = [&](uint64_t v) -> int {
    return v != 0 && (v & (v - 1)) == 0 ? __builtin_ctzll(v) : -1;
  };
  const x86::Gp scratch = is64 ? kScratch2 : x86::Gp(kScratch2.r32());
  if (value == 0) {
    a_.xor_(dst.r32(), dst.r32());
  } else if (value == 1) {
    if (!is64) a_.mov(dst, dst);  // still zero-extends
  } else if (const int n = log2_exact(value); n > 0 && n < bits) {
    a_.shl(dst, n);
  } else if (value == 3 || value == 5 || value == 9) {
    a_.lea(dst, x86::ptr(dst.r64(), dst.r64(), static_cast<uint32_t>(log2_exact(value - 1))));
  } else if (const int m = log2_exact(value + 1); m > 1 && m < bits) {
    a_.mov(scratch, dst);
    a_.shl(dst, m);
    a_.sub(dst, scratch);
  } else if (const int p = log2_exact(value - 1); p > 3 && p < bits) {
    a_.mov(scratch, dst);
    a_.shl(dst, p);
    a_.add(dst, scratch);
  } else {
    a_.imul(dst, dst, imm);
  }
}

// Shift counts are masked to the operand width, as x86 does by itself.
void Emitter::shift(const x86::Gp& dst, const Insn& in, bool is64, bool by_imm, uint8_t op) {
  auto emit = [&](const x86::Gp& d, const asmjit::Operand_& count) {
    if (op == kAluLsh) a_.emit(asmjit::x86::Inst::kIdShl, d, count);
    else if (op == kAluRsh) a_.emit(asmjit::x86::Inst::kIdShr, d, count);
    else a_.emit(asmjit::x86::Inst::kIdSar, d, count);
  };
  if (by_imm) {
    const uint32_t count = static_cast<uint32_t>(in.imm) & (is64 ? 63 : 31);
    if (count != 0) emit(dst, asmjit::imm(count));
    else if (!is64) a_.mov(dst, dst);  // still zero-extends
    return;
  }
  const x86::Gp rcx = bpf_reg(4);
  if (in.src == 4) {  // the count is already in cl
    emit(dst, x86::cl);
  } else if (in.dst == 4) {  // shifting rcx itself by another register
    const x86::Gp value = sized(kScratch2, is64);
    a_.mov(value, dst);
    a_.mov(x86::ecx, bpf_reg(in.src).r32());
    emit(value, x86::cl);
    a_.mov(sized(rcx, is64), value);
  } else {
    a_.mov(kScratch2, rcx);
    a_.mov(x86::ecx, bpf_reg(in.src).r32());
    emit(dst, x86::cl);
    a_.mov(rcx, kScratch2);
  }
}

// RFC 9669: x / 0 = 0, x % 0 = x (32-bit: x's low half), and signed
// INT_MIN / -1 = INT_MIN, INT_MIN % -1 = 0, without faulting. x86 div uses
// rdx:rax, which hold r3 and r0: they are saved in r10 and r9 (the divisor
// is copied to r11 first, so the hidden register r9 is free).
void Emitter::divide(const Insn& in, bool is64, bool by_imm, bool is_mod, bool is_signed) {
  const x86::Gp dst_reg = bpf_reg(in.dst);
  const x86::Gp dst = sized(dst_reg, is64);
  const x86::Gp divisor = sized(kScratch2, is64);

  auto zero_result = [&] {
    if (!is_mod) a_.xor_(dst_reg.r32(), dst_reg.r32());
    else if (!is64) a_.mov(dst_reg.r32(), dst_reg.r32());
  };
  auto minus_one_result = [&] {
    if (!is_mod) a_.neg(dst);
    else a_.xor_(dst_reg.r32(), dst_reg.r32());
  };

  asmjit::Label zero, minus_one, done;
  if (by_imm) {
    const int64_t value = is64 ? static_cast<int64_t>(in.imm) : static_cast<int64_t>(static_cast<uint32_t>(in.imm));
    if (in.imm == 0) return zero_result();
    if (is_signed && in.imm == -1) return minus_one_result();
    if (is64) a_.mov(divisor, asmjit::imm(value));
    else a_.mov(divisor, static_cast<uint32_t>(in.imm));
  } else {
    a_.mov(divisor, sized(bpf_reg(in.src), is64));
    zero = a_.newLabel();
    done = a_.newLabel();
    a_.test(divisor, divisor);
    a_.jz(zero);
    if (is_signed) {
      minus_one = a_.newLabel();
      a_.cmp(divisor, -1);
      a_.je(minus_one);
    }
  }

  const x86::Gp rax = x86::rax, rdx = x86::rdx;
  const bool dst_is_rax = dst_reg == rax, dst_is_rdx = dst_reg == rdx;
  if (!dst_is_rax) a_.mov(kScratch1, rax);
  if (!dst_is_rdx) a_.mov(kScratch3, rdx);
  if (!dst_is_rax) a_.mov(rax, dst_reg);
  if (is_signed) {
    if (is64) a_.cqo(); else a_.cdq();
    a_.idiv(divisor);
  } else {
    a_.xor_(x86::edx, x86::edx);
    a_.div(divisor);
  }
  const x86::Gp result = is_mod ? rdx : rax;
  if (dst_reg != result) a_.mov(dst_reg, result);  // div r32 zero-extended it already
  if (!dst_is_rdx) a_.mov(rdx, kScratch3);
  if (!dst_is_rax) a_.mov(rax, kScratch1);

  if (!by_imm) {
    a_.jmp(done);
    a_.bind(zero);
    zero_result();
    if (is_signed) {
      a_.jmp(done);
      a_.bind(minus_one);
      minus_one_result();
    }
    a_.bind(done);
  }
}

// Byte order: the host is little-endian, so "le" truncates and "be" and
// "bswap" swap.
void Emitter::endian(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const x86::Gp dst = bpf_reg(in.dst);
  const bool swap = r.opcode != (kClassAlu | kAluEnd | kSrcK);
  switch (r.width) {
    case 2:
      if (swap) a_.ror(dst.r16(), 8);
      a_.movzx(dst.r32(), dst.r16());
      return;
    case 4:
      if (swap) a_.bswap(dst.r32());
      else a_.mov(dst.r32(), dst.r32());
      return;
    default:
      if (swap) a_.bswap(dst);
      return;
  }
}

}  // namespace sandbpf::x86_64
