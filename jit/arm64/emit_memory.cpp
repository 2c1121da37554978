// Loads, stores, lddw and the legacy packet loads. In checked mode every
// load and store first calls the checked-access stub (runtime_stubs.cpp)
// with the slot and the address.
#include <cstddef>

#include "jit/arm64/emitter.hpp"

namespace sandbpf::arm64 {

a64::Mem Emitter::address(const a64::GpX& base, int32_t off, uint32_t width, const a64::GpX& scratch) {
  const bool unscaled = off >= -256 && off <= 255;
  const bool scaled = off >= 0 && off % static_cast<int32_t>(width) == 0 &&
                      off / static_cast<int32_t>(width) < 4096;
  if (unscaled || scaled) return a64::ptr(base, off);
  mov_imm(scratch, static_cast<uint64_t>(static_cast<int64_t>(off)));
  return a64::ptr(base, scratch);
}

void Emitter::check_access(size_t pc, const a64::GpX& base, int32_t off) {
  add_imm(kScratch2, base, off, kScratch1);
  mov_imm(kScratch1.w(), static_cast<uint32_t>(pc));
  a_.bl(check_stub_);
}

void Emitter::load(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const a64::GpX base = bpf_x(in.src);
  if (checked()) check_access(pc, base, in.off);
  const a64::Mem m = address(base, in.off, r.width, kScratch1);
  const bool sign = (r.opcode & 0xe0) == kModeMemsx;
  const a64::GpX dst = bpf_x(in.dst);
  switch (r.width) {
    case 1: if (sign) a_.ldrsb(dst, m); else a_.ldrb(dst.w(), m); return;
    case 2: if (sign) a_.ldrsh(dst, m); else a_.ldrh(dst.w(), m); return;
    case 4: if (sign) a_.ldrsw(dst, m); else a_.ldr(dst.w(), m); return;
    default: a_.ldr(dst, m); return;
  }
}

void Emitter::store(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const a64::GpX base = bpf_x(in.dst);
  if (checked()) check_access(pc, base, in.off);
  a64::GpX value = bpf_x(in.src);
  if (r.form == Form::StoreImm) {
    if (in.imm == 0) {
      value = a64::xzr;
    } else {
      value = kScratch3;  // stdw sign-extends the immediate
      mov_imm(r.width == 8 ? a64::Gp(value) : a64::Gp(value.w()),
              static_cast<uint64_t>(static_cast<int64_t>(in.imm)));
    }
  }
  const a64::Mem m = address(base, in.off, r.width, kScratch1);
  switch (r.width) {
    case 1: a_.strb(value.w(), m); return;
    case 2: a_.strh(value.w(), m); return;
    case 4: a_.str(value.w(), m); return;
    default: a_.str(value, m); return;
  }
}

// lddw: a constant, or a reference resolved through the run's Environment
// (maps, host variables) with the interpreter's checks, or a function
// reference.
void Emitter::lddw(size_t pc) {
  const Insn& in = insn(pc);
  const Form form = row(pc).form;
  const a64::GpX dst = bpf_x(in.dst);
  const uint64_t index = static_cast<uint32_t>(in.imm);

  // x10 = the address of element `index` of the array at `array` (elements
  // of `size` bytes), after checking index < `count`.
  auto element = [&](const a64::Mem& array, const a64::Mem& count, uint64_t size, RawError kind) {
    const asmjit::Label missing = error_stub(kind, pc);
    a_.ldr(kScratch2, count);
    cmp_imm(kScratch2, static_cast<int64_t>(index), kScratch3);
    branch(CondCode::kLS, missing);
    a_.ldr(kScratch1, array);
    add_imm(kScratch1, kScratch1, static_cast<int64_t>(index * size), kScratch3);
    return missing;
  };

  switch (form) {
    case Form::Lddw:
      mov_imm(dst, program_.lddw_imm64(pc));
      return;
    case Form::LddwFunction:
      mov_imm(dst, encode_function_ref(program_.origin[static_cast<size_t>(program_.target(pc))]));
      return;
    case Form::LddwMap:
    case Form::LddwMapIdx:
      element(SANDBPF_A64_STATE(maps), SANDBPF_A64_STATE(map_count), sizeof(MapBinding),
              RawError::kMapMissing);
      a_.ldr(dst, a64::ptr(kScratch1, static_cast<int32_t>(offsetof(MapBinding, handle))));
      return;
    case Form::LddwMapValue:
    case Form::LddwMapIdxValue: {
      const uint32_t value_offset = static_cast<uint32_t>(insn(pc + 1).imm);
      const asmjit::Label missing = element(SANDBPF_A64_STATE(maps), SANDBPF_A64_STATE(map_count),
                                            sizeof(MapBinding), RawError::kMapValueMissing);
      a_.ldr(kScratch2, a64::ptr(kScratch1, static_cast<int32_t>(offsetof(MapBinding, direct_value))));
      branch_if_zero(kScratch2, missing);
      a_.ldr(kScratch3, a64::ptr(kScratch1, static_cast<int32_t>(offsetof(MapBinding, value_size))));
      cmp_imm(kScratch3, value_offset, kScratch4);
      branch(CondCode::kLS, missing);
      add_imm(dst, kScratch2, value_offset, kScratch4);
      return;
    }
    case Form::LddwHostVariable:
      element(SANDBPF_A64_STATE(variables), SANDBPF_A64_STATE(variable_count), sizeof(HostVariable),
              RawError::kVariableMissing);
      a_.ldr(dst, a64::ptr(kScratch1, static_cast<int32_t>(offsetof(HostVariable, address))));
      return;
    default:
      a_.udf(0);  // not reached
      return;
  }
}

// LD_ABS/LD_IND: r0 = the packet's bytes at the offset, in network order;
// an offset that is negative (as int32) or past the packet ends the program
// with r0 = 0 (the interpreter's packet_load). r1-r5 are left alone.
void Emitter::packet_load(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const asmjit::Label end = error_stub(RawError::kPacketEnd, pc);
  a64::Mem m;
  if (r.form == Form::LoadAbs) {
    if (in.imm < 0) {
      a_.b(end);
      return;
    }
    const uint64_t needed = static_cast<uint64_t>(in.imm) + r.width;
    a_.ldr(kScratch1, SANDBPF_A64_STATE(packet_size));
    cmp_imm(kScratch1, static_cast<int64_t>(needed), kScratch2);
    branch(CondCode::kLO, end);
    a_.ldr(kScratch1, SANDBPF_A64_STATE(packet));
    m = address(kScratch1, in.imm, r.width, kScratch2);
  } else {
    // w11 = src + imm, as 32 bits; negative ends the program.
    mov_imm(kScratch3.w(), static_cast<uint32_t>(in.imm));
    a_.adds(kScratch2.w(), bpf_w(in.src), kScratch3.w());
    branch(CondCode::kMI, end);
    a_.add(kScratch3, kScratch2, r.width);
    a_.ldr(kScratch1, SANDBPF_A64_STATE(packet_size));
    a_.cmp(kScratch1, kScratch3);
    branch(CondCode::kLO, end);
    a_.ldr(kScratch1, SANDBPF_A64_STATE(packet));
    m = a64::ptr(kScratch1, kScratch2);
  }
  const a64::GpW r0 = bpf_w(0);
  switch (r.width) {
    case 1:
      a_.ldrb(r0, m);
      return;
    case 2:
      a_.ldrh(r0, m);
      a_.rev16(r0, r0);  // the upper half is zero: swapping it keeps it zero
      return;
    default:
      a_.ldr(r0, m);
      a_.rev(r0, r0);
      return;
  }
}

}  // namespace sandbpf::arm64
