#include "conformance/conformance_environment.hpp"

namespace sandbpf::conformance {
namespace {

// Indexed by helper id; the table is immutable and shared by every run.
constexpr std::array<HelperFunction, kHelperBpfLoop + 1> make_helper_table() {
  std::array<HelperFunction, kHelperBpfLoop + 1> table{};
  table[kHelperReturnZero] = &helper_return_zero;
  table[kHelperBpfLoop] = &helper_bpf_loop;
  return table;
}

constexpr std::array<HelperFunction, kHelperBpfLoop + 1> kHelpers = make_helper_table();

}  // namespace

uint64_t helper_return_zero(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext&) {
  return 0;
}

// The kernel's bpf_loop: calls callback(i, ctx) for i = 0, 1, ... until it
// returns non-zero or nr_loops calls were made, and returns the number of
// calls (the one that returned non-zero included).
uint64_t helper_bpf_loop(uint64_t nr_loops, uint64_t callback, uint64_t callback_ctx,
                         uint64_t flags, uint64_t, RunContext& context) {
  if (flags != 0) return kEinval;
  if (nr_loops > kBpfLoopMaxIterations) return kE2big;
  if (!is_function_ref(callback)) {
    context.fail("bpf_loop: the callback is not a program function (lddw src=4)");
    return 0;
  }
  uint64_t i = 0;
  while (i < nr_loops) {
    const uint64_t stop = context.call_function(callback, i, callback_ctx, 0, 0, 0);
    if (context.failed()) return 0;
    ++i;
    if (stop != 0) break;
  }
  return i;
}

ConformanceEnvironment::ConformanceEnvironment() {
  for (size_t i = 0; i < host_variable_.size(); ++i)
    host_variable_[i] = static_cast<uint8_t>(kHostVariableInitial >> (8 * i));

  maps_[0] = MapBinding{&map_handle_, map_value_.data(), map_value_.size(), true};
  variables_[0] = HostVariable{host_variable_.data(), host_variable_.size(), true};
  regions_[0] = MemoryRegion{reinterpret_cast<uint64_t>(map_value_.data()), map_value_.size(), true};
  regions_[1] =
      MemoryRegion{reinterpret_cast<uint64_t>(host_variable_.data()), host_variable_.size(), true};

  environment_.helpers = kHelpers;
  environment_.maps = maps_;
  environment_.variables = variables_;
  environment_.host_data = nullptr;
}

}  // namespace sandbpf::conformance
