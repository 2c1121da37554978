#include "fuzz/verifier_program_generator.hpp"

#include <iterator>

namespace sandbpf::fuzz {
namespace {

constexpr uint8_t kMem = 6, kSize = 7, kScratch = 5, kCounter = 9;
constexpr size_t kMaxFunctions = 3;
constexpr int32_t kZeroedStack = 64;

Insn mov_imm(uint8_t dst, int32_t imm) { return make_insn(Op::Mov64Imm, dst, 0, 0, imm); }
Insn mov_reg(uint8_t dst, uint8_t src) { return make_insn(Op::Mov64Reg, dst, src); }
Insn add_imm(uint8_t dst, int32_t imm) { return make_insn(Op::Add64Imm, dst, 0, 0, imm); }
Insn add_reg(uint8_t dst, uint8_t src) { return make_insn(Op::Add64Reg, dst, src); }
Insn jump(Op op, uint8_t dst, uint8_t src, int32_t imm, size_t skip) {
  return make_insn(op, dst, src, static_cast<int16_t>(skip), imm);
}
Insn ja(size_t skip) { return make_insn(Op::Ja, 0, 0, static_cast<int16_t>(skip)); }

// Zero the fields the row does not use (the decoder refuses non-zero
// reserved fields), so random operands make decodable slots.
Insn keep_operands(Op op, Insn insn) {
  const Form form = info(op).form;
  const bool off = form == Form::Load || form == Form::StoreImm || form == Form::StoreReg ||
                   form == Form::Atomic || form == Form::Ja || is_conditional_jump(form);
  const bool imm = form == Form::AluImm || form == Form::StoreImm || form == Form::JumpImm ||
                   form == Form::LoadAbs || form == Form::LoadInd || form == Form::Ja32 ||
                   form == Form::CallHelper || form == Form::CallLocal;
  if (!uses_dst_register(form)) insn.dst = 0;
  if (!uses_src_register(form)) insn.src = 0;
  if (!off) insn.off = 0;
  if (!imm) insn.imm = 0;
  return make_insn(op, insn.dst, insn.src, insn.off, insn.imm);
}

}  // namespace

void VerifierProgramGenerator::Item::append(const Item& other) {
  for (const auto& [slot, function] : other.calls) calls.emplace_back(slot + code.size(), function);
  code.insert(code.end(), other.code.begin(), other.code.end());
}

VerifierProgramGenerator::VerifierProgramGenerator(ByteReader& in) : in_(in) {
  for (const InsnInfo& row : all_instructions()) {
    switch (row.form) {
      case Form::AluImm: case Form::AluReg: case Form::AluNeg: case Form::Endian:
        alu_ops_.push_back(row.op);
        break;
      case Form::JumpImm: case Form::JumpReg: jump_ops_.push_back(row.op); break;
      case Form::Load: load_ops_.push_back(row.op); break;
      case Form::StoreImm: case Form::StoreReg: store_ops_.push_back(row.op); break;
      case Form::Atomic: atomic_ops_.push_back(row.op); break;
      case Form::LoadAbs: case Form::LoadInd: packet_ops_.push_back(row.op); break;
      default: break;
    }
    if (!is_lddw_form(row.form)) all_ops_.push_back(row.op);
  }
}

uint8_t VerifierProgramGenerator::scalar() {
  static constexpr uint8_t kScalars[] = {0, 1, 2, 3, 4, 8};
  return kScalars[in_.below(std::size(kScalars))];
}

uint8_t VerifierProgramGenerator::scalar_src() {
  return in_.chance(24) ? kSize : scalar();
}

int32_t VerifierProgramGenerator::imm32() {
  static constexpr int32_t kInteresting[] = {0, 1, -1, 2, 7, 8, 31, 32, 63, 64, 255, 256,
                                             0x7fff, -0x8000, 0x7fffffff, INT32_MIN, 0x10000};
  switch (in_.below(4)) {
    case 0: return kInteresting[in_.below(std::size(kInteresting))];
    case 1: return static_cast<int32_t>(in_.below(128)) - 64;
    case 2: return static_cast<int32_t>(in_.byte());
    default: return static_cast<int32_t>(in_.u32());
  }
}

VerifierProgramGenerator::Item VerifierProgramGenerator::alu() {
  Item it;
  const Op op = pick(alu_ops_);
  const InsnInfo& row = info(op);
  const uint8_t dst = scalar();
  switch (row.form) {
    case Form::AluImm: it.add(make_insn(op, dst, 0, 0, imm32())); break;
    case Form::AluReg: it.add(make_insn(op, dst, scalar_src())); break;
    default: it.add(make_insn(op, dst)); break;  // neg, byte swaps
  }
  return it;
}

VerifierProgramGenerator::Item VerifierProgramGenerator::lddw_constant() {
  Item it;
  const uint64_t value = in_.u64();
  it.add(make_insn(Op::Lddw, scalar(), 0, 0, static_cast<int32_t>(static_cast<uint32_t>(value))));
  Insn tail;
  tail.imm = static_cast<int32_t>(static_cast<uint32_t>(value >> 32));
  it.add(tail);
  return it;
}

// A load or store at memory + constant offset, behind a size check.
VerifierProgramGenerator::Item VerifierProgramGenerator::memory_constant_offset() {
  Item it;
  const bool load = in_.chance(128);
  const Op op = load ? pick(load_ops_) : pick(store_ops_);
  const InsnInfo& row = info(op);
  const int32_t width = row.width;
  const int32_t off = in_.chance(230) ? static_cast<int32_t>(in_.below(65 - width))
                                      : static_cast<int32_t>(in_.below(400));
  const int32_t needed = off + width + (in_.chance(40) ? static_cast<int32_t>(in_.below(4)) : 0);
  Insn access;
  if (row.form == Form::Load)
    access = make_insn(op, scalar(), kMem, static_cast<int16_t>(off));
  else if (row.form == Form::StoreImm)
    access = make_insn(op, kMem, 0, static_cast<int16_t>(off), imm32());
  else
    access = make_insn(op, kMem, scalar(), static_cast<int16_t>(off));
  switch (in_.below(5)) {
    case 0: it.add(jump(Op::Jlt64Imm, kSize, 0, needed, 1)); break;
    case 1: it.add(jump(Op::Jle64Imm, kSize, 0, needed - 1, 1)); break;
    case 2:  // size >= needed: go on; else skip
      it.add(jump(Op::Jge64Imm, kSize, 0, needed, 1));
      it.add(ja(1));
      break;
    case 3:
      it.add(mov_imm(kScratch, needed));
      it.add(jump(Op::Jgt64Reg, kScratch, kSize, 0, 1));
      break;
    default: it.add(jump(Op::Jlt32Imm, kSize, 0, needed, 1)); break;
  }
  it.add(access);
  return it;
}

// memory[index] with the index checked against the size.
VerifierProgramGenerator::Item VerifierProgramGenerator::memory_index() {
  Item it;
  const bool load = in_.chance(160);
  const Op op = load ? pick(load_ops_) : pick(store_ops_);
  const InsnInfo& row = info(op);
  const uint8_t index = scalar();
  static constexpr int32_t kMasks[] = {0xff, 0x3f, 0xffff, 0x7, 0xfff};
  if (in_.chance(64)) {  // the index comes from the memory itself
    it.add(jump(Op::Jlt64Imm, kSize, 0, 1, 1));
    it.add(make_insn(Op::LdxB, index, kMem, 0));
  }
  it.add(make_insn(Op::And64Imm, index, 0, 0, kMasks[in_.below(std::size(kMasks))]));
  it.add(mov_reg(kScratch, index));
  it.add(add_imm(kScratch, row.width));
  it.add(jump(in_.chance(200) ? Op::Jgt64Reg : Op::Jge64Reg, kScratch, kSize, 0, 3));
  it.add(mov_reg(kScratch, kMem));
  it.add(add_reg(kScratch, index));
  if (row.form == Form::Load)
    it.add(make_insn(op, scalar(), kScratch, 0));
  else if (row.form == Form::StoreImm)
    it.add(make_insn(op, kScratch, 0, 0, imm32()));
  else
    it.add(make_insn(op, kScratch, scalar(), 0));
  return it;
}

VerifierProgramGenerator::Item VerifierProgramGenerator::stack_access() {
  Item it;
  const bool load = in_.chance(128);
  const Op op = load ? pick(load_ops_) : pick(store_ops_);
  const InsnInfo& row = info(op);
  const int32_t width = row.width;
  int32_t off;
  if (in_.chance(200))
    off = -width * static_cast<int32_t>(1 + in_.below(kZeroedStack / width));
  else if (row.form == Form::Load)  // aligned, so the 8-byte store below covers it
    off = -width * static_cast<int32_t>(1 + in_.below(512 / width));
  else
    off = -static_cast<int32_t>(width + in_.below(512 - width + 1));
  auto store_at = [&](int32_t o) {
    const Op store = pick(store_ops_);
    if (info(store).form == Form::StoreImm)
      it.add(make_insn(store, kFramePointer, 0, static_cast<int16_t>(o), imm32()));
    else
      it.add(make_insn(store, kFramePointer, scalar(), static_cast<int16_t>(o)));
  };
  if (row.form == Form::Load) {
    // Below the zeroed area, write first (a store of the same width or wider).
    if (off < -kZeroedStack) it.add(make_insn(Op::StxDW, kFramePointer, scalar(),
                                              static_cast<int16_t>(off & ~7)));
    it.add(make_insn(op, scalar(), kFramePointer, static_cast<int16_t>(off)));
  } else if (row.form == Form::StoreImm) {
    it.add(make_insn(op, kFramePointer, 0, static_cast<int16_t>(off), imm32()));
  } else {
    store_at(off);
  }
  return it;
}

VerifierProgramGenerator::Item VerifierProgramGenerator::atomic(bool on_memory) {
  Item it;
  const Op op = pick(atomic_ops_);
  const int32_t width = info(op).width;
  if (on_memory) {
    const int32_t off = width * static_cast<int32_t>(in_.below(64 / width));
    it.add(jump(Op::Jlt64Imm, kSize, 0, off + width, 1));
    it.add(make_insn(op, kMem, scalar(), static_cast<int16_t>(off)));
  } else {
    const int32_t off = -width * static_cast<int32_t>(1 + in_.below(kZeroedStack / width));
    it.add(make_insn(op, kFramePointer, scalar(), static_cast<int16_t>(off)));
  }
  return it;
}

VerifierProgramGenerator::Item VerifierProgramGenerator::conditional(int depth, bool in_loop) {
  Item body = block(depth - 1, in_loop, 1 + in_.below(4));
  Item it;
  const Op op = pick(jump_ops_);
  if (info(op).form == Form::JumpImm)
    it.add(jump(op, scalar_src(), 0, imm32(), body.size()));
  else
    it.add(jump(op, scalar_src(), scalar_src(), 0, body.size()));
  it.append(body);
  return it;
}

VerifierProgramGenerator::Item VerifierProgramGenerator::if_else(int depth, bool in_loop) {
  Item then_part = block(depth - 1, in_loop, 1 + in_.below(3));
  Item else_part = block(depth - 1, in_loop, 1 + in_.below(3));
  Item it;
  const Op op = pick(jump_ops_);
  const size_t skip = then_part.size() + 1;
  if (info(op).form == Form::JumpImm)
    it.add(jump(op, scalar_src(), 0, imm32(), skip));
  else
    it.add(jump(op, scalar_src(), scalar_src(), 0, skip));
  it.append(then_part);
  it.add(ja(else_part.size()));
  it.append(else_part);
  return it;
}

// r9 = n; do { body } while (--r9 != 0)
VerifierProgramGenerator::Item VerifierProgramGenerator::loop(int depth) {
  Item body = block(depth - 1, true, 1 + in_.below(4));
  Item it;
  it.add(mov_imm(kCounter, static_cast<int32_t>(1 + in_.below(8))));
  it.append(body);
  it.add(add_imm(kCounter, -1));
  const int16_t back = static_cast<int16_t>(-static_cast<int32_t>(body.size() + 2));
  switch (in_.below(3)) {
    case 0: it.add(make_insn(Op::Jne64Imm, kCounter, 0, back, 0)); break;
    case 1: it.add(make_insn(Op::Jsgt64Imm, kCounter, 0, back, 0)); break;
    default: it.add(make_insn(Op::Jne32Imm, kCounter, 0, back, 0)); break;
  }
  return it;
}

// A jump over an instruction that never runs.
VerifierProgramGenerator::Item VerifierProgramGenerator::unconditional_jump(int depth, bool in_loop) {
  Item skipped = block(depth - 1, in_loop, 1);
  Item it;
  if (in_.chance(128))
    it.add(ja(skipped.size()));
  else
    it.add(make_insn(Op::Ja32, 0, 0, 0, static_cast<int32_t>(skipped.size())));
  it.append(skipped);
  return it;
}

void VerifierProgramGenerator::reset_scratch(Item& it) {
  for (uint8_t r = 1; r <= 5; ++r) it.add(mov_imm(r, imm32()));
}

VerifierProgramGenerator::Item VerifierProgramGenerator::local_call() {
  Item it;
  for (uint8_t r = 1; r <= 5; ++r) {
    if (in_.chance(128))
      it.add(mov_imm(r, imm32()));
    else
      it.add(mov_reg(r, scalar()));
  }
  size_t function = in_.below(static_cast<uint32_t>(functions_ + 1));
  if (function >= kMaxFunctions) function = kMaxFunctions - 1;
  if (function == functions_) ++functions_;
  it.calls.emplace_back(it.size(), function);
  it.add(make_insn(Op::CallLocal, 0, kCallLocal, 0, 0));
  reset_scratch(it);
  return it;
}

// A callee: r1-r5 are its (scalar) arguments; it has its own frame.
VerifierProgramGenerator::Item VerifierProgramGenerator::function_body() {
  Item it;
  it.add(mov_reg(0, static_cast<uint8_t>(1 + in_.below(5))));
  const size_t n = 1 + in_.below(6);
  for (size_t i = 0; i < n; ++i) {
    const Op op = pick(alu_ops_);
    const InsnInfo& row = info(op);
    const auto dst = static_cast<uint8_t>(in_.below(5));
    const auto src = static_cast<uint8_t>(in_.below(6));
    if (row.form == Form::AluImm)
      it.add(make_insn(op, dst, 0, 0, imm32()));
    else if (row.form == Form::AluReg)
      it.add(make_insn(op, dst, src));
    else
      it.add(make_insn(op, dst));
    if (in_.chance(40)) {
      const auto off = static_cast<int16_t>(-8 * static_cast<int32_t>(1 + in_.below(8)));
      it.add(make_insn(Op::StxDW, kFramePointer, dst, off));
      it.add(make_insn(Op::LdxDW, static_cast<uint8_t>(in_.below(5)), kFramePointer, off));
    }
  }
  it.add(make_insn(Op::Exit));
  return it;
}

VerifierProgramGenerator::Item VerifierProgramGenerator::packet_load() {
  Item it;
  const Op op = pick(packet_ops_);
  const int32_t imm = in_.chance(200) ? static_cast<int32_t>(in_.below(80)) : imm32();
  if (info(op).form == Form::LoadAbs)
    it.add(make_insn(op, 0, 0, 0, imm));
  else
    it.add(make_insn(op, 0, scalar(), 0, imm));
  reset_scratch(it);
  return it;
}

// Any row with random operands: mostly refused, sometimes an edge case.
VerifierProgramGenerator::Item VerifierProgramGenerator::arbitrary_row() {
  Item it;
  const Op op = pick(all_ops_);
  const InsnInfo& row = info(op);
  if (is_jump(row.form) || row.form == Form::CallLocal || row.form == Form::Exit) return alu();
  Insn insn;
  insn.dst = static_cast<uint8_t>(in_.below(10));
  insn.src = static_cast<uint8_t>(in_.below(11));
  insn.off = static_cast<int16_t>(in_.chance(128) ? in_.u16() : in_.below(64));
  insn.imm = imm32();
  it.add(keep_operands(op, insn));
  return it;
}

VerifierProgramGenerator::Item VerifierProgramGenerator::item(int depth, bool in_loop) {
  const uint32_t choice = in_.below(100);
  if (choice < 24) return alu();
  if (choice < 28) return lddw_constant();
  if (choice < 40) return memory_constant_offset();
  if (choice < 48) return memory_index();
  if (choice < 58) return stack_access();
  if (choice < 63) return atomic(false);
  // The verifier allows atomics only on the stack and map values: the
  // memory case checks that it refuses them (rarely, it is always refused).
  if (choice < 65) return atomic(in_.chance(16));
  if (depth > 0 && choice < 74) return conditional(depth, in_loop);
  if (depth > 0 && choice < 78) return if_else(depth, in_loop);
  if (depth > 0 && !in_loop && choice < 83) return loop(depth);
  if (depth > 0 && choice < 86) return unconditional_jump(depth, in_loop);
  if (choice < 91) return local_call();
  if (choice < 95) return packet_load();
  if (choice < 97) return arbitrary_row();
  return alu();
}

VerifierProgramGenerator::Item VerifierProgramGenerator::block(int depth, bool in_loop,
                                                               size_t items) {
  Item it;
  for (size_t i = 0; i < items && it.size() < 2000; ++i) it.append(item(depth, in_loop));
  return it;
}

void VerifierProgramGenerator::mutate(std::vector<Insn>& code) {
  const size_t n = 1 + in_.below(3);
  for (size_t i = 0; i < n && !code.empty(); ++i) {
    Insn& insn = code[in_.below(static_cast<uint32_t>(code.size()))];
    const InsnInfo* before = find_row(insn);
    if (before == nullptr || is_lddw_form(before->form)) continue;
    switch (in_.below(6)) {
      case 0: insn.imm = imm32(); break;
      case 1: insn.off = static_cast<int16_t>(insn.off + static_cast<int>(in_.below(17)) - 8); break;
      case 2: insn.dst = static_cast<uint8_t>(in_.below(11)); break;
      case 3: insn.src = static_cast<uint8_t>(in_.below(11)); break;
      case 4: {  // another row of the same form, same operands
        const InsnInfo* row = find_row(insn);
        if (row == nullptr) break;
        std::vector<Op> same;
        for (const InsnInfo& r : all_instructions())
          if (r.form == row->form) same.push_back(r.op);
        const Op op = pick(same);
        insn = make_insn(op, insn.dst, insn.src, insn.off, insn.imm);
        break;
      }
      default: insn.off = static_cast<int16_t>(in_.u16()); break;
    }
    if (const InsnInfo* row = find_row(insn)) insn = keep_operands(row->op, insn);
  }
}

std::vector<Insn> VerifierProgramGenerator::generate() {
  const uint8_t mode = in_.byte();
  Item main;
  main.add(mov_reg(kMem, 1));
  main.add(mov_reg(kSize, 2));
  for (uint8_t r : {0, 1, 2, 3, 4, 8}) main.add(mov_imm(r, imm32()));
  for (int32_t off = -8; off >= -kZeroedStack; off -= 8)
    main.add(make_insn(Op::StDW, kFramePointer, 0, static_cast<int16_t>(off), 0));
  main.append(block(3, false, 2 + in_.below(24)));
  main.add(make_insn(Op::Exit));

  std::vector<size_t> entries;
  std::vector<Insn> code = main.code;
  for (size_t f = 0; f < functions_; ++f) {
    entries.push_back(code.size());
    const Item body = function_body();
    code.insert(code.end(), body.code.begin(), body.code.end());
  }
  for (const auto& [slot, function] : main.calls)
    code[slot].imm = static_cast<int32_t>(entries[function]) - static_cast<int32_t>(slot + 1);
  if (mode < 48) mutate(code);
  return code;
}

}  // namespace sandbpf::fuzz
