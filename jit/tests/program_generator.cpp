#include "jit/tests/program_generator.hpp"

#include <array>

namespace sandbpf::testing {
namespace {

uint64_t mix_helper(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5, RunContext&) {
  return (r1 * 0x9e3779b97f4a7c15ull) ^ (r2 + 3) ^ (r3 << 7) ^ (r4 >> 3) ^ (r5 * 5);
}
uint64_t triple_helper(uint64_t r1, uint64_t, uint64_t, uint64_t, uint64_t, RunContext&) {
  return r1 * 3;
}

// Where a forward jump lands: the end of the item `skip` items later.
struct PendingJump {
  size_t item;
  size_t skip;
};

}  // namespace

const Environment& generated_environment() {
  static const std::array<HelperFunction, 3> helpers{nullptr, &mix_helper, &triple_helper};
  alignas(8) static uint8_t map_value[64];
  alignas(8) static uint8_t variable[8];
  static uint8_t handle;
  static const std::array<MapBinding, 1> maps{MapBinding{&handle, map_value, sizeof map_value, true}};
  static const std::array<HostVariable, 1> variables{HostVariable{variable, sizeof variable, true}};
  static const Environment env{helpers, maps, variables, nullptr};
  return env;
}

ProgramGenerator::ProgramGenerator(uint64_t seed, GeneratorOptions options)
    : rng_(seed), options_(options) {
  for (const InsnInfo& row : all_instructions()) {
    switch (row.form) {
      case Form::AluImm: case Form::AluReg: case Form::AluNeg: case Form::Endian:
        alu_ops_.push_back(row.op);
        break;
      case Form::JumpImm: case Form::JumpReg: jump_ops_.push_back(row.op); break;
      case Form::Load: load_ops_.push_back(row.op); break;
      case Form::StoreImm: case Form::StoreReg: store_ops_.push_back(row.op); break;
      case Form::Atomic: atomic_ops_.push_back(row.op); break;
      default: break;
    }
  }
}

void ProgramGenerator::add(Item& item, const Insn& insn) {
  item.push_back(insn);
  if (const InsnInfo* row = find_row(insn)) {
    covered_.insert(row->op);
    if (is_lddw_form(row->form)) item.push_back(Insn{});  // second slot, imm set by the caller
  }
}

uint8_t ProgramGenerator::data_reg() { return static_cast<uint8_t>(pick(8)); }
uint8_t ProgramGenerator::any_data_reg() { return static_cast<uint8_t>(pick(9)); }

int32_t ProgramGenerator::imm32() {
  static constexpr int32_t kInteresting[] = {0, 1, -1, 2, 3, 5, 7, 9, 17, 31, 32, 33, 63, 64, 65,
                                             -2, 0x7fffffff, INT32_MIN, 0x80, 0xff, 0x7fff,
                                             -0x8000, 0x10000, 0x40000000, 0x40000001};
  if (chance(0.5)) return kInteresting[pick(static_cast<int>(std::size(kInteresting)))];
  if (chance(0.5)) return static_cast<int32_t>(pick(200)) - 100;
  return static_cast<int32_t>(static_cast<uint32_t>(rng_()));
}

uint64_t ProgramGenerator::imm64() {
  static constexpr uint64_t kInteresting[] = {0, 1, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull,
                                              0xffffffffull, 0x100000000ull, 0x80000000ull};
  if (chance(0.4)) return kInteresting[pick(static_cast<int>(std::size(kInteresting)))];
  return rng_();
}

int16_t ProgramGenerator::mem_offset(bool stack, unsigned width, bool aligned) {
  if (chance(options_.out_of_bounds)) {
    static constexpr int16_t kOutside[] = {-8, 256, 300, -600, 1000, 253};
    return kOutside[pick(static_cast<int>(std::size(kOutside)))];
  }
  const int range = stack ? kZeroedStackBytes : static_cast<int>(kGeneratedMemorySize);
  int offset = pick(range - static_cast<int>(width) + 1);
  if (aligned) offset -= offset % static_cast<int>(width);
  return static_cast<int16_t>(stack ? offset - kZeroedStackBytes : offset);
}

ProgramGenerator::Item ProgramGenerator::alu() {
  Item item;
  const Op op = alu_ops_[static_cast<size_t>(pick(static_cast<int>(alu_ops_.size())))];
  const InsnInfo& row = info(op);
  const uint8_t dst = data_reg();
  if (row.form == Form::AluImm) add(item, make_insn(op, dst, 0, 0, imm32()));
  else if (row.form == Form::AluReg) add(item, make_insn(op, dst, any_data_reg()));
  else add(item, make_insn(op, dst));
  return item;
}

ProgramGenerator::Item ProgramGenerator::memory_access() {
  Item item;
  const bool stack = chance(0.3);
  const uint8_t base = stack ? 10 : 9;
  if (chance(0.5)) {
    const Op op = load_ops_[static_cast<size_t>(pick(static_cast<int>(load_ops_.size())))];
    add(item, make_insn(op, data_reg(), base, mem_offset(stack, info(op).width, false)));
  } else {
    const Op op = store_ops_[static_cast<size_t>(pick(static_cast<int>(store_ops_.size())))];
    const int16_t off = mem_offset(stack, info(op).width, false);
    if (info(op).form == Form::StoreImm) add(item, make_insn(op, base, 0, off, imm32()));
    else add(item, make_insn(op, base, any_data_reg(), off));
  }
  return item;
}

ProgramGenerator::Item ProgramGenerator::atomic() {
  Item item;
  const Op op = atomic_ops_[static_cast<size_t>(pick(static_cast<int>(atomic_ops_.size())))];
  const bool stack = chance(0.3);
  const unsigned width = info(op).width;
  int16_t off = mem_offset(stack, width, true);
  if (chance(options_.out_of_bounds)) off = static_cast<int16_t>(off + 1);  // misaligned
  add(item, make_insn(op, stack ? 10 : 9, data_reg(), off));
  return item;
}

void ProgramGenerator::reset_arguments(Item& item) {
  // Helpers may clobber r1-r5 (the JIT's do; the interpreter's keep them).
  for (uint8_t r = 1; r <= 5; ++r) add(item, make_insn(Op::Mov64Imm, r, 0, 0, imm32()));
}

ProgramGenerator::Item ProgramGenerator::helper_call() {
  Item item;
  const int32_t id = chance(0.5) ? 1 : 2;
  if (chance(0.3)) {
    const uint8_t reg = static_cast<uint8_t>(pick(6));  // r0-r5
    add(item, make_insn(Op::Mov64Imm, reg, 0, 0, id));
    add(item, make_insn(Op::CallReg, reg));
  } else {
    add(item, make_insn(Op::CallHelper, 0, 0, 0, id));
  }
  reset_arguments(item);
  return item;
}

ProgramGenerator::Item ProgramGenerator::lddw() {
  Item item;
  const uint8_t dst = data_reg();
  switch (pick(5)) {
    case 4:
      // A function reference (the local function): a plain value, kept.
      has_local_function_ = true;
      add(item, make_insn(Op::LddwFunction, dst, 0, 0, -1));
      return item;
    case 0: {
      const uint64_t value = imm64();
      add(item, make_insn(Op::Lddw, dst, 0, 0, static_cast<int32_t>(static_cast<uint32_t>(value))));
      item.back().imm = static_cast<int32_t>(static_cast<uint32_t>(value >> 32));
      return item;
    }
    case 1:
      // A host address: load it, then overwrite it (values must not depend
      // on where things are).
      add(item, make_insn(chance(0.5) ? Op::LddwMap : Op::LddwMapIdx, dst, 0, 0, 0));
      break;
    case 2:
      add(item, make_insn(chance(0.5) ? Op::LddwMapValue : Op::LddwMapIdxValue, dst, 0, 0, 0));
      item.back().imm = pick(64);
      break;
    default:
      add(item, make_insn(Op::LddwHostVariable, dst, 0, 0, 0));
      break;
  }
  add(item, make_insn(Op::Mov64Imm, dst, 0, 0, imm32()));
  return item;
}

ProgramGenerator::Item ProgramGenerator::packet_load() {
  Item item;
  static constexpr Op kAbs[] = {Op::LdAbsB, Op::LdAbsH, Op::LdAbsW};
  static constexpr Op kInd[] = {Op::LdIndB, Op::LdIndH, Op::LdIndW};
  // Mostly inside the 256-byte packet; sometimes past it or negative.
  const int32_t offset = chance(0.9) ? pick(240) : (chance(0.5) ? 254 : -4);
  if (chance(0.5)) {
    add(item, make_insn(kAbs[pick(3)], 0, 0, 0, offset));
  } else {
    const uint8_t index = data_reg();
    add(item, make_insn(Op::Mov64Imm, index, 0, 0, pick(16)));
    add(item, make_insn(kInd[pick(3)], 0, index, 0, offset));
  }
  return item;
}

ProgramGenerator::Item ProgramGenerator::local_call() {
  Item item;
  has_local_function_ = true;
  // The offset is patched in generate(): imm = -1 marks "the local function".
  item.push_back(make_insn(Op::CallLocal, 0, 0, 0, -1));
  covered_.insert(Op::CallLocal);
  return item;
}

// mov A, base ; add A, index|k ; ldx A|D, [A+off]  and  mov A, B ; add A, C|k
// and and-masks: the sequences the x86-64 backend fuses, and near misses.
ProgramGenerator::Item ProgramGenerator::address_arithmetic() {
  Item item;
  const uint8_t a = data_reg();
  switch (pick(5)) {
    case 3: {
      // A rotate, and near misses (wrong sum of shifts, B == A).
      const int k = 1 + pick(63);
      uint8_t b = data_reg();
      if (chance(0.9) && b == a) b = static_cast<uint8_t>((a + 1) % 8);
      const bool right_first = chance(0.5);
      const int other = chance(0.85) ? 64 - k : pick(64);
      add(item, make_insn(Op::Mov64Reg, b, a));
      add(item, make_insn(right_first ? Op::Rsh64Imm : Op::Lsh64Imm, b, 0, 0, k));
      add(item, make_insn(right_first ? Op::Lsh64Imm : Op::Rsh64Imm, a, 0, 0, other));
      add(item, make_insn(Op::Or64Reg, a, b));
      return item;
    }
    case 0: {
      const Op load = load_ops_[static_cast<size_t>(pick(static_cast<int>(load_ops_.size())))];
      const int width = info(load).width;
      const int k = pick(200);
      const auto off = static_cast<int16_t>(pick(static_cast<int>(kGeneratedMemorySize) - k - width + 1));
      uint8_t index = data_reg();
      if (index == a) index = static_cast<uint8_t>((a + 1) % 8);
      const bool by_reg = chance(0.6);
      if (by_reg) add(item, make_insn(Op::Mov64Imm, index, 0, 0, k));
      add(item, make_insn(Op::Mov64Reg, a, 9));
      add(item, by_reg ? make_insn(Op::Add64Reg, a, index) : make_insn(Op::Add64Imm, a, 0, 0, k));
      const uint8_t dst = chance(0.8) ? a : data_reg();  // the load into A fuses
      add(item, make_insn(load, dst, a, off));
      // A must not keep a host address (values may not depend on where memory is).
      if (dst != a) add(item, make_insn(Op::Mov64Imm, a, 0, 0, imm32()));
      return item;
    }
    case 1: {
      const bool is64 = chance(0.6);
      add(item, make_insn(is64 ? Op::Mov64Reg : Op::Mov32Reg, a, any_data_reg()));
      if (chance(0.6)) add(item, make_insn(is64 ? Op::Add64Reg : Op::Add32Reg, a, any_data_reg()));
      else add(item, make_insn(is64 ? Op::Add64Imm : Op::Add32Imm, a, 0, 0, imm32()));
      return item;
    }
    default: {
      static constexpr int32_t kMasks[] = {0xff, 0xffff, -1, 0x7f};
      add(item, make_insn(chance(0.5) ? Op::And64Imm : Op::And32Imm, a, 0, 0, kMasks[pick(4)]));
      return item;
    }
  }
}

ProgramGenerator::Item ProgramGenerator::simple() {
  const int kind = pick(110);
  if (kind >= 100) return address_arithmetic();
  if (kind < 45) return alu();
  if (kind < 70) return memory_access();
  if (kind < 80) return atomic();
  if (kind < 87) return lddw();
  if (kind < 93) return packet_load();
  return helper_call();
}

ProgramGenerator::Item ProgramGenerator::loop(int depth) {
  Item item;
  add(item, make_insn(Op::Mov64Imm, 8, 0, 0, 1 + pick(4)));
  Item body;
  for (const Item& part : block(depth + 1, true)) body.insert(body.end(), part.begin(), part.end());
  item.insert(item.end(), body.begin(), body.end());
  add(item, make_insn(Op::Add64Imm, 8, 0, 0, -1));
  const auto back = static_cast<int16_t>(-(static_cast<int>(body.size()) + 2));
  add(item, make_insn(chance(0.5) ? Op::Jne64Imm : Op::Jsgt32Imm, 8, 0, back, 0));
  return item;
}

std::vector<ProgramGenerator::Item> ProgramGenerator::block(int depth, bool in_loop) {
  const size_t count = in_loop ? 2 + static_cast<size_t>(pick(6)) : options_.body_items;
  std::vector<Item> items;
  std::vector<PendingJump> jumps;
  for (size_t i = 0; i < count; ++i) {
    const int kind = pick(100);
    if (kind < 12) {
      // A conditional forward jump over the next 1-4 items of this block.
      const Op op = jump_ops_[static_cast<size_t>(pick(static_cast<int>(jump_ops_.size())))];
      Item jump;
      if (info(op).form == Form::JumpImm) add(jump, make_insn(op, any_data_reg(), 0, 0, imm32()));
      else add(jump, make_insn(op, any_data_reg(), any_data_reg()));
      jumps.push_back({items.size(), 1 + static_cast<size_t>(pick(4))});
      items.push_back(jump);
    } else if (kind < 15 && depth < 1 && !in_loop) {
      items.push_back(loop(depth));
    } else if (kind < 17 && options_.local_calls && !in_loop) {
      items.push_back(local_call());
    } else if (kind < 18) {
      Item ja;
      add(ja, make_insn(chance(0.5) ? Op::Ja : Op::Ja32));
      jumps.push_back({items.size(), 1 + static_cast<size_t>(pick(2))});
      items.push_back(ja);
    } else if (kind < 20) {
      // jcc +1 ; ja +N: a conditional jump over a jump (the backend
      // inverts it into one jump).
      const Op op = jump_ops_[static_cast<size_t>(pick(static_cast<int>(jump_ops_.size())))];
      Item jump;
      if (info(op).form == Form::JumpImm) add(jump, make_insn(op, any_data_reg(), 0, 1, imm32()));
      else add(jump, make_insn(op, any_data_reg(), any_data_reg(), 1));
      items.push_back(jump);
      Item ja;
      add(ja, make_insn(chance(0.5) ? Op::Ja : Op::Ja32));
      jumps.push_back({items.size(), 1 + static_cast<size_t>(pick(3))});
      items.push_back(ja);
    } else {
      items.push_back(simple());
    }
  }
  // Resolve forward jumps: land after `skip` items (or at the block's end).
  for (const PendingJump& j : jumps) {
    int64_t distance = 0;
    for (size_t k = j.item + 1; k < items.size() && k <= j.item + j.skip; ++k)
      distance += static_cast<int64_t>(items[k].size());
    Insn& insn = items[j.item].front();
    if (find_row(insn)->form == Form::Ja32) insn.imm = static_cast<int32_t>(distance);
    else insn.off = static_cast<int16_t>(distance);
  }
  return items;
}

std::vector<Insn> ProgramGenerator::generate() {
  has_local_function_ = false;
  std::vector<Insn> out;
  Item prologue;
  add(prologue, make_insn(Op::Mov64Reg, 9, 1));
  for (int32_t off = -8; off >= -kZeroedStackBytes; off -= 8)
    add(prologue, make_insn(Op::StDW, 10, 0, static_cast<int16_t>(off), 0));
  for (uint8_t r = 0; r <= 8; ++r) {
    if (chance(0.3)) {
      const uint64_t value = imm64();
      add(prologue, make_insn(Op::Lddw, r, 0, 0, static_cast<int32_t>(static_cast<uint32_t>(value))));
      prologue.back().imm = static_cast<int32_t>(static_cast<uint32_t>(value >> 32));
    } else {
      add(prologue, make_insn(Op::Mov64Imm, r, 0, 0, imm32()));
    }
  }
  out.insert(out.end(), prologue.begin(), prologue.end());
  for (const Item& item : block(0, false)) out.insert(out.end(), item.begin(), item.end());
  for (uint8_t r = 0; r <= 8; ++r) out.push_back(make_insn(Op::StxDW, 9, r, static_cast<int16_t>(8 * r)));
  out.push_back(make_insn(Op::Exit));
  covered_.insert(Op::Exit);
  covered_.insert(Op::StxDW);

  if (has_local_function_) {
    // The local function: changes r0 and r6-r8 (restored by the call),
    // touches the memory, and returns.
    const size_t entry = out.size();
    Item body;
    for (int i = 0; i < 6; ++i) {
      Item part = chance(0.7) ? alu() : memory_access();
      // No stack accesses here: this frame's stack is not zeroed.
      if (find_row(part.front())->form != Form::AluImm && (part.front().dst == 10 || part.front().src == 10))
        part = alu();
      body.insert(body.end(), part.begin(), part.end());
    }
    out.insert(out.end(), body.begin(), body.end());
    out.push_back(make_insn(Op::Exit));
    for (size_t pc = 0; pc < entry; ++pc)
      if (((out[pc].opcode == info(Op::CallLocal).opcode && out[pc].src == kCallLocal) ||
           (is_lddw(out[pc]) && out[pc].src == kLddwFunction)) &&
          out[pc].imm == -1)
        out[pc].imm = static_cast<int32_t>(entry - pc - 1);
  }
  return out;
}

}  // namespace sandbpf::testing
