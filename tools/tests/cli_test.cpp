// The sandbpf command as a user runs it: each command's output and exit
// code (0 success, 1 a test failed, 2 bad usage or unloadable input, 3 a
// runtime error), diagnostics as "sandbpf: <file>[: insn N]: <sentence>".
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "conformance/tests/subprocess.hpp"
#include "loader/assembler.hpp"
#include "loader/raw_program.hpp"

namespace sandbpf {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;

class cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / (std::string("sandbpf_cli_") + info->name() + "_" +
                                        std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const fs::path file = path(name);
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    return file.string();
  }

  std::string write_bytes(const std::string& name, const std::vector<uint8_t>& bytes) {
    return write(name, std::string(bytes.begin(), bytes.end()));
  }

  std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  static ProcessResult sandbpf(std::vector<std::string> args) {
    args.insert(args.begin(), SANDBPF_CLI_PATH);
    return testing::run_process(args);
  }

  // make_preferred: "suite/a.data" names the file as the command's own
  // directory walk does (with "\\" on Windows).
  std::string path(const std::string& name) const {
    return (dir_ / std::filesystem::path(name).make_preferred()).string();
  }

  fs::path dir_;
};

std::vector<uint8_t> raw_bytes(const std::string& text) {
  const auto insns = assemble(text);
  EXPECT_TRUE(insns) << insns.error().to_string();
  return insns ? to_raw_binary(*insns) : std::vector<uint8_t>{};
}

std::string last_line(const std::string& out) {
  std::string s = out;
  if (!s.empty() && s.back() == '\n') s.pop_back();
  const auto nl = s.rfind('\n');
  return nl == std::string::npos ? s : s.substr(nl + 1);
}

const char* kElfBytes = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0";

// --- usage -------------------------------------------------------------

TEST_F(cli, NoCommandIsBadUsage) {
  const ProcessResult r = sandbpf({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(cli, UnknownCommandIsBadUsage) {
  const ProcessResult r = sandbpf({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(cli, HelpSucceedsAndListsTheCommands) {
  const ProcessResult r = sandbpf({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* command : {"asm", "disasm", "inspect", "run", "conformance"})
    EXPECT_NE(r.out.find(command), std::string::npos) << command;
}

// --- asm ---------------------------------------------------------------

TEST_F(cli, AsmWritesRawInstructions) {
  const std::string source = write("p.s", "# r0 = 42\nmov %r0, 42\nexit\n");
  const std::string out = path("p.bin");
  const ProcessResult r = sandbpf({"asm", source, "-o", out});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  const std::vector<uint8_t> expected{0xb7, 0, 0, 0, 42, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0};
  const std::string written = read(out);
  EXPECT_EQ(std::vector<uint8_t>(written.begin(), written.end()), expected);
}

TEST_F(cli, AsmWithoutOutputIsBadUsage) {
  const ProcessResult r = sandbpf({"asm", write("p.s", "exit\n")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_FALSE(r.err.empty());
}

TEST_F(cli, AsmErrorNamesFileAndLine) {
  const std::string source = write("bad.s", "mov %r0, 1\nfrobnicate %r0\nexit\n");
  const ProcessResult r = sandbpf({"asm", source, "-o", path("bad.bin")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + source + ":2: ")) << r.err;
}

TEST_F(cli, AsmMissingFile) {
  const ProcessResult r = sandbpf({"asm", path("missing.s"), "-o", path("x.bin")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + path("missing.s") + ": cannot open")) << r.err;
}

// --- disasm ------------------------------------------------------------

TEST_F(cli, DisasmOfRawAndOfTextAgreeAndReassemble) {
  const std::string text = "mov %r0, 1\nldxw %r2, [%r1+4]\njeq %r2, 3, +1\nadd %r0, %r2\nexit\n";
  const std::vector<uint8_t> bytes = raw_bytes(text);
  const ProcessResult from_raw = sandbpf({"disasm", write_bytes("p.bin", bytes)});
  EXPECT_EQ(from_raw.exit_code, 0) << from_raw.err;
  const ProcessResult from_text = sandbpf({"disasm", write("p.s", text)});
  EXPECT_EQ(from_text.exit_code, 0) << from_text.err;
  EXPECT_EQ(from_raw.out, from_text.out);
  EXPECT_EQ(raw_bytes(from_raw.out), bytes) << from_raw.out;
  EXPECT_TRUE(from_raw.out.ends_with("\n"));
}

TEST_F(cli, DisasmMalformedElfIsUnloadable) {
  const std::string elf = write("p.o", std::string(kElfBytes, 16));
  const ProcessResult r = sandbpf({"disasm", elf});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sandbpf: " + elf +
                       ": the ELF header is truncated: the file has 16 bytes, the header needs 64\n");
}

// An object clang-19 compiled at build time (loader/tests/programs).
std::string test_object(const std::string& name) {
  return std::string(SANDBPF_LOADER_TEST_OBJECTS) + "/" + name;
}

TEST_F(cli, DisasmElfPrintsEveryProgramWithSourceLines) {
  const std::string object = test_object("subprograms.o");
  if (!fs::exists(object)) GTEST_SKIP() << object << " was not built (clang-19 is missing)";
  const ProcessResult r = sandbpf({"disasm", object});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("# xdp/entry/entry (29 insns)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# subprogram count_step (.text)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("subprograms.c:18\n   0: mov %r6, %r1\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("   5: lddw %r2, func +9\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("# xdp/leaf/leaf (3 insns)\n"), std::string::npos) << r.out;
}

// --- inspect -------------------------------------------------------------

TEST_F(cli, InspectListsProgramsMapsAndRelocations) {
  const std::string object = test_object("maps_btf.o");
  if (!fs::exists(object)) GTEST_SKIP() << object << " was not built (clang-19 is missing)";
  const ProcessResult r = sandbpf({"inspect", object});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_NE(r.out.find("line info: yes\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("programs: 1\n  xdp/use_maps: 43 insns\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  2: flows: type hash (1), key 12, value 8, entries 1024, flags 0x1, "
                       "btf (.maps)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("outer: type array_of_maps (12), key 4, value 4, entries 4, flags 0x0, "
                       "btf (.maps), inner map 5\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  xdp+0x38: R_BPF_64_64 flows -> map 2 (flows)\n"), std::string::npos)
      << r.out;
}

// iproute2's map records (Cilium's maglev tables): the outer map's inner_id
// names the template, so a lookup in the map found by the first lookup is
// checked against the template's sizes and the program verifies.
TEST_F(cli, VerifyFollowsIproute2InnerMapIds) {
  const std::string object = test_object("maps_iproute2.o");
  if (!fs::exists(object)) GTEST_SKIP() << object << " was not built (clang-19 is missing)";
  const ProcessResult inspect = sandbpf({"inspect", object});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_NE(inspect.out.find("maglev: type hash_of_maps (13), key 2, value 4, entries 16, flags 0x0, "
                             "legacy (maps), pinning 2, inner map 1\n"),
            std::string::npos)
      << inspect.out;
  const ProcessResult verify = sandbpf({"verify", object});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("PASS "), std::string::npos) << verify.out;
}

TEST_F(cli, InspectShowsSubprogramsAndGlobalData) {
  const std::string subprograms = test_object("subprograms.o");
  if (!fs::exists(subprograms)) GTEST_SKIP() << subprograms << " was not built";
  const ProcessResult r = sandbpf({"inspect", subprograms});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("  xdp/twice/call_twice: 9 insns, subprograms: twice (insn 3), add_one "
                       "(insn 6)\n"),
            std::string::npos)
      << r.out;
  const ProcessResult g = sandbpf({"inspect", test_object("global_data.o")});
  EXPECT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NE(g.out.find(": .rodata: type array (2), key 4, value 16, entries 1, flags 0x0, global "
                       "(.rodata), read-only\n"),
            std::string::npos)
      << g.out;
}

TEST_F(cli, InspectUnloadableFileExitsTwo) {
  const std::string elf = write("p.o", std::string(kElfBytes, 16));
  const ProcessResult r = sandbpf({"inspect", elf});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sandbpf: " + elf +
                       ": the ELF header is truncated: the file has 16 bytes, the header needs 64\n");
  EXPECT_TRUE(r.out.empty());
  const ProcessResult text = sandbpf({"inspect", write("p.s", "exit\n")});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_EQ(text.err, "sandbpf: " + path("p.s") +
                          ": not an ELF object (inspect reads BPF .o files)\n");
  const ProcessResult missing = sandbpf({"inspect", path("missing.o")});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST_F(cli, DisasmMissingFile) {
  const ProcessResult r = sandbpf({"disasm", path("missing.bin")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + path("missing.bin") + ": cannot open")) << r.err;
}

// --- run ---------------------------------------------------------------

TEST_F(cli, RunPrintsR0InDecimal) {
  const ProcessResult r = sandbpf({"run", write("p.s", "mov %r0, 42\nexit\n")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(cli, RunPrintsR0Unsigned) {
  const ProcessResult r = sandbpf({"run", write("p.s", "mov %r0, -1\nexit\n")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(last_line(r.out), "18446744073709551615");
}

TEST_F(cli, RunRawFile) {
  const std::string bin = write_bytes("p.bin", raw_bytes("mov %r0, 7\nexit\n"));
  const ProcessResult r = sandbpf({"run", bin});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "7\n");
  const ProcessResult forced = sandbpf({"run", "--raw", bin});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.out, "7\n");
}

TEST_F(cli, RunWithMemory) {
  const std::string mem = write_bytes("mem.bin", {0x04, 0x03, 0x02, 0x01, 0xff});
  // Unverified, in checked mode.
  const ProcessResult word =
      sandbpf({"run", write("p.s", "ldxw %r0, [%r1]\nexit\n"), "--mem", mem, "--no-verify"});
  EXPECT_EQ(word.exit_code, 0) << word.err;
  EXPECT_EQ(word.out, std::to_string(0x01020304) + "\n");
  // Verified: the load is checked against r2, the memory's size.
  const std::string checked_load =
      write("checked.s", "mov %r0, 0\njlt %r2, 4, +1\nldxw %r0, [%r1]\nexit\n");
  const ProcessResult verified = sandbpf({"run", checked_load, "--mem", mem});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_EQ(verified.out, std::to_string(0x01020304) + "\n");
  const std::string short_mem = write_bytes("short.bin", {1, 2});
  const ProcessResult too_short = sandbpf({"run", checked_load, "--mem", short_mem});
  EXPECT_EQ(too_short.exit_code, 0) << too_short.err;
  EXPECT_EQ(too_short.out, "0\n");
  const ProcessResult length = sandbpf({"run", write("len.s", "mov %r0, %r2\nexit\n"), "--mem", mem});
  EXPECT_EQ(length.exit_code, 0) << length.err;
  EXPECT_EQ(length.out, "5\n");
}

TEST_F(cli, RunRestoresMemoryBeforeEachRepeat) {
  const std::string mem = write_bytes("mem.bin", {10});
  const std::string program =
      write("inc.s", "ldxb %r0, [%r1]\nadd %r0, 1\nstxb [%r1], %r0\nexit\n");
  const ProcessResult r = sandbpf({"run", program, "--mem", mem, "--repeat", "5", "--no-verify"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "11\n");
}

TEST_F(cli, RunStats) {
  const std::string program = write("p.s", "mov %r0, 1\nadd %r0, 2\nexit\n");
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{}, std::vector<std::string>{"--no-verify", "--mode", "fast"}}) {
    std::vector<std::string> args{"run", program, "--repeat", "3", "--stats"};
    args.insert(args.end(), mode.begin(), mode.end());
    const ProcessResult r = sandbpf(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "3\n");
    EXPECT_TRUE(std::regex_match(r.err, std::regex("runs=3 ns_per_run=[0-9]+ insns=3\n"))) << r.err;
  }
}

TEST_F(cli, RunFastModeNeedsNoVerify) {
  const std::string program = write("p.s", "mov %r0, 5\nexit\n");
  const ProcessResult fast = sandbpf({"run", program, "--no-verify", "--mode", "fast"});
  EXPECT_EQ(fast.exit_code, 0) << fast.err;
  EXPECT_EQ(fast.out, "5\n");
  const ProcessResult checked = sandbpf({"run", program, "--no-verify", "--mode", "checked"});
  EXPECT_EQ(checked.exit_code, 0) << checked.err;
  EXPECT_EQ(checked.out, "5\n");
  const ProcessResult alone = sandbpf({"run", program, "--mode", "fast"});
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_FALSE(alone.err.empty());
}

TEST_F(cli, RunRuntimeErrorExitsThree) {
  // No memory: r1 is 0.
  const std::string program = write("fault.s", "ldxb %r0, [%r1]\nexit\n");
  const ProcessResult r = sandbpf({"run", program, "--no-verify"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + program + ": insn 0: ")) << r.err;
}

TEST_F(cli, RunVerifiesFirstAndExitsOneOnRefusal) {
  // The same program, verified: r1 may be null (no memory) and is not
  // checked against r2.
  const std::string program = write("fault.s", "ldxb %r0, [%r1]\nexit\n");
  const ProcessResult r = sandbpf({"run", program});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + program + ": insn 0: ")) << r.err;
}

TEST_F(cli, RunBudget) {
  const std::string program = write("loop.s", "mov %r0, 0\nloop:\nadd %r0, 1\nja loop\n");
  const ProcessResult r = sandbpf({"run", program, "--budget", "1000"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + program + ": insn ")) << r.err;
  const ProcessResult negative = sandbpf({"run", program, "--budget", "-1"});
  EXPECT_EQ(negative.exit_code, 2);
}

TEST_F(cli, RunDecodeErrorIsUnloadable) {
  const std::string bin = write_bytes(
      "bad.bin", {0xb7, 0, 0, 0, 1, 0, 0, 0, 0xff, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0});
  const ProcessResult r = sandbpf({"run", bin});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sandbpf: " + bin + ": insn 1: unknown opcode 0xff\n");
}

TEST_F(cli, RunOnTheJit) {
  const std::string prog = write("p.s", "mov %r0, 40\nadd %r0, 2\nexit\n");
  const ProcessResult r = sandbpf({"run", prog, "--engine", "jit"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "42\n");
  const ProcessResult fast =
      sandbpf({"run", prog, "--engine", "jit", "--no-verify", "--mode", "fast", "--stats"});
  EXPECT_EQ(fast.exit_code, 0) << fast.err;
  EXPECT_EQ(fast.out, "42\n");
  EXPECT_TRUE(fast.err.starts_with("runs=1 ns_per_run=")) << fast.err;
  EXPECT_TRUE(fast.err.ends_with(" insns=3\n")) << fast.err;
  const ProcessResult bogus = sandbpf({"run", write("q.s", "exit\n"), "--engine", "bogus"});
  EXPECT_EQ(bogus.exit_code, 2);
}

TEST_F(cli, RunOnTheJitReportsTheInterpretersErrors) {
  const std::string prog = write("loop.s", "mov %r0, 0\nloop:\nadd %r0, 1\nja loop\n");
  const ProcessResult r = sandbpf({"run", prog, "--engine", "jit", "--budget", "10"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.err, "sandbpf: " + prog + ": insn 2: instruction budget of 10 exhausted\n");
  const ProcessResult interpreter = sandbpf({"run", prog, "--budget", "10"});
  EXPECT_EQ(interpreter.err, r.err);
}

TEST_F(cli, RunHardenedOnTheJit) {
  const std::string prog = write("index.s",
                                 "mov %r0, 0\njlt %r2, 8, out\nldxdw %r3, [%r1]\njgt %r3, 63, out\n"
                                 "jge %r3, %r2, out\nmov %r4, %r1\nadd %r4, %r3\nldxb %r0, [%r4]\n"
                                 "out:\nexit\n");
  const std::string mem = write_bytes("index.mem", {9, 0, 0, 0, 0, 0, 0, 0, 16, 17, 18, 19, 20, 21, 22, 23});
  for (const char* harden : {"spectre", "blind", "spectre,blind"}) {
    const ProcessResult r = sandbpf({"run", prog, "--mem", mem, "--engine", "jit", "--harden", harden});
    EXPECT_EQ(r.exit_code, 0) << harden << ": " << r.err;
    EXPECT_EQ(r.out, "17\n") << harden;
  }
  const ProcessResult interpreter = sandbpf({"run", prog, "--mem", mem, "--harden", "spectre"});
  EXPECT_EQ(interpreter.exit_code, 2);
  EXPECT_EQ(interpreter.err, "sandbpf: " + prog + ": --harden hardens JIT-compiled code: add --engine jit\n");
  const ProcessResult unverified =
      sandbpf({"run", prog, "--mem", mem, "--engine", "jit", "--no-verify", "--harden", "spectre"});
  EXPECT_EQ(unverified.exit_code, 2) << unverified.err;
  const ProcessResult bogus = sandbpf({"run", prog, "--engine", "jit", "--harden", "retpoline"});
  EXPECT_EQ(bogus.exit_code, 2);
}

TEST_F(cli, RunMissingFiles) {
  const ProcessResult program = sandbpf({"run", path("missing.s")});
  EXPECT_EQ(program.exit_code, 2);
  EXPECT_TRUE(program.err.starts_with("sandbpf: " + path("missing.s") + ": cannot open"))
      << program.err;
  const ProcessResult mem =
      sandbpf({"run", write("p.s", "mov %r0, 0\nexit\n"), "--mem", path("missing.bin")});
  EXPECT_EQ(mem.exit_code, 2);
  EXPECT_TRUE(mem.err.starts_with("sandbpf: " + path("missing.bin") + ": cannot open")) << mem.err;
}

TEST_F(cli, RunPlatforms) {
  const std::string program = write("helper.s", "mov %r1, 1\ncall 5\nadd %r0, 9\nexit\n");
  const ProcessResult conformance = sandbpf({"run", program, "--platform", "conformance"});
  EXPECT_EQ(conformance.exit_code, 0) << conformance.err;
  EXPECT_EQ(conformance.out, "9\n");
  // The command gives the generic platform sandbpf's standard helpers
  // (5 is bpf_ktime_get_ns), and no helper 77777.
  const ProcessResult generic = sandbpf({"run", program, "--platform", "generic"});
  EXPECT_EQ(generic.exit_code, 0) << generic.err;
  const std::string unknown = write("unknown.s", "call 77777\nexit\n");
  const ProcessResult missing = sandbpf({"run", unknown, "--platform", "generic"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err, "sandbpf: " + unknown +
                             ": insn 0: call 77777: the generic platform has no helper with id "
                             "77777\n");
  // A bare program on the linux platform needs a type.
  const ProcessResult linux_platform = sandbpf({"run", program, "--platform", "linux"});
  EXPECT_EQ(linux_platform.exit_code, 2);
  EXPECT_NE(linux_platform.err.find("give one (--type)"), std::string::npos)
      << linux_platform.err;
}

// --- run on ELF objects (examples/plugins, runtime/tests/programs; clang-19) ---

const std::string kRuntimeObjects = SANDBPF_RUNTIME_TEST_OBJECTS;
const std::string kExamplePlugins = SANDBPF_EXAMPLE_PLUGINS;

// An Ethernet + IPv4 + UDP frame from 10.0.0.1:12345 to 10.0.0.2:<port>
// (header checksum left 0: the firewall does not check it).
std::vector<uint8_t> udp_frame(uint8_t port) {
  std::vector<uint8_t> f = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,
                            0x45, 0, 0, 36, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                            0x30, 0x39, 0, port, 0, 16, 0, 0};
  f.resize(f.size() + 8, 0x5a);
  return f;
}

TEST_F(cli, RunXdpObjectOnAPacket) {
  const std::string object = kExamplePlugins + "/xdp_firewall.o";
  const std::string packet = write_bytes("echo.bin", udp_frame(7));
  for (const char* engine : {"interpreter", "jit"}) {
    const std::string out = path(std::string("out-") + engine + ".bin");
    const ProcessResult r = sandbpf({"run", object, "--packet", packet, "--packet-out", out,
                                     "--engine", engine, "--repeat", "3", "--dump-maps"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "3\n");  // XDP_TX
    std::ifstream in(out, std::ios::binary);
    const std::vector<uint8_t> after((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    std::vector<uint8_t> expected = udp_frame(7);
    std::swap_ranges(expected.begin(), expected.begin() + 6, expected.begin() + 6);
    std::swap_ranges(expected.begin() + 26, expected.begin() + 30, expected.begin() + 30);
    std::swap_ranges(expected.begin() + 34, expected.begin() + 36, expected.begin() + 36);
    EXPECT_EQ(after, expected);
    // Three runs counted under XDP_TX (key 3), one source 10.0.0.1.
    EXPECT_NE(r.err.find("{\"name\": \"action_counts\", \"type\": \"array\", \"key_size\": 4, "
                         "\"value_size\": 8, \"max_entries\": 5, \"entries\": ["),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("{\"key\": \"03000000\", \"value\": \"0300000000000000\"}"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("{\"key\": \"0a000001\", \"value\": \"0300000000000000\"}"),
              std::string::npos)
        << r.err;
  }
}

TEST_F(cli, RunMapsStartFromFiles) {
  const std::string object = kExamplePlugins + "/xdp_firewall.o";
  const std::string packet = write_bytes("drop.bin", udp_frame(53));
  // action_counts[2] (XDP_PASS) starts at 40.
  const std::string counts = write_bytes("counts.bin", {2, 0, 0, 0, 40, 0, 0, 0, 0, 0, 0, 0});
  const ProcessResult r = sandbpf(
      {"run", object, "--packet", packet, "--map", "action_counts=" + counts, "--dump-maps"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "2\n");
  EXPECT_NE(r.err.find("{\"key\": \"02000000\", \"value\": \"2900000000000000\"}"),
            std::string::npos)
      << r.err;
  const std::string bad = write_bytes("bad.bin", {1, 2, 3});
  const ProcessResult wrong = sandbpf({"run", object, "--packet", packet, "--map",
                                       "action_counts=" + bad});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("is not a whole number of 12-byte records"), std::string::npos)
      << wrong.err;
  const ProcessResult unknown =
      sandbpf({"run", object, "--packet", packet, "--map", "nope=" + counts});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "sandbpf: --map: the object has no map 'nope'\n");
}

TEST_F(cli, RunSelectsAProgramOfAnObject) {
  const std::string object = kRuntimeObjects + "/features.o";
  const ProcessResult all = sandbpf({"run", object, "--platform", "generic"});
  EXPECT_EQ(all.exit_code, 2);
  EXPECT_NE(all.err.find("programs: choose one ("), std::string::npos) << all.err;
  const ProcessResult hash =
      sandbpf({"run", object, "--platform", "generic", "--program", "hash_ops"});
  EXPECT_EQ(hash.exit_code, 0) << hash.err;
  EXPECT_EQ(hash.out, "1030\n");
  const ProcessResult by_section = sandbpf(
      {"run", object, "--platform", "generic", "--section", "prog/loop", "--engine", "jit"});
  EXPECT_EQ(by_section.exit_code, 0) << by_section.err;
  EXPECT_EQ(by_section.out, "45\n");
  // On the linux platform the section names no type.
  const ProcessResult linux_type = sandbpf({"run", object, "--program", "hash_ops"});
  EXPECT_EQ(linux_type.exit_code, 2);
  EXPECT_NE(linux_type.err.find("names no program type of the linux platform"), std::string::npos)
      << linux_type.err;
}

TEST_F(cli, RunPacketTypesRefuseMemory) {
  const std::string object = kExamplePlugins + "/xdp_firewall.o";
  const std::string mem = write_bytes("mem.bin", {1, 2, 3});
  const ProcessResult r = sandbpf({"run", object, "--mem", mem});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("program type xdp takes --packet, not --mem"), std::string::npos) << r.err;
}

// --- conformance -------------------------------------------------------

constexpr const char* kPassing = "-- asm\nmov %r0, 1\nexit\n-- result\n0x1\n";
constexpr const char* kFailing = "-- asm\nmov %r0, 1\nexit\n-- result\n0x2\n";

TEST_F(cli, ConformanceAllPass) {
  write("suite/a.data", kPassing);
  write("suite/b.data", kPassing);
  for (const char* mode : {"fast", "checked"}) {
    const ProcessResult r = sandbpf({"conformance", path("suite"), "--mode", mode});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "2 passed, 0 failed\n");
  }
}

TEST_F(cli, ConformanceFailureExitsOne) {
  write("suite/a.data", kPassing);
  const std::string failing = write("suite/b.data", kFailing);
  const ProcessResult r = sandbpf({"conformance", path("suite")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "FAIL " + failing + ": expected 0x2, got 0x1\n1 passed, 1 failed\n");
}

TEST_F(cli, ConformanceFilesAndDirectories) {
  const std::string single = write("one.data", kPassing);
  write("suite/a.data", kPassing);
  const ProcessResult r = sandbpf({"conformance", single, path("suite")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(last_line(r.out), "2 passed, 0 failed");
}

TEST_F(cli, ConformanceMalformedFileIsUnloadable) {
  write("suite/a.data", kPassing);
  const std::string broken = write("suite/broken.data", "-- asm\nexit\n-- resutl\n0x1\n");
  const ProcessResult r = sandbpf({"conformance", path("suite")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "FAIL " + broken + ":3: unknown section '-- resutl'\n1 passed, 1 failed\n");
}

TEST_F(cli, ConformanceMissingPath) {
  const ProcessResult r = sandbpf({"conformance", path("missing")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + path("missing") + ": cannot open")) << r.err;
}

TEST_F(cli, ConformanceUsage) {
  EXPECT_EQ(sandbpf({"conformance"}).exit_code, 2);
  EXPECT_EQ(sandbpf({"conformance", write("a.data", kPassing), "--mode", "slow"}).exit_code, 2);
  EXPECT_EQ(sandbpf({"conformance", write("c.data", kPassing), "--engine", "native"}).exit_code, 2);
}

#if defined(__x86_64__)  // expects the x86-64 backend as the host's (riscv64 cross build: not)
TEST_F(cli, JitCompilesAndDumps) {
  const std::string prog =
      write("loop.s", "mov %r0, 0\nmov %r1, 10\nloop:\nadd %r0, %r1\nsub %r1, 1\njne %r1, 0, loop\nexit\n");
  const ProcessResult summary = sandbpf({"jit", prog});
  EXPECT_EQ(summary.exit_code, 0) << summary.err;
  EXPECT_TRUE(summary.out.starts_with("6 instructions -> ")) << summary.out;
  EXPECT_NE(summary.out.find(" bytes of x86_64 code (fast mode, "), std::string::npos) << summary.out;

  const ProcessResult dump = sandbpf({"jit", prog, "--arch", "x86_64", "--dump"});
  EXPECT_EQ(dump.exit_code, 0) << dump.err;
  EXPECT_NE(dump.out.find("<entry trampoline and unwinder>\n"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("\n   2: add %r0, %r1\n"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("\n   5: exit\n"), std::string::npos) << dump.out;
#if defined(_WIN32)
  // objdump is a Linux program: a Windows build dumps the bytes in hex.
  EXPECT_NE(dump.out.find("# no objdump in a Windows build: bytes in hex\n"), std::string::npos) << dump.out;
#else
  if (std::filesystem::exists("/usr/bin/objdump")) {
    EXPECT_NE(dump.out.find("48 01 f8"), std::string::npos) << dump.out;
    EXPECT_NE(dump.out.find("add    rax,rdi"), std::string::npos) << dump.out;
  } else {
    EXPECT_NE(dump.out.find("not found (install binutils"), std::string::npos) << dump.out;
  }
#endif

  const ProcessResult arm = sandbpf({"jit", prog, "--arch", "arm64", "--dump"});
  EXPECT_EQ(arm.exit_code, 0) << arm.err;
  EXPECT_NE(arm.out.find("\n   2: add %r0, %r1\n"), std::string::npos) << arm.out;
#if defined(_WIN32)
  EXPECT_NE(arm.out.find("# no objdump in a Windows build: bytes in hex\n"), std::string::npos) << arm.out;
#else
  if (std::filesystem::exists("/usr/bin/aarch64-linux-gnu-objdump")) {
    EXPECT_NE(arm.out.find("8b0000e7"), std::string::npos) << arm.out;  // r0 is x7, r1 is x0
    EXPECT_NE(arm.out.find("add\tx7, x7, x0"), std::string::npos) << arm.out;
  } else {
    EXPECT_NE(arm.out.find("not found (install binutils"), std::string::npos) << arm.out;
  }
#endif
}
#endif

TEST_F(cli, ConformanceOnTheJit) {
  for (const char* mode : {"fast", "checked"}) {
    const ProcessResult r =
        sandbpf({"conformance", write("b.data", kPassing), "--engine", "jit", "--mode", mode});
    EXPECT_EQ(r.exit_code, 0) << mode << ": " << r.err;
    EXPECT_EQ(r.out, "1 passed, 0 failed\n") << mode;
  }
}

}  // namespace
}  // namespace sandbpf
