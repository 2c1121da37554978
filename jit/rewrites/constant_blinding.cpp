#include "jit/rewrites/constant_blinding.hpp"

#include <random>
#include <vector>

namespace sandbpf {
namespace {

// splitmix64: small, fast, good enough to draw keys from a seed.
class Keys {
 public:
  explicit Keys(uint64_t seed) : state_(seed) {
    if (state_ == 0) {
      std::random_device device;
      state_ = (static_cast<uint64_t>(device()) << 32) ^ device();
    }
  }
  uint64_t next64() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  int32_t next32() { return static_cast<int32_t>(static_cast<uint32_t>(next64())); }

 private:
  uint64_t state_;
};

Insn with_src_x(const Insn& in, uint8_t dst, uint8_t src) {
  Insn out = in;
  out.opcode = static_cast<uint8_t>(in.opcode | kSrcX);
  out.dst = dst;
  out.src = src;
  out.imm = 0;
  return out;
}

bool names_a_hidden_register(const Insn& in) {
  return in.dst == kHiddenRegister || in.src == kHiddenRegister || in.dst == kCounterRegister ||
         in.src == kCounterRegister;
}

// The rewritten sequence of input slot pc. `wide` asks for the long form
// of a jump.
std::vector<RewriteSlot> rewrite(const LoweredProgram& input, size_t pc, Keys& keys, bool wide) {
  const Insn& in = input.insns[pc];
  const InsnInfo& row = input.row(pc);
  const uint8_t h = kHiddenRegister;
  // Instructions another rewrite made on its own registers carry no
  // immediate a program chose (and blinding them would clobber r11 while
  // it is live), as Linux leaves BPF_REG_AX's instructions alone.
  if (names_a_hidden_register(in)) return unchanged(input, pc, wide);
  std::vector<RewriteSlot> out;
  auto blinded_hidden = [&](bool is32) {
    const int32_t key = keys.next32();
    if (is32) {
      out.push_back({make_insn(Op::Mov32Imm, h, 0, 0, in.imm ^ key)});
      out.push_back({make_insn(Op::Xor32Imm, h, 0, 0, key)});
    } else {
      out.push_back({make_insn(Op::Mov64Imm, h, 0, 0, in.imm ^ key)});
      out.push_back({make_insn(Op::Xor64Imm, h, 0, 0, key)});
    }
  };

  switch (row.form) {
    case Form::AluImm: {
      if ((row.opcode & 0xf0) == kAluMov) {
        const int32_t key = keys.next32();
        const bool is64 = row.width == 8;
        out.push_back({make_insn(is64 ? Op::Mov64Imm : Op::Mov32Imm, in.dst, 0, 0, in.imm ^ key)});
        out.push_back({make_insn(is64 ? Op::Xor64Imm : Op::Xor32Imm, in.dst, 0, 0, key)});
        return out;
      }
      blinded_hidden(false);
      out.push_back({with_src_x(in, in.dst, h)});
      return out;
    }
    case Form::JumpImm: {
      blinded_hidden(false);
      const Insn jump = with_src_x(in, in.dst, h);
      if (!wide) {
        out.push_back({jump, input.target(pc)});
        return out;
      }
      for (const RewriteSlot& slot : wide_jump(jump, input.target(pc))) out.push_back(slot);
      return out;
    }
    case Form::StoreImm: {
      blinded_hidden(false);
      Insn store = in;
      store.opcode = static_cast<uint8_t>((in.opcode & ~0x07) | kClassStx);
      store.src = h;
      store.imm = 0;
      out.push_back({store});
      return out;
    }
    case Form::Lddw: {
      const uint64_t value = input.lddw_imm64(pc);
      const uint64_t key = keys.next64();
      auto lddw = [&](uint8_t dst, uint64_t v) {
        out.push_back({make_insn(Op::Lddw, dst, 0, 0, static_cast<int32_t>(static_cast<uint32_t>(v)))});
        Insn tail;
        tail.imm = static_cast<int32_t>(static_cast<uint32_t>(v >> 32));
        out.push_back({tail});
      };
      lddw(in.dst, value ^ key);
      lddw(h, key);
      out.push_back({make_insn(Op::Xor64Reg, in.dst, h)});
      return out;
    }
    case Form::LoadAbs:
    case Form::LoadInd: {
      blinded_hidden(true);
      if (row.form == Form::LoadInd) out.push_back({make_insn(Op::Add32Reg, h, in.src)});
      const Op ind = row.width == 1 ? Op::LdIndB : row.width == 2 ? Op::LdIndH : Op::LdIndW;
      out.push_back({make_insn(ind, 0, h, 0, 0)});
      return out;
    }
    default:
      return unchanged(input, pc, wide);
  }
}

}  // namespace

LoweredProgram blind_constants(const LoweredProgram& input, uint64_t seed) {
  Keys keys(seed);
  // relayout() asks for every slot in order on each layout pass; the keys
  // start over with each pass (at slot 0), so the result depends only on
  // the seed and the final layout.
  return relayout(input, [&](size_t pc, bool wide) {
    if (pc == 0) keys = Keys(seed);
    return rewrite(input, pc, keys, wide);
  });
}

LoweredProgram blind_constants(const Program& program, uint64_t seed) {
  return blind_constants(LoweredProgram::from(program), seed);
}

}  // namespace sandbpf
