#include "verifier/domains/scalar.hpp"

#include <algorithm>
#include <bit>
#include <optional>

#include <fmt/format.h>

namespace sandbpf::verifier {

namespace {

constexpr uint64_t kSignBit = 1ull << 63;

std::optional<int64_t> checked_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}
std::optional<int64_t> checked_sub(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
  return r;
}
std::optional<int64_t> checked_mul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// BPF's signed division and modulo of concrete values.
int64_t bpf_sdiv(int64_t a, int64_t b) {
  if (b == 0) return 0;
  if (a == INT64_MIN && b == -1) return INT64_MIN;
  return a / b;
}
int64_t bpf_smod(int64_t a, int64_t b) {
  if (b == 0) return a;
  if (b == -1) return 0;
  return a % b;
}

}  // namespace

Cmp negate(Cmp cmp) {
  switch (cmp) {
    case Cmp::kEq: return Cmp::kNe;
    case Cmp::kNe: return Cmp::kEq;
    case Cmp::kGt: return Cmp::kLe;
    case Cmp::kGe: return Cmp::kLt;
    case Cmp::kLt: return Cmp::kGe;
    case Cmp::kLe: return Cmp::kGt;
    case Cmp::kSgt: return Cmp::kSle;
    case Cmp::kSge: return Cmp::kSlt;
    case Cmp::kSlt: return Cmp::kSge;
    case Cmp::kSle: return Cmp::kSgt;
    case Cmp::kSet: return Cmp::kNotSet;
    case Cmp::kNotSet: return Cmp::kSet;
  }
  return cmp;
}

Cmp swap_operands(Cmp cmp) {
  switch (cmp) {
    case Cmp::kGt: return Cmp::kLt;
    case Cmp::kGe: return Cmp::kLe;
    case Cmp::kLt: return Cmp::kGt;
    case Cmp::kLe: return Cmp::kGe;
    case Cmp::kSgt: return Cmp::kSlt;
    case Cmp::kSge: return Cmp::kSle;
    case Cmp::kSlt: return Cmp::kSgt;
    case Cmp::kSle: return Cmp::kSge;
    default: return cmp;  // symmetric
  }
}

bool is_signed(Cmp cmp) {
  return cmp == Cmp::kSgt || cmp == Cmp::kSge || cmp == Cmp::kSlt || cmp == Cmp::kSle;
}

Scalar Scalar::bottom() {
  Scalar s;
  s.bottom_ = true;
  return s;
}

Scalar Scalar::constant(uint64_t v) {
  Scalar s;
  s.smin_ = s.smax_ = static_cast<int64_t>(v);
  s.umin_ = s.umax_ = v;
  s.tnum_ = Tnum::constant(v);
  return s;
}

Scalar Scalar::signed_range(int64_t lo, int64_t hi) {
  Scalar s;
  s.smin_ = lo;
  s.smax_ = hi;
  s.normalize();
  return s;
}

Scalar Scalar::unsigned_range(uint64_t lo, uint64_t hi) {
  Scalar s;
  s.umin_ = lo;
  s.umax_ = hi;
  s.normalize();
  return s;
}

Scalar Scalar::from_tnum(Tnum t) {
  Scalar s;
  s.tnum_ = t;
  s.normalize();
  return s;
}

Scalar Scalar::of_width(unsigned bytes) {
  if (bytes >= 8) return top();
  return unsigned_range(0, (1ull << (8 * bytes)) - 1);
}

bool Scalar::is_top() const {
  return !bottom_ && smin_ == INT64_MIN && smax_ == INT64_MAX && umin_ == 0 &&
         umax_ == UINT64_MAX && tnum_.is_unknown();
}

bool Scalar::contains(uint64_t v) const {
  if (bottom_) return false;
  const auto sv = static_cast<int64_t>(v);
  return umin_ <= v && v <= umax_ && smin_ <= sv && sv <= smax_ && tnum_.contains(v);
}

// Mutual refinement of the three views, to a fixpoint (two rounds suffice
// in practice; a third costs little and catches the rest).
bool Scalar::align_to_known_low_bits() {
  const uint64_t mask = tnum_.mask();
  if (mask == 0 || (mask & 1) != 0) return true;  // a constant, or the low bit unknown
  const uint64_t step = uint64_t{1} << __builtin_ctzll(mask);
  const uint64_t low = tnum_.value() & (step - 1);
  // Distances (mod step) up from the lower bounds and down from the upper
  // ones to the nearest values ending in `low`. Two's complement: the
  // signed bounds' low bits are those of their unsigned images.
  const uint64_t up = (low - umin_) & (step - 1);
  const uint64_t down = (umax_ - low) & (step - 1);
  const uint64_t sup = (low - static_cast<uint64_t>(smin_)) & (step - 1);
  const uint64_t sdown = (static_cast<uint64_t>(smax_) - low) & (step - 1);
  if (umin_ > UINT64_MAX - up || umax_ < down) return false;
  if (smin_ > static_cast<int64_t>(static_cast<uint64_t>(INT64_MAX) - sup)) return false;
  if (smax_ < static_cast<int64_t>(static_cast<uint64_t>(INT64_MIN) + sdown)) return false;
  umin_ += up;
  umax_ -= down;
  smin_ = static_cast<int64_t>(static_cast<uint64_t>(smin_) + sup);
  smax_ = static_cast<int64_t>(static_cast<uint64_t>(smax_) - sdown);
  return true;
}

void Scalar::normalize() {
  if (bottom_) return;
  if (umin_ == umax_ && tnum_.is_constant() && tnum_.value() == umin_ &&
      smin_ == static_cast<int64_t>(umin_) && smax_ == smin_)
    return;  // a constant, already exact
  for (int round = 0; round < 3; ++round) {
    const int64_t old_smin = smin_;
    const int64_t old_smax = smax_;
    const uint64_t old_umin = umin_;
    const uint64_t old_umax = umax_;
    const Tnum old_tnum = tnum_;
    // Known bits bound both orders.
    umin_ = std::max(umin_, tnum_.min());
    umax_ = std::min(umax_, tnum_.max());
    {
      const uint64_t v = tnum_.value();
      const uint64_t m = tnum_.mask();
      int64_t lo;
      int64_t hi;
      if (m & kSignBit) {  // sign unknown
        lo = static_cast<int64_t>(v | kSignBit);
        hi = static_cast<int64_t>((v | m) & ~kSignBit);
      } else {
        lo = static_cast<int64_t>(v);
        hi = static_cast<int64_t>(v | m);
      }
      smin_ = std::max(smin_, lo);
      smax_ = std::min(smax_, hi);
    }
    if (!align_to_known_low_bits()) {
      *this = bottom();
      return;
    }
    if (smin_ > smax_ || umin_ > umax_) {
      *this = bottom();
      return;
    }
    // A signed range on one side of zero is also an unsigned range.
    if (smin_ >= 0 || smax_ < 0) {
      umin_ = std::max(umin_, static_cast<uint64_t>(smin_));
      umax_ = std::min(umax_, static_cast<uint64_t>(smax_));
    }
    // An unsigned range within one half is also a signed range.
    if (umax_ <= static_cast<uint64_t>(INT64_MAX) || umin_ >= kSignBit) {
      smin_ = std::max(smin_, static_cast<int64_t>(umin_));
      smax_ = std::min(smax_, static_cast<int64_t>(umax_));
    }
    if (smin_ > smax_ || umin_ > umax_) {
      *this = bottom();
      return;
    }
    bool empty = false;
    tnum_ = tnum_.meet(Tnum::range(umin_, umax_), empty);
    if (empty) {
      *this = bottom();
      return;
    }
    if (round > 0 && old_smin == smin_ && old_smax == smax_ && old_umin == umin_ && old_umax == umax_ &&
        old_tnum == tnum_)
      break;  // stable
  }
  // Constants are exact in every view.
  if (umin_ == umax_) *this = constant(umin_);
  else if (smin_ == smax_) *this = constant(static_cast<uint64_t>(smin_));
}

bool operator==(const Scalar& a, const Scalar& b) {
  if (a.bottom_ || b.bottom_) return a.bottom_ == b.bottom_;
  return a.smin_ == b.smin_ && a.smax_ == b.smax_ && a.umin_ == b.umin_ && a.umax_ == b.umax_ &&
         a.tnum_ == b.tnum_;
}

bool Scalar::leq(const Scalar& o) const {
  if (bottom_) return true;
  if (o.bottom_) return false;
  return o.smin_ <= smin_ && smax_ <= o.smax_ && o.umin_ <= umin_ && umax_ <= o.umax_ &&
         tnum_.leq(o.tnum_);
}

Scalar Scalar::join(const Scalar& o) const {
  if (bottom_) return o;
  if (o.bottom_) return *this;
  Scalar r;
  r.smin_ = std::min(smin_, o.smin_);
  r.smax_ = std::max(smax_, o.smax_);
  r.umin_ = std::min(umin_, o.umin_);
  r.umax_ = std::max(umax_, o.umax_);
  r.tnum_ = tnum_.join(o.tnum_);
  r.normalize();
  return r;
}

Scalar Scalar::meet(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  Scalar r;
  r.smin_ = std::max(smin_, o.smin_);
  r.smax_ = std::min(smax_, o.smax_);
  r.umin_ = std::max(umin_, o.umin_);
  r.umax_ = std::min(umax_, o.umax_);
  bool empty = false;
  r.tnum_ = tnum_.meet(o.tnum_, empty);
  if (empty || r.smin_ > r.smax_ || r.umin_ > r.umax_) return bottom();
  r.normalize();
  return r;
}

Scalar Scalar::meet_signed(const Interval& i) const {
  if (i.is_bottom()) return bottom();
  return meet(signed_range(i.lo(), i.hi()));
}

Scalar Scalar::widen(const Scalar& newer, std::span<const int64_t> thresholds) const {
  if (bottom_) return newer;
  if (newer.bottom_) return *this;
  Scalar r;
  const Interval s = Interval(smin_, smax_).widen(Interval(newer.smin_, newer.smax_), thresholds);
  r.smin_ = s.lo();
  r.smax_ = s.hi();
  r.umin_ = umin_;
  r.umax_ = umax_;
  if (newer.umin_ < umin_) {
    r.umin_ = 0;
    auto it = std::upper_bound(thresholds.begin(), thresholds.end(),
                               static_cast<int64_t>(std::min<uint64_t>(newer.umin_, INT64_MAX)));
    if (it != thresholds.begin() && *(it - 1) >= 0) r.umin_ = static_cast<uint64_t>(*(it - 1));
  }
  if (newer.umax_ > umax_) {
    r.umax_ = UINT64_MAX;
    if (newer.umax_ <= static_cast<uint64_t>(INT64_MAX)) {
      auto it = std::lower_bound(thresholds.begin(), thresholds.end(),
                                 static_cast<int64_t>(newer.umax_));
      if (it != thresholds.end()) r.umax_ = static_cast<uint64_t>(*it);
    }
  }
  // Known bits alone form a finite lattice, but letting them re-tighten a
  // widened bound would climb one bit per iteration. When a bound moves,
  // keep only the common known low bits (alignment).
  const Tnum joined = tnum_.join(newer.tnum_);
  const bool moved = r.smin_ != smin_ || r.smax_ != smax_ || r.umin_ != umin_ || r.umax_ != umax_;
  if (moved) {
    const unsigned low = static_cast<unsigned>(std::countr_zero(joined.mask()));
    const uint64_t low_mask = low >= 64 ? ~0ull : (1ull << low) - 1;
    r.tnum_ = Tnum::make(joined.value() & low_mask, ~low_mask);
  } else {
    r.tnum_ = joined;
  }
  r.normalize();
  return r;
}

Scalar Scalar::narrow(const Scalar& newer) const {
  if (bottom_ || newer.bottom_) return bottom();
  Scalar r = *this;
  if (r.smin_ == INT64_MIN) r.smin_ = newer.smin_;
  if (r.smax_ == INT64_MAX) r.smax_ = newer.smax_;
  if (r.umin_ == 0) r.umin_ = newer.umin_;
  if (r.umax_ == UINT64_MAX) r.umax_ = newer.umax_;
  r.normalize();
  return r;
}

// ----------------------------------------------------------------- arithmetic

Scalar Scalar::add(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  Scalar r;
  auto lo = checked_add(smin_, o.smin_);
  auto hi = checked_add(smax_, o.smax_);
  if (lo && hi) {
    r.smin_ = *lo;
    r.smax_ = *hi;
  }
  uint64_t ulo;
  uint64_t uhi;
  const bool lo_wraps = __builtin_add_overflow(umin_, o.umin_, &ulo);
  const bool hi_wraps = __builtin_add_overflow(umax_, o.umax_, &uhi);
  if (lo_wraps == hi_wraps) {  // both wrap or neither: the range stays contiguous
    r.umin_ = ulo;
    r.umax_ = uhi;
  }
  r.tnum_ = tnum_.add(o.tnum_);
  r.normalize();
  return r;
}

Scalar Scalar::sub(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  Scalar r;
  auto lo = checked_sub(smin_, o.smax_);
  auto hi = checked_sub(smax_, o.smin_);
  if (lo && hi) {
    r.smin_ = *lo;
    r.smax_ = *hi;
  }
  const bool lo_wraps = umin_ < o.umax_;
  const bool hi_wraps = umax_ < o.umin_;
  if (lo_wraps == hi_wraps) {
    r.umin_ = umin_ - o.umax_;
    r.umax_ = umax_ - o.umin_;
  }
  r.tnum_ = tnum_.sub(o.tnum_);
  r.normalize();
  return r;
}

Scalar Scalar::mul(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  if (is_constant() && o.is_constant()) return constant(umin_ * o.umin_);
  Scalar r;
  uint64_t uhi;
  if (!__builtin_mul_overflow(umax_, o.umax_, &uhi)) {
    r.umin_ = umin_ * o.umin_;
    r.umax_ = uhi;
  }
  const auto c1 = checked_mul(smin_, o.smin_);
  const auto c2 = checked_mul(smin_, o.smax_);
  const auto c3 = checked_mul(smax_, o.smin_);
  const auto c4 = checked_mul(smax_, o.smax_);
  if (c1 && c2 && c3 && c4) {
    r.smin_ = std::min({*c1, *c2, *c3, *c4});
    r.smax_ = std::max({*c1, *c2, *c3, *c4});
  }
  r.tnum_ = tnum_.mul(o.tnum_);
  r.normalize();
  return r;
}

Scalar Scalar::udiv(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  if (o.umax_ == 0) return constant(0);
  if (is_constant() && o.is_constant()) return constant(umin_ / o.umin_);
  const uint64_t divisor_min = std::max<uint64_t>(o.umin_, 1);
  Scalar r = unsigned_range(o.umin_ == 0 ? 0 : umin_ / o.umax_, umax_ / divisor_min);
  return r;
}

Scalar Scalar::sdiv(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  if (is_constant() && o.is_constant())
    return constant(static_cast<uint64_t>(
        bpf_sdiv(static_cast<int64_t>(umin_), static_cast<int64_t>(o.umin_))));
  // Over each sign of the divisor, C's truncating division is monotone in
  // both operands, so the corners bound the result; INT64_MIN / -1 wraps.
  Scalar result = bottom();
  auto corners = [&](int64_t dlo, int64_t dhi) {
    if (dlo > dhi) return;
    if (smin_ == INT64_MIN && dlo <= -1 && -1 <= dhi) {
      result = top();
      return;
    }
    const int64_t c[4] = {smin_ / dlo, smin_ / dhi, smax_ / dlo, smax_ / dhi};
    result = result.join(signed_range(*std::min_element(c, c + 4), *std::max_element(c, c + 4)));
  };
  corners(std::max<int64_t>(o.smin_, 1), o.smax_);
  corners(o.smin_, std::min<int64_t>(o.smax_, -1));
  if (o.contains(0)) result = result.join(constant(0));
  return result;
}

Scalar Scalar::umod(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  if (o.umax_ == 0) return *this;
  if (is_constant() && o.is_constant()) return constant(umin_ % o.umin_);
  if (o.umin_ > umax_) return *this;  // the dividend is always smaller
  if (o.umin_ == 0) return unsigned_range(0, umax_);  // x % 0 = x, else < divisor
  return unsigned_range(0, std::min(umax_, o.umax_ - 1));
}

Scalar Scalar::smod(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  if (is_constant() && o.is_constant())
    return constant(static_cast<uint64_t>(
        bpf_smod(static_cast<int64_t>(umin_), static_cast<int64_t>(o.umin_))));
  // |x % y| < |y| and the result has the dividend's sign (or is 0).
  const uint64_t mag_lo = o.smin_ == INT64_MIN ? kSignBit : static_cast<uint64_t>(o.smin_ < 0 ? -o.smin_ : o.smin_);
  const uint64_t mag_hi = o.smax_ == INT64_MIN ? kSignBit : static_cast<uint64_t>(o.smax_ < 0 ? -o.smax_ : o.smax_);
  const uint64_t max_mag = std::max(mag_lo, mag_hi);  // |divisor| <= max_mag
  const int64_t bound = max_mag == 0 ? 0 : static_cast<int64_t>(std::min<uint64_t>(max_mag - 1, INT64_MAX));
  Scalar r = signed_range(std::max<int64_t>(std::min<int64_t>(smin_, 0), -bound),
                          std::min<int64_t>(std::max<int64_t>(smax_, 0), bound));
  if (o.contains(0)) r = r.join(*this);
  return r;
}

Scalar Scalar::bit_and(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  Scalar r = from_tnum(tnum_.bit_and(o.tnum_));
  return r.meet(unsigned_range(0, std::min(umax_, o.umax_)));
}

Scalar Scalar::bit_or(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  Scalar r = from_tnum(tnum_.bit_or(o.tnum_));
  return r.meet(unsigned_range(std::max(umin_, o.umin_), UINT64_MAX));
}

Scalar Scalar::bit_xor(const Scalar& o) const {
  if (bottom_ || o.bottom_) return bottom();
  return from_tnum(tnum_.bit_xor(o.tnum_));
}

Scalar Scalar::lsh(const Scalar& count) const {
  if (bottom_ || count.bottom_) return bottom();
  const Scalar c = count.bit_and(constant(63));
  Tnum t = Tnum::constant(0);
  bool first = true;
  for (uint64_t s = c.umin_; s <= c.umax_; ++s) {
    if (!c.contains(s)) continue;
    t = first ? tnum_.lsh(static_cast<unsigned>(s)) : t.join(tnum_.lsh(static_cast<unsigned>(s)));
    first = false;
  }
  Scalar r = from_tnum(t);
  const auto smax_shift = static_cast<unsigned>(c.umax_);
  if (smax_shift < 64 && (umax_ >> (63 - smax_shift)) == 0 && umax_ <= (UINT64_MAX >> smax_shift)) {
    r = r.meet(unsigned_range(umin_ << c.umin_, umax_ << smax_shift));
  }
  return r;
}

Scalar Scalar::rsh(const Scalar& count) const {
  if (bottom_ || count.bottom_) return bottom();
  const Scalar c = count.bit_and(constant(63));
  Tnum t = Tnum::constant(0);
  bool first = true;
  for (uint64_t s = c.umin_; s <= c.umax_; ++s) {
    if (!c.contains(s)) continue;
    t = first ? tnum_.rsh(static_cast<unsigned>(s)) : t.join(tnum_.rsh(static_cast<unsigned>(s)));
    first = false;
  }
  Scalar r = from_tnum(t);
  return r.meet(unsigned_range(umin_ >> c.umax_, umax_ >> c.umin_));
}

Scalar Scalar::arsh(const Scalar& count) const {
  if (bottom_ || count.bottom_) return bottom();
  const Scalar c = count.bit_and(constant(63));
  Tnum t = Tnum::constant(0);
  bool first = true;
  for (uint64_t s = c.umin_; s <= c.umax_; ++s) {
    if (!c.contains(s)) continue;
    const Tnum shifted = tnum_.arsh(static_cast<unsigned>(s), 64);
    t = first ? shifted : t.join(shifted);
    first = false;
  }
  Scalar r = from_tnum(t);
  const auto lo_shift = static_cast<unsigned>(c.umin_);
  const auto hi_shift = static_cast<unsigned>(c.umax_);
  const int64_t lo = std::min(smin_ >> lo_shift, smin_ >> hi_shift);
  const int64_t hi = std::max(smax_ >> lo_shift, smax_ >> hi_shift);
  return r.meet(signed_range(lo, hi));
}

Scalar Scalar::neg() const { return constant(0).sub(*this); }

Scalar Scalar::truncate(unsigned bytes) const {
  if (bottom_ || bytes >= 8) return *this;
  const unsigned bits = bytes * 8;
  const uint64_t limit = 1ull << bits;
  if (umax_ < limit) return *this;
  Scalar r = from_tnum(tnum_.truncate(bytes));
  // A range narrower than 2^bits whose ends land in order stays contiguous.
  if (umax_ - umin_ < limit && (umin_ & (limit - 1)) <= (umax_ & (limit - 1)))
    r = r.meet(unsigned_range(umin_ & (limit - 1), umax_ & (limit - 1)));
  // The same through the signed view (e.g. [-1, 1] truncated).
  else if (static_cast<uint64_t>(smax_) - static_cast<uint64_t>(smin_) < limit &&
           (static_cast<uint64_t>(smin_) & (limit - 1)) <= (static_cast<uint64_t>(smax_) & (limit - 1)))
    r = r.meet(unsigned_range(static_cast<uint64_t>(smin_) & (limit - 1),
                              static_cast<uint64_t>(smax_) & (limit - 1)));
  return r;
}

Scalar Scalar::sign_extend(unsigned bits) const {
  if (bottom_ || bits >= 64) return *this;
  const Scalar low = truncate(bits / 8);
  const uint64_t half = 1ull << (bits - 1);
  if (low.umax_ < half) return low;  // sign bit clear: unchanged
  Scalar r = from_tnum(low.tnum_.sign_extend(bits));
  if (low.umin_ >= half) {
    // All negative: subtract 2^bits.
    const int64_t lo = static_cast<int64_t>(low.umin_) - static_cast<int64_t>(half << 1);
    const int64_t hi = static_cast<int64_t>(low.umax_) - static_cast<int64_t>(half << 1);
    return r.meet(signed_range(lo, hi));
  }
  return r.meet(signed_range(-static_cast<int64_t>(half), static_cast<int64_t>(half - 1)));
}

Scalar Scalar::byte_swap(unsigned bytes) const {
  if (bottom_) return *this;
  return from_tnum(truncate(bytes).tnum_.byte_swap(bytes));
}

Scalar Scalar::alu64(Op op, const Scalar& a, const Scalar& b) {
  switch (op) {
    case Op::kAdd: return a.add(b);
    case Op::kSub: return a.sub(b);
    case Op::kMul: return a.mul(b);
    case Op::kDiv: return a.udiv(b);
    case Op::kSdiv: return a.sdiv(b);
    case Op::kMod: return a.umod(b);
    case Op::kSmod: return a.smod(b);
    case Op::kAnd: return a.bit_and(b);
    case Op::kOr: return a.bit_or(b);
    case Op::kXor: return a.bit_xor(b);
    case Op::kLsh: return a.lsh(b);
    case Op::kRsh: return a.rsh(b);
    case Op::kArsh: return a.arsh(b);
    case Op::kMov: return b;
  }
  return top();
}

Scalar Scalar::alu32(Op op, const Scalar& a, const Scalar& b) {
  const Scalar a32 = a.truncate(4);
  const Scalar b32 = b.truncate(4);
  switch (op) {
    case Op::kSdiv: return a32.sign_extend(32).sdiv(b32.sign_extend(32)).truncate(4);
    case Op::kSmod: return a32.sign_extend(32).smod(b32.sign_extend(32)).truncate(4);
    case Op::kArsh:
      return a32.sign_extend(32).arsh(b32.bit_and(constant(31))).truncate(4);
    case Op::kLsh: return a32.lsh(b32.bit_and(constant(31))).truncate(4);
    case Op::kRsh: return a32.rsh(b32.bit_and(constant(31)));
    default: return alu64(op, a32, b32).truncate(4);
  }
}

// -------------------------------------------------------------- comparisons

void Scalar::refine64(Cmp cmp, Scalar& a, Scalar& b) {
  if (a.bottom_ || b.bottom_) {
    a = b = bottom();
    return;
  }
  switch (cmp) {
    case Cmp::kEq: {
      a = b = a.meet(b);
      return;
    }
    case Cmp::kNe: {
      // Only a constant removes something: an end of the other's range.
      auto drop = [](Scalar& x, uint64_t c) {
        if (x.is_constant() && x.umin_ == c) {
          x = bottom();
          return;
        }
        if (x.umin_ == c) x.umin_ = c + 1;
        else if (x.umax_ == c) x.umax_ = c - 1;
        const auto sc = static_cast<int64_t>(c);
        if (x.smin_ == sc) x.smin_ = sc + 1;
        else if (x.smax_ == sc) x.smax_ = sc - 1;
        x.normalize();
      };
      if (b.is_constant()) drop(a, b.umin_);
      else if (a.is_constant()) drop(b, a.umin_);
      return;
    }
    case Cmp::kLt:
      if (b.umax_ == 0 || a.umin_ == UINT64_MAX) {
        a = b = bottom();
        return;
      }
      a.umax_ = std::min(a.umax_, b.umax_ - 1);
      b.umin_ = std::max(b.umin_, a.umin_ + 1);
      break;
    case Cmp::kLe:
      a.umax_ = std::min(a.umax_, b.umax_);
      b.umin_ = std::max(b.umin_, a.umin_);
      break;
    case Cmp::kGt: refine64(Cmp::kLt, b, a); return;
    case Cmp::kGe: refine64(Cmp::kLe, b, a); return;
    case Cmp::kSlt:
      if (b.smax_ == INT64_MIN || a.smin_ == INT64_MAX) {
        a = b = bottom();
        return;
      }
      a.smax_ = std::min(a.smax_, b.smax_ - 1);
      b.smin_ = std::max(b.smin_, a.smin_ + 1);
      break;
    case Cmp::kSle:
      a.smax_ = std::min(a.smax_, b.smax_);
      b.smin_ = std::max(b.smin_, a.smin_);
      break;
    case Cmp::kSgt: refine64(Cmp::kSlt, b, a); return;
    case Cmp::kSge: refine64(Cmp::kSle, b, a); return;
    case Cmp::kSet:
      if (b.is_constant()) {
        const uint64_t bits = b.umin_;
        if ((a.tnum_.max() & bits) == 0) {
          a = b = bottom();
          return;
        }
        if ((bits & (bits - 1)) == 0) {  // one bit: it is set
          bool empty = false;
          a.tnum_ = a.tnum_.meet(Tnum::make(bits, ~bits), empty);
          if (empty) {
            a = b = bottom();
            return;
          }
        }
        if (a.umin_ == 0) a.umin_ = 1;  // something is set: not zero
      }
      break;
    case Cmp::kNotSet:
      if (b.is_constant()) {
        const uint64_t bits = b.umin_;
        bool empty = false;
        a.tnum_ = a.tnum_.meet(Tnum::make(0, ~bits), empty);
        if (empty) {
          a = b = bottom();
          return;
        }
      }
      break;
  }
  if (a.smin_ > a.smax_ || a.umin_ > a.umax_ || b.smin_ > b.smax_ || b.umin_ > b.umax_) {
    a = b = bottom();
    return;
  }
  a.normalize();
  b.normalize();
  if (a.bottom_ || b.bottom_) a = b = bottom();
}

namespace {

// Puts a refined low half back into a 64-bit value: exact when the high half
// is known, only the low bits otherwise.
Scalar merge_low32(const Scalar& full, const Scalar& low) {
  if (low.is_bottom()) return Scalar::bottom();
  const Scalar low_zext = low.truncate(4);
  const Tnum high = full.tnum().high32();
  if (high.is_constant()) {
    const Scalar rebuilt = Scalar::constant(high.value() << 32).add(low_zext);
    return full.meet(rebuilt);
  }
  const Tnum lt = low_zext.tnum();
  return full.meet(Scalar::from_tnum(Tnum::make(lt.value(), lt.mask() | 0xffffffff00000000ull)));
}

}  // namespace

void Scalar::refine(Cmp cmp, bool is32, Scalar& a, Scalar& b) {
  if (!is32) {
    refine64(cmp, a, b);
    return;
  }
  Scalar a32 = a.truncate(4);
  Scalar b32 = b.truncate(4);
  if (is_signed(cmp)) {
    a32 = a32.sign_extend(32);
    b32 = b32.sign_extend(32);
  }
  refine64(cmp, a32, b32);
  if (a32.is_bottom() || b32.is_bottom()) {
    a = b = bottom();
    return;
  }
  a = merge_low32(a, a32);
  b = merge_low32(b, b32);
  if (a.is_bottom() || b.is_bottom()) a = b = bottom();
}

int Scalar::decide(Cmp cmp, bool is32, const Scalar& a, const Scalar& b) {
  Scalar ta = a;
  Scalar tb = b;
  refine(cmp, is32, ta, tb);
  if (ta.is_bottom()) return 0;
  Scalar fa = a;
  Scalar fb = b;
  refine(negate(cmp), is32, fa, fb);
  if (fa.is_bottom()) return 1;
  return -1;
}

std::string Scalar::to_string() const {
  if (bottom_) return "bottom";
  if (is_constant()) return fmt::format("{}", static_cast<int64_t>(umin_));
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += ", ";
    out += part;
  };
  if (smin_ != INT64_MIN || smax_ != INT64_MAX) add(fmt::format("s=[{}, {}]", smin_, smax_));
  if (umin_ != 0 || umax_ != UINT64_MAX) add(fmt::format("u=[{}, {}]", umin_, umax_));
  if (!tnum_.is_unknown() && !(Tnum::range(umin_, umax_) == tnum_)) add("bits=" + tnum_.to_string());
  if (out.empty()) return "any";
  return "{" + out + "}";
}

}  // namespace sandbpf::verifier
