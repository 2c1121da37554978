// What goes wrong when an Instance is made or run, and the sentences that
// say so: missing files and programs, ambiguous names, types, helpers
// known only by prototype, programs the verifier refuses, checked-mode
// violations, busy slots, a host helper.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "helpers/standard/standard_helpers.hpp"
#include "jit/jit.hpp"
#include "loader/assembler.hpp"
#include "runtime/instance.hpp"

namespace sandbpf {
namespace {

const std::string kFeatures = std::string(SANDBPF_RUNTIME_TEST_OBJECTS) + "/features.o";

std::shared_ptr<const Platform> generic_with_helpers() {
  std::shared_ptr<Platform> platform = Platform::make_generic();
  EXPECT_TRUE(add_standard_helpers(platform->helpers()).has_value());
  return platform;
}

Program assembled(const char* text) {
  auto slots = assemble(text);
  EXPECT_TRUE(slots.has_value()) << slots.error().to_string();
  auto program = Program::decode(*slots);
  EXPECT_TRUE(program.has_value()) << program.error().to_string();
  return *program;
}

TEST(InstanceErrors, MissingFile) {
  auto made = Instance::load_file("/nonexistent/x.o", generic_with_helpers());
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().where.file, "/nonexistent/x.o");
  EXPECT_NE(made.error().message.find("cannot open"), std::string::npos) << made.error().message;
}

TEST(InstanceErrors, NotAnElfObject) {
  const uint8_t bytes[] = {1, 2, 3, 4};
  auto made = Instance::load_elf(bytes, "junk.o", generic_with_helpers());
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().kind, ErrorKind::kLoad);
}

TEST(InstanceErrors, SeveralProgramsNeedAChoice) {
  auto made = Instance::load_file(kFeatures, generic_with_helpers());
  ASSERT_FALSE(made.has_value());
  EXPECT_NE(made.error().message.find("the object has 19 programs: choose one ("),
            std::string::npos)
      << made.error().message;
  EXPECT_NE(made.error().message.find("prog/hash/hash_ops"), std::string::npos);
}

TEST(InstanceErrors, UnknownProgramName) {
  auto made = Instance::load_file(kFeatures, generic_with_helpers(), {.program = "nope"});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().message, "the object has no program named 'nope'");
}

TEST(InstanceErrors, ProgramsCanBeNamedEveryWay) {
  for (const char* name : {"prog/hash/hash_ops", "hash_ops", "prog/hash"}) {
    auto made = Instance::load_file(kFeatures, generic_with_helpers(), {.program = name});
    ASSERT_TRUE(made.has_value()) << name << ": " << made.error().to_string();
    EXPECT_EQ((*made)->program_name(), "prog/hash/hash_ops");
  }
}

TEST(InstanceErrors, SectionWithoutATypeOnLinux) {
  auto made = Instance::load_file(kFeatures, std::shared_ptr<Platform>(Platform::make_linux()),
                                  {.program = "hash_ops"});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(made.error().message,
            "section 'prog/hash' names no program type of the linux platform: give one (--type)");
  EXPECT_EQ(made.error().where.function, "hash_ops");
}

TEST(InstanceErrors, UnknownType) {
  auto made = Instance::load_file(kFeatures, std::shared_ptr<Platform>(Platform::make_linux()),
                                  {.program = "hash_ops", .type = "nonsense"});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().message, "the linux platform has no program type 'nonsense'");
}

TEST(InstanceErrors, HelperKnownOnlyByPrototype) {
  // bpf_probe_read (4): the linux platform knows its prototype; this host
  // cannot read kernel memory.
  const Program program = assembled(
      "mov %r1, %r10\nadd %r1, -8\nmov %r2, 8\nmov %r3, 0\ncall 4\nmov %r0, 0\nexit\n");
  auto made = Instance::create(program, std::shared_ptr<Platform>(Platform::make_linux()),
                               {.type = "kprobe"});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().kind, ErrorKind::kLoad);
  EXPECT_EQ(made.error().where.instruction, 4u);
  EXPECT_NE(made.error().message.find("bpf_probe_read is known to the linux platform by "
                                      "prototype only"),
            std::string::npos)
      << made.error().message;
}

TEST(InstanceErrors, UnknownHelperId) {
  const Program program = assembled("call 77777\nexit\n");
  auto made = Instance::create(program, generic_with_helpers());
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().message, "call 77777: the generic platform has no helper with id 77777");
}

TEST(InstanceErrors, HardeningNeedsTheJitAndSpectreMaskingAVerifiedProgram) {
  const Program program = assembled("mov %r0, 0\nexit\n");
  auto interpreted = Instance::create(program, generic_with_helpers(), {.spectre_v1 = true});
  ASSERT_FALSE(interpreted);
  EXPECT_EQ(interpreted.error().message,
            "constant blinding and Spectre v1 masking harden JIT-compiled code: use the jit engine");
  if (!jit_available()) GTEST_SKIP() << "no JIT backend for this host";
  auto unverified = Instance::create(program, generic_with_helpers(),
                                     {.engine = Engine::kJit, .verify = false, .spectre_v1 = true});
  ASSERT_FALSE(unverified);
  EXPECT_EQ(unverified.error().message,
            "Spectre v1 masking needs a verified program: its masks are the bounds the verifier proved");
  auto hardened = Instance::create(program, generic_with_helpers(),
                                   {.engine = Engine::kJit, .blind_constants = true, .spectre_v1 = true});
  ASSERT_TRUE(hardened) << hardened.error().to_string();
  std::vector<uint8_t> memory(8);
  EXPECT_EQ((*hardened)->run_memory(memory).value_or(1), 0u);
}

TEST(InstanceErrors, VerifierRefusal) {
  // Reads the packet without checking it against data_end.
  const Program program = assembled("ldxw %r2, [%r1+0]\nldxb %r0, [%r2+0]\nexit\n");
  auto made = Instance::create(program, std::shared_ptr<Platform>(Platform::make_linux()),
                               {.type = "xdp"});
  ASSERT_FALSE(made.has_value());
  EXPECT_EQ(made.error().kind, ErrorKind::kVerify);
  EXPECT_EQ(made.error().where.instruction, 1u);
  // Unverified, the same program runs in checked mode and stops there.
  auto checked = Instance::create(program, std::shared_ptr<Platform>(Platform::make_linux()),
                                  {.type = "xdp", .verify = false});
  ASSERT_TRUE(checked.has_value()) << checked.error().to_string();
  const std::vector<uint8_t> empty_packet;
  auto run = (*checked)->run_packet(empty_packet);
  ASSERT_FALSE(run.has_value());
  EXPECT_EQ(run.error().kind, ErrorKind::kRuntime);
  EXPECT_EQ(run.error().where.instruction, 1u);
  // The instance survives and runs again.
  const std::vector<uint8_t> packet(20, 7);
  auto again = (*checked)->run_packet(packet);
  ASSERT_TRUE(again.has_value()) << again.error().to_string();
  EXPECT_EQ(again->r0, 7u);
}

TEST(InstanceErrors, CheckedRunsHaveABudget) {
  const Program program = assembled("ja -1\nexit\n");
  auto made = Instance::create(program, generic_with_helpers(),
                               {.verify = false, .instruction_budget = 1000});
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  std::vector<uint8_t> memory(8);
  auto run = (*made)->run_memory(memory);
  ASSERT_FALSE(run.has_value());
  EXPECT_NE(run.error().message.find("instruction budget of 1000 exhausted"), std::string::npos);
}

// A host helper (id 1000) that holds the run until the test lets it go.
std::atomic<int> g_holding{0};
std::atomic<bool> g_release{false};
uint64_t hold_helper(uint64_t r1, uint64_t, uint64_t, uint64_t, uint64_t, RunContext&) {
  g_holding.fetch_add(1);
  while (!g_release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return r1 + 1;
}

std::shared_ptr<const Platform> platform_with_hold_helper() {
  std::shared_ptr<Platform> platform = Platform::make_generic();
  HelperDefinition hold;
  hold.prototype.id = 1000;
  hold.prototype.name = "host_hold";
  hold.prototype.args = {ArgKind::kScalar};
  hold.function = &hold_helper;
  EXPECT_TRUE(platform->helpers().add(hold).has_value());
  return platform;
}

TEST(InstanceErrors, BusySlotsFailUnderTheErrorPolicy) {
  const Program program = assembled("mov %r1, 41\ncall 1000\nexit\n");
  g_holding = 0;
  g_release = false;
  auto made = Instance::create(program, platform_with_hold_helper(),
                               {.slots = 1, .when_busy = SlotPolicy::kError});
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  Instance& instance = **made;
  std::vector<uint8_t> memory(8);
  uint64_t first_r0 = 0;
  std::thread holder([&] { first_r0 = instance.run_memory(memory).value_or(0); });
  while (g_holding.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<uint8_t> other(8);
  auto busy = instance.run_memory(other);
  ASSERT_FALSE(busy.has_value());
  EXPECT_EQ(busy.error().message, "every slot of the instance is busy");
  g_release = true;
  holder.join();
  EXPECT_EQ(first_r0, 42u);
  EXPECT_EQ(instance.run_memory(other).value_or(0), 42u);
}

TEST(InstanceErrors, BusySlotsWaitUnderTheWaitPolicy) {
  const Program program = assembled("mov %r1, 41\ncall 1000\nexit\n");
  g_holding = 0;
  g_release = false;
  auto made = Instance::create(program, platform_with_hold_helper(),
                               {.slots = 1, .when_busy = SlotPolicy::kWait});
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  Instance& instance = **made;
  std::vector<uint8_t> a(8), b(8);
  std::thread holder([&] { EXPECT_EQ(instance.run_memory(a).value_or(0), 42u); });
  while (g_holding.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::atomic<bool> second_done{false};
  std::thread waiter([&] {
    EXPECT_EQ(instance.run_memory(b).value_or(0), 42u);
    second_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(g_holding.load(), 1);  // the second run waits for the slot
  EXPECT_FALSE(second_done.load());
  g_release = true;
  holder.join();
  waiter.join();
  EXPECT_TRUE(second_done.load());
}

}  // namespace
}  // namespace sandbpf
