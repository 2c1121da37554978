#include "runtime/low_memory.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace sandbpf {

namespace {

constexpr uint64_t kFourGiB = 1ull << 32;

bool below_4g(const void* address, size_t size) {
  return reinterpret_cast<uint64_t>(address) + size <= kFourGiB;
}

void* try_map(void* hint, size_t size, int extra_flags) {
  void* p = ::mmap(hint, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

Result<LowMemory> LowMemory::allocate(size_t size) {
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  size = (size + page - 1) / page * page;
  if (size == 0 || size >= kFourGiB)
    return make_error(ErrorKind::kUsage, fmt::format("cannot place {} bytes below 4 GiB", size));
#if defined(MAP_32BIT)
  // x86-64: the kernel picks an address in the first 2 GiB.
  if (void* p = try_map(nullptr, size, MAP_32BIT); p != nullptr) {
    if (below_4g(p, size)) return LowMemory(static_cast<uint8_t*>(p), size);
    ::munmap(p, size);
  }
#endif
  // Elsewhere (and when MAP_32BIT space is full): ask for addresses from
  // 256 MiB upward, without replacing anything already mapped.
#if defined(MAP_FIXED_NOREPLACE)
  const int noreplace = MAP_FIXED_NOREPLACE;
#else
  const int noreplace = 0;
#endif
  for (uint64_t hint = 1ull << 28; hint + size <= kFourGiB; hint += 1ull << 26) {
    void* p = try_map(reinterpret_cast<void*>(hint), size, noreplace);
    if (p == nullptr) continue;
    if (below_4g(p, size)) return LowMemory(static_cast<uint8_t*>(p), size);
    ::munmap(p, size);  // an old kernel ignored the hint
  }
  return make_error(ErrorKind::kRuntime,
                    fmt::format("cannot map {} bytes below 4 GiB for packets (the u32 pointer "
                                "fields of xdp_md and __sk_buff need it): {}",
                                size, std::strerror(errno)));
}

void LowMemory::release() {
  if (data_ != nullptr) ::munmap(data_, size_);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace sandbpf
