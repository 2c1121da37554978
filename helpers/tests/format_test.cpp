// bpf_trace_printk, bpf_trace_vprintk and bpf_snprintf: Linux's format rules.
#include "helpers/standard/format.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "helpers/standard/standard_helpers.hpp"
#include "helpers/tests/fake_run_context.hpp"

namespace sandbpf {
namespace {

using testing::addr;
using testing::FakeRunContext;
using testing::RegionProbe;

constexpr int64_t kEINVAL = -22;

// Formats with a probe that allows `readable` regions.
std::string format(std::string_view fmt, std::vector<uint64_t> values,
                   const RegionProbe& regions = {}, int64_t* error = nullptr) {
  std::string out;
  const int64_t result = format_bpf_string(fmt, values, regions.probe(), out);
  if (error != nullptr) *error = result;
  return result == 0 ? out : "<error>";
}

TEST(Format, IntegersOf32And64Bits) {
  EXPECT_EQ(format("%d %i %u %x %X", {uint64_t(-5), 7, uint64_t(-1), 255, 255}),
            "-5 7 4294967295 ff FF");
  EXPECT_EQ(format("%ld %lu %lx", {uint64_t(-5), uint64_t(-1), 0x1234567890ull}),
            "-5 18446744073709551615 1234567890");
  EXPECT_EQ(format("%lld %llu %llx", {uint64_t(INT64_MIN), 42, 0xdeadbeefcafeull}),
            "-9223372036854775808 42 deadbeefcafe");
  EXPECT_EQ(format("%d", {0x100000005ull}), "5");  // 32 bits without l
  EXPECT_EQ(format("%x", {0xffffffff00000010ull}), "10");
}

TEST(Format, FlagsAndWidth) {
  EXPECT_EQ(format("[%5d]", {42}), "[   42]");
  EXPECT_EQ(format("[%-5d]", {42}), "[42   ]");
  EXPECT_EQ(format("[%05d]", {uint64_t(-42)}), "[-0042]");
  EXPECT_EQ(format("[%+d] [% d]", {42, 42}), "[+42] [ 42]");
  EXPECT_EQ(format("[%08llx]", {0xabcull}), "[00000abc]");
  EXPECT_EQ(format("[%3c]", {'z'}), "[  z]");
}

TEST(Format, CharactersPercentAndPointers) {
  EXPECT_EQ(format("%c%c", {'o', 0x16b}), "ok");
  EXPECT_EQ(format("100%%", {}), "100%");
  EXPECT_EQ(format("%p", {0x1234}), "0000000000001234");
  EXPECT_EQ(format("%px %pK", {0xffff888000000000ull, 1}), "ffff888000000000 0000000000000001");
  EXPECT_EQ(format("%p.", {0xab}), "00000000000000ab.");
}

TEST(Format, StringsAreReadOnlyWhereTheProbeAllows) {
  const char name[] = "sandbpf";
  RegionProbe regions;
  regions.add(name, sizeof(name), false);
  EXPECT_EQ(format("hello %s!", {addr(name)}, regions), "hello sandbpf!");
  EXPECT_EQ(format("[%10s]", {addr(name)}, regions), "[   sandbpf]");
  EXPECT_EQ(format("[%-9s]", {addr(name)}, regions), "[sandbpf  ]");
  EXPECT_EQ(format("%pks", {addr(name)}, regions), "sandbpf");
  // Not readable: printed empty, as Linux prints a string it cannot fetch.
  EXPECT_EQ(format("[%s]", {addr(name)}), "[]");
  EXPECT_EQ(format("[%s]", {0}), "[]");
  // Only the readable part of an unterminated string.
  RegionProbe partial;
  partial.add(name, 3, false);
  EXPECT_EQ(format("%s", {addr(name)}, partial), "san");
}

TEST(Format, Addresses) {
  const uint8_t v4[] = {192, 168, 1, 20};
  uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
  v6[15] = 1;
  RegionProbe regions;
  regions.add(v4, sizeof(v4), false);
  regions.add(v6, sizeof(v6), false);
  EXPECT_EQ(format("%pI4", {addr(v4)}, regions), "192.168.1.20");
  EXPECT_EQ(format("%pi4", {addr(v4)}, regions), "192.168.001.020");
  EXPECT_EQ(format("%pI6", {addr(v6)}, regions), "2001:0db8:0000:0000:0000:0000:0000:0001");
  EXPECT_EQ(format("%pi6", {addr(v6)}, regions), "20010db8000000000000000000000001");
  EXPECT_EQ(format("%pI4", {addr(v4)}), "0.0.0.0");  // unreadable
}

TEST(Format, RefusesWhatTheKernelRefuses) {
  int64_t error = 0;
  for (const char* bad :
       {"%d %d", "%", "%q", "%.2d", "%#x", "%lc", "%ls", "%pZ", "%hd", "tab\x01"}) {
    format(bad, {1}, {}, &error);
    EXPECT_EQ(error, kEINVAL) << bad;
  }
  format("\xc3\xa9", {}, {}, &error);  // not ASCII
  EXPECT_EQ(error, kEINVAL);
  format("line\n\ttab", {}, {}, &error);
  EXPECT_EQ(error, 0);
}

TEST(TracePrintk, FormatsThreeValuesIntoTheHostsSink) {
  std::vector<std::string> lines;
  HostServices host;
  host.trace = [&](std::string_view line) { lines.emplace_back(line); };
  RunServices services;
  services.host = &host;
  FakeRunContext context(&services);
  const char fmt[] = "pid %d len %u flags %llx\n";
  const uint64_t ret = bpf_trace_printk(addr(fmt), sizeof(fmt), 17, 1500, 0xabcdef0123ull, context);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "pid 17 len 1500 flags abcdef0123\n");
  EXPECT_EQ(ret, lines[0].size());
}

TEST(TracePrintk, TheFormatMustHoldItsNulWithinItsSize) {
  FakeRunContext context;
  const char fmt[] = "abc";
  EXPECT_EQ(static_cast<int64_t>(bpf_trace_printk(addr(fmt), 3, 0, 0, 0, context)), kEINVAL);
  EXPECT_EQ(bpf_trace_printk(addr(fmt), 4, 0, 0, 0, context), 3u);
  const char early[] = "ab\0cd";
  EXPECT_EQ(bpf_trace_printk(addr(early), sizeof(early), 0, 0, 0, context), 2u);
  const char four[] = "%d %d %d %d";
  EXPECT_EQ(static_cast<int64_t>(bpf_trace_printk(addr(four), sizeof(four), 1, 2, 3, context)),
            kEINVAL);
}

TEST(TraceVprintk, TakesItsValuesFromAnArray) {
  std::string line;
  HostServices host;
  host.trace = [&](std::string_view text) { line = text; };
  RunServices services;
  services.host = &host;
  FakeRunContext context(&services);
  const char fmt[] = "%d-%d-%d-%d";
  const uint64_t data[] = {1, 2, 3, 4};
  EXPECT_EQ(bpf_trace_vprintk(addr(fmt), sizeof(fmt), addr(data), sizeof(data), 0, context), 7u);
  EXPECT_EQ(line, "1-2-3-4");
  EXPECT_EQ(
      static_cast<int64_t>(bpf_trace_vprintk(addr(fmt), sizeof(fmt), addr(data), 12, 0, context)),
      kEINVAL);
}

TEST(Snprintf, WritesTruncatesAndReturnsTheLengthWithItsNul) {
  FakeRunContext context;
  const char fmt[] = "%s=%llu";
  const char key[] = "answer";
  RegionProbe regions;
  regions.add(key, sizeof(key), false);
  RunServices services;
  services.memory = regions.probe();  // lets %s read `key`; arguments stay trusted
  FakeRunContext with_probe(&services);
  const uint64_t data[] = {addr(key), 42};
  char out[32];
  std::memset(out, 'x', sizeof(out));
  EXPECT_EQ(bpf_snprintf(addr(out), sizeof(out), addr(fmt), addr(data), sizeof(data), with_probe),
            10u);
  EXPECT_STREQ(out, "answer=42");
  char small[5];
  EXPECT_EQ(
      bpf_snprintf(addr(small), sizeof(small), addr(fmt), addr(data), sizeof(data), with_probe),
      10u);
  EXPECT_STREQ(small, "answ");
  EXPECT_EQ(bpf_snprintf(0, 0, addr(fmt), addr(data), sizeof(data), with_probe), 10u);
  const char plain[] = "no values";
  EXPECT_EQ(bpf_snprintf(addr(out), sizeof(out), addr(plain), 0, 0, context), 10u);
  EXPECT_STREQ(out, "no values");
}

TEST(Snprintf, RefusesBadDataArrays) {
  FakeRunContext context;
  const char fmt[] = "%d";
  uint64_t data[13] = {};
  char out[8];
  EXPECT_EQ(static_cast<int64_t>(bpf_snprintf(addr(out), 8, addr(fmt), addr(data), 4, context)),
            kEINVAL);
  EXPECT_EQ(
      static_cast<int64_t>(bpf_snprintf(addr(out), 8, addr(fmt), addr(data), 13 * 8, context)),
      kEINVAL);
  EXPECT_EQ(static_cast<int64_t>(bpf_snprintf(addr(out), 8, addr(fmt), 0, 8, context)), kEINVAL);
  EXPECT_EQ(static_cast<int64_t>(bpf_snprintf(addr(out), 8, addr(fmt), addr(data), 0, context)),
            kEINVAL);
}

TEST(Snprintf, CheckedModeChecksTheOutputBuffer) {
  const char fmt[] = "%d";
  const uint64_t data[] = {5};
  char out[8];
  RegionProbe regions;
  regions.add(fmt, sizeof(fmt), false);
  regions.add(data, sizeof(data), false);
  RunServices services;
  services.check_arguments = true;
  services.memory = regions.probe();
  FakeRunContext context(&services);
  bpf_snprintf(addr(out), sizeof(out), addr(fmt), addr(data), sizeof(data), context);
  EXPECT_TRUE(context.failed());
  regions.add(out, sizeof(out), true);
  FakeRunContext allowed(&services);
  EXPECT_EQ(bpf_snprintf(addr(out), sizeof(out), addr(fmt), addr(data), sizeof(data), allowed), 2u);
  EXPECT_STREQ(out, "5");
}

}  // namespace
}  // namespace sandbpf
