#include "jit/arm64/cpu_features.hpp"

#include <cstdlib>
#include <string_view>

#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace sandbpf::arm64 {

bool host_has_lse() {
#if defined(__aarch64__) && defined(__linux__)
  return (::getauxval(AT_HWCAP) & HWCAP_ATOMICS) != 0;
#else
  return false;
#endif
}

Arm64Atomics resolve_atomics(Arm64Atomics requested) {
  if (requested != Arm64Atomics::kAuto) return requested;
  if (const char* forced = std::getenv("SANDBPF_JIT_ARM64_ATOMICS")) {
    const std::string_view value = forced;
    if (value == "lse") return Arm64Atomics::kLse;
    if (value == "exclusive") return Arm64Atomics::kExclusive;
  }
  return host_has_lse() ? Arm64Atomics::kLse : Arm64Atomics::kExclusive;
}

}  // namespace sandbpf::arm64
