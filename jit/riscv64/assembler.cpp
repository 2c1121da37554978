// The code buffer, labels, the widening of far references, li and the
// literal pool (assembler.hpp says why it works this way).
#include "jit/riscv64/assembler.hpp"

#include <bit>

namespace sandbpf::riscv64 {

using namespace insn;

Cond negate(Cond cond) {
  switch (cond) {
    case Cond::kEq: return Cond::kNe;
    case Cond::kNe: return Cond::kEq;
    case Cond::kLt: return Cond::kGe;
    case Cond::kGe: return Cond::kLt;
    case Cond::kLtu: return Cond::kGeu;
    case Cond::kGeu: return Cond::kLtu;
  }
  return Cond::kEq;
}

namespace {

uint32_t branch_word(Cond cond, Reg a, Reg b, int32_t offset) {
  switch (cond) {
    case Cond::kEq: return beq(a, b, offset);
    case Cond::kNe: return bne(a, b, offset);
    case Cond::kLt: return blt(a, b, offset);
    case Cond::kGe: return bge(a, b, offset);
    case Cond::kLtu: return bltu(a, b, offset);
    case Cond::kGeu: return bgeu(a, b, offset);
  }
  return 0;
}

// The immediate bits of each format, to clear before patching in a new one.
constexpr uint32_t kBranchImmBits = 0xfe000f80;
constexpr uint32_t kJalImmBits = 0xfffff000;
constexpr uint32_t kUpperImmBits = 0xfffff000;
constexpr uint32_t kItypeImmBits = 0xfff00000;

}  // namespace

void Assembler::emit(uint32_t word) {
  for (int i = 0; i < 4; ++i) code_.push_back(static_cast<uint8_t>(word >> (8 * i)));
}

uint32_t Assembler::word_at(uint32_t at) const {
  uint32_t word = 0;
  for (int i = 3; i >= 0; --i) word = word << 8 | code_[at + static_cast<uint32_t>(i)];
  return word;
}

void Assembler::patch(uint32_t at, uint32_t word) {
  for (int i = 0; i < 4; ++i) code_[at + static_cast<uint32_t>(i)] = static_cast<uint8_t>(word >> (8 * i));
}

Label Assembler::new_label() {
  offsets_.push_back(kUnbound);
  return Label{static_cast<uint32_t>(offsets_.size() - 1)};
}

void Assembler::bind(Label label) { offsets_[label.id] = static_cast<uint32_t>(offset()); }

uint8_t Assembler::next_site() {
  const uint32_t site = sites_++;
  if (site >= widths_.size()) widths_.resize(site + 1, kShort);
  return widths_[site];
}

void Assembler::branch(Cond cond, Reg a, Reg b, Label target) {
  const uint32_t site = sites_;
  const uint8_t width = next_site();
  const auto at = static_cast<uint32_t>(offset());
  if (width == kShort) {
    emit(branch_word(cond, a, b, 0));
    fixups_.push_back({at, Kind::kBranch, target.id, site});
  } else if (width == kMedium) {
    emit(branch_word(negate(cond), a, b, 8));
    emit(jal(kZero, 0));
    fixups_.push_back({at + 4, Kind::kJal, target.id, site});
  } else {
    emit(branch_word(negate(cond), a, b, 12));
    emit(auipc(kFarScratch, 0));
    emit(jalr(kZero, kFarScratch, 0));
    fixups_.push_back({at + 4, Kind::kPcrelPair, target.id, site});
  }
}

void Assembler::jump(Label target) {
  const uint32_t site = sites_;
  const uint8_t width = next_site();
  const auto at = static_cast<uint32_t>(offset());
  if (width == kShort) {
    emit(jal(kZero, 0));
    fixups_.push_back({at, Kind::kJal, target.id, site});
  } else {
    emit(auipc(kFarScratch, 0));
    emit(jalr(kZero, kFarScratch, 0));
    fixups_.push_back({at, Kind::kPcrelPair, target.id, site});
  }
}

void Assembler::call(Label target, Reg link) {
  const uint32_t site = sites_;
  const uint8_t width = next_site();
  const auto at = static_cast<uint32_t>(offset());
  if (width == kShort) {
    emit(jal(link, 0));
    fixups_.push_back({at, Kind::kJal, target.id, site});
  } else {
    emit(auipc(link, 0));
    emit(jalr(link, link, 0));
    fixups_.push_back({at, Kind::kPcrelPair, target.id, site});
  }
}

void Assembler::load_literal(Reg rd, uint64_t value) {
  auto [it, added] = literal_index_.try_emplace(value, static_cast<uint32_t>(literals_.size()));
  if (added) literals_.push_back(value);
  const auto at = static_cast<uint32_t>(offset());
  emit(auipc(rd, 0));
  emit(ld(rd, rd, 0));
  fixups_.push_back({at, Kind::kLiteral, it->second, 0});
}

// 32-bit values: lui + addiw (addiw wraps in 32 bits and sign-extends,
// which is what makes values just below 2^31 work). Wider values: the
// upper part recursively, shifted left past its trailing zeros, plus the
// low 12 bits.
void Assembler::li(Reg rd, int64_t value) {
  if (fits_i12(value)) {
    emit(addi(rd, kZero, static_cast<int32_t>(value)));
    return;
  }
  if (fits_signed(value, 32)) {
    emit(lui(rd, high20(value)));
    if (const int32_t low = low12(value); low != 0) emit(addiw(rd, rd, low));
    return;
  }
  const int32_t low = low12(value);
  int64_t upper = static_cast<int64_t>(static_cast<uint64_t>(value) - static_cast<uint64_t>(static_cast<int64_t>(low))) >> 12;
  const int zeros = std::countr_zero(static_cast<uint64_t>(upper));
  upper >>= zeros;
  li(rd, upper);
  emit(slli(rd, rd, static_cast<uint32_t>(12 + zeros)));
  if (low != 0) emit(addi(rd, rd, low));
}

bool Assembler::finish() {
  // The literal pool: 8-byte aligned, after the code (never executed).
  if (!literals_.empty())
    while (offset() % 8 != 0) emit(nop());
  const auto pool = static_cast<uint32_t>(offset());
  for (uint64_t value : literals_) {
    emit(static_cast<uint32_t>(value));
    emit(static_cast<uint32_t>(value >> 32));
  }

  bool fits = true;
  for (const Fixup& f : fixups_) {
    uint32_t target = 0;
    if (f.kind == Kind::kLiteral) {
      target = pool + 8 * f.target;
    } else if (offsets_[f.target] == kUnbound) {
      broken_ = true;
      return false;
    } else {
      target = offsets_[f.target];
    }
    const int64_t distance = static_cast<int64_t>(target) - static_cast<int64_t>(f.at);
    const auto offset32 = static_cast<int32_t>(distance);
    switch (f.kind) {
      case Kind::kBranch:
        if (!fits_branch(distance)) {
          widths_[f.site] = kMedium;
          fits = false;
          continue;
        }
        patch(f.at, (word_at(f.at) & ~kBranchImmBits) | (b_type(0, 0, kZero, kZero, offset32) & kBranchImmBits));
        break;
      case Kind::kJal:
        if (!fits_jal(distance)) {
          widths_[f.site] = kLong;
          fits = false;
          continue;
        }
        patch(f.at, (word_at(f.at) & ~kJalImmBits) | (j_type(0, kZero, offset32) & kJalImmBits));
        break;
      case Kind::kPcrelPair:
      case Kind::kLiteral:
        if (!fits_pcrel32(distance)) {
          fits = false;  // beyond ±2 GiB: the backend refuses such code
          broken_ = true;
          continue;
        }
        patch(f.at, (word_at(f.at) & ~kUpperImmBits) | static_cast<uint32_t>(high20(distance)) << 12);
        patch(f.at + 4, (word_at(f.at + 4) & ~kItypeImmBits) |
                            (static_cast<uint32_t>(low12(distance)) & 0xfff) << 20);
        break;
    }
  }
  return fits;
}

}  // namespace sandbpf::riscv64
