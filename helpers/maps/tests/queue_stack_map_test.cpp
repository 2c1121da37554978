// queue and stack: Linux's semantics (kernel/bpf/queue_stack_maps.c,
// Documentation/bpf/map_queue_stack.rst).
#include "helpers/maps/queue_stack_map.hpp"

#include <cerrno>

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

std::vector<uint32_t> pop_all(Map& map) {
  std::vector<uint32_t> values;
  uint32_t value;
  while (map.pop(&value, 0) == 0) values.push_back(value);
  return values;
}

TEST(QueueStackMap, QueueIsFirstInFirstOut) {
  TestEnvironment t;
  auto map = t.make(map_def("q", kMapQueue, 0, 4, 3));
  for (uint32_t v : {1u, 2u, 3u}) ASSERT_EQ(map->push(&v, kBpfAny, 0), 0);
  uint32_t top = 0;
  ASSERT_EQ(map->peek(&top, 0), 0);
  EXPECT_EQ(top, 1u);
  EXPECT_EQ(pop_all(*map), (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(map->pop(&top, 0), -ENOENT);
  EXPECT_EQ(map->peek(&top, 0), -ENOENT);
}

TEST(QueueStackMap, StackIsLastInFirstOut) {
  TestEnvironment t;
  auto map = t.make(map_def("s", kMapStack, 0, 4, 3));
  for (uint32_t v : {1u, 2u, 3u}) ASSERT_EQ(map->push(&v, kBpfAny, 0), 0);
  uint32_t top = 0;
  ASSERT_EQ(map->peek(&top, 0), 0);
  EXPECT_EQ(top, 3u);
  EXPECT_EQ(pop_all(*map), (std::vector<uint32_t>{3, 2, 1}));
}

TEST(QueueStackMap, FullMapsRefuseOrDropTheOldestWithExist) {
  TestEnvironment t;
  for (uint32_t type : {kMapQueue, kMapStack}) {
    auto map = t.make(map_def("m", type, 0, 4, 3));
    for (uint32_t v : {1u, 2u, 3u}) ASSERT_EQ(map->push(&v, kBpfAny, 0), 0);
    uint32_t four = 4, five = 5;
    EXPECT_EQ(map->push(&four, kBpfAny, 0), -E2BIG);
    EXPECT_EQ(map->push(&four, kBpfExist, 0), 0);  // 1, the oldest, is dropped
    EXPECT_EQ(map->push(&five, kBpfExist, 0), 0);  // then 2
    if (type == kMapQueue)
      EXPECT_EQ(pop_all(*map), (std::vector<uint32_t>{3, 4, 5}));
    else
      EXPECT_EQ(pop_all(*map), (std::vector<uint32_t>{5, 4, 3}));
  }
}

TEST(QueueStackMap, FlagsAndElementOperations) {
  TestEnvironment t;
  auto map = t.make(map_def("q", kMapQueue, 0, 4, 3));
  uint32_t v = 1;
  EXPECT_EQ(map->push(&v, kBpfNoExist, 0), -EINVAL);
  EXPECT_EQ(map->push(&v, 3, 0), -EINVAL);
  EXPECT_EQ(map->push(&v, 4, 0), -EINVAL);
  EXPECT_EQ(map->lookup(nullptr, 0), nullptr);
  EXPECT_EQ(map->update(nullptr, &v, kBpfAny, 0), -EINVAL);
  EXPECT_EQ(map->erase(nullptr, 0), -EINVAL);
}

TEST(QueueStackMap, HostSideIsPeekPushPop) {
  TestEnvironment t;
  auto map = t.make(map_def("q", kMapQueue, 0, 4, 2));
  uint32_t v = 7, out = 0;
  EXPECT_EQ(error_of(map->host_lookup({}, bytes_of_mut(out))), "map 'q': lookup: no such element (ENOENT)");
  ASSERT_TRUE(map->host_update({}, bytes_of(v)));
  v = 8;
  ASSERT_TRUE(map->host_update({}, bytes_of(v)));
  EXPECT_EQ(error_of(map->host_update({}, bytes_of(v))),
            "map 'q': update: the map is full, or the index is out of range (E2BIG)");
  ASSERT_TRUE(map->host_lookup({}, bytes_of_mut(out)));
  EXPECT_EQ(out, 7u);
  ASSERT_TRUE(map->host_lookup_and_delete({}, bytes_of_mut(out)));
  EXPECT_EQ(out, 7u);
  ASSERT_TRUE(map->host_lookup_and_delete({}, bytes_of_mut(out)));
  EXPECT_EQ(out, 8u);
  EXPECT_EQ(error_of(map->host_delete({})), "map 'q': delete: invalid argument (EINVAL)");
  EXPECT_EQ(error_of(map->host_next_key({}, {})), "map 'q': next key: invalid argument (EINVAL)");
}

TEST(QueueStackMap, DefinitionChecks) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(map_def("q", kMapQueue, 4, 4, 2)),
            "map 'q': a queue map has no key: key_size must be 0, not 4");
  EXPECT_EQ(t.create_error(map_def("s", kMapStack, 0, 0, 2)), "map 's': value_size must not be 0");
  EXPECT_EQ(t.create_error(map_def("s", kMapStack, 0, 4, 0)), "map 's': max_entries must not be 0");
  EXPECT_EQ(t.create_error(map_def("s", kMapStack, 0, 4, 2, kBpfFNoPrealloc)),
            "map 's': flags 0x1 are not valid for a stack map");
}

}  // namespace
}  // namespace sandbpf
