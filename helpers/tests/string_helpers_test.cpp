// bpf_strtol / bpf_strtoul / bpf_strncmp against Linux's semantics.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "helpers/standard/standard_helpers.hpp"
#include "helpers/tests/fake_run_context.hpp"

namespace sandbpf {
namespace {

using testing::addr;
using testing::FakeRunContext;

constexpr int64_t kEINVAL = -22;
constexpr int64_t kERANGE = -34;

struct Outcome {
  int64_t ret;
  int64_t value;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Outcome& o) {
  return out << "{ret " << o.ret << ", value " << o.value << "}";
}

// Calls the helper on `text` (buf_len = its size, no NUL unless given).
Outcome run(HelperFunction helper, std::string text, uint64_t flags) {
  FakeRunContext context;
  int64_t value = 0x5a5a;
  const auto ret =
      static_cast<int64_t>(helper(addr(text.data()), text.size(), flags, addr(&value), 0, context));
  return {ret, value};
}

Outcome strtol(std::string text, uint64_t flags = 0) {
  return run(bpf_strtol, std::move(text), flags);
}
Outcome strtoul(std::string text, uint64_t flags = 0) {
  return run(bpf_strtoul, std::move(text), flags);
}

constexpr int64_t kUntouched = 0x5a5a;

TEST(Strtol, DecimalWithSignAndLeadingSpace) {
  EXPECT_EQ(strtol("123"), (Outcome{3, 123}));
  EXPECT_EQ(strtol("-123"), (Outcome{4, -123}));
  EXPECT_EQ(strtol("  \t\n42abc"), (Outcome{6, 42}));
  EXPECT_EQ(strtol(" -7 "), (Outcome{3, -7}));
  EXPECT_EQ(strtol(std::string("12\0"
                               "34",
                               5)),
            (Outcome{2, 12}));
  EXPECT_EQ(strtol("0"), (Outcome{1, 0}));
  EXPECT_EQ(strtol("-0"), (Outcome{2, 0}));
}

TEST(Strtol, PlusSignIsNotAccepted) { EXPECT_EQ(strtol("+5"), (Outcome{kEINVAL, kUntouched})); }

TEST(Strtol, BaseZeroPicksFromThePrefix) {
  EXPECT_EQ(strtol("0x1f"), (Outcome{4, 31}));
  EXPECT_EQ(strtol("0X1F"), (Outcome{4, 31}));
  EXPECT_EQ(strtol("017"), (Outcome{3, 15}));
  EXPECT_EQ(strtol("09"), (Outcome{1, 0}));   // octal: stops at 9
  EXPECT_EQ(strtol("0xg"), (Outcome{1, 0}));  // no hex digit after 0x: octal 0
  EXPECT_EQ(strtol("-0x10"), (Outcome{5, -16}));
}

TEST(Strtol, ExplicitBases) {
  EXPECT_EQ(strtol("ff", 16), (Outcome{2, 255}));
  EXPECT_EQ(strtol("0xff", 16), (Outcome{4, 255}));
  EXPECT_EQ(strtol("0x", 16), (Outcome{kEINVAL, kUntouched}));  // prefix skipped, no digit
  EXPECT_EQ(strtol("777", 8), (Outcome{3, 511}));
  EXPECT_EQ(strtol("0x10", 10), (Outcome{1, 0}));
  EXPECT_EQ(strtol("19", 8), (Outcome{1, 1}));
}

TEST(Strtol, InvalidBasesAndFlags) {
  EXPECT_EQ(strtol("1", 2), (Outcome{kEINVAL, kUntouched}));
  EXPECT_EQ(strtol("1", 36), (Outcome{kEINVAL, kUntouched}));
  EXPECT_EQ(strtol("1", 32 | 10), (Outcome{kEINVAL, kUntouched}));  // bits above the base mask
}

TEST(Strtol, NoDigitsIsInvalid) {
  EXPECT_EQ(strtol(""), (Outcome{kEINVAL, kUntouched}));
  EXPECT_EQ(strtol("   "), (Outcome{kEINVAL, kUntouched}));
  EXPECT_EQ(strtol("-"), (Outcome{kEINVAL, kUntouched}));
  EXPECT_EQ(strtol("abc"), (Outcome{kEINVAL, kUntouched}));
  EXPECT_EQ(strtol("- 5"), (Outcome{kEINVAL, kUntouched}));
}

TEST(Strtol, Limits) {
  EXPECT_EQ(strtol("9223372036854775807"), (Outcome{19, INT64_MAX}));
  EXPECT_EQ(strtol("9223372036854775808"), (Outcome{kERANGE, kUntouched}));
  EXPECT_EQ(strtol("-9223372036854775808"), (Outcome{20, INT64_MIN}));
  EXPECT_EQ(strtol("-9223372036854775809"), (Outcome{kERANGE, kUntouched}));
  EXPECT_EQ(strtol("99999999999999999999"), (Outcome{kERANGE, kUntouched}));  // beyond u64
}

TEST(Strtol, OnlySixtyThreeCharactersAfterTheSignAreRead) {
  const std::string zeros(62, '0');
  EXPECT_EQ(strtol(zeros + "7", 10), (Outcome{63, 7}));
  EXPECT_EQ(strtol(zeros + "78", 10), (Outcome{63, 7}));
  EXPECT_EQ(strtol("  -" + zeros + "78", 10), (Outcome{66, -7}));
}

TEST(Strtol, SpaceIncludesTheKernelsNoBreakSpace) {
  EXPECT_EQ(strtol("\xa0"
                   "5"),
            (Outcome{2, 5}));
  EXPECT_EQ(strtol("\v\f\r9"), (Outcome{4, 9}));
}

TEST(Strtoul, UnsignedRangeAndNoNegatives) {
  EXPECT_EQ(strtoul("18446744073709551615"), (Outcome{20, -1}));
  EXPECT_EQ(strtoul("18446744073709551616"), (Outcome{kERANGE, kUntouched}));
  EXPECT_EQ(strtoul("-1"), (Outcome{kEINVAL, kUntouched}));
  EXPECT_EQ(strtoul("-0"), (Outcome{kEINVAL, kUntouched}));
  EXPECT_EQ(strtoul(" 0x7fffffffffffffff"), (Outcome{19, INT64_MAX}));
  EXPECT_EQ(strtoul("42", 8), (Outcome{2, 34}));
  EXPECT_EQ(strtoul("", 0), (Outcome{kEINVAL, kUntouched}));
}

TEST(Strtol, CheckedModeRefusesMemoryTheProgramMayNotTouch) {
  std::string text = "123";
  int64_t value = 0;
  testing::RegionProbe regions;
  regions.add(text.data(), text.size(), false);
  RunServices services;
  services.check_arguments = true;
  services.memory = regions.probe();
  FakeRunContext context(&services);
  EXPECT_EQ(bpf_strtol(addr(text.data()), text.size(), 0, addr(&value), 0, context), 0u);
  EXPECT_TRUE(context.failed());
  EXPECT_NE(context.failure.find("bpf_strtol: res"), std::string::npos) << context.failure;
  regions.add(&value, sizeof(value), true);
  FakeRunContext allowed(&services);
  EXPECT_EQ(bpf_strtol(addr(text.data()), text.size(), 0, addr(&value), 0, allowed), 3u);
  EXPECT_EQ(value, 123);
  FakeRunContext too_long(&services);
  bpf_strtol(addr(text.data()), text.size() + 1, 0, addr(&value), 0, too_long);
  EXPECT_TRUE(too_long.failed());
}

TEST(Strncmp, ComparesAtMostSizeCharacters) {
  FakeRunContext context;
  const char s1[] = "hello world";
  const char hello[] = "hello";
  const char help[] = "help";
  EXPECT_EQ(bpf_strncmp(addr(s1), 5, addr(hello), 0, 0, context), 0u);
  EXPECT_EQ(static_cast<int64_t>(bpf_strncmp(addr(s1), 6, addr(hello), 0, 0, context)), 1);
  EXPECT_EQ(static_cast<int64_t>(bpf_strncmp(addr(s1), 4, addr(help), 0, 0, context)), -1);
  EXPECT_EQ(bpf_strncmp(addr(s1), 0, addr(help), 0, 0, context), 0u);
}

}  // namespace
}  // namespace sandbpf
