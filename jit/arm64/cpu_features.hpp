// Which atomics the ARM64 backend emits: LSE (ARMv8.1 single instructions)
// or load-exclusive/store-exclusive loops (every ARMv8.0 CPU).
#pragma once

#include "jit/backend.hpp"

namespace sandbpf::arm64 {

// kLse or kExclusive. kAuto resolves to LSE when the CPU running this
// process has it (getauxval(AT_HWCAP) & HWCAP_ATOMICS on aarch64; never on
// other hosts, whose dumps then show code any ARMv8 runs), unless the
// environment variable SANDBPF_JIT_ARM64_ATOMICS is "lse" or "exclusive".
Arm64Atomics resolve_atomics(Arm64Atomics requested);

// Whether the CPU running this process has the LSE atomics.
bool host_has_lse();

}  // namespace sandbpf::arm64
