// Memory below 4 GiB (runtime/low_memory.hpp): on every OS (mmap with
// MAP_32BIT or hints on POSIX, VirtualAlloc at hinted addresses on
// Windows) each allocation lies wholly below 2^32, starts zeroed, is
// writable, and does not overlap another; sizes that cannot fit are
// refused with an error.
#include "runtime/low_memory.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace sandbpf {
namespace {

bool below_4g(const LowMemory& m) {
  return reinterpret_cast<uint64_t>(m.data()) + m.size() <= (uint64_t{1} << 32);
}

TEST(LowMemory, AllocationsAreBelow4GiBZeroedAndWritable) {
  for (size_t size : {size_t{1}, size_t{4096}, size_t{1} << 20, size_t{64} << 20}) {
    auto memory = LowMemory::allocate(size);
    ASSERT_TRUE(memory) << memory.error().to_string();
    EXPECT_GE(memory->size(), size);
    EXPECT_TRUE(below_4g(*memory)) << static_cast<const void*>(memory->data());
    EXPECT_TRUE(std::all_of(memory->data(), memory->data() + memory->size(), [](uint8_t b) { return b == 0; }));
    memory->data()[0] = 1;
    memory->data()[memory->size() - 1] = 2;
    EXPECT_EQ(memory->data()[memory->size() - 1], 2);
  }
}

// 300 allocations of 1 MiB: more than a search in 64 MiB steps could place
// (CI's emulated stages once failed at the 61st), each below 4 GiB and
// disjoint from the others, through allocate() and through the hinted
// search that non-x86 hosts use (MAP_32BIT serves allocate() on x86-64).
void expect_many_disjoint(Result<LowMemory> (*allocate)(size_t)) {
  std::vector<LowMemory> all;
  for (int i = 0; i < 300; ++i) {
    auto memory = allocate(size_t{1} << 20);
    ASSERT_TRUE(memory) << "allocation " << i << ": " << memory.error().to_string();
    ASSERT_TRUE(below_4g(*memory));
    all.push_back(std::move(*memory));
  }
  std::sort(all.begin(), all.end(), [](const LowMemory& a, const LowMemory& b) { return a.data() < b.data(); });
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LE(all[i - 1].data() + all[i - 1].size(), all[i].data());
}

TEST(LowMemory, ManyAllocationsDoNotOverlap) { expect_many_disjoint(&LowMemory::allocate); }

TEST(LowMemory, ManyHintedAllocationsDoNotOverlap) { expect_many_disjoint(&LowMemory::allocate_hinted); }

// Freed ranges are found again: the search wraps around from its cursor.
// 64 x 16 MiB per round: 1 GiB, which fits even where AddressSanitizer's
// shadow memory takes everything from 2 GiB up.
TEST(LowMemory, TheHintedSearchReusesFreedRanges) {
  for (int round = 0; round < 3; ++round) {
    std::vector<LowMemory> all;
    for (int i = 0; i < 64; ++i) {
      auto memory = LowMemory::allocate_hinted(size_t{16} << 20);
      ASSERT_TRUE(memory) << "round " << round << ", allocation " << i << ": " << memory.error().to_string();
      all.push_back(std::move(*memory));
    }
  }
}

TEST(LowMemory, SizesThatCannotFitAreRefused) {
  EXPECT_EQ(LowMemory::allocate(0).error().kind, ErrorKind::kUsage);
  EXPECT_EQ(LowMemory::allocate(size_t{1} << 32).error().kind, ErrorKind::kUsage);
  EXPECT_EQ(LowMemory::allocate_hinted(0).error().kind, ErrorKind::kUsage);
  EXPECT_EQ(LowMemory::allocate_hinted(size_t{1} << 32).error().kind, ErrorKind::kUsage);
}

}  // namespace
}  // namespace sandbpf
