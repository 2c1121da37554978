#include "verifier/state.hpp"

#include <algorithm>

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
bool is_slot_var(VarId v) { return v >= slot_var(0, 0) && v < counter_var(0); }
bool is_counter_var(VarId v) { return v >= counter_var(0); }

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
  return const_cast<RegValue*>(static_cast<const State*>(this)->value_of(v));
}

VarMeaning State::meaning_of(VarId v) const {
  if (v == kPacketSizeVar || v == kMetaOffsetVar || is_counter_var(v)) return VarMeaning::kNumber;
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
  RegValue* value = value_of(v);
  if (value == nullptr) return;
  switch (var_meaning(*value)) {
    case VarMeaning::kOffset: {
      Interval& o = value->off(*value->single_offset_region());
      o = o.meet(i);
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
  if (r < 10) zone_.forget(var(r));
}

void State::copy_reg(unsigned dst, unsigned src) {
  if (dst == src) return;
  regs_[dst] = regs_[src];
  if (dst >= 10) return;
  if (src < 10 && var_meaning(regs_[src]) != VarMeaning::kNone) zone_.copy(var(dst), var(src));
  else zone_.forget(var(dst));
}

void State::add_constraint(VarId x, VarId y, int64_t c) {
  if (bottom_) return;
  if (!zone_.add(x, y, c)) {
    set_bottom();
    return;
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
  const std::vector<VarId> vars = zone_vars(zone_);
  std::vector<Interval> cached(vars.size());
  for (size_t i = 0; i < vars.size(); ++i) cached[i] = interval_of(vars[i]);
  auto interval = [&](VarId v) {
    return cached[static_cast<size_t>(std::lower_bound(vars.begin(), vars.end(), v) - vars.begin())];
  };
  for (const auto& e : zone_.edges()) {
    const Interval ix = interval(e.x);
    const Interval iy = interval(e.y);
    // x <= y + c  and  y >= x - c
    if (iy.hi() != kPlusInf) updates.push_back({e.x, Interval(kMinusInf, bound_add(iy.hi(), e.c))});
    if (ix.lo() != kMinusInf) updates.push_back({e.y, Interval(bound_sub(ix.lo(), e.c), kPlusInf)});
  }
  for (const auto& u : updates) {
    set_interval(u.v, u.i);
    if (bottom_) return;
  }
}

void State::counter_reset(unsigned loop) {
  const VarId v = counter_var(loop);
  zone_.forget(v);
  auto it = std::lower_bound(counters_.begin(), counters_.end(), v,
                             [](const auto& c, VarId id) { return c.first < id; });
  if (it != counters_.end() && it->first == v) it->second = Interval::constant(0);
  else counters_.insert(it, {v, Interval::constant(0)});
}

void State::counter_increment(unsigned loop) {
  const VarId v = counter_var(loop);
  for (auto& c : counters_) {
    if (c.first != v) continue;
    c.second = c.second.add(Interval::constant(1));
    zone_.shift(v, 1, 1);
    return;
  }
}

Interval State::counter(unsigned loop) const { return interval_of(counter_var(loop)); }

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
    zone_.forget(callee);
    if (r >= 1 && r <= 5) {
      if (var_meaning(regs_[r]) != VarMeaning::kNone) zone_.copy(callee, register_var(d, r));
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
          (is_slot_var(v) && static_cast<size_t>((v - slot_var(0, 0)) / 1024) >= alive))
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

// ------------------------------------------------------------------- lattice


Zone State::aligned_zone(const State& o) const {
  Zone z = zone_;
  for (VarId v : zone_vars(zone_)) {
    const VarMeaning m = meaning_of(v);
    if (m == VarMeaning::kNone || m != o.meaning_of(v)) z.forget(v);
  }
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
  r.zone_ = Zone::join(a.aligned_zone(b), a.interval_fn(), b.aligned_zone(a), b.interval_fn());
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
  for (const auto& [v, i] : counters_) out += fmt::format("  loop{} = {}\n", v - counter_var(0), i.to_string());
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
    return fmt::format("loop{}", v - counter_var(0));
  });
  if (!z.empty()) out += fmt::format("  relations: {}\n", z);
  return out;
}

}  // namespace sandbpf::verifier
