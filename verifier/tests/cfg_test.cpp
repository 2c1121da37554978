// The CFG (blocks per call context) and Bourdoncle's weak topological order.
#include "verifier/cfg.hpp"

#include <gtest/gtest.h>

#include "loader/assembler.hpp"
#include "vm/program.hpp"

namespace sandbpf::verifier {
namespace {

Program build(std::string_view text) {
  auto insns = assemble(text);
  EXPECT_TRUE(insns.has_value());
  auto p = Program::decode(*insns);
  EXPECT_TRUE(p.has_value());
  return std::move(*p);
}

TEST(Cfg, BlocksEndAtJumpsAndStartAtTargets) {
  const Program p = build(R"(
      mov %r0, 0
      jeq %r1, 0, skip
      mov %r0, 1
    skip:
      exit)");
  const Cfg cfg = Cfg::build(p, {});
  ASSERT_EQ(cfg.nodes().size(), 3u);
  EXPECT_EQ(cfg.nodes()[0].first, 0u);
  EXPECT_EQ(cfg.nodes()[0].last, 1u);
  EXPECT_EQ(cfg.nodes()[0].out.size(), 2u);
  EXPECT_TRUE(cfg.problems().empty());
}

TEST(Cfg, EachCallSiteGetsItsOwnCopyOfTheCallee) {
  const Program p = build(R"(
      call local f
      call local f
      mov %r0, 0
      exit
    f:
      mov %r0, 1
      exit)");
  const Cfg cfg = Cfg::build(p, {});
  ASSERT_EQ(cfg.contexts().size(), 3u);  // the entry and two calls
  size_t callee_copies = 0;
  for (const auto& n : cfg.nodes()) callee_copies += n.first == 4 ? 1 : 0;
  EXPECT_EQ(callee_copies, 2u);
  EXPECT_EQ(cfg.contexts()[1].depth, 1u);
}

TEST(Cfg, CallbacksAreFoundNextToTheirCall) {
  const Program p = build(R"(
      lddw %r2, func cb
      mov %r1, 3
      mov %r3, 0
      mov %r4, 0
      call 181
      mov %r0, 0
      exit
    cb:
      mov %r0, 0
      exit)");
  HelperPrototype loop;
  loop.id = 181;
  loop.name = "bpf_loop";
  loop.args = {ArgKind::kScalar, ArgKind::kCallback, ArgKind::kCallbackContext, ArgKind::kScalar, ArgKind::kNone};
  CfgOptions options;
  options.helper = [&loop](uint32_t id) { return id == 181 ? &loop : nullptr; };
  const Cfg cfg = Cfg::build(p, options);
  ASSERT_TRUE(cfg.callback_at(5).has_value());
  EXPECT_EQ(cfg.callback_at(5)->function, 8u);
  EXPECT_EQ(cfg.callback_at(5)->reg, 2);
  // The callback returns to a synthetic node that may run it again.
  bool synthetic = false;
  for (const auto& n : cfg.nodes()) synthetic |= n.synthetic;
  EXPECT_TRUE(synthetic);
}

TEST(Wto, LoopsBecomeComponentsWithTheirHeadFirst) {
  const Program p = build(R"(
      mov %r0, 0
    head:
      add %r0, 1
      jlt %r0, 10, head
      exit)");
  const Cfg cfg = Cfg::build(p, {});
  const Wto wto = Wto::build(cfg);
  ASSERT_EQ(wto.order.size(), 3u);
  EXPECT_EQ(cfg.nodes()[wto.order[0]].first, 0u);
  EXPECT_TRUE(wto.is_head[1]);
  EXPECT_EQ(cfg.nodes()[wto.order[1]].first, 1u);
  EXPECT_EQ(wto.end[1], 2u);  // the loop is one block
  EXPECT_FALSE(wto.is_head[2]);
}

TEST(Wto, NestedLoopsNest) {
  const Program p = build(R"(
      mov %r1, 0
    outer:
      mov %r2, 0
    inner:
      add %r2, 1
      jlt %r2, 4, inner
      add %r1, 1
      jlt %r1, 4, outer
      mov %r0, 0
      exit)");
  const Cfg cfg = Cfg::build(p, {});
  const Wto wto = Wto::build(cfg);
  // entry, (outer-head, (inner-head), outer-tail), exit
  size_t heads = 0;
  for (uint8_t h : wto.is_head) heads += h;
  EXPECT_EQ(heads, 2u);
  const size_t outer = wto.position[1];  // node 1 starts at pc 1
  ASSERT_TRUE(wto.is_head[outer]);
  EXPECT_GT(wto.end[outer], outer + 2);  // contains the inner loop and its tail
}

TEST(Wto, EveryEdgeGoesForwardExceptToAnEnclosingHead) {
  const Program p = build(R"(
      mov %r1, 0
    a:
      jeq %r1, 3, b
      add %r1, 1
      ja a
    b:
      jeq %r1, 5, c
      add %r1, 1
      ja b
    c:
      mov %r0, 0
      exit)");
  const Cfg cfg = Cfg::build(p, {});
  const Wto wto = Wto::build(cfg);
  for (const auto& e : cfg.edges()) {
    const uint32_t from = wto.position[e.from];
    const uint32_t to = wto.position[e.to];
    if (to <= from) {
      EXPECT_TRUE(wto.is_head[to]);
      EXPECT_LT(from, wto.end[to]);
    }
  }
}

}  // namespace
}  // namespace sandbpf::verifier
