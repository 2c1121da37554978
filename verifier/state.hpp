// The abstract state at a program point: the current frame's registers, the
// frames of the call chain (each with its stack and, for callers, the
// registers saved across the call), the relational domain over the values
// that matter, the packet's size and the loop counters of the loops the
// point is inside (termination policy `proved`).
//
// Variables of the relational domain (VarId):
//   kPacketSize      data_end - data
//   kMetaOffset      data_meta - data (<= 0)
//   register(d, r)   register r of frame d: a pointer's offset, or a number's
//                    signed value (what the register holds decides which;
//                    see var_meaning)
//   slot(d, s)       the 8-byte stack slot s (offset -8 * (s + 1)... as
//                    slot_index) of frame d, when it holds a spilled value
//   scaled(d, r, k)  2^(k+1) times register r of frame d (k = 0, 1, 2: twice,
//                    four and eight times its value), while it holds a number:
//                    a loop whose index moves by 1 while a pointer moves by the
//                    element size (i < len / 8 ... p += 8) needs p - 8 * i,
//                    which differences of the registers themselves cannot say
//   counter(k)       the hidden counter of loop k
//   -counter(k)      its negation (negated_counter_var)
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "verifier/domains/reg_value.hpp"
#include "verifier/domains/stack.hpp"
#include "verifier/domains/zone.hpp"

namespace sandbpf::verifier {

inline constexpr VarId kPacketSizeVar = 0;
inline constexpr VarId kMetaOffsetVar = 1;
inline constexpr unsigned kMaxFrames = 16;
constexpr VarId register_var(unsigned frame, unsigned reg) { return static_cast<VarId>(16 + frame * 16 + reg); }
// Stack slots are 8-byte aligned cells: slot s covers [-8 (s + 1), -8 s).
constexpr VarId slot_var(unsigned frame, unsigned slot) { return static_cast<VarId>(16 + kMaxFrames * 16 + frame * 1024 + slot); }
inline constexpr unsigned kScaleCount = 3;  // scales 2, 4, 8
constexpr int64_t scale_factor(unsigned k) { return int64_t{2} << k; }
constexpr VarId scaled_var(unsigned frame, unsigned reg, unsigned k) {
  return static_cast<VarId>(16 + kMaxFrames * 16 + kMaxFrames * 1024 + (frame * 16 + reg) * kScaleCount + k);
}
constexpr VarId counter_var(unsigned loop) {
  return static_cast<VarId>(16 + kMaxFrames * 16 + kMaxFrames * 1024 + kMaxFrames * 16 * kScaleCount + 2 * loop);
}
// The same count negated. Differences bound a counter only by variables
// that move with it (i += 1); one that moves the other way (i -= 1 down to
// an exit) is tied to it by their sum, which is a difference with this.
constexpr VarId negated_counter_var(unsigned loop) { return static_cast<VarId>(counter_var(loop) + 1); }
inline constexpr unsigned kMaxLoopCounters = (65535 - counter_var(0)) / 2;

// What a register's relational variable stands for.
enum class VarMeaning : uint8_t { kNone, kOffset, kNumber };
VarMeaning var_meaning(const RegValue& v);

struct Frame {
  // The caller's r0..r9 while a callee runs (empty for the current frame,
  // so that states of the entry function copy nothing here).
  std::vector<RegValue> saved;
  StackFrame stack;
  explicit Frame(uint32_t stack_size) : stack(stack_size) {}
  explicit Frame(StackFrame s) : stack(std::move(s)) {}
  friend bool operator==(const Frame&, const Frame&) = default;
};

// The frames of a call chain, the entry function's first. Most programs
// call no function, and a state is copied at every instruction: the first
// frame is kept inline, so copying such a state allocates no frame list.
class FrameChain {
 public:
  size_t size() const { return first_ ? 1 + rest_.size() : 0; }
  Frame& operator[](size_t d) { return d == 0 ? *first_ : rest_[d - 1]; }
  const Frame& operator[](size_t d) const { return d == 0 ? *first_ : rest_[d - 1]; }
  template <typename... Args>
  Frame& emplace_back(Args&&... args) {
    if (!first_) return first_.emplace(std::forward<Args>(args)...);
    return rest_.emplace_back(std::forward<Args>(args)...);
  }
  void pop_back() {
    if (rest_.empty()) first_.reset();
    else rest_.pop_back();
  }
  void reserve(size_t n) {
    if (n > 1) rest_.reserve(n - 1);
  }
  friend bool operator==(const FrameChain&, const FrameChain&) = default;

  template <typename Chain, typename Value>
  class Iterator {
   public:
    Iterator(Chain* chain, size_t d) : chain_(chain), d_(d) {}
    Value& operator*() const { return (*chain_)[d_]; }
    Iterator& operator++() {
      ++d_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return d_ != o.d_; }

   private:
    Chain* chain_;
    size_t d_;
  };
  Iterator<FrameChain, Frame> begin() { return {this, 0}; }
  Iterator<FrameChain, Frame> end() { return {this, size()}; }
  Iterator<const FrameChain, const Frame> begin() const { return {this, 0}; }
  Iterator<const FrameChain, const Frame> end() const { return {this, size()}; }

 private:
  std::optional<Frame> first_;
  std::vector<Frame> rest_;
};

class State {
 public:
  State() = default;  // bottom
  // The entry state: r10 is frame 0's frame pointer, everything else uninit.
  static State entry(uint32_t stack_size);

  bool is_bottom() const { return bottom_; }
  void set_bottom() { *this = State(); }

  unsigned depth() const { return static_cast<unsigned>(frames_.size() - 1); }
  RegValue& reg(unsigned r) { return regs_[r]; }
  const RegValue& reg(unsigned r) const { return regs_[r]; }
  Frame& frame(unsigned d) { return frames_[d]; }
  const Frame& frame(unsigned d) const { return frames_[d]; }
  StackFrame& stack(unsigned d) { return frames_[d].stack; }
  const StackFrame& stack(unsigned d) const { return frames_[d].stack; }
  Zone& zone() { return zone_; }
  const Zone& zone() const { return zone_; }
  Interval& packet_size() { return packet_size_; }
  const Interval& packet_size() const { return packet_size_; }
  Interval& meta_offset() { return meta_offset_; }
  const Interval& meta_offset() const { return meta_offset_; }

  // ---- registers and their relational variables
  VarId var(unsigned r) const { return register_var(depth(), r); }
  // Sets register r (relations forgotten).
  void set(unsigned r, const RegValue& v);
  // r := other register (relations copied).
  void copy_reg(unsigned dst, unsigned src);
  // The interval of any variable; top when it stands for nothing.
  Interval interval_of(VarId v) const;
  Zone::IntervalOf interval_fn() const {
    return [this](VarId v) { return interval_of(v); };
  }
  // x - y <= c, with the consequences for every variable's interval.
  // Becomes bottom when contradictory.
  void add_constraint(VarId x, VarId y, int64_t c);
  // Pushes the relational domain's knowledge into the variables' intervals.
  void reduce();

  // ---- changes to a variable's relations that keep its scaled twins
  // (scaled(d, r, k) of a register variable) true: every change of a
  // register's relations goes through these.
  void forget_var(VarId v);
  // v := v + [lo, hi]: its twins move by scale * [lo, hi].
  void shift_var(VarId v, int64_t lo, int64_t hi);
  // to := from, relations and twins copied (twins forgotten when `from`
  // is not a register).
  void copy_var(VarId to, VarId from);
  // Register r becomes old_r >> k (k in 1..3, old_r a non-negative number):
  // 2^k * r lies in [old_r - (2^k - 1), old_r], so scaled(r, k - 1) takes
  // old_r's relations, shifted. `value` is r's new abstract value.
  void assign_quotient(unsigned r, unsigned k, const RegValue& value);
  // Register r becomes old_r * 2^k (k in 1..3, without overflow): r takes
  // the relations of its twin scaled(r, k - 1).
  void assign_product(unsigned r, unsigned k, const RegValue& value);
  // Packet pointers at a known offset and numbers of known value (and their
  // twins), known in this state and in `other` too, become related by the
  // difference of their values. Done where a loop is entered, with `other`
  // a state after an iteration: a pointer that moves by 8 while an index
  // moves by 1 is then tied to 8 times the index (the join keeps the
  // relation, which intervals alone would lose). Only values constant in
  // both: relating every constant (a parser's many counters) would cost
  // much and bring nothing.
  void relate_constants(const State& other);
  // Some scaled twin has relations (as x of an edge: twins' relations come
  // in pairs, so this misses none that matter; a miss only costs precision).
  bool has_twins() const;

  // ---- loop counters (termination policy proved)
  void counter_reset(unsigned loop);
  void counter_increment(unsigned loop);
  Interval counter(unsigned loop) const;
  const std::vector<std::pair<VarId, Interval>>& counters() const { return counters_; }

  // ---- references a helper acquired that must be released before exit
  // (sockets from lookups, ring buffer records): id -> insn of the call.
  const std::vector<std::pair<uint32_t, uint32_t>>& references() const { return refs_; }
  void acquire(uint32_t id, uint32_t pc);
  void release(uint32_t id);

  // ---- frames
  void push_frame(uint32_t stack_size);  // saves r0..r9 into the caller frame
  void pop_frame();                      // drops the current frame, restores r0..r9

  // ---- stack slots' relational variables
  void forget_slots(unsigned frame, int64_t lo, int64_t hi);

  // Identity refinement: every register and spilled slot carrying `id`
  // gets `f` applied (the comparison with null of one copy).
  template <typename F>
  void for_each_value_with_id(uint32_t id, F&& f);

  // ---- lattice
  bool leq(const State& o) const;
  static State join(const State& a, const State& b);
  State widen(const State& newer, std::span<const int64_t> thresholds) const;
  State narrow(const State& newer) const;
  bool operator==(const State& o) const;

  std::string to_string() const;

 private:
  void set_interval(VarId v, const Interval& i);
  // Forgets the relations of variables whose meaning differs from o's.
  void align_meanings(const State& o);
  // This state's relations without those on variables whose meaning differs in o.
  Zone aligned_zone(const State& o) const;
  VarMeaning meaning_of(VarId v) const;
  const RegValue* value_of(VarId v) const;
  RegValue* value_of(VarId v);

  bool bottom_ = true;
  std::array<RegValue, 11> regs_{};
  FrameChain frames_;
  Zone zone_;
  Interval packet_size_{0, 0xffff};
  Interval meta_offset_{0, 0};
  std::vector<std::pair<VarId, Interval>> counters_;  // sorted by var
  std::vector<std::pair<uint32_t, uint32_t>> refs_;    // sorted by id
};

template <typename F>
void State::for_each_value_with_id(uint32_t id, F&& f) {
  if (id == 0) return;
  for (unsigned r = 0; r < 10; ++r) {
    if (regs_[r].id == id) f(regs_[r], var(r));
  }
  for (unsigned d = 0; d + 1 < frames_.size(); ++d) {
    for (unsigned r = 0; r < 10; ++r) {
      if (frames_[d].saved[r].id == id) f(frames_[d].saved[r], register_var(d, r));
    }
  }
  for (unsigned d = 0; d < frames_.size(); ++d) {
    // Only a frame holding the id takes its own copy of the cells.
    const auto cells = std::as_const(frames_[d].stack).cells();
    if (std::none_of(cells.begin(), cells.end(), [id](const auto& c) { return c.value.id == id; })) continue;
    for (auto& cell : frames_[d].stack.cells()) {
      if (cell.value.id != id) continue;
      const bool slot = cell.width == 8 && (cell.off % 8) == 0;
      f(cell.value, slot ? slot_var(d, static_cast<unsigned>((-cell.off) / 8 - 1)) : VarId{0xffff});
    }
  }
}

}  // namespace sandbpf::verifier
