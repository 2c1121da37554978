#include "verifier/domains/interval.hpp"

#include <fmt/format.h>

namespace sandbpf::verifier {

int64_t bound_add(int64_t a, int64_t b) {
  if (a == kMinusInf || b == kMinusInf) return (a == kPlusInf || b == kPlusInf) ? kPlusInf : kMinusInf;
  if (a == kPlusInf || b == kPlusInf) return kPlusInf;
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return a > 0 ? kPlusInf : kMinusInf;
  if (r == kMinusInf) return kMinusInf;
  return r;
}

int64_t bound_neg(int64_t a) {
  if (a == kMinusInf) return kPlusInf;
  if (a == kPlusInf) return kMinusInf;
  return -a;
}

int64_t bound_sub(int64_t a, int64_t b) { return bound_add(a, bound_neg(b)); }

bool Interval::leq(const Interval& o) const {
  if (is_bottom()) return true;
  if (o.is_bottom()) return false;
  return o.lo_ <= lo_ && hi_ <= o.hi_;
}

Interval Interval::join(const Interval& o) const {
  if (is_bottom()) return o;
  if (o.is_bottom()) return *this;
  return Interval(std::min(lo_, o.lo_), std::max(hi_, o.hi_));
}

Interval Interval::meet(const Interval& o) const {
  if (is_bottom() || o.is_bottom()) return bottom();
  const Interval r(std::max(lo_, o.lo_), std::min(hi_, o.hi_));
  return r.is_bottom() ? bottom() : r;
}

Interval Interval::widen(const Interval& newer, std::span<const int64_t> thresholds) const {
  if (is_bottom()) return newer;
  if (newer.is_bottom()) return *this;
  int64_t lo = lo_;
  int64_t hi = hi_;
  if (newer.lo_ < lo_) {
    lo = kMinusInf;
    // The greatest threshold at or below the new bound.
    auto it = std::upper_bound(thresholds.begin(), thresholds.end(), newer.lo_);
    if (it != thresholds.begin()) lo = *(it - 1);
  }
  if (newer.hi_ > hi_) {
    hi = kPlusInf;
    auto it = std::lower_bound(thresholds.begin(), thresholds.end(), newer.hi_);
    if (it != thresholds.end()) hi = *it;
  }
  return Interval(lo, hi);
}

Interval Interval::narrow(const Interval& newer) const {
  if (is_bottom() || newer.is_bottom()) return bottom();
  return Interval(lo_ == kMinusInf ? newer.lo_ : lo_, hi_ == kPlusInf ? newer.hi_ : hi_);
}

Interval Interval::add(const Interval& o) const {
  if (is_bottom() || o.is_bottom()) return bottom();
  int64_t lo = bound_add(lo_, o.lo_);
  int64_t hi = bound_add(hi_, o.hi_);
  // -inf + +inf cannot appear for lo (both finite or one -inf) except when
  // a bound is the opposite infinity; keep it sound by widening.
  if (lo_ == kPlusInf || o.lo_ == kPlusInf) lo = kMinusInf;
  if (hi_ == kMinusInf || o.hi_ == kMinusInf) hi = kPlusInf;
  return Interval(lo, hi);
}

Interval Interval::neg() const {
  if (is_bottom()) return bottom();
  return Interval(bound_neg(hi_), bound_neg(lo_));
}

Interval Interval::sub(const Interval& o) const { return add(o.neg()); }

std::string Interval::to_string() const {
  if (is_bottom()) return "bottom";
  if (is_constant()) return fmt::format("{}", lo_);
  const std::string lo = lo_ == kMinusInf ? "-oo" : fmt::format("{}", lo_);
  const std::string hi = hi_ == kPlusInf ? "+oo" : fmt::format("{}", hi_);
  return fmt::format("[{}, {}]", lo, hi);
}

}  // namespace sandbpf::verifier
