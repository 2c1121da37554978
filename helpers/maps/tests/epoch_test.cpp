// EpochDomain: memory retired while a run is in progress is freed only
// after that run has left; without runs it is freed at the next reclaim.
#include "helpers/maps/epoch.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace sandbpf {
namespace {

TEST(EpochDomain, RetiredMemoryWithoutRunsIsFreedAtReclaim) {
  int freed = 0;  // outlives the domain, which frees at destruction
  EpochDomain domain(2);
  domain.retire([&] { ++freed; });
  EXPECT_EQ(domain.pending(), 1u);
  domain.reclaim();
  EXPECT_EQ(freed, 1);
  EXPECT_EQ(domain.pending(), 0u);
  EXPECT_EQ(domain.epoch(), 3u);  // three steps, nothing in the way
}

TEST(EpochDomain, RunInProgressKeepsMemoryUntilItLeaves) {
  int freed = 0;  // outlives the domain, which frees at destruction
  EpochDomain domain(2);
  {
    EpochDomain::RunGuard run(domain, 0);
    domain.retire([&] { ++freed; });
    for (int i = 0; i < 5; ++i) domain.reclaim();
    EXPECT_EQ(freed, 0);
    EXPECT_EQ(domain.pending(), 1u);
  }
  domain.reclaim();
  EXPECT_EQ(freed, 1);
}

TEST(EpochDomain, RunsStartedAfterRetirementDoNotHoldIt) {
  int freed = 0, later = 0;  // outlive the domain, which frees at destruction
  EpochDomain domain(2);
  domain.retire([&] { ++freed; });
  domain.reclaim();  // nothing in the way: freed
  EXPECT_EQ(freed, 1);
  // A run that entered after the epoch moved on blocks only later memory.
  {
    EpochDomain::RunGuard run(domain, 1);
    domain.retire([&] { ++later; });
    domain.reclaim();
    EXPECT_EQ(later, 0);
  }
  domain.reclaim();
  EXPECT_EQ(later, 1);
}

TEST(EpochDomain, GuardsNestAndShareSlots) {
  int freed = 0;  // outlives the domain, which frees at destruction
  EpochDomain domain(1);
  {
    EpochDomain::RunGuard outer(domain, 0);
    {
      EpochDomain::RunGuard inner(domain, 0);
      EpochDomain::RunGuard other(domain, 7);  // reduced modulo slots
      domain.retire([&] { ++freed; });
    }
    domain.reclaim();
    EXPECT_EQ(freed, 0);  // outer still running
  }
  domain.reclaim();
  EXPECT_EQ(freed, 1);
}

TEST(EpochDomain, RetireReclaimsPeriodically) {
  int freed = 0;  // outlives the domain, which frees at destruction
  EpochDomain domain(1);
  for (uint32_t i = 0; i < 4 * EpochDomain::kReclaimEvery; ++i) domain.retire([&] { ++freed; });
  EXPECT_GT(freed, 0);
  EXPECT_EQ(domain.pending(), 4 * EpochDomain::kReclaimEvery - static_cast<uint64_t>(freed));
}

TEST(EpochDomain, DestructorFreesEverythingIncludingWhatFreesRetire) {
  int freed = 0;
  {
    EpochDomain domain(1);
    EpochDomain* self = &domain;
    domain.retire([&freed, self] {
      ++freed;
      self->retire([&freed] { ++freed; });  // an inner map's destructor does this
    });
    domain.retire([](void* object, void*) { ++*static_cast<int*>(object); }, &freed, nullptr);
  }
  EXPECT_EQ(freed, 3);
}

TEST(EpochDomain, ReaderOnAnotherThreadBlocksUntilDone) {
  std::atomic<int> stage{0};
  std::atomic<int> freed{0};
  EpochDomain domain(2);
  std::thread reader([&] {
    EpochDomain::RunGuard run(domain, 1);
    stage.store(1);
    while (stage.load() != 2) std::this_thread::yield();
  });
  while (stage.load() != 1) std::this_thread::yield();
  domain.retire([&] { freed.fetch_add(1); });
  domain.reclaim();
  EXPECT_EQ(freed.load(), 0);
  stage.store(2);
  reader.join();
  domain.reclaim();
  EXPECT_EQ(freed.load(), 1);
}

}  // namespace
}  // namespace sandbpf
