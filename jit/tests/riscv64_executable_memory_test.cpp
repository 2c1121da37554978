// Executable memory on a riscv64 host (the cross build under qemu, or real
// hardware): code published either way runs, pages are never writable and
// executable at once, and code published where other code was released
// runs as the new code (the instruction cache is flushed for it). Built
// everywhere; the cases exist only where the code can run.
#include "jit/executable_memory.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "jit/riscv64/assembler.hpp"

namespace sandbpf {
namespace {

#if defined(__riscv) && __riscv_xlen == 64

// li a0, value; ret
std::vector<uint8_t> return_code(uint32_t value) {
  riscv64::Assembler a;
  a.li(riscv64::kA0, value);
  a.emit(riscv64::insn::ret());
  EXPECT_TRUE(a.finish());
  return a.bytes();
}

uint64_t call(const ExecutableMemory& memory) {
  using Function = uint64_t (*)();
  return reinterpret_cast<Function>(reinterpret_cast<uintptr_t>(memory.data()))();
}

// Whether any mapping is writable and executable, and the permissions of
// the one holding `address`.
std::pair<std::string, std::string> maps_of(const void* address) {
  std::ifstream maps("/proc/self/maps");
  std::string line, of_code, wx;
  const auto at = reinterpret_cast<uint64_t>(address);
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms;
    fields >> range >> perms;
    if (perms.size() >= 3 && perms[1] == 'w' && perms[2] == 'x') wx += line + "\n";
    const uint64_t begin = std::stoull(range.substr(0, range.find('-')), nullptr, 16);
    const uint64_t end = std::stoull(range.substr(range.find('-') + 1), nullptr, 16);
    if (at >= begin && at < end) of_code = perms.substr(0, 3);
  }
  return {of_code, wx};
}

TEST(riscv64_executable_memory, PublishedCodeRunsFromReadExecutePages) {
  for (auto method : {ExecutableMemory::Method::kAuto, ExecutableMemory::Method::kRemap}) {
    auto memory = ExecutableMemory::publish(return_code(0x12345678), method);
    ASSERT_TRUE(memory) << memory.error().to_string();
    EXPECT_EQ(call(*memory), 0x12345678u);
    const auto [of_code, wx] = maps_of(memory->data());
    EXPECT_EQ(of_code, "r-x");
    EXPECT_EQ(wx, "");
  }
}

// Code published again and again at the places of released code must run
// as published (a stale instruction cache, or an emulator's stale
// translation, would run the old code).
TEST(riscv64_executable_memory, RepublishedCodeIsTheNewCode) {
  for (uint32_t round = 0; round < 50; ++round) {
    std::vector<ExecutableMemory> programs;
    for (uint32_t i = 0; i < 8; ++i) {
      auto memory = ExecutableMemory::publish(return_code(round * 100 + i));
      ASSERT_TRUE(memory) << memory.error().to_string();
      programs.push_back(std::move(*memory));
    }
    for (uint32_t i = 0; i < 8; ++i) ASSERT_EQ(call(programs[i]), round * 100 + i) << "round " << round;
  }
}

#endif

}  // namespace
}  // namespace sandbpf
