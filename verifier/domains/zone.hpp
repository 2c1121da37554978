// Zone: a sparse difference-bound matrix. It holds constraints x - y <= c
// between the variables that matter (pointer offsets, register values, the
// packet size, loop counters), keeps them closed (every implied constraint
// is present) incrementally, and stores only finite entries. Unary bounds
// live outside, in each variable's interval; the operations that need them
// (join, leq) take a function giving a variable's interval, so a relation
// that one side implies through its intervals is not lost.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "verifier/domains/interval.hpp"
#include "verifier/domains/shared_vector.hpp"

namespace sandbpf::verifier {

using VarId = uint16_t;

class Zone {
 public:
  struct Edge {
    VarId x;
    VarId y;
    int64_t c;  // x - y <= c
    friend bool operator==(const Edge&, const Edge&) = default;
  };
  using IntervalOf = std::function<Interval(VarId)>;

  // The tightest known c with x - y <= c, if any.
  std::optional<int64_t> bound(VarId x, VarId y) const;
  // The tightest bound combining the relation with the variables'
  // intervals: min(bound(x, y), hi(x) - lo(y)); kPlusInf when none.
  int64_t bound_with(VarId x, VarId y, const IntervalOf& interval_of) const;

  // Adds x - y <= c and closes. Returns false when the constraints become
  // contradictory (a negative cycle): the state is then bottom.
  bool add(VarId x, VarId y, int64_t c);
  // Adds x - y == c.
  bool add_equal(VarId x, VarId y, int64_t c) { return add(x, y, c) && add(y, x, -c); }

  void forget(VarId x);
  // Forgets every variable of `xs` (one pass).
  void forget(std::span<const VarId> xs);
  // x := y + k: forgets x, then relates it to y.
  void assign(VarId x, VarId y, int64_t k);
  // x := x + k for k in [lo, hi]: every constraint on x moves with it.
  void shift(VarId x, int64_t lo, int64_t hi);
  // Several shifts at once (distinct variables, finite bounds), one pass.
  struct Shift {
    VarId x;
    int64_t lo;
    int64_t hi;
  };
  void shift(std::span<const Shift> shifts);
  // Whether any edge has its x in [lo, hi) (edges are sorted by x).
  bool any_from(VarId lo, VarId hi) const;
  // Copies every constraint of `from` onto `to` (to := from), to forgotten first.
  void copy(VarId to, VarId from);

  bool leq(const Zone& o, const IntervalOf& mine) const;
  static Zone join(const Zone& a, const IntervalOf& a_int, const Zone& b, const IntervalOf& b_int);
  Zone widen(const Zone& newer, const IntervalOf& newer_int) const;
  // Meet: adds every constraint of o; false when contradictory.
  bool meet(const Zone& o);

  const std::vector<Edge>& edges() const { return edges_.get(); }
  bool empty() const { return edges().empty(); }
  bool mentions(VarId x) const;
  friend bool operator==(const Zone&, const Zone&) = default;
  std::string to_string(const std::function<std::string(VarId)>& name) const;

 private:
  // Sets x - y <= c if tighter (no closure).
  void tighten(VarId x, VarId y, int64_t c);
  std::vector<Edge>& mut() { return edges_.mut(); }
  SharedVector<Edge> edges_;  // sorted by (x, y)
};

}  // namespace sandbpf::verifier
