// ALU instructions, byte swaps, division, and the constant builders the
// other groups use. 32-bit operations write W registers, which zero the
// upper half as BPF requires. AArch64's own semantics already match BPF's
// corner cases: udiv/sdiv by zero give 0, sdiv INT_MIN / -1 gives INT_MIN
// (no trap), and register shift counts are taken modulo the width.
#include "jit/arm64/emitter.hpp"

namespace sandbpf::arm64 {

namespace {

// add/sub/cmp immediates: 12 bits, optionally shifted left by 12.
bool fits_add_sub(uint64_t v) { return v < 4096 || (v % 4096 == 0 && v < (uint64_t{1} << 24)); }

}  // namespace

void Emitter::mov_imm(const a64::Gp& dst, uint64_t value) {
  const bool is64 = dst.isGpX();
  const unsigned halves = is64 ? 4 : 2;
  if (!is64) value &= 0xffffffffu;
  auto half = [&](unsigned i) { return static_cast<uint32_t>((value >> (16 * i)) & 0xffff); };
  unsigned zeros = 0, ones = 0;
  for (unsigned i = 0; i < halves; ++i) {
    zeros += half(i) == 0;
    ones += half(i) == 0xffff;
  }
  const a64::Gp zr = is64 ? a64::Gp(a64::xzr) : a64::Gp(a64::wzr);
  if (halves - zeros > 1 && halves - ones > 1 && a64::Utils::isLogicalImm(value, is64 ? 64 : 32)) {
    a_.orr(dst, zr, value);  // one instruction for a repeating bit pattern
    return;
  }
  // Start from all zeros (movz) or all ones (movn), whichever leaves fewer
  // halves to patch with movk.
  const bool from_ones = ones > zeros;
  const uint32_t fill = from_ones ? 0xffff : 0;
  bool first = true;
  for (unsigned i = 0; i < halves; ++i) {
    if (half(i) == fill) continue;
    if (first) {
      if (from_ones) a_.movn(dst, ~half(i) & 0xffff, 16 * i);
      else a_.movz(dst, half(i), 16 * i);
      first = false;
    } else {
      a_.movk(dst, half(i), 16 * i);
    }
  }
  if (first) {  // every half is the fill: 0 or all ones
    if (from_ones) a_.movn(dst, 0);
    else a_.movz(dst, 0);
  }
}

void Emitter::add_imm(const a64::Gp& dst, const a64::Gp& src, int64_t value, const a64::Gp& scratch) {
  const bool is64 = dst.isGpX();
  if (!is64) value = static_cast<int32_t>(static_cast<uint32_t>(value));
  if (value == 0) {
    // A 32-bit add of 0 still zero-extends.
    if (dst.id() != src.id() || !is64) a_.mov(dst, src);
    return;
  }
  const uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  if (fits_add_sub(magnitude)) {
    if (value > 0) a_.add(dst, src, magnitude);
    else a_.sub(dst, src, magnitude);
    return;
  }
  const a64::Gp s = sized(scratch, is64);
  mov_imm(s, static_cast<uint64_t>(value));
  a_.add(dst, src, s);
}

void Emitter::cmp_imm(const a64::Gp& reg, int64_t value, const a64::Gp& scratch) {
  const bool is64 = reg.isGpX();
  if (!is64) value = static_cast<int32_t>(static_cast<uint32_t>(value));
  const uint64_t magnitude = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  if (fits_add_sub(magnitude)) {
    if (value >= 0) a_.cmp(reg, magnitude);
    else a_.cmn(reg, magnitude);
    return;
  }
  const a64::Gp s = sized(scratch, is64);
  mov_imm(s, static_cast<uint64_t>(value));
  a_.cmp(reg, s);
}

// or/and/xor: the immediate form when the value is a logical immediate
// (a rotated run of ones), otherwise through a scratch register.
void Emitter::logical(uint8_t op, const a64::Gp& dst, const a64::Gp& src, uint64_t imm,
                      bool by_imm, bool is64) {
  auto emit = [&](const asmjit::Operand_& operand) {
    const auto id = op == kAluOr ? a64::Inst::kIdOrr
                    : op == kAluAnd ? a64::Inst::kIdAnd : a64::Inst::kIdEor;
    a_.emit(id, dst, dst, operand);
  };
  if (!by_imm) return emit(src);
  if (!is64) imm &= 0xffffffffu;
  if (a64::Utils::isLogicalImm(imm, is64 ? 64 : 32)) return emit(asmjit::imm(imm));
  const a64::Gp s = sized(kScratch1, is64);
  mov_imm(s, imm);
  emit(s);
}

void Emitter::alu(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  // The budget's counter register lives in the run state (registers.hpp);
  // the budget rewrite only subtracts immediates from it, right after
  // comparing it (lowered_program.hpp), whose load left it in x11.
  if (in.dst == kCounterRegister) {
    add_imm(kScratch2, kScratch2, -static_cast<int64_t>(in.imm), kScratch1);
    a_.str(kScratch2, SANDBPF_A64_STATE(remaining));
    return;
  }
  const bool is64 = r.width == 8;
  const bool by_imm = r.form == Form::AluImm;
  const uint8_t op = r.opcode & 0xf0;
  const a64::Gp dst = bpf_reg(in.dst, is64);
  const a64::Gp src = bpf_reg(in.src, is64);
  // The immediate as the operation sees it: sign-extended to 64 bits, or
  // the 32 bits themselves.
  const uint64_t imm = is64 ? static_cast<uint64_t>(static_cast<int64_t>(in.imm))
                            : static_cast<uint32_t>(in.imm);

  switch (op) {
    case kAluAdd:
      if (by_imm) add_imm(dst, dst, in.imm, kScratch1); else a_.add(dst, dst, src);
      return;
    case kAluSub:
      if (by_imm) add_imm(dst, dst, -static_cast<int64_t>(in.imm), kScratch1);
      else a_.sub(dst, dst, src);
      return;
    case kAluMul:
      if (by_imm) {
        const a64::Gp s = sized(kScratch1, is64);
        mov_imm(s, imm);
        a_.mul(dst, dst, s);
      } else {
        a_.mul(dst, dst, src);
      }
      return;
    case kAluOr:
    case kAluAnd:
    case kAluXor:
      logical(op, dst, src, imm, by_imm, is64);
      return;
    case kAluNeg:
      a_.neg(dst, dst);
      return;
    case kAluLsh:
    case kAluRsh:
    case kAluArsh: {
      const auto id = op == kAluLsh ? a64::Inst::kIdLsl
                      : op == kAluRsh ? a64::Inst::kIdLsr : a64::Inst::kIdAsr;
      if (!by_imm) {
        a_.emit(id, dst, dst, src);  // the count is taken modulo the width
        return;
      }
      const uint32_t count = static_cast<uint32_t>(in.imm) & (is64 ? 63 : 31);
      if (count != 0) a_.emit(id, dst, dst, asmjit::imm(count));
      else if (!is64) a_.mov(dst, dst);  // still zero-extends
      return;
    }
    case kAluDiv:
    case kAluMod:
      divide(in, is64, by_imm, op == kAluMod, in.off == 1);
      return;
    case kAluMov:
      if (by_imm) {
        mov_imm(bpf_reg(in.dst, true), imm);
        return;
      }
      switch (in.off) {  // movsx: the offset is the source width in bits
        case 8: a_.sxtb(dst, bpf_w(in.src)); return;
        case 16: a_.sxth(dst, bpf_w(in.src)); return;
        case 32: a_.sxtw(dst, bpf_w(in.src)); return;
        default:
          if (is64 && in.dst == in.src) return;
          a_.mov(dst, src);  // a 32-bit move to itself still clears the upper half
          return;
      }
    default:
      a_.udf(0);  // not reached: every ALU row is handled above
      return;
  }
}

// x / 0 = 0 and INT_MIN / -1 = INT_MIN come from udiv/sdiv themselves; the
// remainder is dst - (dst / src) * src (msub), which gives x % 0 = x (its
// low half for 32 bits) and INT_MIN % -1 = 0.
void Emitter::divide(const Insn& in, bool is64, bool by_imm, bool is_mod, bool is_signed) {
  const a64::Gp dst = bpf_reg(in.dst, is64);
  a64::Gp divisor = bpf_reg(in.src, is64);
  if (by_imm) {
    divisor = sized(kScratch2, is64);
    mov_imm(divisor, is64 ? static_cast<uint64_t>(static_cast<int64_t>(in.imm))
                          : static_cast<uint32_t>(in.imm));
  }
  const auto id = is_signed ? a64::Inst::kIdSdiv : a64::Inst::kIdUdiv;
  if (!is_mod) {
    a_.emit(id, dst, dst, divisor);
    return;
  }
  const a64::Gp quotient = sized(kScratch1, is64);
  a_.emit(id, quotient, dst, divisor);
  a_.msub(dst, quotient, divisor, dst);
}

// Byte order: the host is little-endian, so "le" truncates and "be" and
// "bswap" swap.
void Emitter::endian(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const bool swap = r.opcode != (kClassAlu | kAluEnd | kSrcK);
  const a64::GpW w = bpf_w(in.dst);
  switch (r.width) {
    case 2:
      if (swap) a_.rev16(w, w);
      a_.uxth(w, w);
      return;
    case 4:
      if (swap) a_.rev(w, w);
      else a_.mov(w, w);
      return;
    default:
      if (swap) a_.rev(bpf_x(in.dst), bpf_x(in.dst));
      return;
  }
}

}  // namespace sandbpf::arm64
