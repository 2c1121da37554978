// Executable memory: both ways of publishing code run it, and neither ever
// leaves a mapping writable and executable; released pool chunks do not
// keep old code executable.
#include "jit/executable_memory.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#if !defined(_WIN32)
#include <sys/wait.h>
#include <unistd.h>
#endif

#include "jit/tests/memory_map.hpp"

namespace sandbpf {
namespace {

// mov eax, imm32 ; ret
std::vector<uint8_t> return_code(uint32_t value) {
  std::vector<uint8_t> code = {0xb8, 0, 0, 0, 0, 0xc3};
  std::memcpy(&code[1], &value, 4);
  return code;
}

uint32_t call(const ExecutableMemory& memory) {
  using Function = uint32_t (*)();
  return reinterpret_cast<Function>(reinterpret_cast<uintptr_t>(memory.data()))();
}

#if defined(__x86_64__)
TEST(executable_memory, RemapPublishesReadExecutePages) {
  auto memory = ExecutableMemory::publish(return_code(42), ExecutableMemory::Method::kRemap);
  ASSERT_TRUE(memory) << memory.error().to_string();
  EXPECT_EQ(call(*memory), 42u);
  const test_support::MemoryMap map = test_support::read_memory_map(memory->data());
  ASSERT_TRUE(map.readable);
  EXPECT_EQ(map.permissions_of_address, "r-x");
  EXPECT_EQ(map.writable_and_executable, "");
}

TEST(executable_memory, ProcSelfMemWritesIntoPagesThatAreNeverWritable) {
#if defined(_WIN32)
  GTEST_SKIP() << "Windows has no /proc/self/mem: each program gets its own pages (kRemap)";
#endif
  if (!ExecutableMemory::proc_self_mem_available())
    GTEST_SKIP() << "this kernel does not allow writes through /proc/self/mem (kRemap is used)";
  std::vector<ExecutableMemory> programs;
  for (uint32_t i = 0; i < 100; ++i) {
    auto memory = ExecutableMemory::publish(return_code(i), ExecutableMemory::Method::kProcSelfMem);
    ASSERT_TRUE(memory) << memory.error().to_string();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(memory->data()) % 16, 0u);
    programs.push_back(std::move(*memory));
  }
  for (uint32_t i = 0; i < 100; ++i) EXPECT_EQ(call(programs[i]), i);
  const test_support::MemoryMap map = test_support::read_memory_map(programs[0].data());
  EXPECT_EQ(map.permissions_of_address, "r-x");
  EXPECT_EQ(map.writable_and_executable, "");

  // A released chunk holds int3 until it is reused.
  const uint8_t* released = programs[50].data();
  programs[50] = ExecutableMemory();
  EXPECT_EQ(released[0], 0xcc);
  EXPECT_EQ(released[5], 0xcc);
  // Reuse: the next chunk of that size lands in a freed place and works.
  auto again = ExecutableMemory::publish(return_code(7), ExecutableMemory::Method::kProcSelfMem);
  ASSERT_TRUE(again);
  EXPECT_EQ(call(*again), 7u);
}

// A child made by fork() publishes into its own memory, not its parent's.
// (Windows has no fork(): its processes start empty.)
#if !defined(_WIN32)
TEST(executable_memory, ForkedChildrenWriteTheirOwnMemory) {
  auto before = ExecutableMemory::publish(return_code(1));  // opens what it needs in the parent
  ASSERT_TRUE(before);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto memory = ExecutableMemory::publish(return_code(77));
    ::_exit(memory && call(*memory) == 77 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // The parent's free chunk right after `before` was not written by the child.
  auto after = ExecutableMemory::publish(return_code(5));
  ASSERT_TRUE(after);
  EXPECT_EQ(call(*after), 5u);
  EXPECT_EQ(call(*before), 1u);
}
#endif

// Both methods choose the address first, let the caller patch the bytes
// for it (relocations), and map near sandbpf's code.
TEST(executable_memory, BytesArePatchedForTheirAddressBeforePublication) {
  for (auto method : {ExecutableMemory::Method::kProcSelfMem, ExecutableMemory::Method::kRemap}) {
    if (method == ExecutableMemory::Method::kProcSelfMem && !ExecutableMemory::proc_self_mem_available())
      continue;
    uintptr_t seen = 0;
    auto memory = ExecutableMemory::publish(return_code(1), method,
                                            [&seen](std::span<uint8_t> bytes, uintptr_t address) {
                                              seen = address;
                                              bytes[1] = 99;  // the imm32 of mov eax
                                            });
    ASSERT_TRUE(memory) << memory.error().to_string();
    EXPECT_EQ(seen, reinterpret_cast<uintptr_t>(memory->data()));
    EXPECT_EQ(call(*memory), 99u);
    EXPECT_TRUE(ExecutableMemory::near_code(memory->data()));
    EXPECT_EQ(test_support::read_memory_map(memory->data()).writable_and_executable, "");
  }
}

TEST(executable_memory, LargeCodeGetsItsOwnRegion) {
  std::vector<uint8_t> code(3 << 20, 0x90);  // 3 MiB of nops, then the return
  const std::vector<uint8_t> tail = return_code(9);
  code.insert(code.end(), tail.begin(), tail.end());
  for (auto method : {ExecutableMemory::Method::kAuto, ExecutableMemory::Method::kRemap}) {
    auto memory = ExecutableMemory::publish(code, method);
    ASSERT_TRUE(memory) << memory.error().to_string();
    EXPECT_EQ(call(*memory), 9u);
  }
}
#endif

TEST(executable_memory, EmptyCodeIsRefused) {
  EXPECT_FALSE(ExecutableMemory::publish({}));
}

}  // namespace
}  // namespace sandbpf
