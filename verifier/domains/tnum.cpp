#include "verifier/domains/tnum.hpp"

#include <bit>

#include <fmt/format.h>

namespace sandbpf::verifier {

Tnum Tnum::range(uint64_t min, uint64_t max) {
  if (min > max) return unknown();
  const uint64_t differing = min ^ max;
  if (differing == 0) return constant(min);
  // Bits above the highest differing bit are common to every value in the
  // range; that bit and everything below it take every combination.
  const int high = 63 - std::countl_zero(differing);
  const uint64_t low_mask = high == 63 ? ~0ull : ((1ull << (high + 1)) - 1);
  return make(min & ~low_mask, low_mask);
}

bool Tnum::leq(const Tnum& other) const {
  // Every bit known in other must be known here with the same value.
  if ((mask_ & ~other.mask_) != 0) return false;
  return (value_ & ~other.mask_) == other.value_;
}

Tnum Tnum::join(const Tnum& other) const {
  const uint64_t mask = mask_ | other.mask_ | (value_ ^ other.value_);
  return make(value_, mask);
}

Tnum Tnum::meet(const Tnum& other, bool& empty) const {
  const uint64_t both_known = ~mask_ & ~other.mask_;
  if (((value_ ^ other.value_) & both_known) != 0) {
    empty = true;
    return *this;
  }
  empty = false;
  return make(value_ | other.value_, mask_ & other.mask_);
}

Tnum Tnum::add(const Tnum& o) const {
  // The sums of the smallest and the largest choices of unknown bits; bits
  // where the two sums differ, or any operand bit is unknown, are unknown.
  const uint64_t masks = mask_ + o.mask_;
  const uint64_t values = value_ + o.value_;
  const uint64_t sum_max = masks + values;
  const uint64_t carries = sum_max ^ values;
  return make(values, carries | mask_ | o.mask_);
}

Tnum Tnum::sub(const Tnum& o) const {
  const uint64_t diff = value_ - o.value_;
  const uint64_t low = diff - o.mask_;   // borrow as much as the subtrahend can
  const uint64_t high = diff + mask_;    // the minuend at its largest
  const uint64_t changed = low ^ high;
  return make(diff, changed | mask_ | o.mask_);
}

Tnum Tnum::mul(const Tnum& o) const {
  // Long multiplication: the known product of the values, plus for each bit
  // of this operand a partial product that is either known-zero, the other
  // operand (bit known one) or unknown (bit unknown): accumulate the
  // uncertain partial products as masks.
  const uint64_t known_product = value_ * o.value_;
  Tnum uncertainty = constant(0);
  Tnum a = *this;
  uint64_t shifted_other_value = o.value_;
  uint64_t shifted_other_mask = o.mask_;
  for (int bit = 0; bit < 64 && (a.value_ | a.mask_) != 0; ++bit) {
    if (a.value_ & 1) {
      // Known one: the product includes the other operand; only its unknown
      // bits add uncertainty (its known bits are in known_product).
      uncertainty = uncertainty.add(make(0, shifted_other_mask));
    } else if (a.mask_ & 1) {
      // Unknown bit: the partial product is 0 or the other operand.
      uncertainty = uncertainty.add(make(0, shifted_other_value | shifted_other_mask));
    }
    a = make(a.value_ >> 1, a.mask_ >> 1);
    shifted_other_value <<= 1;
    shifted_other_mask <<= 1;
  }
  return constant(known_product).add(uncertainty);
}

Tnum Tnum::bit_and(const Tnum& o) const {
  const uint64_t alpha = value_ | mask_;
  const uint64_t beta = o.value_ | o.mask_;
  const uint64_t v = value_ & o.value_;
  return make(v, alpha & beta & ~v);
}

Tnum Tnum::bit_or(const Tnum& o) const {
  const uint64_t v = value_ | o.value_;
  const uint64_t m = mask_ | o.mask_;
  return make(v, m & ~v);
}

Tnum Tnum::bit_xor(const Tnum& o) const {
  const uint64_t m = mask_ | o.mask_;
  return make((value_ ^ o.value_) & ~m, m);
}

Tnum Tnum::lsh(unsigned shift) const { return make(value_ << shift, mask_ << shift); }

Tnum Tnum::rsh(unsigned shift) const { return make(value_ >> shift, mask_ >> shift); }

Tnum Tnum::arsh(unsigned shift, unsigned width) const {
  if (width == 32) {
    const auto v = static_cast<uint32_t>(static_cast<int32_t>(static_cast<uint32_t>(value_)) >> shift);
    const auto m = static_cast<uint32_t>(static_cast<int32_t>(static_cast<uint32_t>(mask_)) >> shift);
    return make(v, m);
  }
  const auto v = static_cast<uint64_t>(static_cast<int64_t>(value_) >> shift);
  const auto m = static_cast<uint64_t>(static_cast<int64_t>(mask_) >> shift);
  return make(v, m);
}

Tnum Tnum::truncate(unsigned bytes) const {
  if (bytes >= 8) return *this;
  const uint64_t keep = (1ull << (bytes * 8)) - 1;
  return make(value_ & keep, mask_ & keep);
}

Tnum Tnum::sign_extend(unsigned bits) const {
  if (bits >= 64) return *this;
  const unsigned up = 64 - bits;
  const auto v = static_cast<uint64_t>(static_cast<int64_t>(value_ << up) >> up);
  const auto m = static_cast<uint64_t>(static_cast<int64_t>(mask_ << up) >> up);
  return make(v, m);
}

Tnum Tnum::byte_swap(unsigned bytes) const {
  auto swap = [bytes](uint64_t x) {
    uint64_t out = 0;
    for (unsigned i = 0; i < bytes; ++i) out |= ((x >> (8 * i)) & 0xff) << (8 * (bytes - 1 - i));
    return out;
  };
  const Tnum low = truncate(bytes);
  return make(swap(low.value_), swap(low.mask_));
}

std::string Tnum::to_string() const {
  if (is_constant()) return fmt::format("{:#x}", value_);
  if (is_unknown()) return "unknown";
  return fmt::format("(value={:#x}; mask={:#x})", value_, mask_);
}

}  // namespace sandbpf::verifier
