#include "helpers/run_services.hpp"

#include <chrono>
#include <ctime>

#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#elif defined(_WIN32)
#include <windows.h>
#else
#include <unistd.h>
#endif

namespace sandbpf {
namespace {

uint64_t steady_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

// SplitMix64's output function.
uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ull;

}  // namespace

uint64_t host_monotonic_ns(const HostServices* host) {
  if (host != nullptr && host->monotonic_ns) return host->monotonic_ns();
  return steady_ns();
}

uint64_t host_boot_ns(const HostServices* host) {
  if (host != nullptr && host->boot_ns) return host->boot_ns();
  if (host != nullptr && host->monotonic_ns) return host->monotonic_ns();
#if defined(CLOCK_BOOTTIME)
  timespec now{};
  if (clock_gettime(CLOCK_BOOTTIME, &now) == 0)
    return static_cast<uint64_t>(now.tv_sec) * 1000000000ull + static_cast<uint64_t>(now.tv_nsec);
#endif
  return steady_ns();
}

uint64_t host_pid_tgid(const HostServices* host) {
  if (host != nullptr && host->pid_tgid) return host->pid_tgid();
#if defined(__linux__)
  const auto pid = static_cast<uint64_t>(getpid());
  const auto tid = static_cast<uint64_t>(syscall(SYS_gettid));
  return (pid << 32) | (tid & 0xffffffffull);
#elif defined(_WIN32)
  const auto pid = static_cast<uint64_t>(::GetCurrentProcessId());
  const auto tid = static_cast<uint64_t>(::GetCurrentThreadId());
  return (pid << 32) | (tid & 0xffffffffull);
#else
  const auto pid = static_cast<uint64_t>(getpid());
  return (pid << 32) | pid;
#endif
}

uint64_t RandomStream::next_u64() {
  return mix64(state_.fetch_add(kGolden, std::memory_order_relaxed) + kGolden);
}

uint32_t RandomStream::next_u32() { return static_cast<uint32_t>(next_u64() >> 32); }

uint64_t RandomStream::slot_seed(uint64_t instance_seed, uint32_t slot) {
  return mix64(instance_seed ^ mix64(static_cast<uint64_t>(slot) + 1));
}

}  // namespace sandbpf
