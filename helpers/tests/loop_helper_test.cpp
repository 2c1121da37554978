#include <gtest/gtest.h>

#include <vector>

#include "helpers/standard/standard_helpers.hpp"
#include "helpers/tests/fake_run_context.hpp"

namespace sandbpf {
namespace {

using testing::FakeRunContext;

constexpr uint64_t kCallback = encode_function_ref(17);

TEST(BpfLoop, CallsTheCallbackWithIndexAndContext) {
  FakeRunContext context;
  std::vector<uint64_t> indexes;
  context.callback = [&](uint64_t index, uint64_t ctx, uint64_t, uint64_t, uint64_t) {
    indexes.push_back(index);
    EXPECT_EQ(ctx, 0xc0ffeeu);
    return uint64_t{0};
  };
  EXPECT_EQ(bpf_loop(4, kCallback, 0xc0ffee, 0, 0, context), 4u);
  EXPECT_EQ(indexes, (std::vector<uint64_t>{0, 1, 2, 3}));
  EXPECT_EQ(context.calls, (std::vector<uint64_t>(4, kCallback)));
}

TEST(BpfLoop, StopsWhenTheCallbackReturnsNonZero) {
  FakeRunContext context;
  context.callback = [](uint64_t index, uint64_t, uint64_t, uint64_t, uint64_t) {
    return uint64_t{index == 2};
  };
  EXPECT_EQ(bpf_loop(10, kCallback, 0, 0, 0, context), 3u);
}

TEST(BpfLoop, ZeroLoopsCallNothing) {
  FakeRunContext context;
  EXPECT_EQ(bpf_loop(0, kCallback, 0, 0, 0, context), 0u);
  EXPECT_TRUE(context.calls.empty());
}

TEST(BpfLoop, FlagsMustBeZeroAndTheCountBounded) {
  FakeRunContext context;
  EXPECT_EQ(static_cast<int64_t>(bpf_loop(1, kCallback, 0, 1, 0, context)), -22);
  EXPECT_EQ(static_cast<int64_t>(bpf_loop(kBpfLoopMax + 1, kCallback, 0, 0, 0, context)), -7);
  EXPECT_TRUE(context.calls.empty());
  // nr_loops is a u32: the high bits are ignored.
  EXPECT_EQ(bpf_loop((uint64_t{1} << 32) | 2, kCallback, 0, 0, 0, context), 2u);
}

TEST(BpfLoop, TheLimitItselfIsAllowed) {
  static_assert(kBpfLoopMax == 1u << 23);
  FakeRunContext context;
  // The callback stops at once: 1 iteration, not -E2BIG.
  context.callback = [](uint64_t, uint64_t, uint64_t, uint64_t, uint64_t) { return uint64_t{1}; };
  EXPECT_EQ(bpf_loop(kBpfLoopMax, kCallback, 0, 0, 0, context), 1u);
}

TEST(BpfLoop, AFailedCallbackEndsTheLoop) {
  FakeRunContext context;
  context.callback = [&](uint64_t index, uint64_t, uint64_t, uint64_t, uint64_t) {
    if (index == 1) context.fail("out of bounds in the callback");
    return uint64_t{0};
  };
  EXPECT_EQ(bpf_loop(100, kCallback, 0, 0, 0, context), 0u);
  EXPECT_EQ(context.calls.size(), 2u);
}

TEST(BpfLoop, RefusesSomethingThatIsNotAFunction) {
  FakeRunContext context;
  EXPECT_EQ(bpf_loop(3, 0x1234, 0, 0, 0, context), 0u);
  EXPECT_TRUE(context.failed());
  EXPECT_TRUE(context.calls.empty());
}

}  // namespace
}  // namespace sandbpf
