#include "verifier/state.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace sandbpf::verifier {

VarMeaning var_meaning(const RegValue& v) {
  if (v.is_bottom() || v.maybe_uninit()) return VarMeaning::kNone;
  if ((v.regions & kOffsetRegions) != 0) {
    // A pointer, possibly null: the offset. Mixed with other numbers: none.
    if (v.has(Region::kNumber) && !v.maybe_null_pointer()) return VarMeaning::kNone;
    if ((v.regions & (bit(Region::kMapPointer) | bit(Region::kFunction))) != 0) return VarMeaning::kNone;
    if (!v.single_offset_region()) return VarMeaning::kNone;  // offsets of several regions
    return VarMeaning::kOffset;
  }
  if (v.is_number()) return VarMeaning::kNumber;
  return VarMeaning::kNone;
}

namespace {

Interval meaning_interval(const RegValue& v) {
  switch (var_meaning(v)) {
    case VarMeaning::kOffset: return v.off(*v.single_offset_region());
    case VarMeaning::kNumber: return v.num.signed_interval();
    case VarMeaning::kNone: break;
  }
  return Interval::top();
}

bool is_register_var(VarId v) { return v >= register_var(0, 0) && v < slot_var(0, 0); }
bool is_slot_var(VarId v) { return v >= slot_var(0, 0) && v < scaled_var(0, 0, 0); }
bool is_scaled_var(VarId v) { return v >= scaled_var(0, 0, 0) && v < counter_var(0); }
bool is_counter_var(VarId v) { return v >= counter_var(0); }

// The register variable a scaled variable multiplies, and by how much.
VarId scaled_base(VarId v) {
  const unsigned i = (v - scaled_var(0, 0, 0)) / kScaleCount;
  return register_var(i / 16, i % 16);
}
int64_t scaled_factor(VarId v) { return scale_factor((v - scaled_var(0, 0, 0)) % kScaleCount); }
unsigned scaled_frame(VarId v) { return (v - scaled_var(0, 0, 0)) / kScaleCount / 16; }
// Register variable v's twin of scale index k.
VarId twin(VarId v, unsigned k) {
  const unsigned i = v - register_var(0, 0);
  return scaled_var(i / 16, i % 16, k);
}

// a * f for a bound, saturating at the infinities.
int64_t scale_bound(int64_t a, int64_t f, bool upper) {
  if (a == kMinusInf || a == kPlusInf) return a;
  int64_t r;
  if (__builtin_mul_overflow(a, f, &r) || r == kMinusInf || r == kPlusInf) return upper ? kPlusInf : kMinusInf;
  return r;
}

Interval scale_interval(const Interval& i, int64_t f) {
  if (i.is_bottom()) return i;
  return Interval(scale_bound(i.lo(), f, false), scale_bound(i.hi(), f, true));
}

// The values x with f * x in i (f > 0): [ceil(lo / f), floor(hi / f)].
Interval unscale_interval(const Interval& i, int64_t f) {
  if (i.is_bottom()) return i;
  auto floor_div = [f](int64_t a) { return a / f - ((a % f != 0 && a < 0) ? 1 : 0); };
  auto ceil_div = [f](int64_t a) { return a / f + ((a % f != 0 && a > 0) ? 1 : 0); };
  const int64_t lo = i.lo() == kMinusInf ? kMinusInf : ceil_div(i.lo());
  const int64_t hi = i.hi() == kPlusInf ? kPlusInf : floor_div(i.hi());
  return Interval(lo, hi);
}

}  // namespace

namespace {

// The variables a zone mentions, sorted, each once.
std::vector<VarId> zone_vars(const Zone& z) {
  std::vector<VarId> vars;
  vars.reserve(2 * z.edges().size());
  for (const auto& e : z.edges()) {
    vars.push_back(e.x);
    vars.push_back(e.y);
  }
  std::sort(vars.begin(), vars.end());
  vars.erase(std::unique(vars.begin(), vars.end()), vars.end());
  return vars;
}

// A state's intervals, each variable's computed at most once (reduce and
// join look the same few variables up for every edge). Open addressing on
// the 16-bit ids, kept at most half full.
class IntervalMemo {
 public:
  IntervalMemo(const State& s, size_t expected) : s_(s) { rehash(expected); }
  Interval operator()(VarId v) {
    size_t h = slot_of(v);
    while (keys_[h] != kEmpty) {
      if (keys_[h] == v) return values_[h];
      h = (h + 1) & mask_;
    }
    const Interval i = s_.interval_of(v);
    keys_[h] = v;
    values_[h] = i;
    if (2 * ++count_ > keys_.size()) rehash(2 * count_);
    return i;
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  size_t slot_of(VarId v) const { return (v * size_t{0x9E3779B1}) >> 7 & mask_; }
  void rehash(size_t expected) {
    size_t cap = 16;
    while (cap < 2 * expected) cap <<= 1;
    std::vector<uint32_t> keys(cap, kEmpty);
    std::vector<Interval> values(cap);
    mask_ = cap - 1;
    for (size_t j = 0; j < keys_.size(); ++j) {
      if (keys_[j] == kEmpty) continue;
      size_t h = slot_of(static_cast<VarId>(keys_[j]));
      while (keys[h] != kEmpty) h = (h + 1) & mask_;
      keys[h] = keys_[j];
      values[h] = values_[j];
    }
    keys_ = std::move(keys);
    values_ = std::move(values);
  }
  const State& s_;
  std::vector<uint32_t> keys_;
  std::vector<Interval> values_;
  size_t mask_ = 0;
  size_t count_ = 0;
};

}  // namespace

State State::entry(uint32_t stack_size) {
  State s;
  s.bottom_ = false;
  s.frames_.emplace_back(stack_size);
  s.regs_[10] = RegValue::stack_pointer(0, 0);
  return s;
}

const RegValue* State::value_of(VarId v) const {
  if (is_register_var(v)) {
    const unsigned d = (v - register_var(0, 0)) / 16;
    const unsigned r = (v - register_var(0, 0)) % 16;
    if (d >= frames_.size() || r >= 10) return nullptr;
    return d == depth() ? &regs_[r] : &frames_[d].saved[r];
  }
  if (is_slot_var(v)) {
    const unsigned d = (v - slot_var(0, 0)) / 1024;
    const unsigned s = (v - slot_var(0, 0)) % 1024;
    if (d >= frames_.size()) return nullptr;
    const auto* cell = frames_[d].stack.cell_at(-8 * static_cast<int64_t>(s + 1), 8);
    return cell ? &cell->value : nullptr;
  }
  return nullptr;
}

RegValue* State::value_of(VarId v) {
  if (is_slot_var(v)) {
    // The stack's cells may be shared with other states: the non-const
    // lookup gives this state's own copy.
    const unsigned d = (v - slot_var(0, 0)) / 1024;
    const unsigned s = (v - slot_var(0, 0)) % 1024;
    if (d >= frames_.size()) return nullptr;
    auto* cell = frames_[d].stack.cell_at(-8 * static_cast<int64_t>(s + 1), 8);
    return cell ? &cell->value : nullptr;
  }
  return const_cast<RegValue*>(static_cast<const State*>(this)->value_of(v));
}

VarMeaning State::meaning_of(VarId v) const {
  if (v == kPacketSizeVar || v == kMetaOffsetVar || is_counter_var(v)) return VarMeaning::kNumber;
  // A scaled twin stands for something only while its register holds a number.
  if (is_scaled_var(v)) return meaning_of(scaled_base(v)) == VarMeaning::kNumber ? VarMeaning::kNumber : VarMeaning::kNone;
  const RegValue* value = value_of(v);
  return value ? var_meaning(*value) : VarMeaning::kNone;
}

Interval State::interval_of(VarId v) const {
  if (v == kPacketSizeVar) return packet_size_;
  if (v == kMetaOffsetVar) return meta_offset_;
  if (is_counter_var(v)) {
    auto it = std::lower_bound(counters_.begin(), counters_.end(), v,
                               [](const auto& c, VarId id) { return c.first < id; });
    return (it != counters_.end() && it->first == v) ? it->second : Interval::top();
  }
  if (is_scaled_var(v)) {
    if (meaning_of(v) != VarMeaning::kNumber) return Interval::top();
    return scale_interval(interval_of(scaled_base(v)), scaled_factor(v));
  }
  const RegValue* value = value_of(v);
  return value ? meaning_interval(*value) : Interval::top();
}

void State::set_interval(VarId v, const Interval& i) {
  if (bottom_) return;
  auto fail = [this]() { set_bottom(); };
  if (v == kPacketSizeVar) {
    packet_size_ = packet_size_.meet(i);
    if (packet_size_.is_bottom()) fail();
    return;
  }
  if (v == kMetaOffsetVar) {
    meta_offset_ = meta_offset_.meet(i);
    if (meta_offset_.is_bottom()) fail();
    return;
  }
  if (is_counter_var(v)) {
    for (auto& c : counters_) {
      if (c.first != v) continue;
      c.second = c.second.meet(i);
      if (c.second.is_bottom()) fail();
    }
    return;
  }
  if (is_scaled_var(v)) {
    if (meaning_of(v) == VarMeaning::kNumber) set_interval(scaled_base(v), unscale_interval(i, scaled_factor(v)));
    return;
  }
  RegValue* value = value_of(v);
  if (value == nullptr) return;
  switch (var_meaning(*value)) {
    case VarMeaning::kOffset: {
      const Region r = *value->single_offset_region();
      const Interval o = value->off(r).meet(i);
      value->set_off(r, o);
      if (o.is_bottom()) fail();
      break;
    }
    case VarMeaning::kNumber:
      value->num = value->num.meet_signed(i);
      if (value->num.is_bottom()) fail();
      break;
    case VarMeaning::kNone: break;
  }
}

void State::set(unsigned r, const RegValue& v) {
  regs_[r] = v;
  if (r < 10) forget_var(var(r));
}

void State::copy_reg(unsigned dst, unsigned src) {
  if (dst == src) return;
  regs_[dst] = regs_[src];
  if (dst >= 10) return;
  if (src < 10 && var_meaning(regs_[src]) != VarMeaning::kNone) copy_var(var(dst), var(src));
  else forget_var(var(dst));
}

void State::forget_var(VarId v) {
  if (!is_register_var(v)) {
    zone_.forget(v);
    return;
  }
  const std::array<VarId, 1 + kScaleCount> all{v, twin(v, 0), twin(v, 1), twin(v, 2)};
  zone_.forget(all);
}

void State::shift_var(VarId v, int64_t lo, int64_t hi) {
  if (!is_register_var(v)) {
    zone_.shift(v, lo, hi);
    return;
  }
  std::vector<Zone::Shift> shifts;
  std::vector<VarId> dropped;
  if (lo == kMinusInf || hi == kPlusInf) zone_.shift(v, lo, hi);  // keeps the side that stays bounded
  else shifts.push_back({v, lo, hi});
  for (unsigned k = 0; k < kScaleCount; ++k) {
    const int64_t f = scale_factor(k);
    const int64_t slo = scale_bound(lo, f, false);
    const int64_t shi = scale_bound(hi, f, true);
    if (slo == kMinusInf || shi == kPlusInf) dropped.push_back(twin(v, k));
    else shifts.push_back({twin(v, k), slo, shi});
  }
  zone_.forget(dropped);
  zone_.shift(shifts);
}

void State::copy_var(VarId to, VarId from) {
  if (to == from) return;
  zone_.copy(to, from);
  if (!is_register_var(to)) return;
  const std::array<VarId, kScaleCount> to_twins{twin(to, 0), twin(to, 1), twin(to, 2)};
  zone_.forget(to_twins);
  if (!is_register_var(from) || meaning_of(from) != VarMeaning::kNumber || !has_twins()) return;
  for (unsigned k = 0; k < kScaleCount; ++k) {
    // Only twins that say something are copied (an equality between two
    // unconstrained twins would only cost time).
    if (zone_.mentions(twin(from, k))) zone_.copy(twin(to, k), twin(from, k));
  }
}

bool State::has_twins() const { return zone_.any_from(scaled_var(0, 0, 0), counter_var(0)); }

void State::assign_quotient(unsigned r, unsigned k, const RegValue& value) {
  const VarId x = var(r);
  const VarId t = twin(x, k - 1);
  // t := old x + [-(2^k - 1), 0], then x and its other twins start afresh.
  zone_.assign(t, x, 0);
  zone_.shift(t, -(scale_factor(k - 1) - 1), 0);
  zone_.forget(x);
  for (unsigned j = 0; j < kScaleCount; ++j) {
    if (j != k - 1) zone_.forget(twin(x, j));
  }
  regs_[r] = value;
  reduce();
}

void State::assign_product(unsigned r, unsigned k, const RegValue& value) {
  const VarId x = var(r);
  zone_.assign(x, twin(x, k - 1), 0);
  for (unsigned j = 0; j < kScaleCount; ++j) zone_.forget(twin(x, j));
  regs_[r] = value;
  reduce();
}

void State::add_constraint(VarId x, VarId y, int64_t c) {
  if (bottom_) return;
  if (!zone_.add(x, y, c)) {
    set_bottom();
    return;
  }
  // Between two numbers, f * x - f * y <= f * c too (their twins).
  // Only while some twin has relations: the scaled relations cost time, and
  // without any twin relation they could not connect to anything.
  if (is_register_var(x) && is_register_var(y) && has_twins() && meaning_of(x) == VarMeaning::kNumber &&
      meaning_of(y) == VarMeaning::kNumber) {
    for (unsigned k = 0; k < kScaleCount; ++k) {
      const int64_t fc = scale_bound(c, scale_factor(k), true);
      if (fc == kPlusInf || fc == kMinusInf) continue;
      if (!zone_.add(twin(x, k), twin(y, k), fc)) {
        set_bottom();
        return;
      }
    }
  }
  reduce();
}

void State::reduce() {
  if (bottom_ || zone_.empty()) return;
  // Closed relations: one pass from the current intervals is exact.
  struct Update {
    VarId v;
    Interval i;
  };
  std::vector<Update> updates;
  updates.reserve(2 * zone_.edges().size());
  IntervalMemo interval(*this, zone_.edges().size());
  for (const auto& e : zone_.edges()) {
    const Interval ix = interval(e.x);
    const Interval iy = interval(e.y);
    // x <= y + c  and  y >= x - c. A bound the variable's interval already
    // meets changes nothing (intervals only shrink here): most do, and
    // meeting a register's value costs a normalization.
    if (iy.hi() != kPlusInf) {
      const int64_t hi = bound_add(iy.hi(), e.c);
      if (ix.is_bottom() || ix.hi() > hi) updates.push_back({e.x, Interval(kMinusInf, hi)});
    }
    if (ix.lo() != kMinusInf) {
      const int64_t lo = bound_sub(ix.lo(), e.c);
      if (iy.is_bottom() || iy.lo() < lo) updates.push_back({e.y, Interval(lo, kPlusInf)});
    }
  }
  for (const auto& u : updates) {
    set_interval(u.v, u.i);
    if (bottom_) return;
  }
}

void State::counter_reset(unsigned loop) {
  for (const VarId v : {counter_var(loop), negated_counter_var(loop)}) {
    zone_.forget(v);
    auto it = std::lower_bound(counters_.begin(), counters_.end(), v,
                               [](const auto& c, VarId id) { return c.first < id; });
    if (it != counters_.end() && it->first == v) it->second = Interval::constant(0);
    else counters_.insert(it, {v, Interval::constant(0)});
  }
}

void State::counter_increment(unsigned loop) {
  for (auto& c : counters_) {
    const int64_t step = c.first == counter_var(loop) ? 1 : c.first == negated_counter_var(loop) ? -1 : 0;
    if (step == 0) continue;
    c.second = c.second.add(Interval::constant(step));
    zone_.shift(c.first, step, step);
  }
}

Interval State::counter(unsigned loop) const {
  return interval_of(counter_var(loop)).meet(interval_of(negated_counter_var(loop)).neg());
}

void State::acquire(uint32_t id, uint32_t pc) {
  auto it = std::lower_bound(refs_.begin(), refs_.end(), id, [](const auto& r, uint32_t v) { return r.first < v; });
  if (it != refs_.end() && it->first == id) it->second = pc;
  else refs_.insert(it, {id, pc});
}

void State::release(uint32_t id) {
  std::erase_if(refs_, [id](const auto& r) { return r.first == id; });
}

void State::push_frame(uint32_t stack_size) {
  const unsigned d = depth();
  frames_[d].saved.assign(regs_.begin(), regs_.begin() + 10);
  frames_.emplace_back(stack_size);
  const unsigned nd = d + 1;
  for (unsigned r = 0; r < 10; ++r) {
    const VarId callee = register_var(nd, r);
    forget_var(callee);
    if (r >= 1 && r <= 5) {
      if (var_meaning(regs_[r]) != VarMeaning::kNone) copy_var(callee, register_var(d, r));
    } else {
      regs_[r] = RegValue::uninit();
    }
  }
  regs_[10] = RegValue::stack_pointer(static_cast<uint8_t>(nd), 0);
}

void State::pop_frame() {
  const unsigned d = depth();
  const unsigned caller = d - 1;
  for (unsigned r = 0; r < 10; ++r) regs_[r] = frames_[caller].saved[r];
  frames_.pop_back();
  frames_[caller].saved.clear();
  regs_[10] = RegValue::stack_pointer(static_cast<uint8_t>(caller), 0);
  // Forget the callee's variables.
  std::vector<VarId> dead;
  for (const auto& e : zone_.edges()) {
    for (VarId v : {e.x, e.y}) {
      const size_t alive = frames_.size();
      if ((is_register_var(v) && static_cast<size_t>((v - register_var(0, 0)) / 16) >= alive) ||
          (is_slot_var(v) && static_cast<size_t>((v - slot_var(0, 0)) / 1024) >= alive) ||
          (is_scaled_var(v) && scaled_frame(v) >= alive))
        dead.push_back(v);
    }
  }
  for (VarId v : dead) zone_.forget(v);
  // Pointers into the dead frame become unusable numbers.
  auto kill = [d](RegValue& value) {
    if (value.has(Region::kStack) && (value.frame == d || value.frame == kAnyFrame)) {
      value.regions = static_cast<RegionSet>((value.regions & ~bit(Region::kStack)) | bit(Region::kNumber));
      value.num = value.num.join(Scalar::top());
    }
  };
  for (auto& r : regs_) kill(r);
  for (auto& f : frames_) {
    for (auto& r : f.saved) kill(r);
    for (auto& c : f.stack.cells()) kill(c.value);
  }
}

void State::forget_slots(unsigned frame, int64_t lo, int64_t hi) {
  for (int64_t s = std::max<int64_t>(0, (-hi) / 8); s <= (-lo - 1) / 8 && s < 1024; ++s) {
    const int64_t slot_lo = -8 * (s + 1);
    if (slot_lo < hi && slot_lo + 8 > lo) zone_.forget(slot_var(frame, static_cast<unsigned>(s)));
  }
}

void State::relate_constants(const State& other) {
  if (bottom_ || other.bottom_ || other.depth() != depth()) return;
  struct Known {
    VarId v;
    int64_t value;
    bool pointer;
    unsigned reg;
  };
  std::vector<Known> known;
  for (unsigned r = 0; r < 10; ++r) {
    const VarMeaning m = var_meaning(regs_[r]);
    if (m == VarMeaning::kNone || m != var_meaning(other.regs_[r])) continue;
    // Of pointers, only packet pointers: their bounds are relations (with
    // the packet's size); other regions' offsets are checked by value.
    if (m == VarMeaning::kOffset && !(regs_[r].has(Region::kPacket) && other.regs_[r].has(Region::kPacket))) continue;
    const VarId x = var(r);
    const Interval i = interval_of(x);
    const Interval o = other.interval_of(x);
    if (i.is_bottom() || !i.is_constant() || o.is_bottom() || !o.is_constant()) continue;
    known.push_back({x, i.lo(), m == VarMeaning::kOffset, r});
    if (m != VarMeaning::kNumber) continue;
    for (unsigned k = 0; k < kScaleCount; ++k) {
      const Interval t = interval_of(twin(x, k));
      if (t.is_bounded() && t.is_constant()) known.push_back({twin(x, k), t.lo(), false, r});
    }
  }
  for (const Known& p : known) {
    if (!p.pointer) continue;
    for (const Known& q : known) {
      if (q.pointer) continue;
      int64_t d;
      if (__builtin_sub_overflow(p.value, q.value, &d) || d == kPlusInf || d == kMinusInf) continue;
      // Both intervals are single values: the equality holds. Should it
      // contradict the relations, no execution reaches this state.
      if (!zone_.add_equal(p.v, q.v, d)) {
        set_bottom();
        return;
      }
    }
  }
}

// ------------------------------------------------------------------- lattice


Zone State::aligned_zone(const State& o) const {
  std::vector<VarId> differ;
  for (VarId v : zone_vars(zone_)) {
    const VarMeaning m = meaning_of(v);
    if (m == VarMeaning::kNone || m != o.meaning_of(v)) differ.push_back(v);
  }
  Zone z = zone_;  // shares the edges when nothing is forgotten
  if (!differ.empty()) z.forget(differ);
  return z;
}

void State::align_meanings(const State& o) { zone_ = aligned_zone(o); }

bool State::leq(const State& o) const {
  if (bottom_) return true;
  if (o.bottom_) return false;
  if (frames_.size() != o.frames_.size()) return false;
  for (unsigned r = 0; r < 11; ++r) {
    if (!regs_[r].leq(o.regs_[r])) return false;
  }
  for (size_t d = 0; d < frames_.size(); ++d) {
    if (d + 1 < frames_.size()) {
      for (unsigned r = 0; r < 10; ++r) {
        if (!frames_[d].saved[r].leq(o.frames_[d].saved[r])) return false;
      }
    }
    if (!frames_[d].stack.leq(o.frames_[d].stack)) return false;
  }
  if (!packet_size_.leq(o.packet_size_) || !meta_offset_.leq(o.meta_offset_)) return false;
  for (const auto& [v, i] : o.counters_) {
    if (!interval_of(v).leq(i)) return false;
  }
  for (const auto& ref : refs_) {
    if (!std::any_of(o.refs_.begin(), o.refs_.end(), [&](const auto& x) { return x.first == ref.first; }))
      return false;
  }
  return zone_.leq(o.zone_, interval_fn());
}

namespace {

// Relations between each loop counter and the registers, implied by both
// states' intervals, are made explicit before joining: that is how a
// counter stays tied to the loop variable it moves with.
void materialize_counter_relations(const State& a, const State& b, Zone& out) {
  for (const auto& [cv, ci] : a.counters()) {
    (void)ci;
    bool in_b = std::any_of(b.counters().begin(), b.counters().end(),
                            [cv](const auto& c) { return c.first == cv; });
    if (!in_b) continue;
    for (unsigned r = 0; r < 10; ++r) {
      const VarId rv = a.var(r);
      const VarMeaning m = var_meaning(a.reg(r));
      if (m == VarMeaning::kNone || m != var_meaning(b.reg(r))) continue;
      for (auto [x, y] : {std::pair(cv, rv), std::pair(rv, cv)}) {
        const int64_t ca = a.zone().bound_with(x, y, a.interval_fn());
        const int64_t cb = b.zone().bound_with(x, y, b.interval_fn());
        const int64_t c = std::max(ca, cb);
        if (c != kPlusInf && !out.bound(x, y)) out.add(x, y, c);
      }
    }
  }
}

}  // namespace

State State::join(const State& a, const State& b) {
  if (a.bottom_) return b;
  if (b.bottom_) return a;
  State r;
  r.bottom_ = false;
  r.frames_.reserve(a.frames_.size());
  for (unsigned i = 0; i < 11; ++i) r.regs_[i] = a.regs_[i].join(b.regs_[i]);
  for (size_t d = 0; d < a.frames_.size(); ++d) {
    r.frames_.emplace_back(a.frames_[d].stack.join(b.frames_[d].stack));
    if (d + 1 < a.frames_.size()) {
      r.frames_[d].saved.resize(10);
      for (unsigned i = 0; i < 10; ++i) r.frames_[d].saved[i] = a.frames_[d].saved[i].join(b.frames_[d].saved[i]);
    }
  }
  r.packet_size_ = a.packet_size_.join(b.packet_size_);
  r.meta_offset_ = a.meta_offset_.join(b.meta_offset_);
  for (const auto& [v, i] : a.counters_) {
    for (const auto& [w, j] : b.counters_) {
      if (v == w) r.counters_.emplace_back(v, i.join(j));
    }
  }
  r.refs_ = a.refs_;
  for (const auto& ref : b.refs_) r.acquire(ref.first, ref.second);
  {
    const Zone za = a.aligned_zone(b);
    const Zone zb = b.aligned_zone(a);
    IntervalMemo ia(a, za.edges().size() + zb.edges().size());
    IntervalMemo ib(b, za.edges().size() + zb.edges().size());
    r.zone_ = Zone::join(za, [&ia](VarId v) { return ia(v); }, zb, [&ib](VarId v) { return ib(v); });
  }
  if (!r.counters_.empty()) materialize_counter_relations(a, b, r.zone_);
  // Relations on variables that no longer stand for anything go.
  r.align_meanings(r);
  return r;
}

State State::widen(const State& newer, std::span<const int64_t> thresholds) const {
  if (bottom_) return newer;
  if (newer.bottom_) return *this;
  const State& a = *this;
  const State& b = newer;
  State r;
  r.bottom_ = false;
  r.frames_.reserve(a.frames_.size());
  for (unsigned i = 0; i < 11; ++i) r.regs_[i] = a.regs_[i].widen(b.regs_[i], thresholds);
  for (size_t d = 0; d < a.frames_.size(); ++d) {
    r.frames_.emplace_back(a.frames_[d].stack.widen(b.frames_[d].stack, thresholds));
    if (d + 1 < a.frames_.size()) {
      r.frames_[d].saved.resize(10);
      for (unsigned i = 0; i < 10; ++i)
        r.frames_[d].saved[i] = a.frames_[d].saved[i].widen(b.frames_[d].saved[i], thresholds);
    }
  }
  r.packet_size_ = a.packet_size_.widen(b.packet_size_, thresholds);
  r.meta_offset_ = a.meta_offset_.widen(b.meta_offset_, thresholds);
  for (const auto& [v, i] : a.counters_) {
    for (const auto& [w, j] : b.counters_) {
      if (v == w) r.counters_.emplace_back(v, i.widen(j, thresholds));
    }
  }
  r.refs_ = a.refs_;
  for (const auto& ref : b.refs_) r.acquire(ref.first, ref.second);
  r.zone_ = a.aligned_zone(b).widen(b.aligned_zone(a), b.interval_fn());
  r.align_meanings(r);
  // The relations that survived give back bounds widening dropped.
  r.reduce();
  if (r.bottom_) return newer;
  return r;
}

State State::narrow(const State& newer) const {
  // Descending iterations are bounded by the fixpoint's pass count, so the
  // newer (smaller) state is taken whole.
  (void)this;
  return newer;
}

bool State::operator==(const State& o) const {
  if (bottom_ || o.bottom_) return bottom_ == o.bottom_;
  return regs_ == o.regs_ && frames_ == o.frames_ && zone_ == o.zone_ &&
         packet_size_ == o.packet_size_ && meta_offset_ == o.meta_offset_ && counters_ == o.counters_ &&
         refs_ == o.refs_;
}

std::string State::to_string() const {
  if (bottom_) return "unreachable";
  std::string out;
  for (unsigned r = 0; r < 11; ++r) {
    if (regs_[r].maybe_uninit() && regs_[r].regions == bit(Region::kUninit)) continue;
    out += fmt::format("  r{} = {}\n", r, regs_[r].to_string());
  }
  for (size_t d = 0; d < frames_.size(); ++d) {
    const std::string s = frames_[d].stack.to_string();
    if (!s.empty()) out += fmt::format("  stack{}: {}\n", frames_.size() > 1 ? fmt::format("[{}]", d) : "", s);
  }
  if (!(packet_size_ == Interval(0, 0xffff))) out += fmt::format("  packet_size = {}\n", packet_size_.to_string());
  for (const auto& [v, i] : counters_) {
    if ((v - counter_var(0)) % 2 == 0) out += fmt::format("  loop{} = {}\n", (v - counter_var(0)) / 2, i.to_string());
  }
  const std::string z = zone_.to_string([this](VarId v) -> std::string {
    if (v == kPacketSizeVar) return "packet_size";
    if (v == kMetaOffsetVar) return "meta";
    if (is_register_var(v)) {
      const unsigned d = (v - register_var(0, 0)) / 16;
      const unsigned r = (v - register_var(0, 0)) % 16;
      return d == depth() ? fmt::format("r{}", r) : fmt::format("frame{}.r{}", d, r);
    }
    if (is_slot_var(v)) {
      const unsigned d = (v - slot_var(0, 0)) / 1024;
      const unsigned s = (v - slot_var(0, 0)) % 1024;
      return fmt::format("[r10{}]{}", -8 * static_cast<int64_t>(s + 1),
                         d == depth() ? std::string() : fmt::format("@frame{}", d));
    }
    if (is_scaled_var(v)) {
      const unsigned i = (scaled_base(v) - register_var(0, 0));
      return i / 16 == depth() ? fmt::format("{}*r{}", scaled_factor(v), i % 16)
                               : fmt::format("{}*frame{}.r{}", scaled_factor(v), i / 16, i % 16);
    }
    const unsigned k = v - counter_var(0);
    return fmt::format("{}loop{}", k % 2 == 0 ? "" : "-", k / 2);
  });
  if (!z.empty()) out += fmt::format("  relations: {}\n", z);
  return out;
}

}  // namespace sandbpf::verifier
