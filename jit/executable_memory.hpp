// Executable memory, W^X: the ONE place in sandbpf that maps pages for
// machine code (a port to another OS replaces only executable_memory.cpp,
// as executable_memory_windows.cpp does: VirtualAlloc, then VirtualProtect).
// No page is ever writable and executable at once. Two ways to publish
// code, chosen once per process:
//
//   kProcSelfMem  (Linux, when the kernel allows it) code goes into pages
//                 that are mapped read+execute from the start and are never
//                 writable in the process: the bytes are written through
//                 /proc/self/mem (as a debugger writes breakpoints). The
//                 pages belong to a process-wide pool, so publishing and
//                 releasing code costs one write and no mmap, mprotect or
//                 munmap (each of which costs tens of microseconds of TLB
//                 shootdown on virtual machines). Released chunks are
//                 overwritten with int3 before they are reused.
//   kRemap        code is copied into fresh read+write pages, which are then
//                 made read+execute (mprotect); one mapping per program.
//
// kAuto uses kProcSelfMem when a probe write succeeds (some hardened
// kernels forbid writes through /proc/self/mem), else kRemap; the
// environment variable SANDBPF_JIT_MEMORY=remap forces kRemap.
//
// Both map their pages near sandbpf's own code when they can (within
// +-1 GiB, nearer first: hints tried with MAP_FIXED_NOREPLACE, then
// anywhere), so direct calls from the code to helpers linked with sandbpf
// reach them (x86-64 rel32: +-2 GiB; ARM64 bl: +-128 MiB). The code's
// address is chosen before its bytes are final: publish() hands the bytes
// and that address to `relocate`, which patches the calls
// (jit/backend.hpp: CallRelocation), before they are written through
// /proc/self/mem or, on kRemap, in the writable copy before it is made
// executable; so no page is writable and executable at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>

#include "sandbpf/error.hpp"

namespace sandbpf {

class ExecutableMemory {
 public:
  enum class Method { kAuto, kProcSelfMem, kRemap };

  // Called with the bytes to publish and the address they will run at,
  // before they become executable; may change the bytes (not their size).
  using Relocate = std::function<void(std::span<uint8_t> bytes, uintptr_t address)>;

  // Publishes `code` read+execute (16-byte aligned).
  static Result<ExecutableMemory> publish(std::span<const uint8_t> code, Method method = Method::kAuto,
                                          const Relocate& relocate = {});
  // Whether `address` is where publish() tries to map pages (within
  // +-1 GiB of sandbpf's code; tests).
  static bool near_code(const void* address);
  // Whether kProcSelfMem works in this process (probed once).
  static bool proc_self_mem_available();

  ExecutableMemory() = default;
  ExecutableMemory(ExecutableMemory&& other) noexcept
      : base_(std::exchange(other.base_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        reserved_(std::exchange(other.reserved_, 0)),
        method_(other.method_) {}
  ExecutableMemory& operator=(ExecutableMemory&& other) noexcept {
    if (this != &other) {
      release();
      base_ = std::exchange(other.base_, nullptr);
      size_ = std::exchange(other.size_, 0);
      reserved_ = std::exchange(other.reserved_, 0);
      method_ = other.method_;
    }
    return *this;
  }
  ExecutableMemory(const ExecutableMemory&) = delete;
  ExecutableMemory& operator=(const ExecutableMemory&) = delete;
  ~ExecutableMemory() { release(); }

  const uint8_t* data() const { return base_; }
  size_t size() const { return size_; }  // bytes of code
  std::span<const uint8_t> code() const { return {data(), size_}; }
  Method method() const { return method_; }

 private:
  void release();  // per OS (executable_memory.cpp, executable_memory_windows.cpp)
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  size_t reserved_ = 0;  // bytes of the chunk (pool) or of the mapping (remap)
  Method method_ = Method::kAuto;
};

}  // namespace sandbpf
