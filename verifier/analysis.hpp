// The analysis proper, independent of how its inputs are assembled:
// verify() (verifier.cpp) builds an AnalysisConfig from a Platform; tests
// can build one directly.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "helpers/helper_prototype.hpp"
#include "helpers/platform.hpp"
#include "verifier/state.hpp"
#include "verifier/verifier.hpp"
#include "vm/map_definition.hpp"
#include "vm/program.hpp"

namespace sandbpf::verifier {

struct AnalysisConfig {
  const Program* program = nullptr;
  const ProgramType* type = nullptr;
  std::span<const MapDefinition> maps;
  StackRules stack;
  TerminationPolicy termination = TerminationPolicy::kProved;
  VerifyOptions options;
  // The prototype of helper `id`, nullptr when the platform has none.
  std::function<const HelperPrototype*(uint32_t)> helper;
  // Map types the platform allows (nullptr: all).
  std::function<bool(uint32_t)> map_type_allowed;
  // The platform's generic packet size bound (data_end - data).
  int64_t max_packet_size = 0xffff;
};

// Runs the analysis; never fails (inputs that cannot be judged are refused
// with a diagnostic).
VerifyResult analyze(const AnalysisConfig& config);

// The analysis with its invariants: the abstract state before each
// instruction of the entry function (joined over the paths reaching it;
// bottom where unreachable). For tests and for tools that show states.
struct AnalysisDetails {
  VerifyResult result;
  std::vector<State> before;  // per slot
};
AnalysisDetails analyze_detailed(const AnalysisConfig& config);

}  // namespace sandbpf::verifier
