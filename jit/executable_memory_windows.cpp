// Executable memory on Windows, W^X (jit/executable_memory.hpp has the
// contract; executable_memory.cpp is the POSIX version). Windows has no
// /proc/self/mem, so every program gets its own pages, as kRemap does on
// Linux: VirtualAlloc read+write, copy the code in, VirtualProtect to
// read+execute, then FlushInstructionCache (which Windows asks for after
// writing code, even on x86-64 where it costs next to nothing). As on
// Linux, the pages are placed near sandbpf's own code when a hinted
// address is free (within +-1 GiB), so the direct helper calls of the x86-64
// backend reach their helpers; `relocate` patches the copy while it is
// still writable and not executable.
#include "jit/executable_memory.hpp"

#include <windows.h>

#include <cstring>
#include <fmt/format.h>
#include <string>
#include <utility>

namespace sandbpf {
namespace {

size_t page_size() {
  static const size_t size = [] {
    SYSTEM_INFO info;
    ::GetSystemInfo(&info);
    return info.dwPageSize > 0 ? static_cast<size_t>(info.dwPageSize) : size_t{4096};
  }();
  return size;
}

// GetLastError() as a sentence (FormatMessage's text, without its line end).
std::string last_error_text() {
  const DWORD code = ::GetLastError();
  char buffer[256] = {};
  const DWORD length = ::FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                                        code, 0, buffer, sizeof buffer, nullptr);
  std::string text(buffer, length);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == '.')) text.pop_back();
  return text.empty() ? fmt::format("Windows error {}", code) : text;
}

size_t round_up(size_t value, size_t unit) { return (value + unit - 1) / unit * unit; }

// A function of sandbpf's own code, the anchor for "near".
[[gnu::noinline]] void code_anchor() { asm volatile(""); }

uintptr_t anchor_address() { return reinterpret_cast<uintptr_t>(&code_anchor); }

constexpr uintptr_t kNearBytes = uintptr_t{1} << 30;  // +-1 GiB: in rel32 reach of all of the text
constexpr uintptr_t kHintStep = uintptr_t{32} << 20;  // VirtualAlloc's 64 KiB granularity divides it

// VirtualAlloc at explicit addresses below and above the anchor, 32 MiB
// apart, nearer first, up to 1 GiB away (it fails where anything is
// mapped, never replacing it); else anywhere, and calls then go through
// their veneers.
void* allocate_near_code(size_t size) {
  const uintptr_t anchor = anchor_address() & ~(kHintStep - 1);
  for (uintptr_t distance = kHintStep; distance + size <= kNearBytes; distance += kHintStep) {
    for (const bool below : {true, false}) {
      if (below && anchor < distance + size) continue;
      const uintptr_t hint = below ? anchor - distance - round_up(size, kHintStep) + kHintStep : anchor + distance;
      if (void* at = ::VirtualAlloc(reinterpret_cast<void*>(hint), size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE))
        return at;
    }
  }
  return ::VirtualAlloc(nullptr, size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
}

}  // namespace

bool ExecutableMemory::near_code(const void* address) {
  const auto at = reinterpret_cast<uintptr_t>(address);
  const uintptr_t anchor = anchor_address();
  return (at > anchor ? at - anchor : anchor - at) <= kNearBytes + kHintStep;
}

// No /proc/self/mem on Windows.
bool ExecutableMemory::proc_self_mem_available() { return false; }

Result<ExecutableMemory> ExecutableMemory::publish(std::span<const uint8_t> code, Method method,
                                                   const Relocate& relocate) {
  if (code.empty()) return make_error(ErrorKind::kInternal, "no machine code to publish");
  if (method == Method::kProcSelfMem)
    return make_error(ErrorKind::kInternal, "Windows has no /proc/self/mem to write machine code through");

  const size_t mapped = (code.size() + page_size() - 1) / page_size() * page_size();
  void* base = allocate_near_code(mapped);
  if (base == nullptr)
    return make_error(ErrorKind::kInternal,
                      fmt::format("cannot allocate {} bytes for machine code: {}", mapped, last_error_text()));
  std::memcpy(base, code.data(), code.size());
  // Still writable and not executable: patch the copy for its address.
  if (relocate) relocate({static_cast<uint8_t*>(base), code.size()}, reinterpret_cast<uintptr_t>(base));
  DWORD previous = 0;
  if (!::VirtualProtect(base, mapped, PAGE_EXECUTE_READ, &previous)) {
    const std::string why = last_error_text();
    ::VirtualFree(base, 0, MEM_RELEASE);
    return make_error(ErrorKind::kInternal, fmt::format("cannot make machine code executable: {}", why));
  }
  ::FlushInstructionCache(::GetCurrentProcess(), base, code.size());

  ExecutableMemory memory;
  memory.base_ = static_cast<const uint8_t*>(base);
  memory.size_ = code.size();
  memory.reserved_ = mapped;
  memory.method_ = Method::kRemap;
  return memory;
}

void ExecutableMemory::release() {
  if (base_ != nullptr) ::VirtualFree(const_cast<uint8_t*>(base_), 0, MEM_RELEASE);
  base_ = nullptr;
  size_ = 0;
  reserved_ = 0;
}

}  // namespace sandbpf
