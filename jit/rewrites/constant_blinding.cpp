#include "jit/rewrites/constant_blinding.hpp"

#include <limits>
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

// One slot of the output; `target` is an original pc for slots whose
// offset or immediate must point at it (-1: none).
struct Slot {
  Insn insn;
  int64_t target = -1;
};

// The rewritten sequence of the instruction at pc (without offsets yet).
// `wide` asks for the long form of a conditional jump.
std::vector<Slot> rewrite(const Program& program, size_t pc, Keys& keys, bool wide) {
  const Insn& in = program.insns()[pc];
  const InsnInfo& row = program.row(pc);
  const uint8_t h = kHiddenRegister;
  std::vector<Slot> out;
  auto mov64 = [](uint8_t dst, int32_t imm) { return make_insn(Op::Mov64Imm, dst, 0, 0, imm); };
  auto xor64 = [](uint8_t dst, int32_t imm) { return make_insn(Op::Xor64Imm, dst, 0, 0, imm); };
  auto blinded_hidden = [&](bool is32) {
    const int32_t key = keys.next32();
    if (is32) {
      out.push_back({make_insn(Op::Mov32Imm, h, 0, 0, in.imm ^ key)});
      out.push_back({make_insn(Op::Xor32Imm, h, 0, 0, key)});
    } else {
      out.push_back({mov64(h, in.imm ^ key)});
      out.push_back({xor64(h, key)});
    }
  };

  switch (row.form) {
    case Form::AluImm: {
      const int32_t key = keys.next32();
      if ((row.opcode & 0xf0) == kAluMov) {
        const bool is64 = row.width == 8;
        out.push_back({make_insn(is64 ? Op::Mov64Imm : Op::Mov32Imm, in.dst, 0, 0, in.imm ^ key)});
        out.push_back({make_insn(is64 ? Op::Xor64Imm : Op::Xor32Imm, in.dst, 0, 0, key)});
        return out;
      }
      out.push_back({mov64(h, in.imm ^ key)});
      out.push_back({xor64(h, key)});
      out.push_back({with_src_x(in, in.dst, h)});
      return out;
    }
    case Form::JumpImm: {
      blinded_hidden(false);
      Insn jump = with_src_x(in, in.dst, h);
      if (!wide) {
        out.push_back({jump, program.target(pc)});
        return out;
      }
      jump.off = 1;
      out.push_back({jump});
      out.push_back({make_insn(Op::Ja, 0, 0, 1, 0)});
      out.push_back({make_insn(Op::Ja32), program.target(pc)});
      return out;
    }
    case Form::JumpReg:
      if (!wide) {
        out.push_back({in, program.target(pc)});
        return out;
      } else {
        Insn jump = in;
        jump.off = 1;
        out.push_back({jump});
        out.push_back({make_insn(Op::Ja, 0, 0, 1, 0)});
        out.push_back({make_insn(Op::Ja32), program.target(pc)});
        return out;
      }
    case Form::Ja:
      out.push_back({wide ? make_insn(Op::Ja32) : in, program.target(pc)});
      return out;
    case Form::Ja32:
    case Form::CallLocal:
    case Form::LddwFunction:
      out.push_back({in, program.target(pc)});
      if (row.form == Form::LddwFunction) out.push_back({program.insns()[pc + 1]});
      return out;
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
      const uint64_t value = program.lddw_imm64(pc);
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
      out.push_back({in});
      if (is_lddw_form(row.form)) out.push_back({program.insns()[pc + 1]});
      return out;
  }
}

bool fits16(int64_t value) {
  return value >= std::numeric_limits<int16_t>::min() && value <= std::numeric_limits<int16_t>::max();
}

}  // namespace

LoweredProgram blind_constants(const Program& program, uint64_t seed) {
  const size_t n = program.size();
  std::vector<uint8_t> wide(n, 0);
  while (true) {
    // Lay the program out with the current choice of long jumps. The keys
    // are drawn again on every pass, so the result depends only on the seed
    // and the final layout.
    Keys keys(seed);
    std::vector<std::vector<Slot>> sequences(n);
    std::vector<int64_t> start(n + 1, 0);
    int64_t position = 0;
    for (size_t pc = 0; pc < n; ++pc) {
      start[pc] = position;
      if (program.is_lddw_tail(pc)) continue;
      sequences[pc] = rewrite(program, pc, keys, wide[pc] != 0);
      position += static_cast<int64_t>(sequences[pc].size());
    }
    start[n] = position;

    bool widened = false;
    LoweredProgram out;
    out.uses_hidden_register = true;
    for (size_t pc = 0; pc < n; ++pc) {
      for (size_t i = 0; i < sequences[pc].size(); ++i) {
        Slot slot = sequences[pc][i];
        const int64_t here = static_cast<int64_t>(out.insns.size());
        // The slot after an lddw's first slot is its second.
        const bool is_tail = i > 0 && !out.tail.back() && is_lddw(out.insns.back());
        if (slot.target >= 0) {
          const int64_t delta = start[static_cast<size_t>(slot.target)] - (here + 1);
          const InsnInfo* row = find_row(slot.insn);
          if (row->form == Form::Ja || row->form == Form::JumpReg) {
            if (!fits16(delta)) {
              wide[pc] = 1;
              widened = true;
            }
            slot.insn.off = static_cast<int16_t>(delta);
          } else {
            slot.insn.imm = static_cast<int32_t>(delta);
          }
        }
        out.insns.push_back(slot.insn);
        out.tail.push_back(is_tail ? 1 : 0);
        out.ops.push_back(is_tail ? Op::Lddw : find_row(slot.insn)->op);
        out.origin.push_back(static_cast<uint32_t>(pc));
        out.counted.push_back(i == 0 ? 1 : 0);
      }
    }
    if (widened) continue;
    for (uint32_t entry : program.function_entries())
      out.function_entries.push_back(static_cast<uint32_t>(start[entry]));
    return out;
  }
}

}  // namespace sandbpf
