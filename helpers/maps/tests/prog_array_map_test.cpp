// prog_array: entries are program handles set by the host; the tail-call
// helper reads them; programs cannot look them up or change them.
#include "helpers/maps/prog_array_map.hpp"

#include <cerrno>
#include <vector>

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

TEST(ProgArrayMap, HostSetsHandlesTheTailCallReadsThem) {
  TestEnvironment t;
  auto map = t.make(map_def("jmp", kMapProgArray, 4, 4, 4));
  auto& progs = static_cast<ProgArrayMap&>(*map);
  int program_a = 0, program_b = 0;
  EXPECT_EQ(progs.tail_call_target(1), nullptr);
  ASSERT_TRUE(progs.set_program(1, &program_a));
  EXPECT_EQ(progs.tail_call_target(1), &program_a);
  EXPECT_EQ(progs.tail_call_target(4), nullptr);  // out of range: the call falls through

  uint32_t key = 2;
  const void* handle = &program_b;
  EXPECT_EQ(map->host_value_size(), sizeof(void*));
  ASSERT_TRUE(map->host_update(bytes_of(key), bytes_of(handle)));
  EXPECT_EQ(progs.tail_call_target(2), &program_b);
  EXPECT_EQ(error_of(map->host_update(bytes_of(key), bytes_of(handle), kBpfNoExist)),
            "map 'jmp': update: invalid argument (EINVAL)");  // fd arrays: BPF_ANY only
  const void* out = nullptr;
  ASSERT_TRUE(map->host_lookup(bytes_of(key), bytes_of_mut(out)));
  EXPECT_EQ(out, &program_b);

  ASSERT_TRUE(map->host_delete(bytes_of(key)));
  EXPECT_EQ(progs.tail_call_target(2), nullptr);
  EXPECT_EQ(error_of(map->host_delete(bytes_of(key))), "map 'jmp': delete: no such element (ENOENT)");
  uint32_t beyond = 4;
  EXPECT_EQ(error_of(map->host_delete(bytes_of(beyond))),
            "map 'jmp': delete: the map is full, or the index is out of range (E2BIG)");
  EXPECT_EQ(error_of(map->host_lookup(bytes_of(key), bytes_of_mut(out))),
            "map 'jmp': lookup: no such element (ENOENT)");

  uint32_t one = 1;
  EXPECT_EQ(map->lookup(&one, 0), nullptr);
  EXPECT_EQ(map->update(&one, &handle, kBpfAny, 0), -EINVAL);
  EXPECT_EQ(map->erase(&one, 0), -EINVAL);
}

TEST(ProgArrayMap, ReplacedHandlesAreReleasedOnlyAfterRunsEnd) {
  std::vector<const void*> released;
  int a = 0, b = 0, c = 0;
  {
    TestEnvironment t;
    auto map = t.make(map_def("jmp", kMapProgArray, 4, 4, 2));
    auto& progs = static_cast<ProgArrayMap&>(*map);
    progs.set_release([&](const void* p) { released.push_back(p); });
    ASSERT_TRUE(progs.set_program(0, &a));
    {
      EpochDomain::RunGuard run(t.epochs, 0);
      const void* target = progs.tail_call_target(0);
      ASSERT_TRUE(progs.set_program(0, &b));  // the host replaces it meanwhile
      t.epochs.reclaim();
      EXPECT_TRUE(released.empty());
      EXPECT_EQ(target, &a);
    }
    t.epochs.reclaim();
    EXPECT_EQ(released, (std::vector<const void*>{&a}));
    ASSERT_TRUE(progs.set_program(1, &c));
    map.reset();  // what is still in the map is released with it
    EXPECT_EQ(released.size(), 3u);
  }
}

TEST(ProgArrayMap, DefinitionChecks) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(map_def("jmp", kMapProgArray, 4, 8, 2)),
            "map 'jmp': a prog_array map has key_size and value_size 4, not 4 and 8");
  EXPECT_EQ(t.create_error(map_def("jmp", kMapProgArray, 4, 4, 2, kBpfFRdonlyProg)),
            "map 'jmp': flags 0x80 are not valid for a prog_array map");
  EXPECT_EQ(t.create_error(map_def("jmp", kMapProgArray, 4, 4, 0)), "map 'jmp': max_entries must not be 0");
}

}  // namespace
}  // namespace sandbpf
