#include "jit/executable_memory.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <iterator>
#include <map>
#include <mutex>
#include <string_view>
#include <utility>
#include <vector>

namespace sandbpf {
namespace {

size_t page_size() {
  static const size_t size = [] {
    const long value = ::sysconf(_SC_PAGESIZE);
    return value > 0 ? static_cast<size_t>(value) : size_t{4096};
  }();
  return size;
}

size_t round_up(size_t value, size_t unit) { return (value + unit - 1) / unit * unit; }

// A function of sandbpf's own code: the executable pages are mapped near
// it, so that helpers linked with sandbpf are in reach of direct calls.
[[gnu::noinline]] void code_anchor() { asm volatile(""); }

uintptr_t anchor_address() { return reinterpret_cast<uintptr_t>(&code_anchor); }

constexpr uintptr_t kNearBytes = uintptr_t{1} << 30;  // +-1 GiB: in rel32 reach of all of the text
constexpr uintptr_t kHintStep = uintptr_t{32} << 20;  // 32 MiB: the first hints are within bl's +-128 MiB

// Maps `size` bytes near code_anchor() when a hint is free: below and
// above it, 32 MiB apart, nearer first, up to 1 GiB away; MAP_FIXED_NOREPLACE
// never replaces a mapping (a kernel older than 4.17 takes the flag as a
// plain hint: an address elsewhere is unmapped and the next hint tried).
// Else anywhere (calls then go through their veneers).
void* map_near_code(size_t size, int protection, int flags) {
#ifdef MAP_FIXED_NOREPLACE
  const uintptr_t anchor = anchor_address() & ~((uintptr_t{2} << 20) - 1);
  for (uintptr_t distance = kHintStep; distance + size <= kNearBytes; distance += kHintStep) {
    for (const bool below : {true, false}) {
      if (below && anchor < distance + size) continue;
      const uintptr_t hint = below ? anchor - distance - round_up(size, kHintStep) + kHintStep : anchor + distance;
      void* at = ::mmap(reinterpret_cast<void*>(hint), size, protection, flags | MAP_FIXED_NOREPLACE, -1, 0);
      if (at == MAP_FAILED) continue;
      if (reinterpret_cast<uintptr_t>(at) == hint) return at;
      ::munmap(at, size);
    }
  }
#endif
  return ::mmap(nullptr, size, protection, flags, -1, 0);
}

// Writes into the process's own memory through /proc/self/mem, which
// ignores the pages' protection (the kernel writes to the physical pages).
// The descriptor names the process that opened it: a child made by fork()
// reopens its own, or it would write into its parent.
class SelfMemory {
 public:
  static SelfMemory& instance() {
    static SelfMemory self;
    return self;
  }
  bool write(const void* address, const void* bytes, size_t size) {
    const int fd = descriptor();
    if (fd < 0) return false;
    const auto* from = static_cast<const char*>(bytes);
    auto at = static_cast<off_t>(reinterpret_cast<uintptr_t>(address));
    while (size > 0) {
      const ssize_t written = ::pwrite(fd, from, size, at);
      if (written <= 0) {
        if (written < 0 && errno == EINTR) continue;
        return false;
      }
      from += written;
      at += written;
      size -= static_cast<size_t>(written);
    }
    return true;
  }
  bool available() const { return available_; }

 private:
  int descriptor() {
    std::lock_guard lock(mutex_);
    if (owner_ != ::getpid()) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = ::open("/proc/self/mem", O_RDWR | O_CLOEXEC);
      owner_ = ::getpid();
    }
    return fd_;
  }

  SelfMemory() {
    if (descriptor() < 0) return;
    // Probe: write a byte into a read+execute page, read it back.
    void* page = ::mmap(nullptr, page_size(), PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) return;
    const uint8_t probe = 0xcc;
    available_ = write(page, &probe, 1) && *static_cast<volatile uint8_t*>(page) == probe;
    ::munmap(page, page_size());
  }
  std::mutex mutex_;
  int fd_ = -1;
  pid_t owner_ = -1;
  bool available_ = false;
};

// A pool of read+execute regions, handed out in 16-byte aligned chunks.
class ExecutablePool {
 public:
  static ExecutablePool& instance() {
    static ExecutablePool* pool = new ExecutablePool;  // lives until exit: code may run until then
    return *pool;
  }

  const uint8_t* allocate(size_t size) {
    std::lock_guard lock(mutex_);
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      if (it->second < size) continue;
      const uintptr_t at = it->first;
      const size_t left = it->second - size;
      free_.erase(it);
      if (left > 0) free_[at + size] = left;
      return reinterpret_cast<const uint8_t*>(at);
    }
    const size_t region = std::max(kRegionBytes, round_up(size, page_size()));
    void* base = map_near_code(region, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE);
    if (base == MAP_FAILED) return nullptr;
    const auto at = reinterpret_cast<uintptr_t>(base);
    if (region > size) free_[at + size] = region - size;
    return static_cast<const uint8_t*>(base);
  }

  void release(const uint8_t* chunk, size_t size) {
    // Freed code must not stay executable: int3 over it.
    static const std::vector<uint8_t> traps(4096, 0xcc);
    for (size_t done = 0; done < size; done += traps.size())
      SelfMemory::instance().write(chunk + done, traps.data(), std::min(traps.size(), size - done));
    std::lock_guard lock(mutex_);
    auto at = reinterpret_cast<uintptr_t>(chunk);
    // Coalesce with the free neighbours.
    auto next = free_.lower_bound(at);
    if (next != free_.end() && next->first == at + size) {
      size += next->second;
      next = free_.erase(next);
    }
    if (next != free_.begin()) {
      auto previous = std::prev(next);
      if (previous->first + previous->second == at) {
        previous->second += size;
        return;
      }
    }
    free_[at] = size;
  }

 private:
  static constexpr size_t kRegionBytes = 1 << 20;
  std::mutex mutex_;
  std::map<uintptr_t, size_t> free_;  // chunk address -> bytes
};

constexpr size_t kChunkAlignment = 16;

}  // namespace

bool ExecutableMemory::proc_self_mem_available() { return SelfMemory::instance().available(); }

bool ExecutableMemory::near_code(const void* address) {
  const auto at = reinterpret_cast<uintptr_t>(address);
  const uintptr_t anchor = anchor_address();
  return (at > anchor ? at - anchor : anchor - at) <= kNearBytes + (uintptr_t{2} << 20);
}

// SANDBPF_JIT_MEMORY=remap makes kAuto use kRemap (to run everything on
// the fallback, or where writes through /proc/self/mem are unwelcome).
static bool remap_forced() {
  static const bool forced = [] {
    const char* value = std::getenv("SANDBPF_JIT_MEMORY");
    return value != nullptr && std::string_view(value) == "remap";
  }();
  return forced;
}

// On hosts other than x86-64, kAuto uses kRemap: their instruction fetch
// is not coherent with the kernel's writes through /proc/self/mem without a
// flush, and user-mode emulators (qemu-user, which runs the riscv64 and
// arm64 cross tests) cache translated code by the guest writes they see,
// which /proc/self/mem bypasses, so reused pool chunks could run stale code.
#if defined(__x86_64__)
static constexpr bool kRemapByDefault = false;
#else
static constexpr bool kRemapByDefault = true;
#endif

Result<ExecutableMemory> ExecutableMemory::publish(std::span<const uint8_t> code, Method method,
                                                  const Relocate& relocate) {
  if (code.empty()) return make_error(ErrorKind::kInternal, "no machine code to publish");
  if (method == Method::kAuto)
    method = !remap_forced() && !kRemapByDefault && proc_self_mem_available() ? Method::kProcSelfMem
                                                                              : Method::kRemap;

  ExecutableMemory memory;
  memory.size_ = code.size();
  memory.method_ = method;
  if (method == Method::kProcSelfMem) {
    if (!proc_self_mem_available())
      return make_error(ErrorKind::kInternal, "this kernel does not allow writes through /proc/self/mem");
    const size_t reserved = round_up(code.size(), kChunkAlignment);
    const uint8_t* chunk = ExecutablePool::instance().allocate(reserved);
    if (chunk == nullptr)
      return make_error(ErrorKind::kInternal,
                        fmt::format("cannot map memory for machine code: {}", std::strerror(errno)));
    // The bytes for this address: patched in a copy, then written once.
    std::vector<uint8_t> placed;
    if (relocate) {
      placed.assign(code.begin(), code.end());
      relocate(placed, reinterpret_cast<uintptr_t>(chunk));
      code = placed;
    }
    if (!SelfMemory::instance().write(chunk, code.data(), code.size())) {
      ExecutablePool::instance().release(chunk, reserved);
      return make_error(ErrorKind::kInternal, "cannot write machine code through /proc/self/mem");
    }
    // Nothing on x86-64; elsewhere the kernel's icache flush for every hart.
    __builtin___clear_cache(reinterpret_cast<char*>(const_cast<uint8_t*>(chunk)),
                            reinterpret_cast<char*>(const_cast<uint8_t*>(chunk)) + code.size());
    memory.base_ = chunk;
    memory.reserved_ = reserved;
    return memory;
  }

  const size_t mapped = round_up(code.size(), page_size());
  void* base = map_near_code(mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
  if (base == MAP_FAILED)
    return make_error(ErrorKind::kInternal,
                      fmt::format("cannot map {} bytes for machine code: {}", mapped, std::strerror(errno)));
  std::memcpy(base, code.data(), code.size());
  // Still writable and not executable: patch the copy for its address.
  if (relocate) relocate({static_cast<uint8_t*>(base), code.size()}, reinterpret_cast<uintptr_t>(base));
  if (::mprotect(base, mapped, PROT_READ | PROT_EXEC) != 0) {
    const int error = errno;
    ::munmap(base, mapped);
    return make_error(ErrorKind::kInternal,
                      fmt::format("cannot make machine code executable: {}", std::strerror(error)));
  }
  // x86-64 keeps instruction fetch coherent with stores; other hosts
  // (ARM64, RISC-V) need the flush, which is nothing on x86-64.
  __builtin___clear_cache(static_cast<char*>(base), static_cast<char*>(base) + code.size());
  memory.base_ = static_cast<const uint8_t*>(base);
  memory.reserved_ = mapped;
  return memory;
}

void ExecutableMemory::release() {
  if (base_ != nullptr) {
    if (method_ == Method::kProcSelfMem)
      ExecutablePool::instance().release(base_, reserved_);
    else
      ::munmap(const_cast<uint8_t*>(base_), reserved_);
  }
  base_ = nullptr;
  size_ = 0;
  reserved_ = 0;
}

}  // namespace sandbpf
