#include <gtest/gtest.h>

#include <string>

#include "helpers/helper_registry.hpp"

namespace sandbpf {
namespace {

uint64_t returns_seven(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, RunContext&) { return 7; }

HelperPrototype prototype(uint32_t id, std::string_view name, std::array<ArgKind, 5> args = {}) {
  HelperPrototype p;
  p.id = id;
  p.name = name;
  p.args = args;
  return p;
}

std::string error_of(const HelperPrototype& p) {
  auto valid = HelperRegistry::validate(p);
  return valid ? std::string() : valid.error().message;
}

TEST(HelperRegistry, AddsFindsAndListsHelpersById) {
  HelperRegistry registry;
  ASSERT_TRUE(registry.add({prototype(9, "nine"), returns_seven}));
  ASSERT_TRUE(registry.add({prototype(2, "two"), nullptr}));
  EXPECT_EQ(registry.size(), 2u);
  ASSERT_NE(registry.find(9), nullptr);
  EXPECT_EQ(registry.find(9)->function, &returns_seven);
  EXPECT_EQ(registry.find("two")->prototype.id, 2u);
  EXPECT_EQ(registry.find(3), nullptr);
  EXPECT_EQ(registry.find("three"), nullptr);
  const auto all = registry.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]->prototype.id, 2u);
  EXPECT_EQ(all[1]->prototype.id, 9u);
}

TEST(HelperRegistry, FunctionTableIsIndexedByIdWithNullWhereNoImplementation) {
  HelperRegistry registry;
  ASSERT_TRUE(registry.add({prototype(4, "four"), returns_seven}));
  ASSERT_TRUE(registry.add({prototype(2, "two"), nullptr}));
  const auto table = registry.function_table();
  ASSERT_EQ(table.size(), 5u);
  EXPECT_EQ(table[4], &returns_seven);
  EXPECT_EQ(table[2], nullptr);
  EXPECT_EQ(table[0], nullptr);
  EXPECT_TRUE(HelperRegistry().function_table().empty());
}

TEST(HelperRegistry, ReplacesAHelperWithTheSameIdAndSetsFunctions) {
  HelperRegistry registry;
  ASSERT_TRUE(registry.add({prototype(4, "four"), nullptr}));
  ASSERT_TRUE(registry.add({prototype(4, "four_again"), returns_seven}));
  EXPECT_EQ(registry.size(), 1u);
  EXPECT_EQ(registry.find(4)->prototype.name, "four_again");
  EXPECT_EQ(registry.find("four"), nullptr);
  ASSERT_TRUE(registry.set_function(4, nullptr));
  EXPECT_EQ(registry.find(4)->function, nullptr);
  EXPECT_FALSE(registry.set_function(5, returns_seven));
}

TEST(HelperRegistry, OwnsNamesSoCallersStringsMayGoAway) {
  HelperRegistry registry;
  {
    std::string name = "temporary_name";
    ASSERT_TRUE(registry.add({prototype(3, name), nullptr}));
    name.assign("xxxxxxxxxxxxxx");
  }
  EXPECT_EQ(registry.find(3)->prototype.name, "temporary_name");
  HelperRegistry copy = registry;
  registry = HelperRegistry();
  EXPECT_EQ(copy.find(3)->prototype.name, "temporary_name");
  EXPECT_NE(copy.find("temporary_name"), nullptr);
}

TEST(HelperRegistry, RefusesBadIdsAndNames) {
  HelperRegistry registry;
  EXPECT_NE(error_of(prototype(0, "zero")).find("id 0"), std::string::npos);
  EXPECT_NE(error_of(prototype(HelperRegistry::kMaxId + 1, "big")).find("limit"),
            std::string::npos);
  EXPECT_TRUE(HelperRegistry::validate(prototype(HelperRegistry::kMaxId, "largest")));
  EXPECT_NE(error_of(prototype(1, "")).find("no name"), std::string::npos);
  ASSERT_TRUE(registry.add({prototype(1, "one"), nullptr}));
  auto duplicate = registry.add({prototype(2, "one"), nullptr});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message, "helper 2 (one): the name is already used by helper 1");
}

TEST(HelperRegistry, ASizeMustFollowMemoryAndMemoryMustHaveASize) {
  using A = ArgKind;
  EXPECT_EQ(error_of(prototype(1, "f", {A::kAnything, A::kSize})),
            "helper 1 (f): argument 2 (size): a size must follow a memory argument");
  EXPECT_EQ(error_of(prototype(1, "f", {A::kSizeOrZero})),
            "helper 1 (f): argument 1 (size_or_zero): a size must follow a memory argument");
  EXPECT_EQ(
      error_of(prototype(1, "f", {A::kReadableMemory, A::kAnything})),
      "helper 1 (f): argument 1 (readable_memory): a memory argument must be followed by its size");
  EXPECT_NE(
      error_of(prototype(
          1, "f", {A::kAnything, A::kAnything, A::kAnything, A::kAnything, A::kWritableMemory})),
      "");
  EXPECT_TRUE(
      HelperRegistry::validate(prototype(1, "f", {A::kWritableMemoryOrNull, A::kSizeOrZero})));
  EXPECT_TRUE(
      HelperRegistry::validate(prototype(1, "f", {A::kContext, A::kReadableMemory, A::kSize})));
}

// memcpy(dest, src, n): two memory arguments sized by one later argument.
TEST(HelperRegistry, SizeFromNamesTheSizeArgumentOfMemoryArguments) {
  using A = ArgKind;
  HelperPrototype copy = prototype(1, "f", {A::kWritableMemory, A::kReadableMemory, A::kSizeOrZero});
  EXPECT_EQ(error_of(copy),
            "helper 1 (f): argument 1 (writable_memory): a memory argument must be followed by its "
            "size");
  copy.size_from = {3, 3, 0, 0, 0};
  EXPECT_TRUE(HelperRegistry::validate(copy));
  EXPECT_EQ(copy.size_arg_of(1), 3u);
  EXPECT_EQ(copy.size_arg_of(2), 3u);
  HelperPrototype set = prototype(1, "f", {A::kWritableMemory, A::kScalar, A::kSize});
  set.size_from = {3, 0, 0, 0, 0};
  EXPECT_TRUE(HelperRegistry::validate(set));
  set.size_from = {2, 0, 0, 0, 0};
  EXPECT_EQ(error_of(set),
            "helper 1 (f): argument 1 (writable_memory): size_from names argument 2, which is not a "
            "size");
  set.size_from = {1, 0, 0, 0, 0};
  EXPECT_NE(error_of(set), "");
  set.size_from = {6, 0, 0, 0, 0};
  EXPECT_NE(error_of(set), "");
  set.size_from = {3, 3, 0, 0, 0};
  EXPECT_EQ(error_of(set),
            "helper 1 (f): argument 2 (scalar): size_from is only for sized memory arguments");
  // A size nothing refers to.
  HelperPrototype orphan = prototype(1, "f", {A::kScalar, A::kReadableMemory, A::kSize, A::kSize});
  orphan.size_from = {0, 4, 0, 0, 0};
  EXPECT_EQ(error_of(orphan), "helper 1 (f): argument 3 (size): a size must follow a memory argument");
  HelperPrototype returns_first = prototype(1, "f");
  returns_first.returns = ReturnKind::kFirstArgument;
  EXPECT_EQ(error_of(returns_first), "helper 1 (f): returns its first argument but takes none");
}

TEST(HelperRegistry, MapArgumentsNeedAMapBeforeThem) {
  using A = ArgKind;
  EXPECT_EQ(error_of(prototype(1, "f", {A::kMapKey, A::kMapPointer})),
            "helper 1 (f): argument 1 (map_key): needs a map argument before it");
  EXPECT_TRUE(
      HelperRegistry::validate(prototype(1, "f", {A::kMapPointer, A::kMapKey, A::kMapValue})));
  EXPECT_NE(error_of(prototype(1, "f", {A::kMapPointer, A::kMapPointer})), "");
  HelperPrototype lookup = prototype(1, "f", {A::kAnything});
  lookup.returns = ReturnKind::kMapValueOrNull;
  EXPECT_EQ(error_of(lookup), "helper 1 (f): returns a map value but takes no map argument");
}

TEST(HelperRegistry, ArgumentsAreContiguous) {
  using A = ArgKind;
  EXPECT_EQ(
      error_of(prototype(1, "f", {A::kAnything, A::kNone, A::kAnything})),
      "helper 1 (f): argument 3 (anything): follows an argument of kind none (arguments must be "
      "contiguous)");
  EXPECT_EQ(prototype(1, "f", {A::kAnything, A::kAnything}).arg_count(), 2u);
}

TEST(HelperRegistry, CallbacksAndFixedSizesAreConsistent) {
  using A = ArgKind;
  HelperPrototype loop =
      prototype(1, "loop", {A::kAnything, A::kCallback, A::kCallbackContext, A::kAnything});
  EXPECT_NE(error_of(loop), "");  // callback_args missing
  loop.callback_args = 2;
  EXPECT_TRUE(HelperRegistry::validate(loop));
  HelperPrototype stray = prototype(1, "f", {A::kAnything});
  stray.callback_args = 1;
  EXPECT_NE(error_of(stray), "");

  HelperPrototype fixed = prototype(1, "f", {A::kWritableFixedMemory});
  EXPECT_NE(error_of(fixed), "");
  fixed.arg_size[0] = 4;
  EXPECT_TRUE(HelperRegistry::validate(fixed));
  HelperPrototype misplaced = prototype(1, "f", {A::kAnything});
  misplaced.arg_size[0] = 4;
  EXPECT_NE(error_of(misplaced), "");

  HelperPrototype record = prototype(1, "f", {A::kMapPointer, A::kAnything});
  record.returns = ReturnKind::kRingbufRecordOrNull;
  EXPECT_NE(error_of(record), "");
  record.args[1] = A::kAllocSize;
  EXPECT_TRUE(HelperRegistry::validate(record));

  HelperPrototype release = prototype(1, "f", {A::kAnything});
  release.releases_reference = true;
  EXPECT_NE(error_of(release), "");
  release.args[0] = A::kSocketCommon;
  EXPECT_TRUE(HelperRegistry::validate(release));
  HelperPrototype acquire = prototype(1, "f");
  acquire.acquires_reference = true;
  EXPECT_NE(error_of(acquire), "");
}

TEST(HelperKinds, EveryKindHasAName) {
  for (int kind = 0; kind <= static_cast<int>(ArgKind::kDynptr); ++kind) {
    EXPECT_NE(arg_kind_name(static_cast<ArgKind>(kind)), "unknown") << kind;
  }
  for (int kind = 0; kind <= static_cast<int>(ReturnKind::kKernelObject); ++kind) {
    EXPECT_NE(return_kind_name(static_cast<ReturnKind>(kind)), "unknown") << kind;
  }
  EXPECT_EQ(arg_kind_name(ArgKind::kMapKey), "map_key");
  EXPECT_EQ(return_kind_name(ReturnKind::kMapValueOrNull), "map_value_or_null");
}

}  // namespace
}  // namespace sandbpf
