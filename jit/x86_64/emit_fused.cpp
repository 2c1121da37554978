// Local fusions of instruction sequences clang emits all the time, done
// only when no jump lands inside the sequence (the caller checks) and
// without liveness analysis: every register the sequence writes gets the
// value the separate instructions would give it.
//
//   mov A, B ; add A, C|k ; ldx A, [A+off]   ->  ldx A, [B + C + off]   (address + load;
//                                                 the load overwrites A)
//   mov A, B ; add A, C|k                     ->  lea A, [B + C]         (also 32-bit)
//   and A, 0xff | 0xffff                      ->  movzx A, A8 | A16
//   mov B, A ; rsh B, k ; lsh A, 64-k ; or A, B
//                                             ->  mov B, A ; shr B, k ; rol A, 64-k
//   (and with lsh/rsh swapped: rol A, k). B still gets its value; A's
//   dependency chain is one instruction instead of two.
//   jcc +1 ; ja T                             ->  j!cc T   (emit_control.cpp)
#include "jit/x86_64/emitter.hpp"

namespace sandbpf::x86_64 {

namespace {

bool is_plain_mov(const LoweredProgram& p, size_t pc, Op op) {
  return !p.tail[pc] && p.ops[pc] == op && p.insns[pc].off == 0;
}

}  // namespace

size_t Emitter::fused(size_t pc, size_t available) {
  const LoweredProgram& p = program_;
  const Insn& first = p.insns[pc];
  // The counter register is in memory: only a branch on it fuses (compare()
  // knows where it is).
  if (first.dst == kCounterRegister) return available < 2 ? 0 : fused_branch(pc, available);

  // and with a byte or half-word mask: a zero-extending move.
  if ((p.ops[pc] == Op::And64Imm || p.ops[pc] == Op::And32Imm) &&
      (first.imm == 0xff || first.imm == 0xffff)) {
    const x86::Gp a = bpf_reg(first.dst);
    if (first.imm == 0xff) a_.movzx(a.r32(), a.r8());
    else a_.movzx(a.r32(), a.r16());
    return 1;
  }

  if (available < 2) return 0;
  if (const size_t branch = fused_branch(pc, available); branch > 0) return branch;
  if (const size_t rotate = fused_rotate(pc, available); rotate > 0) return rotate;
  const bool mov64 = is_plain_mov(p, pc, Op::Mov64Reg);
  const bool mov32 = is_plain_mov(p, pc, Op::Mov32Reg);
  if (!mov64 && !mov32) return 0;
  const Insn& add = p.insns[pc + 1];
  const Op add_op = p.ops[pc + 1];
  const bool add_reg = add_op == (mov64 ? Op::Add64Reg : Op::Add32Reg);
  const bool add_imm = add_op == (mov64 ? Op::Add64Imm : Op::Add32Imm);
  if (p.tail[pc + 1] || (!add_reg && !add_imm) || add.dst != first.dst) return 0;

  const uint8_t a = first.dst, b = first.src;
  // After mov A, B the add reads B where it names A.
  const x86::Gp base = bpf_reg(b);
  const x86::Gp index = bpf_reg(add_reg && add.src == a ? b : add.src);
  const int64_t displacement = add_imm ? add.imm : 0;

  // Address + load into A, 64-bit only (addresses are 64-bit).
  if (mov64 && available >= 3 && !p.tail[pc + 2] && p.row(pc + 2).form == Form::Load &&
      p.insns[pc + 2].src == a && p.insns[pc + 2].dst == a) {
    const int64_t disp = displacement + p.insns[pc + 2].off;
    if (disp >= INT32_MIN && disp <= INT32_MAX) {
      const x86::Mem address = add_reg ? x86::ptr(base, index, 0, static_cast<int32_t>(disp))
                                       : x86::ptr(base, static_cast<int32_t>(disp));
      load_from(pc + 2, address);
      return 3;
    }
  }

  const x86::Gp dst = mov64 ? bpf_reg(a) : x86::Gp(bpf_reg(a).r32());
  if (add_reg) {
    a_.lea(dst, x86::ptr(base, index));
  } else {
    // 64-bit: the immediate is sign-extended, as lea's displacement.
    // 32-bit: the low 32 bits of the sum are the same either way.
    a_.lea(dst, x86::ptr(base, add.imm));
  }
  return 2;
}

size_t Emitter::fused_rotate(size_t pc, size_t available) {
  const LoweredProgram& p = program_;
  if (available < 4 || !is_plain_mov(p, pc, Op::Mov64Reg)) return 0;
  for (size_t i = 1; i < 4; ++i)
    if (p.tail[pc + i]) return 0;
  const Insn& mov = p.insns[pc];
  const Insn& first = p.insns[pc + 1];
  const Insn& second = p.insns[pc + 2];
  const Insn& combine = p.insns[pc + 3];
  const uint8_t a = mov.src, b = mov.dst;
  if (a == b) return 0;
  const Op op1 = p.ops[pc + 1], op2 = p.ops[pc + 2];
  const bool right_then_left = op1 == Op::Rsh64Imm && op2 == Op::Lsh64Imm;
  const bool left_then_right = op1 == Op::Lsh64Imm && op2 == Op::Rsh64Imm;
  if (!right_then_left && !left_then_right) return 0;
  if (first.dst != b || second.dst != a || p.ops[pc + 3] != Op::Or64Reg || combine.dst != a ||
      combine.src != b)
    return 0;
  const uint32_t k1 = static_cast<uint32_t>(first.imm), k2 = static_cast<uint32_t>(second.imm);
  if (k1 == 0 || k2 == 0 || k1 >= 64 || k2 >= 64 || k1 + k2 != 64) return 0;
  a_.mov(bpf_reg(b), bpf_reg(a));
  if (right_then_left) a_.shr(bpf_reg(b), k1);
  else a_.shl(bpf_reg(b), k1);
  // A = A << k2 | A >> k1 (right_then_left) = rol(A, k2); otherwise
  // A = A >> k2 | A << k1 = rol(A, k1).
  a_.rol(bpf_reg(a), right_then_left ? k2 : k1);
  return 4;
}

}  // namespace sandbpf::x86_64
