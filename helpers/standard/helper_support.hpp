// Shared by the standard helpers: Linux's error numbers, argument checks
// for checked mode, and the map handle check.
#pragma once

#include <cstdint>
#include <string_view>

#include "helpers/run_services.hpp"
#include "vm/environment.hpp"

namespace sandbpf {

class Map;

namespace errno_value {
// Linux's numbers; helpers return them negated, as the kernel's do.
inline constexpr int64_t kENOENT = 2;
inline constexpr int64_t kE2BIG = 7;
inline constexpr int64_t kEBUSY = 16;
inline constexpr int64_t kEINVAL = 22;
inline constexpr int64_t kENOSPC = 28;
inline constexpr int64_t kERANGE = 34;
inline constexpr int64_t kEOPNOTSUPP = 95;
}  // namespace errno_value

// A negated errno as the helper's r0.
inline uint64_t helper_error(int64_t errno_number) { return static_cast<uint64_t>(-errno_number); }

// True when the helper may use [address, address + size) (write: write
// to it). Verified runs (no check_arguments) are trusted: the verifier
// proved it. In checked mode the run's MemoryProbe decides; a refusal
// fails the run with a message naming the helper and the argument, and the
// helper must return at once.
bool may_access(RunContext& context, uint64_t address, uint64_t size, bool write,
                std::string_view helper, std::string_view argument);

// How many bytes, at most `max`, from `address` on the program may read
// (write: write): what the engine knows (RunContext::accessible_bytes: the
// live stack, and in checked mode the run's regions) or what the run's
// MemoryProbe allows.
uint64_t accessible_bytes(RunContext& context, uint64_t address, uint64_t max, bool write);
// A MemoryProbe answering with accessible_bytes (for the format code);
// valid while `context` is.
MemoryProbe probe_with_stack(RunContext& context);

// The map a helper's map argument names, or null after failing the run
// (checked mode: the handle is not one of the Environment's maps).
Map* map_argument(RunContext& context, uint64_t handle, std::string_view helper);

// The run's slot (0 without RunServices).
inline uint32_t run_slot(RunContext& context) {
  const RunServices* services = run_services(context);
  return services == nullptr ? 0 : services->slot;
}

}  // namespace sandbpf
