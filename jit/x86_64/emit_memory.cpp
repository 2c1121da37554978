// Loads, stores, atomics, lddw and the legacy packet loads. In checked mode
// every load, store and atomic first calls the checked-access stub
// (runtime_stubs.cpp) with the slot and the address.
#include <cstddef>

#include "jit/x86_64/emitter.hpp"

namespace sandbpf::x86_64 {

namespace {

x86::Mem at(const x86::Gp& base, int32_t disp, uint32_t size) { return x86::ptr(base, disp, size); }

}  // namespace

void Emitter::check_access(size_t pc, const x86::Mem& address) {
  x86::Mem lea_address = address;
  lea_address.setSize(0);
  a_.lea(kScratch2, lea_address);
  a_.mov(kScratch1.r32(), static_cast<uint32_t>(pc));
  a_.call(check_stub_);
}

void Emitter::load(size_t pc) {
  const Insn& in = insn(pc);
  load_from(pc, x86::ptr(bpf_reg(in.src), in.off));
}

void Emitter::load_from(size_t pc, const x86::Mem& address) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const x86::Gp dst = bpf_reg(in.dst);
  if (checked()) check_access(pc, address);
  const bool sign = (r.opcode & 0xe0) == kModeMemsx;
  x86::Mem m = address;
  m.setSize(r.width);
  switch (r.width) {
    case 1:
      if (sign) a_.movsx(dst, m); else a_.movzx(dst.r32(), m);
      return;
    case 2:
      if (sign) a_.movsx(dst, m); else a_.movzx(dst.r32(), m);
      return;
    case 4:
      if (sign) a_.movsxd(dst, m); else a_.mov(dst.r32(), m);
      return;
    default:
      a_.mov(dst, m);
      return;
  }
}

void Emitter::store(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const x86::Gp base = bpf_reg(in.dst);
  if (checked()) check_access(pc, x86::ptr(base, in.off));
  const x86::Mem m = at(base, in.off, r.width);
  if (r.form == Form::StoreImm) {
    switch (r.width) {
      case 1: a_.mov(m, static_cast<uint8_t>(in.imm)); return;
      case 2: a_.mov(m, static_cast<uint16_t>(in.imm)); return;
      case 4: a_.mov(m, static_cast<uint32_t>(in.imm)); return;
      default: a_.mov(m, in.imm); return;  // sign-extended, as BPF's stdw
    }
  }
  const x86::Gp src = bpf_reg(in.src);
  switch (r.width) {
    case 1: a_.mov(m, src.r8()); return;
    case 2: a_.mov(m, src.r16()); return;
    case 4: a_.mov(m, src.r32()); return;
    default: a_.mov(m, src); return;
  }
}

// Atomics are sequentially consistent: x86's locked instructions are full
// barriers. Fetching or/and/xor have no x86 instruction returning the old
// value, so they loop on lock cmpxchg (which needs rax = r0: saved in r10).
void Emitter::atomic(size_t pc) {
  const Insn& in = insn(pc);
  const InsnInfo& r = row(pc);
  const bool is64 = r.width == 8;
  const x86::Gp base = bpf_reg(in.dst);
  const x86::Gp src_reg = bpf_reg(in.src);
  const x86::Gp src = is64 ? src_reg : x86::Gp(src_reg.r32());
  if (checked()) check_access(pc, x86::ptr(base, in.off));
  const x86::Mem m = at(base, in.off, r.width);
  const int32_t op = in.imm & ~kAtomicFetch;
  const bool fetch = (in.imm & kAtomicFetch) != 0;

  if (in.imm == kAtomicXchg) {
    a_.xchg(m, src);  // implicitly locked; a 32-bit result zero-extends
    return;
  }
  if (in.imm == kAtomicCmpxchg) {
    a_.lock().cmpxchg(m, src, is64 ? x86::Gp(x86::rax) : x86::Gp(x86::eax));
    // On success cmpxchg r/m32 leaves eax unwritten: clear the upper half.
    if (!is64) a_.mov(x86::eax, x86::eax);
    return;
  }
  if (op == kAtomicAdd) {
    if (fetch) a_.lock().xadd(m, src);
    else a_.lock().add(m, src);
    return;
  }
  if (!fetch) {
    if (op == kAtomicOr) a_.lock().or_(m, src);
    else if (op == kAtomicAnd) a_.lock().and_(m, src);
    else a_.lock().xor_(m, src);
    return;
  }

  // Fetching or/and/xor: a compare-and-swap loop.
  const x86::Gp rax = is64 ? x86::Gp(x86::rax) : x86::Gp(x86::eax);
  x86::Mem target = m;
  if (in.dst == 0) {  // the address is based on rax, which the loop uses
    a_.lea(kScratch3, x86::ptr(base, in.off));
    target = at(kScratch3, 0, r.width);
  }
  // The operand: r0's value lives in r10 during the loop.
  const x86::Gp operand = in.src == 0 ? (is64 ? kScratch1 : x86::Gp(kScratch1.r32())) : src;
  const x86::Gp next = is64 ? kScratch2 : x86::Gp(kScratch2.r32());
  a_.mov(kScratch1, x86::rax);
  a_.mov(rax, target);
  asmjit::Label retry = a_.newLabel();
  a_.bind(retry);
  a_.mov(next, rax);
  if (op == kAtomicOr) a_.or_(next, operand);
  else if (op == kAtomicAnd) a_.and_(next, operand);
  else a_.xor_(next, operand);
  a_.lock().cmpxchg(target, next, rax);
  a_.jne(retry);
  // rax holds the old value: it goes to src, and r0 gets its value back
  // (unless src is r0).
  if (in.src != 0) {
    a_.mov(src, rax);
    a_.mov(x86::rax, kScratch1);
  } else if (!is64) {
    a_.mov(x86::eax, x86::eax);
  }
}

// lddw: a constant, or a reference resolved through the run's Environment
// (maps, host variables) with the interpreter's checks, or a function
// reference.
void Emitter::lddw(size_t pc) {
  const Insn& in = insn(pc);
  const Form form = row(pc).form;
  const x86::Gp dst = bpf_reg(in.dst);
  const uint64_t index = static_cast<uint32_t>(in.imm);

  // r10 = the address of element `index` of the array at state `field`
  // (elements of `size` bytes), after checking index < state `count`.
  auto element = [&](const x86::Mem& array, const x86::Mem& count, uint64_t size, RawError kind) {
    const asmjit::Label missing = error_stub(kind, pc);
    if (index <= 0x7fffffff) {
      a_.cmp(count, static_cast<int32_t>(index));
    } else {
      a_.mov(kScratch2.r32(), static_cast<uint32_t>(index));
      a_.cmp(count, kScratch2);
    }
    a_.jbe(missing);
    a_.mov(kScratch1, array);
    const uint64_t offset = index * size;
    if (offset <= 0x7fffffff) {
      if (offset != 0) a_.add(kScratch1, static_cast<int32_t>(offset));
    } else {
      a_.mov(kScratch2, asmjit::imm(offset));
      a_.add(kScratch1, kScratch2);
    }
    return missing;
  };

  switch (form) {
    case Form::Lddw:
      mov_imm64(dst, program_.lddw_imm64(pc));
      return;
    case Form::LddwFunction:
      mov_imm64(dst, encode_function_ref(program_.origin[static_cast<size_t>(program_.target(pc))]));
      return;
    case Form::LddwMap:
    case Form::LddwMapIdx:
      element(SANDBPF_STATE(maps), SANDBPF_STATE(map_count), sizeof(MapBinding), RawError::kMapMissing);
      a_.mov(dst, x86::qword_ptr(kScratch1, offsetof(MapBinding, handle)));
      return;
    case Form::LddwMapValue:
    case Form::LddwMapIdxValue: {
      const uint32_t value_offset = static_cast<uint32_t>(insn(pc + 1).imm);
      const asmjit::Label missing = element(SANDBPF_STATE(maps), SANDBPF_STATE(map_count),
                                            sizeof(MapBinding), RawError::kMapValueMissing);
      a_.mov(kScratch2, x86::qword_ptr(kScratch1, offsetof(MapBinding, direct_value)));
      a_.test(kScratch2, kScratch2);
      a_.jz(missing);
      const x86::Mem value_size = x86::qword_ptr(kScratch1, offsetof(MapBinding, value_size));
      if (value_offset <= 0x7fffffff) {
        a_.cmp(value_size, static_cast<int32_t>(value_offset));
        a_.jbe(missing);
        a_.lea(dst, x86::ptr(kScratch2, static_cast<int32_t>(value_offset)));
      } else {
        a_.mov(kScratch3.r32(), value_offset);
        a_.cmp(value_size, kScratch3);
        a_.jbe(missing);
        a_.lea(dst, x86::ptr(kScratch2, kScratch3));
      }
      return;
    }
    case Form::LddwHostVariable:
      element(SANDBPF_STATE(variables), SANDBPF_STATE(variable_count), sizeof(HostVariable),
              RawError::kVariableMissing);
      a_.mov(dst, x86::qword_ptr(kScratch1, offsetof(HostVariable, address)));
      return;
    default:
      a_.ud2();  // not reached
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
  x86::Mem m;
  if (r.form == Form::LoadAbs) {
    if (in.imm < 0) {
      a_.jmp(end);
      return;
    }
    const uint64_t needed = static_cast<uint64_t>(in.imm) + r.width;
    if (needed <= 0x7fffffff) {
      a_.cmp(SANDBPF_STATE(packet_size), static_cast<int32_t>(needed));
    } else {
      a_.mov(kScratch2.r32(), static_cast<uint32_t>(needed));
      a_.cmp(SANDBPF_STATE(packet_size), kScratch2);
    }
    a_.jb(end);
    a_.mov(kScratch1, SANDBPF_STATE(packet));
    m = at(kScratch1, in.imm, r.width);
  } else {
    a_.mov(kScratch2.r32(), bpf_reg(in.src).r32());
    a_.add(kScratch2.r32(), in.imm);
    a_.js(end);  // negative as int32
    a_.lea(kScratch1, x86::ptr(kScratch2, r.width));
    a_.cmp(SANDBPF_STATE(packet_size), kScratch1);
    a_.jb(end);
    a_.mov(kScratch1, SANDBPF_STATE(packet));
    m = x86::ptr(kScratch1, kScratch2, 0, 0, r.width);
  }
  switch (r.width) {
    case 1:
      a_.movzx(x86::eax, m);
      return;
    case 2:
      a_.movzx(x86::eax, m);
      a_.rol(x86::ax, 8);
      return;
    default:
      a_.mov(x86::eax, m);
      a_.bswap(x86::eax);
      return;
  }
}

}  // namespace sandbpf::x86_64
