// sandbpf_verifier_corpus: verifies every program of the real-world corpus
// (../shared/corpus) on the linux platform with the type types.tsv gives
// (verify_object_program: the same path as `sandbpf verify`), and compares
// with PREVAIL's verdicts (prevail-results.csv) or with our own checked-in
// verdicts (expectations.tsv). A development and CI tool, not the product.
//
//   sandbpf_verifier_corpus CORPUS_DIR [--filter SUBSTRING] [--verbose] [--trace] [--dump] [--csv OUT]
//   sandbpf_verifier_corpus CORPUS_DIR --write-expectations FILE
//   sandbpf_verifier_corpus CORPUS_DIR --expect FILE [--skip-missing]
//
// --expect prints one line per program whose verdict differs from FILE,
// then "N passed, N failed" (one per program) and exits 1 on any change.
// A missing corpus is an error (exit 2), or with --skip-missing a skip
// (exit 77, ctest's SKIP_RETURN_CODE).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "helpers/platform.hpp"
#include "loader/disassembler.hpp"
#include "loader/object.hpp"
#include "verifier/object_verify.hpp"
#include "vm/program.hpp"

namespace {

using namespace sandbpf;

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

// Tabs and newlines would break the TSV; messages keep their words.
std::string one_field(std::string s, size_t max = 100) {
  for (char& c : s)
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  if (s.size() > max) s.resize(max);
  return s;
}

struct Row {
  std::string file, section, function, prevail;
  double prevail_seconds = 0;
  std::string key() const { return file + "\t" + section + "/" + function; }
};

struct Outcome {
  std::string type = "?";
  std::string verdict;  // accepted, rejected, load_error
  std::string insn = "-";
  std::string message;
  std::string trace;
  double ms = 0;
};

struct Expectation {
  std::string type, verdict, insn, message;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: sandbpf_verifier_corpus CORPUS_DIR [--filter S] [--verbose] [--trace] [--csv OUT] "
                 "[--write-expectations FILE] [--expect FILE [--skip-missing]]\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::string filter, csv_out, write_expectations, expect_file;
  bool verbose = false, trace = false, dump = false, skip_missing = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--filter" && i + 1 < argc) filter = argv[++i];
    else if (a == "--csv" && i + 1 < argc) csv_out = argv[++i];
    else if (a == "--write-expectations" && i + 1 < argc) write_expectations = argv[++i];
    else if (a == "--expect" && i + 1 < argc) expect_file = argv[++i];
    else if (a == "--skip-missing") skip_missing = true;
    else if (a == "--verbose") verbose = true;
    else if (a == "--trace") trace = true;
    else if (a == "--dump") dump = true;
    else {
      std::cerr << "sandbpf_verifier_corpus: unknown option " << a << "\n";
      return 2;
    }
  }
  if (!std::filesystem::exists(dir + "/prevail-results.csv")) {
    if (skip_missing) {
      fmt::print("corpus not found at {} (no prevail-results.csv): skipped\n", dir);
      return 77;
    }
    fmt::print(stderr, "sandbpf_verifier_corpus: corpus not found at {} (no prevail-results.csv)\n", dir);
    return 2;
  }

  // PREVAIL's verdicts (the list of programs) and the types.
  std::vector<Row> rows;
  {
    std::ifstream in(dir + "/prevail-results.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      auto f = split(line, ',');
      if (f.size() < 5) continue;
      rows.push_back(Row{f[0], f[1], f[2], f[3], std::atof(f[4].c_str())});
    }
  }
  std::map<std::string, std::string> types;
  {
    std::ifstream in(dir + "/types.tsv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      auto f = split(line, '\t');
      if (f.size() >= 4) types[f[0] + "\t" + f[1] + "/" + f[2]] = f[3];
    }
  }
  std::map<std::string, Expectation> expected;
  if (!expect_file.empty()) {
    std::ifstream in(expect_file);
    if (!in) {
      fmt::print(stderr, "sandbpf_verifier_corpus: cannot read {}\n", expect_file);
      return 2;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto f = split(line, '\t');
      if (f.size() < 6 || f[0] == "file") continue;
      expected[f[0] + "\t" + f[1]] = Expectation{f[2], f[3], f[4], f[5]};
    }
  }

  auto platform = Platform::make_linux();
  std::map<std::string, Result<Object>> objects;
  int both = 0, we_only = 0, prevail_only = 0, neither = 0, load_errors = 0;
  int passed = 0, failed = 0;
  double our_total = 0, prevail_total = 0;
  std::ofstream csv;
  if (!csv_out.empty()) {
    csv.open(csv_out);
    csv << "file,section,function,type,prevail,ours,ms,insn,message\n";
  }
  std::ofstream expectations;
  if (!write_expectations.empty()) {
    expectations.open(write_expectations);
    expectations << "# sandbpf's verdicts on ../shared/corpus (linux platform, types from types.tsv): the\n"
                    "# regression baseline of `sandbpf_verifier_corpus CORPUS --expect` (docs/corpus.md).\n"
                    "# Regenerate with --write-expectations only on purpose, saying why in the commit.\n"
                    "file\tprogram\ttype\tverdict\tfirst_error_insn\tfirst_error_message_prefix\n";
  }
  std::set<std::string> seen;
  for (const Row& row : rows) {
    const std::string key = row.key();
    if (!filter.empty() && key.find(filter) == std::string::npos) continue;
    seen.insert(key);
    auto it = objects.find(row.file);
    if (it == objects.end()) {
      std::ifstream in(dir + "/" + row.file, std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      it = objects.emplace(row.file, load_elf_object(bytes, row.file)).first;
    }
    Outcome o;
    const auto t = types.find(key);
    const std::optional<std::string_view> type_name =
        t != types.end() ? std::optional<std::string_view>(t->second) : std::nullopt;
    if (!it->second) {
      o.verdict = "load_error";
      o.message = it->second.error().message;
    } else {
      const ObjectProgram* prog = nullptr;
      for (const auto& p : it->second->programs)
        if (p.section == row.section && p.function == row.function) prog = &p;
      if (prog == nullptr) {
        o.verdict = "load_error";
        o.message = "program not found";
      } else {
        if (dump) {
          for (size_t pc = 0; pc < prog->insns.size(); ++pc) {
            std::optional<Insn> next;
            if (pc + 1 < prog->insns.size()) next = prog->insns[pc + 1];
            fmt::print("{:5}: {}\n", pc, disassemble_insn(prog->insns[pc], next));
          }
        }
        VerifyOptions options;
        options.trace = trace;
        // Far above any corpus program's time (0.6 s at most), so that a
        // verdict never depends on how loaded the machine is.
        options.time_limit = std::chrono::seconds(120);
        const auto start = std::chrono::steady_clock::now();
        const ProgramVerification v = verify_object_program(
            *it->second, *prog, *platform, choose_program_type(*platform, row.section, type_name), options);
        o.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        our_total += o.ms;
        if (v.type) o.type = v.type->name;
        o.verdict = std::string(program_verdict_name(v.verdict));
        if (!v.errors.empty()) {
          o.message = v.errors[0].message;
          if (v.verdict != ProgramVerdict::kLoadError || v.load_error_has_insn)
            o.insn = std::to_string(v.errors[0].insn);
          o.trace = v.errors[0].trace;
        }
      }
    }
    if (o.type == "?" && type_name) o.type = std::string(*type_name);
    if (o.verdict == "load_error") ++load_errors;
    prevail_total += row.prevail_seconds * 1000;
    const bool p_ok = row.prevail == "accepted";
    const bool o_ok = o.verdict == "accepted";
    if (p_ok && o_ok) ++both;
    else if (o_ok) ++we_only;
    else if (p_ok) ++prevail_only;
    else ++neither;

    if (!expect_file.empty()) {
      const auto e = expected.find(key);
      if (e == expected.end()) {
        ++failed;
        fmt::print("NEW {}/{}: {} (not in the expectations)\n", row.file, row.section + "/" + row.function,
                   o.verdict);
      } else if (e->second.verdict != o.verdict) {
        ++failed;
        fmt::print("CHANGED {} {}/{} [{}]: expected {}, now {}{}\n", row.file, row.section, row.function, o.type,
                   e->second.verdict, o.verdict,
                   o.message.empty() ? "" : fmt::format(" (insn {}: {})", o.insn, one_field(o.message, 200)));
      } else {
        ++passed;
        if (verbose && (e->second.insn != o.insn || e->second.message != one_field(o.message)))
          fmt::print("note {} {}/{}: same verdict, first error now insn {}: {}\n", row.file, row.section,
                     row.function, o.insn, one_field(o.message));
      }
    } else {
      const char* tag = p_ok == o_ok ? "  " : (o_ok ? "+ " : "- ");
      if (verbose || (p_ok && !o_ok))
        fmt::print("{}{} {}/{} [{}] prevail={} ours={} {:.1f}ms insn {}: {}\n", tag, row.file, row.section,
                   row.function, o.type, row.prevail, o.verdict, o.ms, o.insn, o.message);
      if (trace && !o.trace.empty()) fmt::print("{}\n", o.trace);
    }
    if (csv.is_open())
      csv << fmt::format("{},{},{},{},{},{},{:.2f},{},\"{}\"\n", row.file, row.section, row.function, o.type,
                         row.prevail, o.verdict, o.ms, o.insn, o.message);
    if (expectations.is_open())
      expectations << fmt::format("{}\t{}\t{}\t{}\t{}\n", key, o.type, o.verdict, o.insn, one_field(o.message));
  }
  if (!expect_file.empty()) {
    for (const auto& [key, e] : expected) {
      if (seen.count(key) || (!filter.empty() && key.find(filter) == std::string::npos)) continue;
      ++failed;
      fmt::print("MISSING {}: expected {}, but the corpus no longer lists it\n", key, e.verdict);
    }
    fmt::print("time ours {:.0f} ms\n", our_total);
    fmt::print("{} passed, {} failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
  }
  fmt::print("both accept {}, only ours {}, only prevail {}, neither {} (load errors {}); time ours {:.0f} ms, "
             "prevail {:.0f} ms\n",
             both, we_only, prevail_only, neither, load_errors, our_total, prevail_total);
  return 0;
}
