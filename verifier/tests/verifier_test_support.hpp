// Building blocks for the program-level tests: assemble a program, run the
// analysis against a hand-built program type (no Platform needed), and
// look at the verdict.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "helpers/helper_prototype.hpp"
#include "helpers/maps/tests/map_test_support.hpp"  // map_def
#include "helpers/platform.hpp"
#include "loader/assembler.hpp"
#include "verifier/analysis.hpp"
#include "verifier/tests/checked_runs.hpp"
#include "vm/program.hpp"

namespace sandbpf::verifier::testing {

// The generic platform's program type: r1 = memory, r2 = its size.
inline ProgramType generic_type() {
  ProgramType t;
  t.name = "generic";
  t.entry = EntryConvention::kMemoryAndLength;
  t.legacy_packet_access = true;
  return t;
}

// A context like struct xdp_md: data (0), data_end (4), data_meta (8),
// ingress_ifindex (12), rx_queue_index (16), egress_ifindex (20); 24 bytes.
inline ProgramType xdp_type() {
  ProgramType t;
  t.name = "xdp";
  t.context.c_type = "struct xdp_md";
  t.context.size = 24;
  t.context.readable = {{0, 24}};
  t.context.writable = {};
  t.context.pointers = {{0, 4, ContextPointerKind::kPacketData},
                        {4, 4, ContextPointerKind::kPacketEnd},
                        {8, 4, ContextPointerKind::kPacketMeta}};
  return t;
}

struct Fixture {
  ProgramType type = generic_type();
  std::vector<MapDefinition> maps;
  StackRules stack;
  TerminationPolicy termination = TerminationPolicy::kBudget;
  VerifyOptions options;
  std::map<uint32_t, HelperPrototype> helpers;
  int64_t max_packet_size = 0xffff;

  VerifyResult run(std::string_view text, std::vector<std::optional<SourceLine>> lines = {}) {
    return details(text, std::move(lines)).result;
  }

  // The verdict and the state before each instruction.
  AnalysisDetails details(std::string_view text, std::vector<std::optional<SourceLine>> lines = {}) {
    auto insns = assemble(text);
    EXPECT_TRUE(insns.has_value()) << (insns ? "" : insns.error().message);
    if (!insns) return {};
    auto decoded = Program::decode(*insns);
    EXPECT_TRUE(decoded.has_value()) << (decoded ? "" : decoded.error().message);
    if (!decoded) return {};
    program = std::make_unique<Program>(std::move(*decoded));
    program->line_info = std::move(lines);
    AnalysisConfig config;
    config.program = program.get();
    config.type = &type;
    config.maps = maps;
    config.stack = stack;
    config.termination = termination;
    config.options = options;
    config.max_packet_size = max_packet_size;
    config.helper = [this](uint32_t id) -> const HelperPrototype* {
      auto it = helpers.find(id);
      return it == helpers.end() ? nullptr : &it->second;
    };
    AnalysisDetails d = analyze_detailed(config);
    if (d.result.accepted) check_soundness(text);
    return d;
  }

  std::unique_ptr<Program> program;  // the last one analysed

  // Programs run in the checked interpreter after being accepted (see
  // check_soundness), over all fixtures.
  static inline uint64_t checked_programs = 0;

 private:
  // Every accepted program of the generic type without maps or helpers
  // (which this fixture has no implementations of) also runs in checked
  // mode on many memories: the verifier's verdict is put to the test.
  void check_soundness(std::string_view text) {
    if (type.entry != EntryConvention::kMemoryAndLength || !maps.empty() || !helpers.empty()) return;
    InterpreterOptions frames;
    frames.stack_per_frame = stack.per_frame;
    frames.max_call_depth = stack.max_call_depth;
    if (!validate_frame_options(frames.stack_per_frame, frames.max_call_depth)) return;
    ++checked_programs;
    EXPECT_EQ(checked_violation(*program, Environment{}, frames), "")
        << "the verifier accepted a program that checked mode stopped:\n" << text;
  }
};

inline std::string messages(const VerifyResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += "\n  insn " + std::to_string(e.insn) + ": " + e.message;
  return out;
}

// Accepted, or the messages say why not.
inline ::testing::AssertionResult Accepted(const VerifyResult& r) {
  if (r.accepted) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "rejected:" << messages(r);
}

// Rejected with (among others) `message` at `insn`.
inline ::testing::AssertionResult RejectedWith(const VerifyResult& r, uint64_t insn, std::string_view message) {
  if (r.accepted) return ::testing::AssertionFailure() << "accepted";
  for (const auto& e : r.errors) {
    if (e.insn == insn && e.message == message) return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected insn " << insn << ": " << message << "\ngot:" << messages(r);
}

}  // namespace sandbpf::verifier::testing
