// The fixpoint iterator: Bourdoncle's recursive strategy over the weak
// topological order. A loop head's state is joined for the first
// iterations, then widened (with thresholds from the program's constants)
// until stable; a few descending passes (narrowing) then recover what
// widening lost. Under the `proved` termination policy each loop head has
// a hidden counter, reset on entry and incremented on back-edges; the
// relational domain ties it to the loop's variables, so a loop whose
// condition bounds a variable bounds its counter. The counter has a negated
// twin, so that a variable counting down is tied to it too (their sum is a
// difference with the twin).
//
// Exits on == / != (clang's `w2 += 1; if w2 != 64 goto loop`): the counter
// is bounded when every value the variable takes before the exit lies on
// one side of it and the steps land on it: the interval's end next to the
// exit is then removed by the != edge (steps of 4 keep the low bits known,
// so the bound moves to 60, not 63). A 32-bit step keeps the variable's
// relations only while neither operand nor result leaves [0, 2^32 - 1].
// A variable that steps over the exit (by 3 from 0 past 64), or may start
// beyond it, meets it only after wrapping around (2^32 steps for 32 bits,
// 2^64 for 64): that is bounded in arithmetic but not proved here, and the
// kernel refuses such loops too (over its million-instruction limit), so
// sandbpf reports them as having no provable bound.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "verifier/cfg.hpp"
#include "verifier/state.hpp"
#include "verifier/state_set.hpp"
#include "verifier/transfer.hpp"

namespace sandbpf::verifier {

class Fixpoint {
 public:
  Fixpoint(const Cfg& cfg, const Wto& wto, Transfer& transfer, State entry, bool count_loops);

  // Runs to a fixpoint. False when it gave up (too many iterations).
  // With `check`, it also does the checking pass: each node once, from its
  // final states, with the transfer's checker on (Transfer::checking), in
  // the weak topological order and as soon as the states are final (a
  // node outside every loop when it is processed, which then is its only
  // transfer; a loop's nodes once the outermost loop is stable). A node's
  // post-states are then dropped once every successor is checked, since
  // nothing reads them afterwards: only the states still needed stay in
  // memory, not a state set per node (post() and pre() then answer only
  // for what is kept; reached() for every node).
  bool solve(uint64_t max_node_visits, std::chrono::steady_clock::time_point deadline, bool check = false);
  // The checking pass's work on node n from its final pre-states: its
  // transfer, then each out-edge's (an edge checks too), with the checker
  // on. Returns the post-states.
  StateSet check(uint32_t n, const StateSet& pre);
  bool timed_out() const { return timed_out_; }

  // The states before node n (for the checking pass), from final states.
  StateSet pre(uint32_t n) const;
  const StateSet& post(uint32_t n) const { return post_[n]; }
  // Some state reached the end of node n (kept after its states are released).
  bool reached(uint32_t n) const { return reached_[n] != 0; }
  // The loop counter of a head (its pre-state's), top when none.
  Interval loop_bound(uint32_t head) const;
  bool is_callback_loop(uint32_t head) const;
  uint64_t visits() const { return visits_; }
  // Abstract states pushed through instructions: each partition of a
  // node's pre-state through each of its instructions, in the fixpoint and
  // in the checking pass. The work measure: time per state transfer is
  // about constant, and transfers per instruction grow with how many
  // partitions a program's branches keep apart.
  uint64_t state_transfers() const { return state_transfers_; }
  int loop_id(uint32_t head) const;

 private:
  void solve_range(size_t begin, size_t end);
  void solve_component(size_t position);
  void process(uint32_t n, const StateSet& pre);
  StateSet compute_pre(uint32_t n) const;
  // Counts a node visit; gives up past the limit or the deadline.
  void count_visit();
  // Checks the final nodes at positions [begin, end) (unless `checked`: a
  // vertex outside loops, checked as it was processed) and releases the
  // post-states no later node needs.
  void check_final(size_t begin, size_t end, bool checked);

  const Cfg& cfg_;
  const Wto& wto_;
  Transfer& transfer_;
  State entry_;
  bool count_loops_;
  std::vector<StateSet> post_;
  std::vector<StateSet> head_pre_;
  std::vector<uint8_t> reached_;  // per node, set when it becomes final
  // Per node: successors (out-edges) not yet handed over; its post-states
  // are released at zero.
  std::vector<uint32_t> pending_;
  std::vector<int> loop_id_;  // per node: its loop counter's index, -1 if not a head
  uint64_t visits_ = 0;
  uint64_t state_transfers_ = 0;
  // The instructions of node n (its slots; 1 for a synthetic node).
  uint64_t node_length(uint32_t n) const;
  uint64_t max_visits_ = 0;
  bool gave_up_ = false;
  bool timed_out_ = false;
  std::chrono::steady_clock::time_point deadline_;
};

}  // namespace sandbpf::verifier
