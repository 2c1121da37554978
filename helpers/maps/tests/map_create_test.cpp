// Map::create: the checks shared by every type, and the types sandbpf does
// not implement.
#include "helpers/maps/map.hpp"

#include "helpers/maps/tests/map_test_support.hpp"

namespace sandbpf {
namespace {

using namespace sandbpf::testing;

TEST(MapCreate, UnsupportedTypesAreNamed) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(map_def("socks", kMapSockmap, 4, 4, 16)),
            "map 'socks': map type 'sockmap' (15) is not supported");
  EXPECT_EQ(t.create_error(map_def("m", 99, 4, 4, 1)), "map 'm': map type 'unknown' (99) is not supported");
  EXPECT_EQ(t.create_error(map_def("m", kMapUnspec, 4, 4, 1)),
            "map 'm': map type 'unspec' (0) is not supported");
  auto made = Map::create(map_def("socks", kMapSockmap, 4, 4, 16), t.env());
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().kind, ErrorKind::kLoad);
}

TEST(MapCreate, AccessFlagsThatExcludeEachOther) {
  TestEnvironment t;
  EXPECT_EQ(t.create_error(map_def("m", kMapArray, 4, 4, 1, kBpfFRdonly | kBpfFWronly)),
            "map 'm': flags BPF_F_RDONLY and BPF_F_WRONLY exclude each other");
  EXPECT_EQ(t.create_error(map_def("m", kMapHash, 4, 4, 1, kBpfFRdonlyProg | kBpfFWronlyProg)),
            "map 'm': flags BPF_F_RDONLY_PROG and BPF_F_WRONLY_PROG exclude each other");
}

TEST(MapCreate, EveryImplementedTypeCanBeCreated) {
  TestEnvironment t;
  const MapDefinition inner = map_def("inner", kMapArray, 4, 4, 1);
  struct Case {
    uint32_t type, key, value, entries;
  };
  for (Case c : {Case{kMapHash, 4, 4, 1}, Case{kMapArray, 4, 4, 1}, Case{kMapProgArray, 4, 4, 1},
                 Case{kMapPerfEventArray, 4, 4, 0}, Case{kMapPercpuHash, 4, 4, 1},
                 Case{kMapPercpuArray, 4, 4, 1}, Case{kMapLruHash, 4, 4, 1},
                 Case{kMapLruPercpuHash, 4, 4, 1}, Case{kMapArrayOfMaps, 4, 4, 1},
                 Case{kMapHashOfMaps, 4, 4, 1}, Case{kMapQueue, 0, 4, 1}, Case{kMapStack, 0, 4, 1},
                 Case{kMapRingbuf, 0, 0, 4096}, Case{kMapStackTrace, 4, 8, 1},
                 Case{kMapDevmap, 4, 4, 1}, Case{kMapCpumap, 4, 4, 1}, Case{kMapXskmap, 4, 4, 1}}) {
    auto made = Map::create(map_def("m", c.type, c.key, c.value, c.entries), t.env(), &inner);
    EXPECT_TRUE(made) << map_type_name(c.type) << ": " << (made ? "" : made.error().message);
    if (made) {
      EXPECT_EQ((*made)->definition().type, c.type);
    }
  }
  // lpm_trie exists only with BPF_F_NO_PREALLOC (as in Linux).
  auto trie = Map::create(map_def("m", kMapLpmTrie, 8, 4, 1, kBpfFNoPrealloc), t.env());
  EXPECT_TRUE(trie) << (trie ? "" : trie.error().message);
}

TEST(MapCreate, NoSlotsIsAnError) {
  MapMemoryBudget budget(1 << 20);
  EpochDomain epochs(1);
  MapEnvironment env{&epochs, &budget, 0};
  auto made = Map::create(map_def("m", kMapPercpuArray, 4, 4, 1), env);
  ASSERT_FALSE(made);
  EXPECT_EQ(made.error().message, "map 'm': the environment has no per-CPU slots (slots is 0)");
}

TEST(MapCreate, ErrnoNames) {
  EXPECT_EQ(errno_name(-ENOENT), "ENOENT");
  EXPECT_EQ(errno_name(-E2BIG), "E2BIG");
  EXPECT_EQ(errno_name(-kENotSupp), "ENOTSUPP");
}

}  // namespace
}  // namespace sandbpf
