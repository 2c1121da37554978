// `sandbpf verify` as a user runs it (DESIGN.md, "The command line"): one
// PASS/FAIL line per program, JSON and SARIF 2.1.0 output, program
// selection, and the exit codes (0 all accepted, 1 one refused, 2 bad
// usage, a file that cannot be loaded or a program whose type cannot be
// determined; the highest wins over several files).
//
// The objects come from verifier/tests/programs/verify_cli.c (clang-19,
// with BTF line info); the verdicts asserted here follow from reading that
// source: xdp_null uses a map lookup's result without a NULL check.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "conformance/tests/subprocess.hpp"
#include "loader/assembler.hpp"
#include "loader/raw_program.hpp"

namespace sandbpf {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;

// ---- a small JSON reader, to check the shape of the JSON and SARIF output

struct Json;
using JsonObject = std::map<std::string, Json>;
using JsonArray = std::vector<Json>;
struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, JsonArray, JsonObject> v;
  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v); }
  bool is_string() const { return std::holds_alternative<std::string>(v); }
  bool is_number() const { return std::holds_alternative<double>(v); }
  bool is_array() const { return std::holds_alternative<JsonArray>(v); }
  bool is_object() const { return std::holds_alternative<JsonObject>(v); }
  const std::string& str() const { return std::get<std::string>(v); }
  double num() const { return std::get<double>(v); }
  const JsonArray& arr() const { return std::get<JsonArray>(v); }
  const JsonObject& obj() const { return std::get<JsonObject>(v); }
  bool has(const std::string& key) const { return is_object() && obj().count(key) != 0; }
  const Json& operator[](const std::string& key) const { return obj().at(key); }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : s_(text) {}
  // Throws on malformed input (the test then fails with the message).
  Json document() {
    Json j = value();
    space();
    if (i_ != s_.size()) throw std::runtime_error("trailing text at " + std::to_string(i_));
    return j;
  }

 private:
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  char peek() {
    space();
    if (i_ >= s_.size()) throw std::runtime_error("unexpected end");
    return s_[i_];
  }
  void expect(char c) {
    if (peek() != c) throw std::runtime_error(std::string("expected ") + c + " at " + std::to_string(i_));
    ++i_;
  }
  std::string string() {
    expect('"');
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      char c = s_[i_++];
      if (c == '\\') {
        const char e = s_.at(i_++);
        if (e == 'n') c = '\n';
        else if (e == 't') c = '\t';
        else if (e == 'r') c = '\r';
        else if (e == 'u') {
          c = static_cast<char>(std::stoi(std::string(s_.substr(i_, 4)), nullptr, 16));
          i_ += 4;
        } else c = e;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        throw std::runtime_error("control character in a string");
      }
      out += c;
    }
    expect('"');
    return out;
  }
  Json value() {
    const char c = peek();
    if (c == '{') {
      ++i_;
      JsonObject o;
      if (peek() == '}') return ++i_, Json{o};
      for (;;) {
        std::string key = string();
        expect(':');
        o[key] = value();
        if (peek() == ',') { ++i_; continue; }
        expect('}');
        return Json{o};
      }
    }
    if (c == '[') {
      ++i_;
      JsonArray a;
      if (peek() == ']') return ++i_, Json{a};
      for (;;) {
        a.push_back(value());
        if (peek() == ',') { ++i_; continue; }
        expect(']');
        return Json{a};
      }
    }
    if (c == '"') return Json{string()};
    if (s_.substr(i_, 4) == "null") return i_ += 4, Json{nullptr};
    if (s_.substr(i_, 4) == "true") return i_ += 4, Json{true};
    if (s_.substr(i_, 5) == "false") return i_ += 5, Json{false};
    size_t used = 0;
    const double d = std::stod(std::string(s_.substr(i_, 32)), &used);
    i_ += used;
    return Json{d};
  }
  std::string_view s_;
  size_t i_ = 0;
};

Json parse_json(const std::string& text) {
  try {
    return JsonReader(text).document();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON (" << e.what() << "):\n" << text;
    return Json{nullptr};
  }
}

// ---- fixture

class verify_cli : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("sandbpf_verify_cli_") + info->name() + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& content) {
    const fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }
  std::string write_raw(const std::string& name, const std::string& assembly) {
    const auto insns = assemble(assembly);
    EXPECT_TRUE(insns) << insns.error().to_string();
    const auto bytes = insns ? to_raw_binary(*insns) : std::vector<uint8_t>{};
    return write(name, std::string(bytes.begin(), bytes.end()));
  }

  static ProcessResult sandbpf(std::vector<std::string> args) {
    args.insert(args.begin(), {SANDBPF_CLI_PATH, "verify"});
    return testing::run_process(args);
  }

  static std::string object() { return std::string(SANDBPF_VERIFIER_TEST_OBJECTS) + "/verify_cli.o"; }

  static ProcessResult bench_verify(std::vector<std::string> args) {
    args.insert(args.begin(), {SANDBPF_CLI_PATH, "bench", "verify"});
    return testing::run_process(args);
  }

  fs::path dir_;
};

std::vector<std::string> lines(const std::string& out) {
  std::vector<std::string> result;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1)
    result.push_back(out.substr(start, nl - start));
  if (start < out.size()) result.push_back(out.substr(start));
  return result;
}

const std::regex kPassLine(R"(PASS (\S+) (\S+)/(\S+) \((\d+) insns, (\d+\.\d) ms\))");

// A program that reads the generic platform's memory (r1) only after
// checking the index against its size (r2).
const char* kCheckedRead =
    "mov %r0, 0\n"
    "jlt %r2, 4, +1\n"
    "ldxw %r0, [%r1+0]\n"
    "exit\n";
const char* kUncheckedRead =
    "ldxw %r0, [%r1+0]\n"
    "exit\n";
// Loops forever unless the memory's first byte is 1: no provable bound.
const char* kInputLoop =
    "mov %r0, 0\n"
    "jlt %r2, 1, +3\n"
    "ldxb %r3, [%r1+0]\n"
    "jeq %r3, 1, +1\n"
    "ja -3\n"
    "exit\n";

// ---- text

TEST_F(verify_cli, TextHasOnePassOrFailLinePerProgramAndExit1WhenOneIsRefused) {
  const ProcessResult r = sandbpf({object(), "--section", "xdp"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 2u) << r.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(out[0], m, kPassLine)) << out[0];
  EXPECT_EQ(m[1], object());
  EXPECT_EQ(m[2], "xdp");
  EXPECT_EQ(m[3], "xdp_pass");
  EXPECT_GT(std::stoi(m[4]), 0);
  // The refusal names the source line (BTF line info) and the instruction.
  const std::regex fail("FAIL " + object() +
                        R"( xdp/xdp_null: \S*verify_cli\.c:(\d+): insn (\d+): r0 may be NULL here: .*)");
  EXPECT_TRUE(std::regex_match(out[1], fail)) << out[1];
}

TEST_F(verify_cli, AllAcceptedExitsZero) {
  const ProcessResult r = sandbpf({object(), "--program", "xdp_pass"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 1u) << r.out;
  EXPECT_TRUE(std::regex_match(out[0], kPassLine)) << out[0];
}

TEST_F(verify_cli, SectionAndProgramSelectTogether) {
  const ProcessResult r = sandbpf({object(), "--section", "socket", "--program", "sock_len"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(lines(r.out).size(), 1u) << r.out;
  EXPECT_NE(r.out.find(" socket/sock_len "), std::string::npos) << r.out;
}

TEST_F(verify_cli, NoMatchingProgramIsBadUsage) {
  const ProcessResult r = sandbpf({object(), "--section", "nosuchsection"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + object() + ": no program matches --section nosuchsection")) << r.err;
  EXPECT_NE(r.err.find("xdp/xdp_pass"), std::string::npos) << "lists the programs: " << r.err;
}

TEST_F(verify_cli, SectionNamingNoTypeAsksForType) {
  const ProcessResult r = sandbpf({object(), "--section", "from-netdev"});
  EXPECT_EQ(r.exit_code, 2);
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 1u) << r.out;
  EXPECT_TRUE(out[0].starts_with("ERROR " + object() + " from-netdev/untyped: ")) << out[0];
  EXPECT_NE(out[0].find("--type"), std::string::npos) << out[0];
}

TEST_F(verify_cli, TypeGivesTheTypeOfSectionsNamingNone) {
  const ProcessResult r = sandbpf({object(), "--section", "from-netdev", "--type", "sched_cls"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(std::regex_match(lines(r.out).at(0), kPassLine)) << r.out;
}

TEST_F(verify_cli, TypeOverridesTheSectionsType) {
  // xdp_pass reads xdp_md.data at offset 0; in a __sk_buff offset 0 is len,
  // a number, so following it as a pointer is refused.
  const ProcessResult r = sandbpf({object(), "--program", "xdp_pass", "--type", "sched_cls"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(r.out.starts_with("FAIL " + object() + " xdp/xdp_pass: ")) << r.out;
}

TEST_F(verify_cli, UnknownTypeIsBadUsageListingTheTypes) {
  const ProcessResult r = sandbpf({object(), "--type", "frobnicator"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown program type 'frobnicator'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("xdp"), std::string::npos) << r.err;
}

TEST_F(verify_cli, BadOptionValueIsBadUsage) {
  EXPECT_EQ(sandbpf({object(), "--format", "yaml"}).exit_code, 2);
  EXPECT_EQ(sandbpf({object(), "--platform", "windows"}).exit_code, 2);
  EXPECT_EQ(sandbpf({object(), "--termination", "sometimes"}).exit_code, 2);
  EXPECT_EQ(sandbpf({}).exit_code, 2);
}

// ---- files that cannot be loaded

TEST_F(verify_cli, TruncatedObjectIsALoadError) {
  const std::string bad = write("bad.o", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16));
  const ProcessResult r = sandbpf({bad});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + bad + ": ")) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(verify_cli, MissingFileIsALoadError) {
  const std::string missing = (dir_ / "missing.o").string();
  const ProcessResult r = sandbpf({missing});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.err.starts_with("sandbpf: " + missing + ": ")) << r.err;
}

TEST_F(verify_cli, TheHighestExitCodeWinsOverSeveralFiles) {
  const std::string bad = write("bad.o", std::string("\x7f" "ELF", 4));
  const std::string ok = write("ok.s", kCheckedRead);
  const std::string unsafe = write("unsafe.s", kUncheckedRead);
  EXPECT_EQ(sandbpf({ok, ok}).exit_code, 0);
  EXPECT_EQ(sandbpf({ok, unsafe}).exit_code, 1);
  EXPECT_EQ(sandbpf({unsafe, ok}).exit_code, 1);
  const ProcessResult r = sandbpf({unsafe, bad, ok});
  EXPECT_EQ(r.exit_code, 2);
  // The other files are still verified and reported.
  EXPECT_EQ(lines(r.out).size(), 2u) << r.out;
}

// ---- assembly and raw programs: the generic platform (r1 memory, r2 size)

TEST_F(verify_cli, AssemblyAndRawProgramsUseTheGenericPlatform) {
  const std::string asm_ok = write("checked.s", kCheckedRead);
  const std::string raw_ok = write_raw("checked.bin", kCheckedRead);
  const ProcessResult r = sandbpf({asm_ok, raw_ok});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto out = lines(r.out);
  ASSERT_EQ(out.size(), 2u) << r.out;
  for (const auto& line : out) EXPECT_TRUE(std::regex_match(line, kPassLine)) << line;

  const std::string raw_bad = write_raw("unchecked.bin", kUncheckedRead);
  const ProcessResult bad = sandbpf({raw_bad});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(bad.out.starts_with("FAIL " + raw_bad + " .text/unchecked: insn 0: ")) << bad.out;
}

TEST_F(verify_cli, AssemblyOnTheLinuxPlatformNeedsAType) {
  const std::string asm_ok = write("checked.s", kCheckedRead);
  const ProcessResult r = sandbpf({asm_ok, "--platform", "linux"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("--type"), std::string::npos) << r.out;
}

TEST_F(verify_cli, TerminationPolicyIsAnOption) {
  const std::string loop = write("loop.s", kInputLoop);
  // generic's default is a runtime budget: memory safety alone is proven.
  EXPECT_EQ(sandbpf({loop}).exit_code, 0);
  EXPECT_EQ(sandbpf({loop, "--termination", "none"}).exit_code, 0);
  const ProcessResult proved = sandbpf({loop, "--termination", "proved"});
  EXPECT_EQ(proved.exit_code, 1) << proved.out;
  EXPECT_NE(proved.out.find("no provable bound"), std::string::npos) << proved.out;
}

TEST_F(verify_cli, TraceShowsTheStateBeforeTheFailingInstruction) {
  const ProcessResult r = sandbpf({object(), "--program", "xdp_null", "--trace"});
  EXPECT_EQ(r.exit_code, 1);
  const auto out = lines(r.out);
  ASSERT_GT(out.size(), 2u) << r.out;
  EXPECT_TRUE(out[0].starts_with("FAIL ")) << r.out;
  EXPECT_NE(r.out.find("r0 = "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("path: "), std::string::npos) << r.out;
}

// ---- JSON

TEST_F(verify_cli, JsonFollowsTheSchema) {
  const std::string bad = write("bad.o", std::string("\x7f" "ELF", 4));
  const ProcessResult r = sandbpf({object(), bad, "--format", "json"});
  EXPECT_EQ(r.exit_code, 2);
  const Json doc = parse_json(r.out);
  ASSERT_TRUE(doc.has("files"));
  const JsonArray& files = doc["files"].arr();
  ASSERT_EQ(files.size(), 2u);

  const Json& good = files[0];
  EXPECT_EQ(good["file"].str(), object());
  EXPECT_TRUE(good["error"].is_null());
  std::map<std::string, const Json*> by_name;
  for (const Json& p : good["programs"].arr()) {
    for (const char* key : {"section", "function", "type", "verdict", "instructions", "time_us", "errors"})
      EXPECT_TRUE(p.has(key)) << key;
    by_name[p["section"].str() + "/" + p["function"].str()] = &p;
  }
  ASSERT_EQ(by_name.size(), 4u);
  const Json& pass = *by_name.at("xdp/xdp_pass");
  EXPECT_EQ(pass["verdict"].str(), "accepted");
  EXPECT_EQ(pass["type"].str(), "xdp");
  EXPECT_GT(pass["instructions"].num(), 0);
  EXPECT_TRUE(pass["errors"].arr().empty());

  const Json& null = *by_name.at("xdp/xdp_null");
  EXPECT_EQ(null["verdict"].str(), "rejected");
  ASSERT_FALSE(null["errors"].arr().empty());
  const Json& e = null["errors"].arr()[0];
  EXPECT_TRUE(e["insn"].is_number());
  ASSERT_TRUE(e["source"].is_object());
  EXPECT_TRUE(e["source"]["file"].str().ends_with("verify_cli.c"));
  EXPECT_GT(e["source"]["line"].num(), 0);
  EXPECT_TRUE(e["source"]["column"].is_number());
  EXPECT_NE(e["message"].str().find("may be NULL"), std::string::npos);

  const Json& untyped = *by_name.at("from-netdev/untyped");
  EXPECT_EQ(untyped["verdict"].str(), "load_error");
  EXPECT_TRUE(untyped["type"].is_null());
  EXPECT_NE(untyped["errors"].arr().at(0)["message"].str().find("--type"), std::string::npos);

  EXPECT_EQ(files[1]["file"].str(), bad);
  EXPECT_TRUE(files[1]["error"].is_string());
  EXPECT_TRUE(files[1]["programs"].arr().empty());
}

// ---- SARIF 2.1.0

void expect_sarif_shape(const Json& doc) {
  ASSERT_TRUE(doc.is_object());
  EXPECT_EQ(doc["version"].str(), "2.1.0");
  EXPECT_NE(doc["$schema"].str().find("sarif"), std::string::npos);
  ASSERT_EQ(doc["runs"].arr().size(), 1u);
  const Json& run = doc["runs"].arr()[0];
  EXPECT_EQ(run["tool"]["driver"]["name"].str(), "sandbpf");
  std::vector<std::string> rule_ids;
  for (const Json& rule : run["tool"]["driver"]["rules"].arr()) {
    rule_ids.push_back(rule["id"].str());
    EXPECT_TRUE(rule["shortDescription"]["text"].is_string());
  }
  for (const Json& result : run["results"].arr()) {
    ASSERT_TRUE(result["ruleId"].is_string());
    const auto index = static_cast<size_t>(result["ruleIndex"].num());
    ASSERT_LT(index, rule_ids.size());
    EXPECT_EQ(rule_ids[index], result["ruleId"].str());
    EXPECT_FALSE(result["message"]["text"].str().empty());
    ASSERT_FALSE(result["locations"].arr().empty());
    for (const Json& location : result["locations"].arr())
      EXPECT_TRUE(location["physicalLocation"]["artifactLocation"]["uri"].is_string());
  }
}

TEST_F(verify_cli, SarifHasARulePerMessageKindAndSourceLocations) {
  const ProcessResult r = sandbpf({object(), "--format", "sarif"});
  EXPECT_EQ(r.exit_code, 2);  // the untyped program
  const Json doc = parse_json(r.out);
  expect_sarif_shape(doc);
  const Json& run = doc["runs"].arr()[0];
  bool null_result = false, load_result = false;
  for (const Json& result : run["results"].arr()) {
    const Json& location = result["locations"].arr()[0];
    if (result["ruleId"].str() == "null-dereference") {
      null_result = true;
      // From BTF line info: the C source and its line.
      EXPECT_TRUE(location["physicalLocation"]["artifactLocation"]["uri"].str().ends_with("verify_cli.c"));
      EXPECT_GT(location["physicalLocation"]["region"]["startLine"].num(), 0);
      EXPECT_EQ(location["logicalLocations"].arr()[0]["fullyQualifiedName"].str().rfind("xdp/xdp_null/insn ", 0),
                0u);
    }
    if (result["ruleId"].str() == "load-error") {
      load_result = true;
      EXPECT_NE(result["message"]["text"].str().find("--type"), std::string::npos);
    }
  }
  EXPECT_TRUE(null_result) << r.out;
  EXPECT_TRUE(load_result) << r.out;
}

TEST_F(verify_cli, SarifWithoutLineInfoPointsAtTheFileAndNamesTheInstruction) {
  const std::string raw_bad = write_raw("unchecked.bin", kUncheckedRead);
  const ProcessResult r = sandbpf({raw_bad, "--format", "sarif"});
  EXPECT_EQ(r.exit_code, 1);
  const Json doc = parse_json(r.out);
  expect_sarif_shape(doc);
  const JsonArray& results = doc["runs"].arr()[0]["results"].arr();
  ASSERT_EQ(results.size(), 1u);
  const Json& location = results[0]["locations"].arr()[0];
  EXPECT_TRUE(location["physicalLocation"]["artifactLocation"]["uri"].str().ends_with("unchecked.bin"));
  EXPECT_FALSE(location["physicalLocation"].has("region"));
  EXPECT_EQ(location["logicalLocations"].arr()[0]["fullyQualifiedName"].str(), ".text/unchecked/insn 0");
}

TEST_F(verify_cli, SarifOfAnAcceptedProgramHasNoResults) {
  const ProcessResult r = sandbpf({object(), "--program", "xdp_pass", "--format", "sarif"});
  EXPECT_EQ(r.exit_code, 0);
  const Json doc = parse_json(r.out);
  expect_sarif_shape(doc);
  EXPECT_TRUE(doc["runs"].arr()[0]["results"].arr().empty());
}

// Code the compiler made has BTF line 0 (no source line owns it): the
// message names the file alone. Falco's sys_execve_e leaks a stack pointer
// at such an instruction. Skips without ../shared/corpus.
TEST_F(verify_cli, CompilerGeneratedCodeNamesItsFileWithoutALine) {
  const std::string falco = std::string(SANDBPF_CORPUS_DIR) + "/falco/probe.o";
  if (!fs::exists(falco)) GTEST_SKIP() << falco << " is not there (../shared/corpus)";
  const ProcessResult r =
      sandbpf({falco, "--section", "raw_tracepoint/filler/sys_execve_e", "--type", "raw_tracepoint"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("/driver/bpf/filler_helpers.h: insn 754: pointer leak: storing a stack pointer into a "
                       "map value"),
            std::string::npos)
      << r.out;
}

// ---- sandbpf bench verify DIR: counts, times, peak memory, the per-program
// CSV (PREVAIL's columns, then instructions and states) and the table of
// time against size

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) fields.push_back(std::exchange(field, {}));
    else field += c;
  }
  fields.push_back(field);
  return fields;
}

TEST_F(verify_cli, BenchVerifyCountsEveryProgramAndWritesOneRowEach) {
  // A directory as a user has one: programs in subdirectories, a file that
  // is no object, one that cannot be loaded, a program whose section names
  // no type (given by --types), one safe and one unsafe assembly program.
  fs::create_directories(dir_ / "progs" / "sub");
  write("progs/ok.s", kCheckedRead);
  write("progs/sub/unsafe.s", kUncheckedRead);
  write("progs/bad.o", std::string("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", 16));
  write("progs/notes.txt", "not a program\n");
  fs::copy_file(object(), dir_ / "progs" / "sub" / "verify_cli.o");
  const std::string types = write("types.tsv",
                                  "file\tsection\tfunction\ttype\n"
                                  "sub/verify_cli.o\tfrom-netdev\tuntyped\tsched_cls\n");
  const std::string csv = (dir_ / "out.csv").string();
  const ProcessResult r = bench_verify({(dir_ / "progs").string(), "--types", types, "--csv", csv});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // verify_cli.o: xdp_pass, sock_len and untyped (a tc program) are safe,
  // xdp_null is not; ok.s checks its index, unsafe.s does not.
  EXPECT_NE(r.out.find("files              4 (1 could not be loaded)\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("programs           6\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("accepted           4\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("rejected           2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("load errors        0\n"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\ntime +\d+\.\d{3} s verifying \(CPU time\))"))) << r.out;
#if defined(_WIN32)
  // Windows' thread CPU times tick every 15.6 ms: programs this small all
  // take 0, and no program is the slowest.
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nmax time +\d+\.\d{3} s \((\S+ \S+|-)\)\n)"))) << r.out;
#else
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\nmax time +\d+\.\d{3} s \(\S+ \S+\)\n)"))) << r.out;
#endif
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\npeak memory +\d+\.\d MB)"))) << r.out;
  // Six judged programs, all under 100 instructions: one band.
  EXPECT_NE(r.out.find("time against size (programs judged):\n"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n0-99 +6 )"))) << r.out;

  std::ifstream in(csv);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "file,section,function,verdict,seconds,maxrss_kb,first_message,instructions,states");
  std::map<std::string, std::vector<std::string>> rows;
  while (std::getline(in, line)) {
    auto f = csv_fields(line);
    ASSERT_EQ(f.size(), 9u) << line;
    rows[f[0] + " " + f[1] + "/" + f[2]] = f;
  }
  ASSERT_EQ(rows.size(), 7u);  // six programs and the file that could not be loaded
  EXPECT_EQ(rows.at("bad.o -/-")[3], "load_error");
  EXPECT_TRUE(rows.at("bad.o -/-")[6].starts_with("the ELF header is truncated")) << rows.at("bad.o -/-")[6];
  EXPECT_EQ(rows.at("ok.s .text/ok")[3], "accepted");
  EXPECT_EQ(rows.at("ok.s .text/ok")[7], "4");
  EXPECT_EQ(rows.at("sub/unsafe.s .text/unsafe")[3], "rejected");
  EXPECT_TRUE(rows.at("sub/unsafe.s .text/unsafe")[6].starts_with("insn 0: read of 4 bytes")) << line;
  EXPECT_EQ(rows.at("sub/verify_cli.o xdp/xdp_null")[3], "rejected");
  EXPECT_TRUE(rows.at("sub/verify_cli.o xdp/xdp_null")[6].starts_with("insn 7: r0 may be NULL here"));
  EXPECT_EQ(rows.at("sub/verify_cli.o from-netdev/untyped")[3], "accepted");
  for (const auto& [name, f] : rows) {
    if (f[3] == "load_error") continue;
    // Every judged program: a time, a resident peak, and the work done (at
    // least one state through each instruction it reaches).
    EXPECT_GE(std::stod(f[4]), 0.0) << name;
    EXPECT_GT(std::stoull(f[5]), 0u) << name;
    EXPECT_GT(std::stoull(f[7]), 0u) << name;
    EXPECT_GE(std::stoull(f[8]), 1u) << name;
  }

  // Without --types the tc program's type is unknown: a load error row.
  const ProcessResult untyped = bench_verify({(dir_ / "progs").string()});
  EXPECT_EQ(untyped.exit_code, 0);
  EXPECT_NE(untyped.out.find("load errors        1\n"), std::string::npos) << untyped.out;
}

TEST_F(verify_cli, BenchVerifyRefusesWhatItCannotRead) {
  const ProcessResult no_dir = bench_verify({(dir_ / "missing").string()});
  EXPECT_EQ(no_dir.exit_code, 2);
  EXPECT_TRUE(no_dir.err.starts_with("sandbpf: " + (dir_ / "missing").string() + ": not a directory")) << no_dir.err;
  const ProcessResult no_types = bench_verify({dir_.string(), "--types", (dir_ / "none.tsv").string()});
  EXPECT_EQ(no_types.exit_code, 2);
  EXPECT_TRUE(no_types.err.starts_with("sandbpf: cannot open " + (dir_ / "none.tsv").string())) << no_types.err;
  const ProcessResult no_csv = bench_verify({dir_.string(), "--csv", (dir_ / "no" / "such" / "dir.csv").string()});
  EXPECT_EQ(no_csv.exit_code, 2);
  EXPECT_NE(no_csv.err.find("cannot write the CSV file"), std::string::npos) << no_csv.err;
}

}  // namespace
}  // namespace sandbpf
