// Executable memory on Windows, W^X (jit/executable_memory.hpp has the
// contract; executable_memory.cpp is the POSIX version). Windows has no
// /proc/self/mem, so every program gets its own pages, as kRemap does on
// Linux: VirtualAlloc read+write, copy the code in, VirtualProtect to
// read+execute, then FlushInstructionCache (which Windows asks for after
// writing code, even on x86-64 where it costs next to nothing).
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

}  // namespace

// No /proc/self/mem on Windows.
bool ExecutableMemory::proc_self_mem_available() { return false; }

Result<ExecutableMemory> ExecutableMemory::publish(std::span<const uint8_t> code, Method method) {
  if (code.empty()) return make_error(ErrorKind::kInternal, "no machine code to publish");
  if (method == Method::kProcSelfMem)
    return make_error(ErrorKind::kInternal, "Windows has no /proc/self/mem to write machine code through");

  const size_t mapped = (code.size() + page_size() - 1) / page_size() * page_size();
  void* base = ::VirtualAlloc(nullptr, mapped, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
  if (base == nullptr)
    return make_error(ErrorKind::kInternal,
                      fmt::format("cannot allocate {} bytes for machine code: {}", mapped, last_error_text()));
  std::memcpy(base, code.data(), code.size());
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
