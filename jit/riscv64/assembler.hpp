// The RISC-V code buffer: emits instruction words (instructions.hpp),
// binds labels, and fixes up references to labels at the end. It is the
// "emit" layer above the formats and mnemonics: what a backend needs that a
// single instruction cannot do.
//
//   * Branches reach ±4 KiB, jal ±1 MiB. Every reference to a label is a
//     numbered *site*; a site starts in its shortest form and is widened
//     when the label turns out to be too far (a branch becomes an inverted
//     branch over a jal, then over auipc+jalr; a jal becomes auipc+jalr).
//     Widening changes the code's size, so the backend emits the whole
//     program again with the widened sites (finish() says when): sites are
//     numbered in emission order, which does not depend on their width, and
//     they only ever grow, so this ends after a few rounds.
//   * li: any 64-bit constant in at most 8 instructions (lui/addi(w) for
//     32-bit values, then shifts and adds for the rest).
//   * A literal pool after the code for 64-bit addresses (helpers, tables),
//     loaded pc-relatively (auipc+ld), so the code stays position-independent.
//
// kT6 is reserved for the widest forms (auipc+jalr): code must not keep a
// value in it across a label reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "jit/riscv64/encoding.hpp"
#include "jit/riscv64/instructions.hpp"

namespace sandbpf::riscv64 {

struct Label {
  uint32_t id = UINT32_MAX;
  bool valid() const { return id != UINT32_MAX; }
};

enum class Cond : uint8_t { kEq, kNe, kLt, kGe, kLtu, kGeu };
Cond negate(Cond cond);

// The register the widest jumps and branches go through.
inline constexpr Reg kFarScratch = kT6;

class Assembler {
 public:
  // `widths` holds the width of each site from the previous round (empty:
  // the first round, every site short).
  explicit Assembler(std::vector<uint8_t> widths = {}) : widths_(std::move(widths)) {}

  void emit(uint32_t word);
  size_t offset() const { return code_.size(); }

  Label new_label();
  void bind(Label label);
  bool bound(Label label) const { return label.valid() && offsets_[label.id] != kUnbound; }
  uint32_t label_offset(Label label) const { return offsets_[label.id]; }

  // if (a cond b) goto target
  void branch(Cond cond, Reg a, Reg b, Label target);
  void jump(Label target);
  // Calls `target`, leaving the return address in `link`.
  void call(Label target, Reg link);
  // rd = a 64-bit constant, from the literal pool (2 instructions).
  void load_literal(Reg rd, uint64_t value);
  // rd = value (1 to 8 instructions).
  void li(Reg rd, int64_t value);

  // Lays out the literal pool and patches every site. False when some
  // site had to be widened: emit everything again with
  // Assembler(widened_sites()).
  bool finish();
  const std::vector<uint8_t>& widened_sites() const { return widths_; }
  // Whether finish() failed for good: a label referenced but never bound
  // (a backend bug), or a reference beyond ±2 GiB.
  bool broken() const { return broken_; }
  const std::vector<uint8_t>& bytes() const { return code_; }

 private:
  enum class Kind : uint8_t { kBranch, kJal, kPcrelPair, kLiteral };
  // Widths of a site.
  static constexpr uint8_t kShort = 0;   // b / jal
  static constexpr uint8_t kMedium = 1;  // !b +8; jal
  static constexpr uint8_t kLong = 2;    // !b +12; auipc; jalr
  static constexpr uint32_t kUnbound = UINT32_MAX;

  struct Fixup {
    uint32_t at;       // the instruction to patch (auipc for pairs)
    Kind kind;
    uint32_t target;   // label id, or literal index
    uint32_t site;
  };

  uint8_t next_site();
  void patch(uint32_t at, uint32_t word);
  uint32_t word_at(uint32_t at) const;

  std::vector<uint8_t> code_;
  std::vector<uint32_t> offsets_;  // per label
  std::vector<Fixup> fixups_;
  std::vector<uint8_t> widths_;
  uint32_t sites_ = 0;
  std::vector<uint64_t> literals_;
  std::map<uint64_t, uint32_t> literal_index_;
  bool broken_ = false;
};

}  // namespace sandbpf::riscv64
