// analyze(): the CFG, the fixpoint, the checking pass, then the whole-
// program checks (loop bounds, instructions per path, the call chain's
// stack), and the verdict with its diagnostics and facts.
#include "verifier/analysis.hpp"

#include <algorithm>
#include <chrono>
#include <deque>

#include <fmt/format.h>

#include "verifier/call_map_arguments.hpp"
#include "verifier/cfg.hpp"
#include "verifier/fixpoint.hpp"
#include "verifier/speculation_limits.hpp"
#include "verifier/state.hpp"
#include "verifier/transfer.hpp"

namespace sandbpf::verifier {

VerifyResult analyze_detailed_impl(const AnalysisConfig& config, std::vector<State>* before);

namespace {

constexpr size_t kMaxDiagnostics = 64;

class Collector : public Reporter {
 public:
  Collector(const AnalysisConfig& config, std::vector<VerifierDiagnostic>& out)
      : config_(config), out_(out), failed_(config.program->size(), 0), accessed_(config.program->size(), 0),
        reached_(config.program->size(), 0) {}

  void fail(uint32_t pc, std::string message) override {
    if (pc < failed_.size()) {
      if (failed_[pc]) return;
      failed_[pc] = 1;
    }
    add(pc, std::move(message), trace_ ? trace_() : std::string());
  }
  void add(uint32_t pc, std::string message, std::string trace) {
    if (out_.size() >= kMaxDiagnostics) return;
    VerifierDiagnostic d;
    d.insn = pc;
    if (pc < config_.program->line_info.size()) d.source = config_.program->line_info[pc];
    d.message = std::move(message);
    d.trace = std::move(trace);
    out_.push_back(std::move(d));
  }
  void access(uint32_t pc) override {
    if (pc < accessed_.size()) accessed_[pc] = 1;
  }
  void reached(uint32_t pc) override {
    if (pc < reached_.size()) reached_[pc] = 1;
  }
  void set_trace(std::function<std::string()> trace) { trace_ = std::move(trace); }

  VerifiedFacts facts() const {
    VerifiedFacts f;
    f.reachable = reached_;
    f.access_proven.assign(accessed_.size(), 0);
    for (size_t pc = 0; pc < accessed_.size(); ++pc) f.access_proven[pc] = accessed_[pc] && !failed_[pc];
    return f;
  }

 private:
  const AnalysisConfig& config_;
  std::vector<VerifierDiagnostic>& out_;
  std::vector<uint8_t> failed_;
  std::vector<uint8_t> accessed_;
  std::vector<uint8_t> reached_;
  std::function<std::string()> trace_;
};

State entry_state(const AnalysisConfig& config, uint32_t stack_size) {
  State s = State::entry(stack_size);
  s.packet_size() = Interval(0, config.max_packet_size);
  const ProgramType& type = *config.type;
  if (type.entry == EntryConvention::kMemoryAndLength) {
    s.set(1, RegValue::pointer(Region::kPacket, Interval::constant(0)));
    s.set(2, RegValue::number(Scalar::unsigned_range(0, static_cast<uint64_t>(config.max_packet_size))));
    s.zone().add_equal(s.var(2), kPacketSizeVar, 0);
  } else {
    s.set(1, RegValue::pointer(Region::kContext, Interval::constant(0)));
  }
  for (const auto& f : type.context.pointers) {
    if (f.kind == ContextPointerKind::kPacketMeta) s.meta_offset() = Interval(-256, 0);
  }
  return s;
}

std::string describe_node(const Cfg& cfg, const CfgNode& n) {
  std::string where = n.first == n.last ? fmt::format("{}", n.first) : fmt::format("{}-{}", n.first, n.last);
  if (n.synthetic) where = fmt::format("return from the callback of insn {}", n.first);
  if (n.context != 0) {
    const CallContext& c = cfg.contexts()[n.context];
    where += fmt::format(" (in the {} at {} called from insn {})", c.callback ? "callback" : "function",
                         c.function, c.call_site);
  }
  return where;
}

// A shortest path of reachable nodes from the entry to `target`.
std::string path_to(const Cfg& cfg, const Fixpoint& fp, uint32_t target) {
  const size_t n = cfg.nodes().size();
  std::vector<uint32_t> parent(n, UINT32_MAX);
  std::deque<uint32_t> queue{cfg.entry()};
  parent[cfg.entry()] = cfg.entry();
  while (!queue.empty()) {
    const uint32_t u = queue.front();
    queue.pop_front();
    if (u == target) break;
    if (!fp.reached(u)) continue;
    for (uint32_t e : cfg.nodes()[u].out) {
      const uint32_t v = cfg.edges()[e].to;
      if (parent[v] != UINT32_MAX) continue;
      parent[v] = u;
      queue.push_back(v);
    }
  }
  if (parent[target] == UINT32_MAX) return "";
  std::vector<uint32_t> nodes;
  for (uint32_t v = target;; v = parent[v]) {
    nodes.push_back(v);
    if (v == cfg.entry()) break;
  }
  std::reverse(nodes.begin(), nodes.end());
  std::string out = "path: insns ";
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i) out += " -> ";
    out += describe_node(cfg, cfg.nodes()[nodes[i]]);
  }
  return out;
}

int64_t round_up(int64_t v, int64_t to) { return to <= 1 ? v : (v + to - 1) / to * to; }

}  // namespace

VerifyResult analyze(const AnalysisConfig& config) { return analyze_detailed_impl(config, nullptr); }

AnalysisDetails analyze_detailed(const AnalysisConfig& config) {
  AnalysisDetails details;
  details.before.resize(config.program->size());
  details.result = analyze_detailed_impl(config, &details.before);
  return details;
}

VerifyResult analyze_detailed_impl(const AnalysisConfig& config, std::vector<State>* before) {
  const auto start = std::chrono::steady_clock::now();
  VerifyResult result;
  Collector collector(config, result.errors);
  const Program& program = *config.program;
  if (program.size() == 0) {
    collector.add(0, "the program is empty", "");
    return result;
  }

  CfgOptions options;
  options.max_depth = std::max<uint32_t>(1, std::min(config.stack.max_call_depth, kMaxFrames));
  options.helper = config.helper;
  const Cfg cfg = Cfg::build(program, options);
  for (const CfgProblem& p : cfg.problems()) collector.add(p.insn, p.message, "");
  const Wto wto = Wto::build(cfg);

  SideFacts side;
  Transfer transfer(config, cfg, side);
  const bool proved = config.termination == TerminationPolicy::kProved;
  Fixpoint fixpoint(cfg, wto, transfer, entry_state(config, transfer.stack_size()), proved);
  const auto deadline = start + config.options.time_limit;
  const uint64_t max_visits = 200 * cfg.nodes().size() + 100000;

  // The checking pass: every node once, from its final states, reporting.
  // Without tracing it runs inside the fixpoint, each node as soon as its
  // states are final, so that the fixpoint can drop states nothing needs
  // any more (one state set per node would be most of the memory). A
  // trace names a path through the whole graph's states, so tracing
  // checks after the fixpoint, with every node's states kept.
  uint32_t current = 0;
  if (config.options.trace) {
    collector.set_trace([&]() {
      return fmt::format("state before the instruction:\n{}{}", transfer.trace_state().to_string(),
                         path_to(cfg, fixpoint, current));
    });
  }
  SpeculationLimits speculation(program);
  CallMapArguments call_maps(program, config.maps);
  transfer.set_checker(&collector, config.options.trace,
                       [before, &speculation, &call_maps](uint32_t pc, const State& s) {
    speculation.observe(pc, s);
    call_maps.observe(pc, s);
    if (before == nullptr || pc >= before->size()) return;
    State& slot = (*before)[pc];
    if (slot.is_bottom()) slot = s;
    else if (slot.depth() == s.depth()) slot = State::join(slot, s);
  });
  const size_t problems = result.errors.size();
  const bool solved = fixpoint.solve(max_visits, deadline, /*check=*/!config.options.trace);
  if (!solved) {
    // What the checks of the final part reported stands for nothing when
    // the rest did not converge: only the structural problems and this.
    result.errors.erase(result.errors.begin() + static_cast<std::ptrdiff_t>(problems), result.errors.end());
    collector.add(0,
                  fixpoint.timed_out()
                      ? fmt::format("verification did not finish within the time limit ({} ms)",
                                    config.options.time_limit.count())
                      : "the analysis did not converge: the program is too complex",
                  "");
    result.states_explored = fixpoint.state_transfers();
    result.node_visits = fixpoint.visits();
    result.time = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
    return result;
  }
  if (config.options.trace) {
    for (uint32_t n : wto.order) {
      current = n;
      fixpoint.check(n, fixpoint.pre(n));
    }
  }

  // Termination: every loop's counter bounded, and the path length.
  if (proved) {
    for (size_t i = 0; i < wto.order.size(); ++i) {
      if (!wto.is_head[i]) continue;
      const uint32_t h = wto.order[i];
      if (fixpoint.pre(h).is_bottom() || fixpoint.is_callback_loop(h)) continue;
      const Interval bound = fixpoint.loop_bound(h);
      if (bound.hi() == kPlusInf) {
        collector.add(cfg.nodes()[h].first,
                      fmt::format("infinite loop: the loop at insn {} has no provable bound (termination "
                                  "policy proved)",
                                  cfg.nodes()[h].first),
                      "");
      }
    }
    // Instructions per path: each node's size times the bounds of the
    // loops around it (a callback loop counts once, as the kernel does).
    std::function<double(size_t, size_t, double)> cost = [&](size_t b, size_t e, double mult) {
      double total = 0;
      for (size_t i = b; i < e;) {
        const uint32_t n = wto.order[i];
        const CfgNode& node = cfg.nodes()[n];
        const double size = node.synthetic ? 0 : static_cast<double>(node.last - node.first + 1);
        if (wto.is_head[i]) {
          const Interval bound = fixpoint.loop_bound(n);
          const double factor = fixpoint.is_callback_loop(n) || bound.hi() == kPlusInf
                                    ? 1.0
                                    : static_cast<double>(bound.hi()) + 1.0;
          total += size * mult * factor + cost(i + 1, wto.end[i], mult * factor);
          i = wto.end[i];
        } else {
          if (fixpoint.reached(n)) total += size * mult;
          ++i;
        }
      }
      return total;
    };
    const double path = cost(0, wto.order.size(), 1.0);
    if (path > static_cast<double>(config.options.max_instructions_per_path)) {
      collector.add(0, fmt::format("the program may run up to {:.0f} instructions on one path, more than the {} "
                                   "allowed (termination policy proved)",
                                   path, config.options.max_instructions_per_path),
                    "");
    }
  }

  // The whole call chain's stack (linux: 512 bytes, frames rounded up).
  if (config.stack.whole_chain) {
    std::vector<uint8_t> reported(program.size(), 0);
    for (size_t c = 1; c < cfg.contexts().size(); ++c) {
      int64_t total = 0;
      for (size_t k = c;; k = cfg.contexts()[k].parent) {
        total += round_up(side.context_depth[k], config.stack.frame_rounding);
        if (k == 0) break;
      }
      const uint32_t site = cfg.contexts()[c].call_site;
      if (total > static_cast<int64_t>(*config.stack.whole_chain) && !reported[site]) {
        reported[site] = 1;
        collector.add(site, fmt::format("the call chain through insn {} uses {} bytes of stack (each frame "
                                        "rounded up to {}), more than the {} allowed",
                                        site, total, config.stack.frame_rounding, *config.stack.whole_chain),
                      "");
      }
    }
  }

  std::sort(result.errors.begin(), result.errors.end(),
            [](const VerifierDiagnostic& a, const VerifierDiagnostic& b) { return a.insn < b.insn; });
  result.accepted = result.errors.empty();
  if (result.accepted) {
    result.facts = collector.facts();
    result.facts.pointer_offset_limits = speculation.facts();
    result.facts.call_map_arguments = call_maps.facts();
  }
  result.states_explored = fixpoint.state_transfers();
  result.node_visits = fixpoint.visits();
  result.time = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  return result;
}

}  // namespace sandbpf::verifier
