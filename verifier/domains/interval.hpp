// Interval: a range [lo, hi] of mathematical integers clipped to int64, where
// INT64_MIN and INT64_MAX stand for -infinity and +infinity. Used for pointer
// offsets, the packet size and the relational domain's variables. Arithmetic
// saturates at the infinities (it never wraps), so a bound that would
// overflow becomes infinite, which is sound.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <span>
#include <string>

namespace sandbpf::verifier {

inline constexpr int64_t kMinusInf = std::numeric_limits<int64_t>::min();
inline constexpr int64_t kPlusInf = std::numeric_limits<int64_t>::max();

// Saturating arithmetic on bounds (infinities absorb).
int64_t bound_add(int64_t a, int64_t b);
int64_t bound_sub(int64_t a, int64_t b);
int64_t bound_neg(int64_t a);

class Interval {
 public:
  constexpr Interval() = default;  // top
  constexpr Interval(int64_t lo, int64_t hi) : lo_(lo), hi_(hi) {}
  static constexpr Interval top() { return Interval(kMinusInf, kPlusInf); }
  static constexpr Interval bottom() { return Interval(1, 0); }
  static constexpr Interval constant(int64_t v) { return Interval(v, v); }

  constexpr int64_t lo() const { return lo_; }
  constexpr int64_t hi() const { return hi_; }
  constexpr bool is_bottom() const { return lo_ > hi_; }
  constexpr bool is_top() const { return lo_ == kMinusInf && hi_ == kPlusInf; }
  constexpr bool is_constant() const { return lo_ == hi_; }
  constexpr bool is_bounded() const { return lo_ != kMinusInf && hi_ != kPlusInf; }
  constexpr bool contains(int64_t v) const { return lo_ <= v && v <= hi_; }

  bool leq(const Interval& o) const;
  Interval join(const Interval& o) const;
  Interval meet(const Interval& o) const;
  // Standard widening with thresholds: a bound that grows jumps to the next
  // threshold beyond it (sorted ascending), or to infinity.
  Interval widen(const Interval& newer, std::span<const int64_t> thresholds = {}) const;
  // Narrowing: refines only the infinite bounds.
  Interval narrow(const Interval& newer) const;

  Interval add(const Interval& o) const;
  Interval sub(const Interval& o) const;
  Interval neg() const;

  friend constexpr bool operator==(const Interval& a, const Interval& b) {
    return (a.is_bottom() && b.is_bottom()) || (a.lo_ == b.lo_ && a.hi_ == b.hi_);
  }
  std::string to_string() const;

 private:
  int64_t lo_ = kMinusInf;
  int64_t hi_ = kPlusInf;
};

}  // namespace sandbpf::verifier
