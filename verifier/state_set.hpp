// StateSet: a small disjunction of States, partitioned by what kind of
// pointer each register and spilled slot holds (its "pointer signature").
// Paths where r8 is a stack pointer and paths where it is a map value stay
// apart, so "if r8 points to the stack, these bytes were written" survives
// the merge; so do a maybe-null spilled pointer and the flag that says
// whether it was checked. Of numbers, only registers known to be 0 or 1
// split (flags a check sets and a later branch tests), outside loop heads
// and after pointer kinds; other numbers never split. A state that another
// partition covers (leq) adds nothing and is dropped, and partitions the
// new state covers go: the set's meaning is unchanged, and the room stays
// for paths that differ. At most kMaxParts partitions per program point;
// beyond, a new state joins the partition whose signature is closest.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "verifier/state.hpp"

namespace sandbpf::verifier {

class StateSet {
 public:
  static constexpr size_t kMaxParts = 16;

  StateSet() = default;
  explicit StateSet(State s) { add(std::move(s)); }

  bool is_bottom() const { return parts_.empty(); }
  std::span<const State> parts() const { return parts_; }
  std::span<State> parts() { return parts_; }
  size_t size() const { return parts_.size(); }

  // Adds a state: joined into the partition of the same signature; else
  // dropped when a partition covers it, else a new partition (replacing
  // those it covers; joined into the closest one when full). Bottom states
  // are dropped.
  void add(State s);
  void add_all(const StateSet& o);
  // Drops bottom partitions (after transfers).
  void prune();
  // Gives back the room the partitions' vector grew beyond its size (a set
  // kept for a program point: a State is about 3 KB).
  void shrink_to_fit();

  bool leq(const StateSet& o) const;
  StateSet widen(const StateSet& newer, std::span<const int64_t> thresholds) const;
  // Joins the partitions that differ only in number flags (loop heads:
  // a counter that is 0 on entry and 1 after an iteration must not split
  // the loop's state, or its bound is lost).
  void merge_flag_partitions();
  // All partitions joined into one state.
  State merged() const;

 private:
  // A hash of the pointer kinds of every register and spilled slot (a
  // collision merely joins two partitions, which is sound).
  using Signature = uint64_t;
  static Signature signature_of(const State& s);
  // How many registers and slots hold different kinds (for choosing where
  // a state goes when the set is full).
  static size_t distance(const State& a, const State& b);

  std::vector<State> parts_;
  std::vector<Signature> signatures_;
};

}  // namespace sandbpf::verifier
