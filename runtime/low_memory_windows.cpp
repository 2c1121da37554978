// Memory below 4 GiB on Windows (runtime/low_memory.hpp has why;
// low_memory.cpp is the POSIX version). Windows has no MAP_32BIT, but
// VirtualAlloc at an explicit address either succeeds there or fails, so
// the search asks for addresses from 256 MiB upward, in steps of the
// allocation granularity's multiples, until one range is free.
#include "runtime/low_memory.hpp"

#include <windows.h>

#include <fmt/format.h>

namespace sandbpf {

namespace {

constexpr uint64_t kFourGiB = 1ull << 32;

}  // namespace

Result<LowMemory> LowMemory::allocate(size_t size) { return allocate_hinted(size); }

Result<LowMemory> LowMemory::allocate_hinted(size_t size) {
  SYSTEM_INFO info;
  ::GetSystemInfo(&info);
  const size_t page = info.dwPageSize > 0 ? info.dwPageSize : 4096;
  // VirtualAlloc places reservations on multiples of the granularity (64 KiB).
  const uint64_t granularity = info.dwAllocationGranularity > 0 ? info.dwAllocationGranularity : 65536;
  size = (size + page - 1) / page * page;
  if (size == 0 || size >= kFourGiB)
    return make_error(ErrorKind::kUsage, fmt::format("cannot place {} bytes below 4 GiB", size));
  // Small steps near the start, where free ranges are likeliest, then
  // coarser ones, so a full search costs a few thousand calls at most.
  for (uint64_t hint = 1ull << 28; hint + size <= kFourGiB;
       hint += hint < (1ull << 30) ? granularity * 16 : (1ull << 24)) {
    void* p = ::VirtualAlloc(reinterpret_cast<void*>(hint), size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    if (p == nullptr) continue;
    if (reinterpret_cast<uint64_t>(p) + size <= kFourGiB) return LowMemory(static_cast<uint8_t*>(p), size);
    ::VirtualFree(p, 0, MEM_RELEASE);
  }
  return make_error(ErrorKind::kRuntime,
                    fmt::format("cannot allocate {} bytes below 4 GiB for packets (the u32 pointer "
                                "fields of xdp_md and __sk_buff need it): no free range is left there",
                                size));
}

void LowMemory::release() {
  if (data_ != nullptr) ::VirtualFree(data_, 0, MEM_RELEASE);
  data_ = nullptr;
  size_ = 0;
}

}  // namespace sandbpf
