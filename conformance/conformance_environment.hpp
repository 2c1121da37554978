// The conformance platform: the generic platform plus what the suite's
// programs (and the project's own conformance tests) call and reference.
//
//   helper 5     returns 0 (the suite's call_unwind_fail and callx use it)
//   helper 181   bpf_loop(nr_loops, callback, ctx, flags), as the kernel's
//   map 0        a 64-byte array value, zeroed, writable (lddw src 1/2/5/6)
//   variable 0   8 writable bytes holding 0x1122334455667788 little-endian
//                (lddw src 3)
//
// One object per run: it owns the map value and the host variable, so a
// test that writes them cannot change what the next test sees. It is
// neither copied nor moved, because the Environment it hands out points
// into it.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "vm/environment.hpp"

namespace sandbpf::conformance {

inline constexpr uint64_t kHelperReturnZero = 5;
inline constexpr uint64_t kHelperBpfLoop = 181;

inline constexpr uint64_t kMapValueSize = 64;
inline constexpr uint64_t kHostVariableInitial = 0x1122334455667788ull;

// bpf_loop's limit on nr_loops and its error returns (negative errno as u64).
inline constexpr uint64_t kBpfLoopMaxIterations = uint64_t{1} << 23;
inline constexpr uint64_t kEinval = static_cast<uint64_t>(-22);
inline constexpr uint64_t kE2big = static_cast<uint64_t>(-7);

class ConformanceEnvironment {
 public:
  ConformanceEnvironment();
  ConformanceEnvironment(const ConformanceEnvironment&) = delete;
  ConformanceEnvironment& operator=(const ConformanceEnvironment&) = delete;

  const Environment& environment() const { return environment_; }

  // The memory this environment owns (map value, host variable), for
  // RunInput::regions so checked mode lets the program touch it.
  std::span<const MemoryRegion> regions() const { return regions_; }

  std::span<uint8_t> map_value() { return map_value_; }
  std::span<uint8_t> host_variable() { return host_variable_; }

 private:
  alignas(8) std::array<uint8_t, kMapValueSize> map_value_{};
  alignas(8) std::array<uint8_t, 8> host_variable_{};
  uint8_t map_handle_ = 0;  // only its address matters: the map's opaque handle
  std::array<MapBinding, 1> maps_{};
  std::array<HostVariable, 1> variables_{};
  std::array<MemoryRegion, 2> regions_{};
  Environment environment_{};
};

// The helpers themselves, for hosts and tests that build their own tables.
uint64_t helper_return_zero(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                            RunContext& context);
uint64_t helper_bpf_loop(uint64_t nr_loops, uint64_t callback, uint64_t callback_ctx,
                         uint64_t flags, uint64_t r5, RunContext& context);

}  // namespace sandbpf::conformance
