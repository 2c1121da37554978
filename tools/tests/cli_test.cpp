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
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
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

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

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
  for (const char* command : {"asm", "disasm", "run", "conformance"})
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

TEST_F(cli, DisasmElfIsNotSupportedYet) {
  const std::string elf = write("p.o", std::string(kElfBytes, 16));
  const ProcessResult r = sandbpf({"disasm", elf});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sandbpf: " + elf + ": ELF objects are not supported yet\n");
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
  const ProcessResult word =
      sandbpf({"run", write("p.s", "ldxw %r0, [%r1]\nexit\n"), "--mem", mem});
  EXPECT_EQ(word.exit_code, 0) << word.err;
  EXPECT_EQ(word.out, std::to_string(0x01020304) + "\n");
  const ProcessResult length = sandbpf({"run", write("len.s", "mov %r0, %r2\nexit\n"), "--mem", mem});
  EXPECT_EQ(length.exit_code, 0) << length.err;
  EXPECT_EQ(length.out, "5\n");
}

TEST_F(cli, RunRestoresMemoryBeforeEachRepeat) {
  const std::string mem = write_bytes("mem.bin", {10});
  const std::string program =
      write("inc.s", "ldxb %r0, [%r1]\nadd %r0, 1\nstxb [%r1], %r0\nexit\n");
  const ProcessResult r = sandbpf({"run", program, "--mem", mem, "--repeat", "5"});
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
  const ProcessResult r = sandbpf({"run", program});
  EXPECT_EQ(r.exit_code, 3);
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

TEST_F(cli, RunJitIsNotAvailable) {
  const ProcessResult r = sandbpf({"run", write("p.s", "exit\n"), "--engine", "jit"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "sandbpf: the jit engine is not available in this build\n");
  const ProcessResult bogus = sandbpf({"run", write("q.s", "exit\n"), "--engine", "bogus"});
  EXPECT_EQ(bogus.exit_code, 2);
}

TEST_F(cli, RunElfIsNotSupportedYet) {
  const std::string elf = write("p.o", std::string(kElfBytes, 16));
  const ProcessResult r = sandbpf({"run", elf});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "sandbpf: " + elf + ": ELF objects are not supported yet\n");
}

TEST_F(cli, RunMissingFiles) {
  const ProcessResult program = sandbpf({"run", path("missing.s")});
  EXPECT_EQ(program.exit_code, 2);
  EXPECT_TRUE(program.err.starts_with("sandbpf: " + path("missing.s") + ": cannot open"))
      << program.err;
  const ProcessResult mem = sandbpf({"run", write("p.s", "exit\n"), "--mem", path("missing.bin")});
  EXPECT_EQ(mem.exit_code, 2);
  EXPECT_TRUE(mem.err.starts_with("sandbpf: " + path("missing.bin") + ": cannot open")) << mem.err;
}

TEST_F(cli, RunPlatforms) {
  const std::string program = write("helper.s", "mov %r1, 1\ncall 5\nadd %r0, 9\nexit\n");
  const ProcessResult conformance = sandbpf({"run", program, "--platform", "conformance"});
  EXPECT_EQ(conformance.exit_code, 0) << conformance.err;
  EXPECT_EQ(conformance.out, "9\n");
  // The generic platform registers no helpers.
  const ProcessResult generic = sandbpf({"run", program, "--platform", "generic"});
  EXPECT_NE(generic.exit_code, 0);
  EXPECT_TRUE(generic.err.starts_with("sandbpf: " + program + ": ")) << generic.err;
  const ProcessResult linux_platform = sandbpf({"run", program, "--platform", "linux"});
  EXPECT_EQ(linux_platform.exit_code, 2);
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
  const ProcessResult jit = sandbpf({"conformance", write("b.data", kPassing), "--engine", "jit"});
  EXPECT_EQ(jit.exit_code, 2);
  EXPECT_EQ(jit.err, "sandbpf: the jit engine is not available in this build\n");
}

}  // namespace
}  // namespace sandbpf
