#include "runtime/low_memory.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <utility>

namespace sandbpf {

namespace {

constexpr uint64_t kFourGiB = 1ull << 32;
// The hinted search covers [256 MiB, 4 GiB): below 256 MiB live the
// executable and, under qemu-user, the guest's own image.
constexpr uint64_t kSearchStart = 1ull << 28;
// Hints advance in steps of 1 MiB (or the size, if larger): a hint that
// collides with an existing mapping says nothing about where that mapping
// ends, so finer steps would only multiply the failed calls.
constexpr uint64_t kSearchStep = 1ull << 20;

bool below_4g(const void* address, size_t size) {
  return reinterpret_cast<uint64_t>(address) + size <= kFourGiB;
}

void* try_map(void* hint, size_t size, int extra_flags) {
  void* p = ::mmap(hint, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

// Where the next hinted search starts: just past the last success, so n
// allocations cost about n calls, not n^2 / 2 (each would otherwise walk
// past all the earlier ones again). Shared by all threads; a stale read
// only costs a few extra calls.
std::atomic<uint64_t> next_hint{kSearchStart};

}  // namespace

Result<LowMemory> LowMemory::allocate(size_t size) {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size = (size + page - 1) / page * page;
  if (size == 0 || size >= kFourGiB - kSearchStart)
    return make_error(ErrorKind::kUsage, fmt::format("cannot place {} bytes below 4 GiB", size));
#if defined(MAP_32BIT)
  // x86-64: the kernel picks an address in the first 2 GiB.
  if (void* p = try_map(nullptr, size, MAP_32BIT); p != nullptr) {
    if (below_4g(p, size)) return LowMemory(static_cast<uint8_t*>(p), size);
    ::munmap(p, size);
  }
#endif
  return allocate_hinted(size);
}

Result<LowMemory> LowMemory::allocate_hinted(size_t size) {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size = (size + page - 1) / page * page;
  if (size == 0 || size >= kFourGiB - kSearchStart)
    return make_error(ErrorKind::kUsage, fmt::format("cannot place {} bytes below 4 GiB", size));
  // Hint addresses in
  // [256 MiB, 4 GiB), once around from the cursor, without replacing
  // anything already mapped. A kernel older than MAP_FIXED_NOREPLACE
  // (Linux 4.17) takes the hint only when the range is free, and
  // otherwise maps elsewhere, which the below-4-GiB check undoes.
#if defined(MAP_FIXED_NOREPLACE)
  const int noreplace = MAP_FIXED_NOREPLACE;
#else
  const int noreplace = 0;
#endif
  const uint64_t step = std::max<uint64_t>(kSearchStep, (size + kSearchStep - 1) / kSearchStep * kSearchStep);
  const uint64_t last_start = kFourGiB - size;  // the highest hint that still fits
  const uint64_t span = last_start - kSearchStart + 1;
  uint64_t hint = next_hint.load(std::memory_order_relaxed);
  if (hint < kSearchStart || hint > last_start) hint = kSearchStart;
  int last_error = 0;
  for (uint64_t walked = 0; walked < span; walked += step) {
    if (void* p = try_map(reinterpret_cast<void*>(hint), size, noreplace); p != nullptr) {
      if (below_4g(p, size)) {
        next_hint.store(reinterpret_cast<uint64_t>(p) + step, std::memory_order_relaxed);
        return LowMemory(static_cast<uint8_t*>(p), size);
      }
      ::munmap(p, size);  // the hint was not taken
    } else {
      last_error = errno;
    }
    hint += step;
    if (hint > last_start) hint = kSearchStart;
  }
  return make_error(ErrorKind::kRuntime,
                    fmt::format("cannot map {} bytes below 4 GiB for packets (the u32 pointer "
                                "fields of xdp_md and __sk_buff need it): {}",
                                size, last_error != 0 ? std::strerror(last_error)
                                                      : "every free range there is too small"));
}

void LowMemory::release() {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace sandbpf
