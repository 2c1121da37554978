// The rule suite (verifier/tests/programs/rules/README.md): one small BPF C
// program per object, safe and unsafe ones for each of the verifier's
// rules, listed in rules.tsv with the verdict and message expected from
// sandbpf and the verdict expected from the Linux kernel.
//
// RuleTable checks the table itself (every program listed once, every rule
// with a safe and an unsafe program, a reason wherever the kernel is
// expected to disagree). RuleSuite/Sandbpf verifies each object on the
// linux platform: the verdict, the message fragment, and for a rejection a
// source line in the program's own file (the objects carry BTF line info).
// RuleSuite/Kernel loads each object with `bpftool prog load` and checks the
// kernel's verdict (and, for a rejection, a fragment of its verifier log);
// it needs root, bpftool and bpffs, and skips saying which is missing
// otherwise (a skip is never a pass).
#include <gtest/gtest.h>
#if !defined(_WIN32)
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/tests/subprocess.hpp"
#include "helpers/platform.hpp"
#include "loader/object.hpp"
#include "verifier/object_verify.hpp"

namespace sandbpf {
namespace {

namespace fs = std::filesystem;

const std::string kRulesDir = SANDBPF_RULES_DIR;
const std::string kObjectsDir = SANDBPF_RULES_OBJECTS;

// One row of rules.tsv.
struct Rule {
  std::string program;         // NAME: NAME.c, NAME.o, and the function NAME
  std::string rule;            // the rule it exercises (README.md lists them)
  std::string type;            // the linux platform's program type name
  bool sandbpf_accepts = false;
  std::string message;         // fragment of sandbpf's message (rejections)
  bool kernel_accepts = false;
  std::string kernel_message;  // fragment of the kernel's verifier log (rejections)
  std::string note;            // why the kernel disagrees, when it does
  int line = 0;                // in rules.tsv, for failure messages
};

// gtest prints a parameter on failure; the program's name says enough.
void PrintTo(const Rule& rule, std::ostream* os) { *os << rule.program; }

std::vector<std::string> split_tabs(const std::string& text) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(text);
  while (std::getline(in, field, '\t')) fields.push_back(field);
  if (!text.empty() && text.back() == '\t') fields.emplace_back();
  return fields;
}

// The table, or an empty one with `error` set. '#' lines are comments; the
// first other line is the header.
std::vector<Rule> read_rules(std::string& error) {
  std::ifstream in(kRulesDir + "/rules.tsv");
  if (!in) {
    error = "cannot open " + kRulesDir + "/rules.tsv";
    return {};
  }
  std::vector<Rule> rules;
  std::string text;
  bool header = true;
  for (int line = 1; std::getline(in, text); ++line) {
    if (text.empty() || text[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    const std::vector<std::string> f = split_tabs(text);
    auto verdict = [&](const std::string& v, bool& out) {
      if (v != "accept" && v != "reject") error = "rules.tsv:" + std::to_string(line) + ": verdict '" + v + "'";
      out = v == "accept";
    };
    if (f.size() != 8) {
      error = "rules.tsv:" + std::to_string(line) + ": " + std::to_string(f.size()) + " fields, want 8";
      return {};
    }
    Rule r;
    r.program = f[0];
    r.rule = f[1];
    r.type = f[2];
    verdict(f[3], r.sandbpf_accepts);
    r.message = f[4];
    verdict(f[5], r.kernel_accepts);
    r.kernel_message = f[6];
    r.note = f[7];
    r.line = line;
    rules.push_back(std::move(r));
  }
  return rules;
}

const std::vector<Rule>& rules() {
  static const std::vector<Rule> table = [] {
    std::string error;
    auto read = read_rules(error);
    return error.empty() ? read : std::vector<Rule>{};
  }();
  return table;
}

std::string rule_name(const ::testing::TestParamInfo<Rule>& info) { return info.param.program; }

TEST(RuleTable, ListsEveryProgramOnceAndEachRuleBothWays) {
  std::string error;
  const std::vector<Rule> table = read_rules(error);
  ASSERT_EQ(error, "");
  ASSERT_FALSE(table.empty());

  std::set<std::string> sources;
  for (const auto& entry : fs::directory_iterator(kRulesDir))
    if (entry.path().extension() == ".c") sources.insert(entry.path().stem().string());
  std::set<std::string> listed;
  std::map<std::string, std::pair<int, int>> per_rule;  // rule -> (accepted, rejected)
  for (const Rule& r : table) {
    EXPECT_TRUE(listed.insert(r.program).second) << r.program << " is listed twice";
    EXPECT_TRUE(sources.count(r.program)) << "rules.tsv:" << r.line << ": no " << r.program << ".c";
    (r.sandbpf_accepts ? per_rule[r.rule].first : per_rule[r.rule].second)++;
    // A rejection names what is wrong; an acceptance has nothing to match.
    EXPECT_EQ(r.message.empty(), r.sandbpf_accepts) << "rules.tsv:" << r.line << ": message column";
    EXPECT_EQ(r.kernel_message.empty(), r.kernel_accepts) << "rules.tsv:" << r.line << ": kernel message column";
    // Every expected disagreement with the kernel says why.
    if (r.sandbpf_accepts != r.kernel_accepts) {
      EXPECT_FALSE(r.note.empty()) << "rules.tsv:" << r.line << ": " << r.program
                                   << " disagrees with the kernel without a reason";
    }
  }
  for (const std::string& source : sources)
    EXPECT_TRUE(listed.count(source)) << source << ".c is not in rules.tsv";
  for (const auto& [rule, counts] : per_rule) {
    EXPECT_GE(counts.first, 1) << "rule " << rule << " has no safe program";
    EXPECT_GE(counts.second, 1) << "rule " << rule << " has no unsafe program";
  }
}

class RuleSuite : public ::testing::TestWithParam<Rule> {};

TEST_P(RuleSuite, Sandbpf) {
  const Rule& r = GetParam();
  auto platform = Platform::make_linux();
  const std::string path = kObjectsDir + "/" + r.program + ".o";
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot open " << path;
  const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto object = load_elf_object(bytes, path);
  ASSERT_TRUE(object.has_value()) << object.error().to_string();
  ASSERT_TRUE(object->has_line_info);
  // The entry point first; naked helper functions in .text are programs of
  // their own for the loader, and are not what the row is about.
  auto entry = std::find_if(object->programs.begin(), object->programs.end(),
                            [&](const ObjectProgram& p) { return p.function == r.program; });
  ASSERT_NE(entry, object->programs.end()) << "no function " << r.program << " in " << path;

  // The section must imply the table's type, so that sandbpf, libbpf and
  // bpftool all read the program as the same type.
  auto implied = choose_program_type(*platform, entry->section, std::nullopt);
  ASSERT_TRUE(implied.has_value()) << implied.error().message;
  ASSERT_EQ((*implied)->name, r.type) << "section " << entry->section;

  const ProgramVerification v = verify_object_program(*object, *entry, *platform, implied);
  ASSERT_NE(v.verdict, ProgramVerdict::kLoadError) << (v.errors.empty() ? "" : v.errors[0].message);
  std::string messages;
  for (const VerifierDiagnostic& d : v.errors)
    messages += (d.source ? d.source->file + ":" + std::to_string(d.source->line) + ": " : "") + d.message + "\n";
  if (r.sandbpf_accepts) {
    EXPECT_EQ(v.verdict, ProgramVerdict::kAccepted) << messages;
    return;
  }
  ASSERT_EQ(v.verdict, ProgramVerdict::kRejected) << r.program << " was accepted";
  // The expected message, at a line of the program's own source file.
  const auto match = std::find_if(v.errors.begin(), v.errors.end(), [&](const VerifierDiagnostic& d) {
    return d.message.find(r.message) != std::string::npos;
  });
  ASSERT_NE(match, v.errors.end()) << "want '" << r.message << "' in:\n" << messages;
  ASSERT_TRUE(match->source.has_value()) << match->message;
  EXPECT_EQ(fs::path(match->source->file).filename().string(), r.program + ".c");
  EXPECT_GT(match->source->line, 0u);
}

#if defined(_WIN32)
TEST_P(RuleSuite, Kernel) { GTEST_SKIP() << "kernel comparison skipped: Windows has no Linux kernel"; }
#else
std::string find_bpftool() {
  for (const char* candidate : {"/usr/sbin/bpftool", "/usr/bin/bpftool", "/sbin/bpftool"})
    if (::access(candidate, X_OK) == 0) return candidate;
  return {};
}

// bpftool's name for each program type the table uses (`bpftool prog help`).
std::string bpftool_type(const std::string& type) {
  static const std::map<std::string, std::string> names = {
      {"xdp", "xdp"}, {"socket_filter", "socket"}, {"sched_cls", "classifier"}, {"cgroup_skb", "cgroup/skb"}};
  auto it = names.find(type);
  return it == names.end() ? std::string() : it->second;
}

TEST_P(RuleSuite, Kernel) {
  const Rule& r = GetParam();
  if (::geteuid() != 0) GTEST_SKIP() << "kernel comparison skipped: not root";
  const std::string bpftool = find_bpftool();
  if (bpftool.empty()) GTEST_SKIP() << "kernel comparison skipped: bpftool is not installed";
  struct stat st {};
  if (::stat("/sys/fs/bpf", &st) != 0) GTEST_SKIP() << "kernel comparison skipped: no bpffs at /sys/fs/bpf";
  const std::string type = bpftool_type(r.type);
  ASSERT_NE(type, "") << "no bpftool name for type " << r.type;

  const std::string pin = "/sys/fs/bpf/sandbpf_rules_" + std::to_string(::getpid()) + "_" + r.program;
  // The unbounded loops make the kernel walk a million instructions before
  // it gives up, then walk them again to write the log libbpf asks for on
  // failure: over a minute on a busy machine.
  const auto limit = std::chrono::seconds(400);
  const auto loaded = testing::run_process(
      {bpftool, "prog", "load", kObjectsDir + "/" + r.program + ".o", pin, "type", type}, {}, limit);
  const bool pinned = fs::exists(pin);
  std::error_code ignored;
  fs::remove(pin, ignored);
  const std::string log = loaded.out + loaded.err;
  if (loaded.timed_out)
    GTEST_SKIP() << "kernel comparison skipped: bpftool did not finish within " << limit.count() << " s";
  if (loaded.exit_code == 0 && pinned) {
    EXPECT_TRUE(r.kernel_accepts) << "the kernel accepts " << r.program << "; rules.tsv:" << r.line
                                  << " expects a rejection";
    return;
  }
  // libbpf prints the verifier's log when the kernel refuses a program;
  // without one the failure is not a verdict (no bpf() permission, a map
  // type this kernel lacks...), and the comparison cannot be made.
  if (log.find("-- BEGIN PROG LOAD LOG --") == std::string::npos)
    GTEST_SKIP() << "kernel comparison skipped: bpftool failed without a verifier verdict: " << log;
  ASSERT_FALSE(r.kernel_accepts) << "the kernel refuses " << r.program << "; rules.tsv:" << r.line
                                 << " expects it to accept:\n" << log;
  EXPECT_NE(log.find(r.kernel_message), std::string::npos)
      << "want '" << r.kernel_message << "' in the kernel's log:\n" << log;
}
#endif

INSTANTIATE_TEST_SUITE_P(Rules, RuleSuite, ::testing::ValuesIn(rules()), rule_name);

}  // namespace
}  // namespace sandbpf
