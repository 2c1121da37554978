// Scalar: the abstract value of a 64-bit number. Three views of the same set
// of values, each refining the others (as the kernel's register bounds do):
//   signed   [smin, smax]  as int64
//   unsigned [umin, umax]  as uint64
//   tnum     known bits
// Every operation returns a normalized scalar (the three views mutually
// tightened), or bottom when they contradict. Arithmetic follows BPF's
// semantics (wrapping, division by zero gives 0, modulo by zero leaves the
// dividend, shifts mask their count).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "verifier/domains/interval.hpp"
#include "verifier/domains/tnum.hpp"

namespace sandbpf::verifier {

// A comparison a jump makes; the "not taken" side uses negate().
enum class Cmp : uint8_t { kEq, kNe, kGt, kGe, kLt, kLe, kSgt, kSge, kSlt, kSle, kSet, kNotSet };
Cmp negate(Cmp cmp);
Cmp swap_operands(Cmp cmp);  // a OP b  <=>  b swap(OP) a
bool is_signed(Cmp cmp);

class Scalar {
 public:
  constexpr Scalar() = default;  // top
  static Scalar top() { return Scalar(); }
  static Scalar bottom();
  static Scalar constant(uint64_t v);
  static Scalar signed_range(int64_t lo, int64_t hi);
  static Scalar unsigned_range(uint64_t lo, uint64_t hi);
  static Scalar from_tnum(Tnum t);
  // Values of a `bytes`-wide unsigned field: [0, 2^(8*bytes) - 1].
  static Scalar of_width(unsigned bytes);

  bool is_bottom() const { return bottom_; }
  bool is_top() const;
  bool is_constant() const { return !bottom_ && umin_ == umax_; }
  uint64_t constant_value() const { return umin_; }
  int64_t smin() const { return smin_; }
  int64_t smax() const { return smax_; }
  uint64_t umin() const { return umin_; }
  uint64_t umax() const { return umax_; }
  const Tnum& tnum() const { return tnum_; }
  Interval signed_interval() const {
    return bottom_ ? Interval::bottom() : Interval(smin_, smax_);
  }
  bool contains(uint64_t v) const;

  // Lattice.
  bool leq(const Scalar& o) const;
  Scalar join(const Scalar& o) const;
  Scalar meet(const Scalar& o) const;
  Scalar widen(const Scalar& newer, std::span<const int64_t> thresholds = {}) const;
  Scalar narrow(const Scalar& newer) const;
  // Meet with a signed interval (the relational domain's refinements).
  Scalar meet_signed(const Interval& i) const;

  // 64-bit arithmetic.
  Scalar add(const Scalar& o) const;
  Scalar sub(const Scalar& o) const;
  Scalar mul(const Scalar& o) const;
  Scalar udiv(const Scalar& o) const;
  Scalar sdiv(const Scalar& o) const;
  Scalar umod(const Scalar& o) const;
  Scalar smod(const Scalar& o) const;
  Scalar bit_and(const Scalar& o) const;
  Scalar bit_or(const Scalar& o) const;
  Scalar bit_xor(const Scalar& o) const;
  Scalar lsh(const Scalar& count) const;   // count masked with 63
  Scalar rsh(const Scalar& count) const;
  Scalar arsh(const Scalar& count) const;
  Scalar neg() const;

  // 32-bit arithmetic: the operation on the low 32 bits, zero-extended.
  enum class Op : uint8_t { kAdd, kSub, kMul, kDiv, kSdiv, kMod, kSmod, kAnd, kOr, kXor, kLsh, kRsh, kArsh, kMov };
  static Scalar alu64(Op op, const Scalar& a, const Scalar& b);
  static Scalar alu32(Op op, const Scalar& a, const Scalar& b);

  // Width changes.
  Scalar truncate(unsigned bytes) const;      // low bytes, zero-extended
  Scalar sign_extend(unsigned bits) const;    // from the low `bits` bits
  Scalar byte_swap(unsigned bytes) const;     // low bytes swapped, zero-extended

  // Refines (a, b) assuming `a cmp b` holds (64-bit or 32-bit comparison).
  // Either result may be bottom: the branch is infeasible.
  static void refine(Cmp cmp, bool is32, Scalar& a, Scalar& b);
  // The comparison's outcome when already decided: 1 true, 0 false, -1 unknown.
  static int decide(Cmp cmp, bool is32, const Scalar& a, const Scalar& b);

  friend bool operator==(const Scalar& a, const Scalar& b);
  std::string to_string() const;

 private:
  void normalize();
  // The bounds moved to the nearest values with the known low bits (a
  // lower bound of 1 on an even number is 2). False when none is left.
  bool align_to_known_low_bits();
  static void refine64(Cmp cmp, Scalar& a, Scalar& b);

  int64_t smin_ = INT64_MIN;
  int64_t smax_ = INT64_MAX;
  uint64_t umin_ = 0;
  uint64_t umax_ = UINT64_MAX;
  Tnum tnum_ = Tnum::unknown();
  bool bottom_ = false;
};

}  // namespace sandbpf::verifier
