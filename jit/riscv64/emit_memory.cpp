// Loads, stores, atomics, lddw and the legacy packet loads. In checked mode
// every load, store and atomic first calls the checked-access stub
// (runtime_stubs.cpp) with the slot and the address.
#include <cstddef>

#include "jit/riscv64/emitter.hpp"

namespace sandbpf::riscv64 {

using namespace insn;

std::pair<Reg, int32_t> Emitter::address(size_t pc, Reg base, int16_t off) {
  if (checked()) {
    add_imm(kScratch1, base, off, kScratch0);
    a_.li(kScratch0, static_cast<int64_t>(pc));
    a_.call(check_stub_, kCheckLink);
    return {kScratch1, 0};  // the stub preserves t1
  }
  if (fits_i12(off)) return {base, off};
  add_imm(kScratch1, base, off, kScratch0);
  return {kScratch1, 0};
}

void Emitter::load(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const Reg dst = bpf_reg(in.dst);
  const auto [base, offset] = address(pc, bpf_reg(in.src), in.off);
  const bool sign = (r.opcode & 0xe0) == kModeMemsx;
  switch (r.width) {
    case 1: a_.emit(sign ? lb(dst, base, offset) : lbu(dst, base, offset)); return;
    case 2: a_.emit(sign ? lh(dst, base, offset) : lhu(dst, base, offset)); return;
    case 4: a_.emit(sign ? lw(dst, base, offset) : lwu(dst, base, offset)); return;
    default: a_.emit(ld(dst, base, offset)); return;
  }
}

void Emitter::store(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const auto [base, offset] = address(pc, bpf_reg(in.dst), in.off);
  Reg value = kZero;
  if (r.form == Form::StoreReg) {
    value = bpf_reg(in.src);
  } else if (in.imm != 0) {
    a_.li(kScratch2, in.imm);  // sign-extended, as BPF's stdw
    value = kScratch2;
  }
  switch (r.width) {
    case 1: a_.emit(sb(value, base, offset)); return;
    case 2: a_.emit(sh(value, base, offset)); return;
    case 4: a_.emit(sw(value, base, offset)); return;
    default: a_.emit(sd(value, base, offset)); return;
  }
}

// Atomics are sequentially consistent (aq+rl on every AMO). The A
// extension returns the old value of every read-modify-write, so the
// fetching forms need no loop; compare-and-swap is an lr/sc loop. 32-bit
// AMOs sign-extend the old value, which BPF wants zero-extended.
void Emitter::atomic(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const int width = r.width;
  const bool is64 = width == 8;
  const Reg src = bpf_reg(in.src);
  auto [base, offset] = address(pc, bpf_reg(in.dst), in.off);
  if (offset != 0) {  // AMOs take no offset
    a_.emit(addi(kScratch1, base, offset));
    base = kScratch1;
  }
  const Order order = Order::kAcqRel;
  const bool fetch = (in.imm & kAtomicFetch) != 0;
  const Reg old = fetch ? src : kZero;

  if (in.imm == kAtomicCmpxchg) {
    // r0 = the old value; [base] = src if it equalled r0.
    const Reg r0 = bpf_reg(0);
    Reg expected = r0;
    if (!is64) {  // lr.w sign-extends: compare with r0's low half sign-extended
      a_.emit(sext_w(kScratch3, r0));
      expected = kScratch3;
    }
    const Label retry = a_.new_label(), done = a_.new_label();
    a_.bind(retry);
    a_.emit(lr(width, Order::kAcqRel, kScratch0, base));
    a_.branch(Cond::kNe, kScratch0, expected, done);
    a_.emit(sc(width, Order::kRelease, kScratch2, src, base));
    a_.branch(Cond::kNe, kScratch2, kZero, retry);
    a_.bind(done);
    if (is64) a_.emit(mv(r0, kScratch0));
    else zero_extend32(r0, kScratch0);
    return;
  }
  switch (in.imm & ~kAtomicFetch) {
    case kAtomicAdd: a_.emit(amoadd(width, order, old, src, base)); break;
    case kAtomicOr: a_.emit(amoor(width, order, old, src, base)); break;
    case kAtomicAnd: a_.emit(amoand(width, order, old, src, base)); break;
    case kAtomicXor: a_.emit(amoxor(width, order, old, src, base)); break;
    default: a_.emit(amoswap(width, order, src, src, base)); break;  // xchg
  }
  if (fetch && !is64) zero_extend32(src, src);
}

// lddw: a constant, or a reference resolved through the run's Environment
// (maps, host variables) with the interpreter's checks, or a function
// reference.
void Emitter::lddw(size_t pc) {
  const Insn& in = insn(pc);
  const Form form = row(pc).form;
  const Reg dst = bpf_reg(in.dst);
  const uint64_t index = static_cast<uint32_t>(in.imm);

  // t0 = the address of element `index` of the array at state offset
  // `array` (elements of `size` bytes), after checking index < the count
  // at state offset `count`.
  auto element = [&](int32_t array, int32_t count, uint64_t size, RawError kind) {
    const Label missing = error_stub(kind, pc);
    a_.emit(ld(kScratch0, kState, count));
    a_.li(kScratch1, static_cast<int64_t>(index));
    a_.branch(Cond::kGeu, kScratch1, kScratch0, missing);
    a_.emit(ld(kScratch0, kState, array));
    add_imm(kScratch0, kScratch0, static_cast<int64_t>(index * size), kScratch1);
    return missing;
  };

  switch (form) {
    case Form::Lddw:
      a_.li(dst, static_cast<int64_t>(program_.lddw_imm64(pc)));
      return;
    case Form::LddwFunction:
      a_.li(dst, static_cast<int64_t>(
                     encode_function_ref(program_.origin[static_cast<size_t>(program_.target(pc))])));
      return;
    case Form::LddwMap:
    case Form::LddwMapIdx:
      element(SANDBPF_RV_STATE(maps), SANDBPF_RV_STATE(map_count), sizeof(MapBinding), RawError::kMapMissing);
      a_.emit(ld(dst, kScratch0, static_cast<int32_t>(offsetof(MapBinding, handle))));
      return;
    case Form::LddwMapValue:
    case Form::LddwMapIdxValue: {
      const uint32_t value_offset = static_cast<uint32_t>(insn(pc + 1).imm);
      const Label missing = element(SANDBPF_RV_STATE(maps), SANDBPF_RV_STATE(map_count),
                                    sizeof(MapBinding), RawError::kMapValueMissing);
      a_.emit(ld(kScratch1, kScratch0, static_cast<int32_t>(offsetof(MapBinding, direct_value))));
      a_.branch(Cond::kEq, kScratch1, kZero, missing);
      a_.emit(ld(kScratch2, kScratch0, static_cast<int32_t>(offsetof(MapBinding, value_size))));
      a_.li(kScratch0, value_offset);
      a_.branch(Cond::kGeu, kScratch0, kScratch2, missing);  // offset >= value size
      a_.emit(add(dst, kScratch1, kScratch0));
      return;
    }
    case Form::LddwHostVariable:
      element(SANDBPF_RV_STATE(variables), SANDBPF_RV_STATE(variable_count), sizeof(HostVariable),
              RawError::kVariableMissing);
      a_.emit(ld(dst, kScratch0, static_cast<int32_t>(offsetof(HostVariable, address))));
      return;
    default:
      a_.emit(0);  // not reached (an illegal instruction)
      return;
  }
}

// LD_ABS/LD_IND: r0 = the packet's bytes at the offset, in network order;
// an offset that is negative (as int32) or past the packet ends the program
// with r0 = 0 (the interpreter's packet_load). r1-r5 are left alone.
void Emitter::packet_load(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const Label end = error_stub(RawError::kPacketEnd, pc);
  const Reg r0 = bpf_reg(0);
  // t1 = the offset (non-negative), t2 = offset + width.
  if (r.form == Form::LoadAbs) {
    if (in.imm < 0) {
      a_.jump(end);
      return;
    }
    a_.li(kScratch1, in.imm);
  } else {
    a_.li(kScratch0, in.imm);
    a_.emit(addw(kScratch1, bpf_reg(in.src), kScratch0));  // the 32-bit sum, sign-extended
    a_.branch(Cond::kLt, kScratch1, kZero, end);
  }
  a_.emit(addi(kScratch2, kScratch1, r.width));
  a_.emit(ld(kScratch0, kState, SANDBPF_RV_STATE(packet_size)));
  a_.branch(Cond::kLtu, kScratch0, kScratch2, end);
  a_.emit(ld(kScratch0, kState, SANDBPF_RV_STATE(packet)));
  a_.emit(add(kScratch0, kScratch0, kScratch1));
  switch (r.width) {
    case 1:
      a_.emit(lbu(r0, kScratch0, 0));
      return;
    case 2:
      a_.emit(lhu(r0, kScratch0, 0));
      return byte_swap(r0, 2);
    default:
      a_.emit(lwu(r0, kScratch0, 0));
      return byte_swap(r0, 4);
  }
}

}  // namespace sandbpf::riscv64
