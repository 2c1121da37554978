// stack_trace: Linux's definition rules (kernel/bpf/stackmap.c), stacks
// stored by the host (sandbpf has no bpf_get_stackid), program-side calls
// as Linux allows them, next_key over the ids in use, memory.
#include "helpers/maps/stack_trace_map.hpp"

#include <cerrno>
#include <vector>

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

MapDefinition stack_def(uint32_t value_size, uint32_t max_entries, uint32_t flags = 0,
                        uint32_t key_size = 4) {
  return map_def("stacks", kMapStackTrace, key_size, value_size, max_entries, flags);
}

TEST(StackTrace, DefinitionChecks) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(stack_def(8 * 127, 16)), "(created)");
  EXPECT_EQ(t.create_error(stack_def(8 * 128, 16)),
            "map 'stacks': value_size 1024 holds more than Linux's 127 stack frames");
  EXPECT_EQ(t.create_error(stack_def(12, 16)),
            "map 'stacks': a stack_trace map's value_size must be a non-zero multiple of 8 bytes, "
            "not 12");
  EXPECT_EQ(t.create_error(stack_def(0, 16)),
            "map 'stacks': a stack_trace map's value_size must be a non-zero multiple of 8 bytes, "
            "not 0");
  EXPECT_EQ(t.create_error(stack_def(8, 16, 0, 8)),
            "map 'stacks': a stack_trace map's key_size must be 4 (a u32 stack id), not 8");
  EXPECT_EQ(t.create_error(stack_def(8, 0)), "map 'stacks': max_entries must not be 0");
  EXPECT_EQ(t.create_error(stack_def(64, 16, kBpfFStackBuildId)), "(created)");
  EXPECT_EQ(t.create_error(stack_def(40, 16, kBpfFStackBuildId)),
            "map 'stacks': a stack_trace map's value_size must be a non-zero multiple of 32 bytes "
            "(BPF_F_STACK_BUILD_ID), not 40");
  EXPECT_EQ(t.create_error(stack_def(8, 16, kBpfFNoPrealloc)),
            "map 'stacks': flags 0x1 are not valid for a stack_trace map");
  EXPECT_EQ(t.create_error(stack_def(8, 16, kBpfFRdonly | kBpfFNumaNode)), "(created)");
}

TEST(StackTrace, HostStoresStacksProgramsCannotReadThem) {
  TestEnvironment t;
  auto map = t.make(stack_def(24, 3));
  ASSERT_TRUE(map);
  EXPECT_EQ(static_cast<StackTraceMap&>(*map).buckets(), 4u);  // 3 rounded up to a power of two
  const uint64_t stack[3] = {0x401000, 0x401234, 0x7fff0000};
  uint32_t id = 2;
  ASSERT_TRUE(map->host_update(bytes_of(id), bytes_of(stack), kBpfNoExist));
  uint64_t out[3] = {};
  ASSERT_TRUE(map->host_lookup(bytes_of(id), bytes_of_mut(out)));
  EXPECT_EQ(out[1], 0x401234u);
  EXPECT_EQ(error_of(map->host_update(bytes_of(id), bytes_of(stack), kBpfNoExist)),
            "map 'stacks': update: the key already exists (EEXIST)");
  uint32_t other = 1;
  EXPECT_EQ(error_of(map->host_update(bytes_of(other), bytes_of(stack), kBpfExist)),
            "map 'stacks': update: no such element (ENOENT)");
  uint32_t beyond = 4;
  EXPECT_EQ(error_of(map->host_update(bytes_of(beyond), bytes_of(stack))),
            "map 'stacks': update: invalid argument (EINVAL)");
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(beyond), bytes_of_mut(out))),
            "map 'stacks': lookup: no such element (ENOENT)");
  EXPECT_EQ(error_of(map->host_update(bytes_of(id), bytes_of(stack), 3)),
            "map 'stacks': update: invalid argument (EINVAL)");

  EpochDomain::RunGuard run(t.epochs, 0);
  EXPECT_EQ(map->lookup(&id, 0), nullptr);  // only bpf_get_stackid reads it in Linux
  EXPECT_EQ(map->update(&id, stack, kBpfAny, 0), -EINVAL);
  EXPECT_EQ(map->erase(&other, 0), -ENOENT);
  EXPECT_EQ(map->erase(&beyond, 0), -EINVAL);
  EXPECT_EQ(map->erase(&id, 0), 0);
  EXPECT_FALSE(map->host_lookup(bytes_of(id), bytes_of_mut(out)));
  EXPECT_EQ(error_of(map->host_delete(bytes_of(id))), "map 'stacks': delete: no such element (ENOENT)");
  EXPECT_EQ(error_of(map->host_lookup_and_delete(bytes_of(id), bytes_of_mut(out))),
            "map 'stacks': lookup and delete: not supported by this map type (ENOTSUPP)");
}

TEST(StackTrace, AtMostMaxEntriesStacksAndNextKeyOverIdsInUse) {
  TestEnvironment t;
  auto map = t.make(stack_def(8, 3));
  const uint64_t ip = 1;
  for (uint32_t id : {3u, 0u, 2u}) ASSERT_TRUE(map->host_update(bytes_of(id), bytes_of(ip)));
  uint32_t one = 1;
  EXPECT_EQ(error_of(map->host_update(bytes_of(one), bytes_of(ip))),
            "map 'stacks': update: out of map memory (ENOMEM)");
  std::vector<uint32_t> ids;
  uint32_t key = 0, next = 0;
  auto more = map->host_next_key({}, bytes_of_mut(next));
  while (more && *more) {
    ids.push_back(next);
    key = next;
    more = map->host_next_key(bytes_of(key), bytes_of_mut(next));
  }
  EXPECT_EQ(ids, (std::vector<uint32_t>{0, 2, 3}));
  // An id not in use: from the first.
  ASSERT_TRUE(*map->host_next_key(bytes_of(one), bytes_of_mut(next)));
  EXPECT_EQ(next, 0u);
  ASSERT_TRUE(map->host_delete(bytes_of(ids[0])));
  EXPECT_TRUE(map->host_update(bytes_of(one), bytes_of(ip)));
}

TEST(StackTrace, MemoryIsCharged) {
  TestEnvironment t;
  auto map = t.make(stack_def(24, 5));
  EXPECT_EQ(map->memory_used(), 8u * 8);  // 8 buckets
  const uint64_t stack[3] = {1, 2, 3};
  uint32_t id = 1;
  ASSERT_TRUE(map->host_update(bytes_of(id), bytes_of(stack)));
  EXPECT_EQ(map->memory_used(), 8u * 8 + 24);
  EXPECT_EQ(t.budget.used(), 8u * 8 + 24);
  ASSERT_TRUE(map->host_delete(bytes_of(id)));
  EXPECT_EQ(t.budget.used(), 8u * 8);
  ASSERT_TRUE(map->host_update(bytes_of(id), bytes_of(stack)));
  map.reset();
  EXPECT_EQ(t.budget.used(), 0u);
}

}  // namespace
}  // namespace sandbpf
