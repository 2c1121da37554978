#include "verifier/fixpoint.hpp"

#include <utility>
#include <vector>

namespace sandbpf::verifier {

namespace {
constexpr int kJoinIterations = 2;   // plain joins before widening starts
constexpr int kNarrowingPasses = 2;  // descending passes after stabilization
}  // namespace

Fixpoint::Fixpoint(const Cfg& cfg, const Wto& wto, Transfer& transfer, State entry, bool count_loops)
    : cfg_(cfg), wto_(wto), transfer_(transfer), entry_(std::move(entry)), count_loops_(count_loops) {
  const size_t n = cfg.nodes().size();
  post_.resize(n);
  head_pre_.resize(n);
  reached_.assign(n, 0);
  pending_.resize(n);
  for (size_t i = 0; i < n; ++i) pending_[i] = static_cast<uint32_t>(cfg.nodes()[i].out.size());
  loop_id_.assign(n, -1);
  int next = 0;
  for (size_t i = 0; i < wto.order.size(); ++i) {
    if (wto.is_head[i] && next < static_cast<int>(kMaxLoopCounters)) loop_id_[wto.order[i]] = next++;
  }
}

int Fixpoint::loop_id(uint32_t head) const { return loop_id_[head]; }

bool Fixpoint::is_callback_loop(uint32_t head) const {
  for (uint32_t e : cfg_.nodes()[head].in) {
    if (cfg_.edges()[e].kind == EdgeKind::kCallbackEnter && cfg_.nodes()[cfg_.edges()[e].from].synthetic) return true;
  }
  return false;
}

StateSet Fixpoint::compute_pre(uint32_t n) const {
  StateSet result;
  const int loop = count_loops_ ? loop_id_[n] : -1;
  if (n == cfg_.entry()) {
    State e = entry_;
    if (loop >= 0) e.counter_reset(static_cast<unsigned>(loop));
    result.add(std::move(e));
  }
  const uint32_t my_pos = wto_.position[n];
  std::vector<std::pair<State, bool>> incoming;  // (state, along a back edge)
  for (uint32_t eid : cfg_.nodes()[n].in) {
    const CfgEdge& e = cfg_.edges()[eid];
    const bool back = wto_.position[e.from] != UINT32_MAX && wto_.position[e.from] >= my_pos;
    for (const State& from : post_[e.from].parts()) {
      State s = from;
      transfer_.edge(s, e);
      if (s.is_bottom()) continue;
      if (loop >= 0) {
        if (back) s.counter_increment(static_cast<unsigned>(loop));
        else s.counter_reset(static_cast<unsigned>(loop));
      }
      incoming.emplace_back(std::move(s), back);
    }
  }
  // Entering a loop: what is constant both on entry and after an iteration
  // becomes relations the join keeps (State::relate_constants).
  if (wto_.head(n)) {
    for (auto& [s, back] : incoming) {
      if (back) continue;
      for (const auto& [t, t_back] : incoming) {
        if (t_back) s.relate_constants(t);
      }
    }
  }
  for (auto& [s, back] : incoming) result.add(std::move(s));
  return result;
}

void Fixpoint::count_visit() {
  ++visits_;
  if (visits_ > max_visits_) gave_up_ = true;
  if ((visits_ & 1023) == 0 && std::chrono::steady_clock::now() > deadline_) {
    gave_up_ = true;
    timed_out_ = true;
  }
}

uint64_t Fixpoint::node_length(uint32_t n) const {
  const CfgNode& node = cfg_.nodes()[n];
  return node.last >= node.first ? uint64_t{node.last} - node.first + 1 : 1;
}

void Fixpoint::process(uint32_t n, const StateSet& pre) {
  count_visit();
  state_transfers_ += pre.size() * node_length(n);
  StateSet out;
  for (const State& part : pre.parts()) {
    State s = part;
    transfer_.node(s, cfg_.nodes()[n]);
    out.add(std::move(s));
  }
  out.shrink_to_fit();
  post_[n] = std::move(out);
}

void Fixpoint::solve_range(size_t begin, size_t end) {
  for (size_t i = begin; i < end && !gave_up_;) {
    if (wto_.is_head[i]) {
      solve_component(i);
      i = wto_.end[i];
    } else {
      const uint32_t n = wto_.order[i];
      process(n, compute_pre(n));
      ++i;
    }
  }
}

void Fixpoint::solve_component(size_t position) {
  const uint32_t h = wto_.order[position];
  const size_t end = wto_.end[position];
  const auto& thresholds = transfer_.thresholds();
  StateSet pre = compute_pre(h);
  pre.merge_flag_partitions();
  for (int iteration = 0; !gave_up_; ++iteration) {
    process(h, pre);
    solve_range(position + 1, end);
    StateSet next = compute_pre(h);
    next.merge_flag_partitions();
    if (next.leq(pre)) break;
    if (iteration < kJoinIterations) {
      pre.add_all(next);
    } else {
      pre = pre.widen(next, thresholds);
    }
  }
  // Descending passes. Each candidate must stay inductive (its own
  // successor state below it); if one is not, the last inductive state is
  // recomputed and kept.
  for (int pass = 0; pass < kNarrowingPasses && !gave_up_; ++pass) {
    StateSet candidate = compute_pre(h);
    candidate.merge_flag_partitions();
    if (!candidate.leq(pre) || pre.leq(candidate)) break;  // nothing to recover
    process(h, candidate);
    solve_range(position + 1, end);
    if (compute_pre(h).leq(candidate)) {
      pre = std::move(candidate);
      continue;
    }
    process(h, pre);
    solve_range(position + 1, end);
    break;
  }
  head_pre_[h] = pre;
}

bool Fixpoint::solve(uint64_t max_node_visits, std::chrono::steady_clock::time_point deadline, bool check) {
  max_visits_ = max_node_visits;
  deadline_ = deadline;
  if (!check) {
    solve_range(0, wto_.order.size());
    for (uint32_t n : wto_.order) reached_[n] = !post_[n].is_bottom();
    return !gave_up_;
  }
  // The outermost level by hand: what it finishes is final.
  for (size_t i = 0; i < wto_.order.size() && !gave_up_;) {
    if (!wto_.is_head[i]) {
      // Outside every loop the first transfer is the final one: it checks.
      const uint32_t n = wto_.order[i];
      count_visit();
      StateSet out = this->check(n, compute_pre(n));
      out.shrink_to_fit();
      post_[n] = std::move(out);
      check_final(i, i + 1, /*checked=*/true);
      ++i;
      continue;
    }
    solve_component(i);
    if (gave_up_) break;
    check_final(i, wto_.end[i], /*checked=*/false);
    i = wto_.end[i];
  }
  return !gave_up_;
}

StateSet Fixpoint::check(uint32_t n, const StateSet& pre) {
  state_transfers_ += pre.size() * node_length(n);
  StateSet out;
  transfer_.checking(true);
  for (const State& part : pre.parts()) {
    State s = part;
    transfer_.node(s, cfg_.nodes()[n]);
    if (s.is_bottom()) continue;
    for (uint32_t e : cfg_.nodes()[n].out) {
      State t = s;
      transfer_.edge(t, cfg_.edges()[e]);
    }
    out.add(std::move(s));
  }
  transfer_.checking(false);
  return out;
}

void Fixpoint::check_final(size_t begin, size_t end, bool checked) {
  // Every node's reachability first: releasing a predecessor below may
  // drop a later node's states of this loop (a latch whose only successor
  // is the head, checked first).
  for (size_t i = begin; i < end; ++i) reached_[wto_.order[i]] = !post_[wto_.order[i]].is_bottom();
  for (size_t i = begin; i < end; ++i) {
    const uint32_t n = wto_.order[i];
    if (!checked) check(n, pre(n));
    for (uint32_t eid : cfg_.nodes()[n].in) {
      const uint32_t from = cfg_.edges()[eid].from;
      if (--pending_[from] == 0) post_[from] = StateSet();
    }
  }
}

StateSet Fixpoint::pre(uint32_t n) const {
  if (wto_.head(n)) return head_pre_[n];
  return compute_pre(n);
}

Interval Fixpoint::loop_bound(uint32_t head) const {
  const int loop = loop_id_[head];
  if (loop < 0 || head_pre_[head].is_bottom()) return Interval::top();
  Interval bound = Interval::bottom();
  for (const State& s : head_pre_[head].parts()) bound = bound.join(s.counter(static_cast<unsigned>(loop)));
  return bound;
}

}  // namespace sandbpf::verifier
