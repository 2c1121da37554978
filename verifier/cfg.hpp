// The control-flow graph the analysis runs on. Basic blocks of the program,
// instantiated per call context: a local call inlines the callee (a fresh
// copy of its blocks for that call site, with its own frame), so stack
// pointers passed to callees stay precise; a helper taking a callback
// (bpf_loop...) inlines the callback the same way, as a loop that may run
// any number of times. Contexts nest up to the platform's call depth.
//
// Nodes are blocks in a context, plus one synthetic node per callback call
// site (where the callback returns to, before it runs again or the helper
// returns). Edges carry what happens on them: a conditional jump's outcome,
// entering or leaving a function.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "helpers/helper_prototype.hpp"
#include "vm/program.hpp"

namespace sandbpf::verifier {

enum class EdgeKind : uint8_t {
  kFall,           // the block's last instruction fully applied in the node
  kTaken,          // conditional jump taken
  kNotTaken,       // conditional jump not taken
  kCallEnter,      // call local: into the callee's entry, a new frame
  kReturn,         // exit of a callee: back to the caller (frame popped)
  kCallbackEnter,  // helper with a callback: into the callback, a new frame
  kCallbackReturn, // exit of a callback: back to the call site's synthetic node
  kHelperDone,     // the helper returns (after zero or more callback runs)
};

struct CallContext {
  uint32_t parent = 0;     // index of the caller's context (0 for the root)
  uint32_t call_site = 0;  // pc of the call (or helper call) in the parent
  uint32_t function = 0;   // entry pc of the function this context runs
  uint32_t depth = 0;      // 0 for the entry function
  bool callback = false;   // entered from a helper, not a call local
  uint8_t callback_reg = 0;  // the register holding the callback at the call site
};

struct CfgNode {
  uint32_t context = 0;
  uint32_t first = 0;  // first pc
  uint32_t last = 0;   // last pc (the terminator); for a synthetic node the call site
  bool synthetic = false;  // a callback call site's return point
  std::vector<uint32_t> out;  // edge indices
  std::vector<uint32_t> in;
};

struct CfgEdge {
  uint32_t from = 0;
  uint32_t to = 0;
  EdgeKind kind = EdgeKind::kFall;
};

// The callback a helper call passes, found next to the call.
struct CallbackSite {
  uint8_t reg = 0;        // argument register
  uint32_t function = 0;  // entry pc
};

struct CfgOptions {
  uint32_t max_depth = 8;      // frames, the entry function included
  uint32_t max_nodes = 2000000;
  // The helper's prototype by id (nullptr: unknown helper).
  std::function<const HelperPrototype*(uint32_t)> helper;
};

struct CfgProblem {
  uint32_t insn = 0;
  std::string message;
};

class Cfg {
 public:
  // Builds the graph reachable from pc 0. Structural problems (a call chain
  // deeper than allowed, a function that falls off its end, a callback that
  // is not a known function) are listed in problems(); the graph stops there.
  static Cfg build(const Program& program, const CfgOptions& options);

  const std::vector<CfgNode>& nodes() const { return nodes_; }
  const std::vector<CfgEdge>& edges() const { return edges_; }
  const std::vector<CallContext>& contexts() const { return contexts_; }
  const std::vector<CfgProblem>& problems() const { return problems_; }
  uint32_t entry() const { return 0; }
  // The callback found for a helper call at pc (if the helper takes one).
  std::optional<CallbackSite> callback_at(uint32_t pc) const;

 private:
  std::vector<CfgNode> nodes_;
  std::vector<CfgEdge> edges_;
  std::vector<CallContext> contexts_;
  std::vector<CfgProblem> problems_;
  std::vector<std::pair<uint32_t, CallbackSite>> callbacks_;
};

// Bourdoncle's weak topological ordering: nodes in an order where every
// edge goes forward except edges back to the head of an enclosing
// component (a loop). Flattened: a component at position i spans
// [i, end[i]); its head is at i.
struct Wto {
  std::vector<uint32_t> order;     // node ids
  std::vector<uint32_t> end;       // per position: one past the component, or i + 1 for a vertex
  std::vector<uint8_t> is_head;    // per position
  std::vector<uint32_t> position;  // per node: its position, UINT32_MAX if unreachable
  std::vector<uint32_t> head_of;   // per node: innermost enclosing head node, UINT32_MAX if none
  // Per node: 1 for a loop head.
  bool head(uint32_t node) const { return position[node] != UINT32_MAX && is_head[position[node]]; }
  static Wto build(const Cfg& cfg);
};

}  // namespace sandbpf::verifier
