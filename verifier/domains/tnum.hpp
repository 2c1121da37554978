// Tnum: known bits of a 64-bit value. A bit is known when its mask bit is 0,
// and then it equals the value bit; unknown bits have value bit 0. The set
// of concrete values a tnum stands for is { x : x & ~mask == value }.
// A finite lattice (height 64), so joins alone reach a fixpoint.
#pragma once

#include <cstdint>
#include <string>

namespace sandbpf::verifier {

class Tnum {
 public:
  constexpr Tnum() = default;  // unknown: every bit unknown
  static constexpr Tnum unknown() { return Tnum(0, ~0ull); }
  static constexpr Tnum constant(uint64_t v) { return Tnum(v, 0); }
  // The smallest tnum holding every value of [min, max] (unsigned).
  static Tnum range(uint64_t min, uint64_t max);
  // Raw construction; value bits under the mask are cleared.
  static constexpr Tnum make(uint64_t value, uint64_t mask) { return Tnum(value & ~mask, mask); }

  constexpr uint64_t value() const { return value_; }
  constexpr uint64_t mask() const { return mask_; }
  constexpr bool is_constant() const { return mask_ == 0; }
  constexpr bool is_unknown() const { return mask_ == ~0ull; }
  constexpr uint64_t min() const { return value_; }           // unsigned
  constexpr uint64_t max() const { return value_ | mask_; }  // unsigned
  bool contains(uint64_t x) const { return (x & ~mask_) == value_; }
  // Every value of this tnum is a value of other.
  bool leq(const Tnum& other) const;

  Tnum join(const Tnum& other) const;  // union (over-approximated)
  // Intersection; nullopt-free: sets `empty` when the two contradict.
  Tnum meet(const Tnum& other, bool& empty) const;

  Tnum add(const Tnum& o) const;
  Tnum sub(const Tnum& o) const;
  Tnum mul(const Tnum& o) const;
  Tnum bit_and(const Tnum& o) const;
  Tnum bit_or(const Tnum& o) const;
  Tnum bit_xor(const Tnum& o) const;
  Tnum neg() const { return constant(0).sub(*this); }
  Tnum lsh(unsigned shift) const;   // shift < 64
  Tnum rsh(unsigned shift) const;   // logical
  Tnum arsh(unsigned shift, unsigned width) const;  // arithmetic, width 32 or 64

  // Views of the low `bytes` bytes (zero-extended) and sign extension from
  // `bits` bits.
  Tnum truncate(unsigned bytes) const;
  Tnum sign_extend(unsigned bits) const;
  // The low 32 bits (zero-extended) and the high 32 bits (shifted down).
  Tnum low32() const { return truncate(4); }
  Tnum high32() const { return rsh(32); }
  Tnum byte_swap(unsigned bytes) const;

  friend constexpr bool operator==(const Tnum&, const Tnum&) = default;
  std::string to_string() const;

 private:
  constexpr Tnum(uint64_t value, uint64_t mask) : value_(value), mask_(mask) {}
  uint64_t value_ = 0;
  uint64_t mask_ = ~0ull;
};

}  // namespace sandbpf::verifier
