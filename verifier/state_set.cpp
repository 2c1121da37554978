#include "verifier/state_set.hpp"

#include <algorithm>

namespace sandbpf::verifier {

namespace {

constexpr RegionSet kSplitting = kPointerRegions | bit(Region::kMapPointer) | bit(Region::kFunction);

// What of a value's kind matters for splitting: which pointer regions, and
// whether a pointer may also be a number (null). Pure numbers and
// uninitialized registers do not split.
uint32_t kind_of(const RegValue& v) {
  if ((v.regions & kSplitting) == 0) return 0;
  return static_cast<uint32_t>(v.regions & (kSplitting | bit(Region::kNumber)));
}

// A register holding the number 0 and one holding another known number
// split too (after pointer kinds: see distance()): a flag set on one path
// of a check and tested later ("r5 = 1 if data + 4 <= data_end; ...; if
// r5 != 0 read data") keeps the check's facts on its own path.
constexpr uint32_t kZeroFlag = 1u << 14;
constexpr uint32_t kNonZeroFlag = 1u << 15;
// distance(): a differing pointer kind costs this much, a differing flag 1.
constexpr size_t kPointerWeight = 64;
uint32_t flag_of(const RegValue& v) {
  if (!v.is_number() || !v.num.is_constant()) return 0;
  const uint64_t value = v.num.constant_value();
  return value == 0 ? kZeroFlag : value == 1 ? kNonZeroFlag : 0;
}

}  // namespace

namespace {

// (location, kind) for every register and 8-byte slot holding a pointer,
// in a fixed order.
template <typename F>
void for_each_kind(const State& s, F&& f) {
  for (unsigned r = 0; r < 10; ++r) f(r, kind_of(s.reg(r)) | flag_of(s.reg(r)));
  for (unsigned d = 0; d <= s.depth(); ++d) {
    if (d < s.depth()) {
      for (unsigned r = 0; r < 10; ++r) f(16 + d * 16 + r, kind_of(s.frame(d).saved[r]));
    }
    for (const auto& c : s.stack(d).cells()) {
      if (c.width == 8) f(1024 + d * 1024 + static_cast<uint32_t>(c.off + 1024), kind_of(c.value));
    }
  }
}

std::vector<uint32_t> kind_items(const State& s) {
  std::vector<uint32_t> items;
  for_each_kind(s, [&items](uint32_t where, uint32_t kind) {
    if (kind != 0) items.push_back((where << 16) | kind);
  });
  std::sort(items.begin(), items.end());
  return items;
}

}  // namespace

StateSet::Signature StateSet::signature_of(const State& s) {
  uint64_t h = 1469598103934665603ull;
  for_each_kind(s, [&h](uint32_t where, uint32_t kind) {
    if (kind != 0) h = (h ^ ((static_cast<uint64_t>(where) << 16) | kind)) * 1099511628211ull;
  });
  return h;
}

size_t StateSet::distance(const State& sa, const State& sb) {
  const std::vector<uint32_t> a = kind_items(sa);
  const std::vector<uint32_t> b = kind_items(sb);
  // Pointer kinds weigh far more than number flags: when the set is full,
  // a state joins a partition holding the same pointers, losing a flag
  // rather than a pointer's kind.
  auto cost = [](uint32_t item) -> size_t {
    return (item & 0xffff & ~(kZeroFlag | kNonZeroFlag)) != 0 ? kPointerWeight : 1;
  };
  size_t d = 0;
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ++i;
      ++j;
    } else if (j >= b.size() || (i < a.size() && a[i] < b[j])) {
      d += cost(a[i++]);
    } else {
      d += cost(b[j++]);
    }
  }
  return d;
}

void StateSet::add(State s) {
  if (s.is_bottom()) return;
  Signature sig = signature_of(s);
  for (size_t i = 0; i < parts_.size(); ++i) {
    if (signatures_[i] == sig) {
      // Same pointer kinds on both sides: the join keeps the signature.
      parts_[i] = State::join(parts_[i], s);
      return;
    }
  }
  // Subsumption. Dropping a state below another keeps the set's meaning
  // (every execution it describes, the other describes too), and in the
  // large Cilium programs it is what keeps the partition count below the
  // limit: there, full sets joined flags that carried checks (14 programs
  // verify since, and states per instruction fell by half).
  for (size_t i = 0; i < parts_.size(); ++i) {
    if (s.leq(parts_[i])) return;
  }
  for (size_t i = 0; i < parts_.size();) {
    if (parts_[i].leq(s)) {
      parts_.erase(parts_.begin() + static_cast<std::ptrdiff_t>(i));
      signatures_.erase(signatures_.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
  if (parts_.size() < kMaxParts) {
    parts_.push_back(std::move(s));
    signatures_.push_back(sig);
    return;
  }
  size_t best = 0;
  size_t best_distance = SIZE_MAX;
  for (size_t i = 0; i < parts_.size(); ++i) {
    const size_t d = distance(parts_[i], s);
    if (d < best_distance) {
      best_distance = d;
      best = i;
    }
  }
  parts_[best] = State::join(parts_[best], s);
  signatures_[best] = signature_of(parts_[best]);
}

void StateSet::shrink_to_fit() {
  parts_.shrink_to_fit();
  signatures_.shrink_to_fit();
}

void StateSet::add_all(const StateSet& o) {
  for (const State& s : o.parts_) add(s);
}

void StateSet::prune() {
  std::vector<State> kept;
  for (State& s : parts_) {
    if (!s.is_bottom()) kept.push_back(std::move(s));
  }
  parts_.clear();
  signatures_.clear();
  for (State& s : kept) add(std::move(s));
}

bool StateSet::leq(const StateSet& o) const {
  for (size_t i = 0; i < parts_.size(); ++i) {
    bool covered = false;
    for (size_t j = 0; j < o.parts_.size() && !covered; ++j) {
      if (signatures_[i] == o.signatures_[j]) covered = parts_[i].leq(o.parts_[j]);
    }
    if (!covered) {
      // A partition merged elsewhere: compare with the closest one.
      for (size_t j = 0; j < o.parts_.size() && !covered; ++j) covered = parts_[i].leq(o.parts_[j]);
    }
    if (!covered) return false;
  }
  return true;
}

StateSet StateSet::widen(const StateSet& newer, std::span<const int64_t> thresholds) const {
  StateSet r = *this;
  for (size_t j = 0; j < newer.parts_.size(); ++j) {
    const Signature& sig = newer.signatures_[j];
    bool done = false;
    for (size_t i = 0; i < r.parts_.size() && !done; ++i) {
      if (r.signatures_[i] == sig) {
        r.parts_[i] = r.parts_[i].widen(newer.parts_[j], thresholds);
        r.signatures_[i] = signature_of(r.parts_[i]);
        done = true;
      }
    }
    if (done) continue;
    if (r.parts_.size() < kMaxParts) {
      r.parts_.push_back(newer.parts_[j]);
      r.signatures_.push_back(sig);
      continue;
    }
    // Full: widen the closest partition with it.
    size_t best = 0;
    size_t best_distance = SIZE_MAX;
    for (size_t i = 0; i < r.parts_.size(); ++i) {
      const size_t d = distance(r.parts_[i], newer.parts_[j]);
      if (d < best_distance) {
        best_distance = d;
        best = i;
      }
    }
    r.parts_[best] = r.parts_[best].widen(State::join(r.parts_[best], newer.parts_[j]), thresholds);
    r.signatures_[best] = signature_of(r.parts_[best]);
  }
  return r;
}

void StateSet::merge_flag_partitions() {
  for (size_t i = 0; i < parts_.size(); ++i) {
    for (size_t j = i + 1; j < parts_.size();) {
      if (distance(parts_[i], parts_[j]) < kPointerWeight) {
        parts_[i] = State::join(parts_[i], parts_[j]);
        signatures_[i] = signature_of(parts_[i]);
        parts_.erase(parts_.begin() + static_cast<std::ptrdiff_t>(j));
        signatures_.erase(signatures_.begin() + static_cast<std::ptrdiff_t>(j));
      } else {
        ++j;
      }
    }
  }
}

State StateSet::merged() const {
  State r;
  for (const State& s : parts_) r = State::join(r, s);
  return r;
}

}  // namespace sandbpf::verifier
