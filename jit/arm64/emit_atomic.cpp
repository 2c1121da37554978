// Atomics, sequentially consistent like the interpreter's, in two forms:
//   * LSE (ARMv8.1): one acquire-release instruction each (ldaddal,
//     ldsetal, ldclral with the complemented operand for and, ldeoral,
//     swpal, casal);
//   * load-exclusive/store-exclusive loops for ARMv8.0 CPUs (ldaxr, the
//     operation, stlxr, retry while the store failed).
// Both take the address in x11 (LSE has no offset form). A 32-bit atomic
// writes W registers, so its results are zero-extended.
#include "jit/arm64/emitter.hpp"

namespace sandbpf::arm64 {

void Emitter::atomic(size_t pc) {
  const Insn& in = insn(pc);
  const a64::GpX base = bpf_x(in.dst);
  if (checked()) check_access(pc, base, in.off);
  add_imm(kScratch2, base, in.off, kScratch1);
  if (atomics_ == Arm64Atomics::kLse) atomic_lse(pc, kScratch2);
  else atomic_exclusive(pc, kScratch2);
}

void Emitter::atomic_lse(size_t pc, const a64::GpX& addr) {
  const Insn& in = insn(pc);
  const bool is64 = row(pc).width == 8;
  const a64::Gp src = bpf_reg(in.src, is64);
  const a64::Mem m = a64::ptr(addr);
  if (in.imm == kAtomicXchg) {
    a_.swpal(src, src, m);
    return;
  }
  if (in.imm == kAtomicCmpxchg) {
    // casal compares with r0 and leaves the old value in it.
    a_.casal(bpf_reg(0, is64), src, m);
    return;
  }
  const int32_t op = in.imm & ~kAtomicFetch;
  const bool fetch = (in.imm & kAtomicFetch) != 0;
  const a64::Gp old = fetch ? src : sized(kScratch1, is64);
  a64::Gp operand = src;
  if (op == kAtomicAnd) {  // ldclr clears the operand's bits: and with its complement
    operand = sized(kScratch3, is64);
    a_.mvn(operand, src);
  }
  const auto id = op == kAtomicAdd ? a64::Inst::kIdLdaddal
                  : op == kAtomicOr ? a64::Inst::kIdLdsetal
                  : op == kAtomicAnd ? a64::Inst::kIdLdclral : a64::Inst::kIdLdeoral;
  a_.emit(id, operand, old, m);
}

void Emitter::atomic_exclusive(size_t pc, const a64::GpX& addr) {
  const Insn& in = insn(pc);
  const bool is64 = row(pc).width == 8;
  const a64::Gp src = bpf_reg(in.src, is64);
  const a64::Gp old = sized(kScratch1, is64);
  const a64::Gp next = sized(kScratch3, is64);
  // asmjit 1.9 accepts the 64-bit stlxr only with the status register
  // written as an X register; the encoding is the same (Ws).
  const a64::Gp status = sized(kScratch4, is64);
  const a64::Mem m = a64::ptr(addr);
  const asmjit::Label retry = a_.newLabel();
  a_.bind(retry);
  a_.ldaxr(old, m);

  if (in.imm == kAtomicCmpxchg) {
    const a64::Gp r0 = bpf_reg(0, is64);
    const asmjit::Label done = a_.newLabel();
    a_.cmp(old, r0);
    a_.b_ne(done);
    a_.stlxr(status, src, m);
    a_.cbnz(kScratch4.w(), retry);
    a_.bind(done);
    a_.mov(r0, old);
    return;
  }
  const int32_t op = in.imm & ~kAtomicFetch;
  const bool fetch = (in.imm & kAtomicFetch) != 0;
  a64::Gp stored = next;
  if (in.imm == kAtomicXchg) stored = src;
  else if (op == kAtomicAdd) a_.add(next, old, src);
  else if (op == kAtomicOr) a_.orr(next, old, src);
  else if (op == kAtomicAnd) a_.and_(next, old, src);
  else a_.eor(next, old, src);
  a_.stlxr(status, stored, m);
  a_.cbnz(kScratch4.w(), retry);
  if (fetch) a_.mov(src, old);
}

}  // namespace sandbpf::arm64
