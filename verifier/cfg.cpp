#include "verifier/cfg.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace sandbpf::verifier {

namespace {

uint32_t next_pc(const Program& p, uint32_t pc) { return pc + (is_lddw_form(p.row(pc).form) ? 2 : 1); }

bool is_split_terminator(const Program& p, uint32_t pc, bool has_callback) {
  const Form f = p.row(pc).form;
  return is_jump(f) || f == Form::Exit || f == Form::CallLocal || has_callback;
}

// The end (one past the last slot) of the function holding pc.
uint32_t function_end(const Program& p, uint32_t pc) {
  const auto entries = p.function_entries();
  const size_t f = p.function_of(pc);
  return f + 1 < entries.size() ? entries[f + 1] : static_cast<uint32_t>(p.size());
}

// Finds the function a helper's callback argument holds: the nearest
// earlier instruction of the function writing that register must be lddw
// src=4 (or a move from a register that is). The analysis checks the
// register really holds that function at the call.
std::optional<uint32_t> find_callback(const Program& p, uint32_t call_pc, uint8_t reg) {
  const uint32_t start = p.function_entries()[p.function_of(call_pc)];
  for (int64_t pc = static_cast<int64_t>(call_pc) - 1; pc >= start; --pc) {
    const auto upc = static_cast<uint32_t>(pc);
    if (p.is_lddw_tail(upc)) continue;
    const InsnInfo& row = p.row(upc);
    const Insn& insn = p.insns()[upc];
    if (row.form == Form::CallHelper || row.form == Form::CallLocal || row.form == Form::CallReg) {
      if (reg <= 5) return std::nullopt;
      continue;
    }
    if (!writes_dst_register(row.form) || insn.dst != reg) continue;
    if (row.form == Form::LddwFunction) {
      const int64_t t = p.target(upc);
      if (t < 0) return std::nullopt;
      return static_cast<uint32_t>(t);
    }
    if (row.op == Op::Mov64Reg) {
      reg = insn.src;
      continue;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<CallbackSite> Cfg::callback_at(uint32_t pc) const {
  auto it = std::lower_bound(callbacks_.begin(), callbacks_.end(), pc,
                             [](const auto& c, uint32_t v) { return c.first < v; });
  if (it != callbacks_.end() && it->first == pc) return it->second;
  return std::nullopt;
}

Cfg Cfg::build(const Program& program, const CfgOptions& options) {
  Cfg cfg;
  const auto n = static_cast<uint32_t>(program.size());
  if (n == 0) return cfg;

  // Callback call sites first: their calls end blocks.
  for (uint32_t pc = 0; pc < n; pc = next_pc(program, pc)) {
    if (program.row(pc).form != Form::CallHelper || !options.helper) continue;
    const HelperPrototype* proto = options.helper(static_cast<uint32_t>(program.insns()[pc].imm));
    if (proto == nullptr) continue;
    for (uint8_t a = 0; a < 5; ++a) {
      if (proto->args[a] != ArgKind::kCallback) continue;
      const auto reg = static_cast<uint8_t>(a + 1);
      if (auto f = find_callback(program, pc, reg)) {
        cfg.callbacks_.emplace_back(pc, CallbackSite{reg, *f});
      } else {
        cfg.problems_.push_back({pc, fmt::format("the callback argument r{} of {} must be a program "
                                                 "function loaded with lddw before the call",
                                                 reg, proto->name)});
      }
      break;
    }
  }

  // Block leaders.
  std::vector<uint8_t> leader(n + 1, 0);
  leader[0] = 1;
  for (uint32_t f : program.function_entries()) leader[f] = 1;
  for (uint32_t pc = 0; pc < n; pc = next_pc(program, pc)) {
    const bool callback = cfg.callback_at(pc).has_value();
    if (!is_split_terminator(program, pc, callback)) continue;
    const uint32_t next = next_pc(program, pc);
    if (next <= n) leader[next] = 1;
    if (is_jump(program.row(pc).form)) {
      const int64_t t = program.target(pc);
      if (t >= 0 && t < n) leader[static_cast<size_t>(t)] = 1;
    }
  }

  std::map<std::pair<uint32_t, uint32_t>, uint32_t> node_of;       // (context, pc) -> node
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> synthetic_of;  // (context, call) -> node
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> child_of;      // (context, call) -> context
  std::vector<uint32_t> work;
  cfg.contexts_.push_back(CallContext{0, 0, 0, 0, false, 0});

  auto problem = [&cfg](uint32_t pc, std::string message) {
    for (const auto& p : cfg.problems_) {
      if (p.insn == pc && p.message == message) return;
    }
    cfg.problems_.push_back({pc, std::move(message)});
  };
  bool too_big = false;
  auto node = [&](uint32_t ctx, uint32_t pc) -> uint32_t {
    auto [it, fresh] = node_of.try_emplace({ctx, pc}, static_cast<uint32_t>(cfg.nodes_.size()));
    if (fresh) {
      CfgNode nd;
      nd.context = ctx;
      nd.first = pc;
      cfg.nodes_.push_back(nd);
      work.push_back(it->second);
      if (cfg.nodes_.size() > options.max_nodes) too_big = true;
    }
    return it->second;
  };
  auto edge = [&cfg](uint32_t from, uint32_t to, EdgeKind kind) {
    const auto id = static_cast<uint32_t>(cfg.edges_.size());
    cfg.edges_.push_back({from, to, kind});
    cfg.nodes_[from].out.push_back(id);
    cfg.nodes_[to].in.push_back(id);
  };
  // The context a call at `pc` in `ctx` enters, or nullopt past the depth limit.
  auto child = [&](uint32_t ctx, uint32_t pc, uint32_t function, bool callback,
                   uint8_t reg) -> std::optional<uint32_t> {
    const uint32_t depth = cfg.contexts_[ctx].depth + 1;
    if (depth >= options.max_depth) {
      problem(pc, fmt::format("the call chain is deeper than {} frames{}", options.max_depth,
                              function == cfg.contexts_[ctx].function ? " (recursion is not allowed)" : ""));
      return std::nullopt;
    }
    auto [it, fresh] = child_of.try_emplace({ctx, pc}, static_cast<uint32_t>(cfg.contexts_.size()));
    if (fresh) cfg.contexts_.push_back(CallContext{ctx, pc, function, depth, callback, reg});
    return it->second;
  };

  node(0, 0);
  while (!work.empty() && !too_big) {
    const uint32_t id = work.back();
    work.pop_back();
    const uint32_t ctx = cfg.nodes_[id].context;
    const uint32_t end = function_end(program, cfg.nodes_[id].first);
    uint32_t pc = cfg.nodes_[id].first;
    // Extend to the terminator.
    while (true) {
      const uint32_t next = next_pc(program, pc);
      const bool callback = cfg.callback_at(pc).has_value();
      if (is_split_terminator(program, pc, callback) || next >= end || leader[next]) break;
      pc = next;
    }
    cfg.nodes_[id].last = pc;
    const InsnInfo& row = program.row(pc);
    const uint32_t next = next_pc(program, pc);
    auto fall_to_next = [&](EdgeKind kind) {
      if (next >= end) {
        problem(pc, "execution falls off the end of the function: the last instruction must be "
                    "exit or a jump");
        return;
      }
      edge(id, node(ctx, next), kind);
    };
    if (row.form == Form::Ja || row.form == Form::Ja32) {
      edge(id, node(ctx, static_cast<uint32_t>(program.target(pc))), EdgeKind::kFall);
    } else if (is_conditional_jump(row.form)) {
      edge(id, node(ctx, static_cast<uint32_t>(program.target(pc))), EdgeKind::kTaken);
      fall_to_next(EdgeKind::kNotTaken);
    } else if (row.form == Form::Exit) {
      const CallContext c = cfg.contexts_[ctx];
      if (ctx != 0) {
        if (c.callback) {
          auto [it, fresh] = synthetic_of.try_emplace({c.parent, c.call_site}, 0);
          if (fresh) {
            it->second = static_cast<uint32_t>(cfg.nodes_.size());
            CfgNode nd;
            nd.context = c.parent;
            nd.first = nd.last = c.call_site;
            nd.synthetic = true;
            cfg.nodes_.push_back(nd);
            // Its edges: run the callback again, or let the helper return.
            edge(it->second, node(ctx, c.function), EdgeKind::kCallbackEnter);
            edge(it->second, node(c.parent, next_pc(program, c.call_site)), EdgeKind::kHelperDone);
          }
          edge(id, it->second, EdgeKind::kCallbackReturn);
        } else {
          edge(id, node(c.parent, next_pc(program, c.call_site)), EdgeKind::kReturn);
        }
      }
    } else if (row.form == Form::CallLocal) {
      const auto target = static_cast<uint32_t>(program.target(pc));
      if (auto callee = child(ctx, pc, target, false, 0)) {
        if (next >= end) {
          fall_to_next(EdgeKind::kFall);  // reports the problem
        } else {
          edge(id, node(*callee, target), EdgeKind::kCallEnter);
        }
      }
    } else if (auto cb = cfg.callback_at(pc)) {
      if (auto callee = child(ctx, pc, cb->function, true, cb->reg)) {
        edge(id, node(*callee, cb->function), EdgeKind::kCallbackEnter);
        fall_to_next(EdgeKind::kHelperDone);
      }
    } else {
      fall_to_next(EdgeKind::kFall);
    }
  }
  if (too_big)
    problem(0, fmt::format("the program is too complex: more than {} blocks once calls are inlined",
                           options.max_nodes));
  return cfg;
}

// ------------------------------------------------------------------------ WTO

Wto Wto::build(const Cfg& cfg) {
  const auto n = static_cast<uint32_t>(cfg.nodes().size());
  constexpr uint32_t kDone = UINT32_MAX;
  std::vector<uint32_t> dfn(n, 0);
  std::vector<uint32_t> stack;
  uint32_t num = 0;
  struct Item {
    uint32_t node;
    int32_t partition;  // -1: a vertex; else the component's body
  };
  std::vector<std::vector<Item>> partitions(1);
  struct Frame {
    bool component;
    uint32_t v;
    size_t i = 0;
    uint32_t head = 0;
    bool loop = false;
    uint32_t target;       // partition receiving the result
    uint32_t own = 0;      // component: its body partition
  };
  std::vector<Frame> frames;
  auto start_visit = [&](uint32_t v, uint32_t target) {
    stack.push_back(v);
    dfn[v] = ++num;
    frames.push_back(Frame{false, v, 0, dfn[v], false, target, 0});
  };
  auto succ = [&cfg](uint32_t v, size_t i) { return cfg.edges()[cfg.nodes()[v].out[i]].to; };

  if (n > 0) start_visit(0, 0);
  while (!frames.empty()) {
    Frame& f = frames.back();
    const auto out_count = cfg.nodes()[f.v].out.size();
    if (!f.component) {
      if (f.i < out_count) {
        const uint32_t w = succ(f.v, f.i++);
        if (dfn[w] == 0) {
          start_visit(w, f.target);
          continue;
        }
        if (dfn[w] <= f.head) {
          f.head = dfn[w];
          f.loop = true;
        }
        continue;
      }
      // Finished visiting v's successors.
      const uint32_t v = f.v;
      const uint32_t head = f.head;
      if (head == dfn[v]) {
        dfn[v] = kDone;
        uint32_t elem = stack.back();
        stack.pop_back();
        if (f.loop) {
          while (elem != v) {
            dfn[elem] = 0;
            elem = stack.back();
            stack.pop_back();
          }
          // Becomes the component of v: visit its successors again inside.
          f.component = true;
          f.i = 0;
          f.own = static_cast<uint32_t>(partitions.size());
          partitions.emplace_back();
          continue;
        }
        partitions[f.target].push_back(Item{v, -1});
      }
      frames.pop_back();
      if (!frames.empty() && !frames.back().component && head <= frames.back().head) {
        frames.back().head = head;
        frames.back().loop = true;
      }
      continue;
    }
    // Component frame.
    if (f.i < out_count) {
      const uint32_t w = succ(f.v, f.i++);
      if (dfn[w] == 0) start_visit(w, f.own);
      continue;
    }
    partitions[f.target].push_back(Item{f.v, static_cast<int32_t>(f.own)});
    frames.pop_back();
  }

  // Items were appended as they completed; Bourdoncle's order prepends.
  Wto wto;
  wto.position.assign(n, UINT32_MAX);
  wto.head_of.assign(n, UINT32_MAX);
  struct Pending {
    uint32_t partition;
    size_t index;  // counts down
    uint32_t head_position;  // UINT32_MAX at top level
  };
  std::vector<Pending> todo{{0, partitions[0].size(), UINT32_MAX}};
  while (!todo.empty()) {
    Pending& p = todo.back();
    if (p.index == 0) {
      if (p.head_position != UINT32_MAX) wto.end[p.head_position] = static_cast<uint32_t>(wto.order.size());
      todo.pop_back();
      continue;
    }
    const Item item = partitions[p.partition][--p.index];
    const auto pos = static_cast<uint32_t>(wto.order.size());
    const uint32_t enclosing = p.head_position == UINT32_MAX ? UINT32_MAX : wto.order[p.head_position];
    wto.order.push_back(item.node);
    wto.end.push_back(pos + 1);
    wto.is_head.push_back(item.partition >= 0 ? 1 : 0);
    wto.position[item.node] = pos;
    wto.head_of[item.node] = enclosing;
    if (item.partition >= 0) {
      wto.head_of[item.node] = item.node;
      todo.push_back(Pending{static_cast<uint32_t>(item.partition),
                             partitions[static_cast<size_t>(item.partition)].size(), pos});
    }
  }
  return wto;
}

}  // namespace sandbpf::verifier
