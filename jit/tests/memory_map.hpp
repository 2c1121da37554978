// What the OS says about the process's memory, for the W^X tests: the
// permissions of the region holding an address ("r-x" style), and every
// region that is writable and executable at once. Linux reads
// /proc/self/maps; Windows walks the address space with VirtualQuery.
#pragma once

#include <cstdint>
#include <string>

#if defined(_WIN32)
#include <windows.h>
#else
#include <fstream>
#include <sstream>
#endif

namespace sandbpf::test_support {

struct MemoryMap {
  std::string permissions_of_address;  // "" when no region holds it
  std::string writable_and_executable;  // one line per such region
  bool readable = false;                // the OS answered at all
};

#if defined(_WIN32)

inline std::string permissions_of(DWORD protect) {
  switch (protect & 0xff) {
    case PAGE_READONLY: return "r--";
    case PAGE_READWRITE: case PAGE_WRITECOPY: return "rw-";
    case PAGE_EXECUTE: return "--x";
    case PAGE_EXECUTE_READ: return "r-x";
    case PAGE_EXECUTE_READWRITE: case PAGE_EXECUTE_WRITECOPY: return "rwx";
    default: return "---";
  }
}

inline MemoryMap read_memory_map(const void* address) {
  MemoryMap out;
  const auto at = reinterpret_cast<uintptr_t>(address);
  MEMORY_BASIC_INFORMATION info;
  uintptr_t next = 0;
  while (::VirtualQuery(reinterpret_cast<const void*>(next), &info, sizeof info) == sizeof info) {
    out.readable = true;
    const auto begin = reinterpret_cast<uintptr_t>(info.BaseAddress);
    const uintptr_t end = begin + info.RegionSize;
    if (info.State == MEM_COMMIT) {
      const std::string perms = permissions_of(info.Protect);
      if (perms == "rwx")
        out.writable_and_executable += std::to_string(begin) + "-" + std::to_string(end) + " rwx\n";
      if (at >= begin && at < end) out.permissions_of_address = perms;
    }
    if (end <= next) break;
    next = end;
  }
  return out;
}

#else

inline MemoryMap read_memory_map(const void* address) {
  MemoryMap out;
  std::ifstream maps("/proc/self/maps");
  out.readable = static_cast<bool>(maps);
  std::string line;
  const auto at = reinterpret_cast<uint64_t>(address);
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms;
    fields >> range >> perms;
    if (perms.size() >= 3 && perms[1] == 'w' && perms[2] == 'x') out.writable_and_executable += line + "\n";
    const uint64_t begin = std::stoull(range.substr(0, range.find('-')), nullptr, 16);
    const uint64_t end = std::stoull(range.substr(range.find('-') + 1), nullptr, 16);
    if (at >= begin && at < end) out.permissions_of_address = perms.substr(0, 3);
  }
  return out;
}

#endif

}  // namespace sandbpf::test_support
