// sandbpf-verifier-corpus: verifies every program of the real-world corpus
// (../shared/corpus) on the linux platform with the type types.tsv gives,
// and compares with PREVAIL's verdicts (prevail-results.csv). A development
// tool for the verifier's precision and speed; not part of the product.
//
//   sandbpf-verifier-corpus CORPUS_DIR [--filter SUBSTRING] [--verbose] [--csv OUT]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "helpers/platform.hpp"
#include "loader/disassembler.hpp"
#include "loader/object.hpp"
#include "verifier/verifier.hpp"
#include "vm/program.hpp"

namespace {

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

}  // namespace

int main(int argc, char** argv) {
  using namespace sandbpf;
  if (argc < 2) {
    std::cerr << "usage: sandbpf-verifier-corpus CORPUS_DIR [--filter S] [--verbose] [--csv OUT]\n";
    return 2;
  }
  const std::string dir = argv[1];
  std::string filter;
  std::string csv_out;
  bool verbose = false;
  bool trace = false;
  bool dump = false;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--filter" && i + 1 < argc) filter = argv[++i];
    else if (a == "--csv" && i + 1 < argc) csv_out = argv[++i];
    else if (a == "--verbose") verbose = true;
    else if (a == "--trace") trace = true;
    else if (a == "--dump") dump = true;
  }
  // PREVAIL's verdicts and the types.
  struct Row {
    std::string file, section, function, prevail, message;
    double prevail_seconds = 0;
  };
  std::vector<Row> rows;
  {
    std::ifstream in(dir + "/prevail-results.csv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      auto f = split(line, ',');
      if (f.size() < 5) continue;
      Row r{f[0], f[1], f[2], f[3], f.size() > 6 ? f[6] : "", std::atof(f[4].c_str())};
      rows.push_back(r);
    }
  }
  std::map<std::string, std::string> types;
  {
    std::ifstream in(dir + "/types.tsv");
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      auto f = split(line, '\t');
      if (f.size() >= 4) types[f[0] + "|" + f[1] + "|" + f[2]] = f[3];
    }
  }
  auto platform = Platform::make_linux();
  std::map<std::string, Result<Object>> objects;
  int both = 0, we_only = 0, prevail_only = 0, neither = 0, load_errors = 0;
  double our_total = 0, prevail_total = 0;
  std::ofstream csv;
  if (!csv_out.empty()) {
    csv.open(csv_out);
    csv << "file,section,function,type,prevail,ours,ms,insn,message\n";
  }
  for (const Row& row : rows) {
    const std::string key = row.file + "|" + row.section + "|" + row.function;
    if (!filter.empty() && key.find(filter) == std::string::npos) continue;
    auto it = objects.find(row.file);
    if (it == objects.end()) {
      std::ifstream in(dir + "/" + row.file, std::ios::binary);
      std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      it = objects.emplace(row.file, load_elf_object(bytes, row.file)).first;
    }
    std::string ours;
    std::string message;
    double ms = 0;
    uint64_t insn = 0;
    const ProgramType* type = nullptr;
    if (auto t = types.find(key); t != types.end()) type = platform->find_program_type(t->second);
    if (!it->second) {
      ours = "load_error";
      message = it->second.error().message;
      ++load_errors;
    } else {
      const ObjectProgram* prog = nullptr;
      for (const auto& p : it->second->programs) {
        if (p.section == row.section && p.function == row.function) prog = &p;
      }
      if (prog == nullptr) {
        ours = "load_error";
        message = "program not found";
        ++load_errors;
      } else if (prog->load_error) {
        ours = "load_error";
        message = prog->load_error->message;
        ++load_errors;
      } else if (type == nullptr) {
        ours = "load_error";
        message = "no type";
        ++load_errors;
      } else {
        auto decoded = Program::decode(prog->insns);
        if (!decoded) {
          ours = "load_error";
          message = decoded.error().message;
          ++load_errors;
        } else {
          decoded->line_info = prog->line_info;
          if (dump) {
            for (size_t pc = 0; pc < decoded->size(); ++pc) {
              if (decoded->is_lddw_tail(pc)) continue;
              std::optional<Insn> next;
              if (pc + 1 < decoded->size()) next = decoded->insns()[pc + 1];
              fmt::print("{:5}: {}\n", pc, disassemble_insn(decoded->insns()[pc], next));
            }
          }
          VerifierInput input{&*decoded, platform.get(), type, it->second->maps};
          VerifyOptions options;
          options.trace = trace;
          const auto start = std::chrono::steady_clock::now();
          auto result = verify(input, options);
          ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
          our_total += ms;
          if (!result) {
            ours = "load_error";
            message = result.error().message;
          } else {
            ours = result->accepted ? "accepted" : "rejected";
            if (!result->accepted && !result->errors.empty()) {
              message = result->errors[0].message;
              insn = result->errors[0].insn;
              if (trace) message += "\n" + result->errors[0].trace;
            }
          }
        }
      }
    }
    prevail_total += row.prevail_seconds * 1000;
    const bool p_ok = row.prevail == "accepted";
    const bool o_ok = ours == "accepted";
    if (p_ok && o_ok) ++both;
    else if (o_ok) ++we_only;
    else if (p_ok) ++prevail_only;
    else ++neither;
    const char* tag = p_ok == o_ok ? "  " : (o_ok ? "+ " : "- ");
    if (verbose || (p_ok && !o_ok))
      fmt::print("{}{} {}/{} [{}] prevail={} ours={} {:.1f}ms insn {}: {}\n", tag, row.file, row.section,
                 row.function, type ? type->name : "?", row.prevail, ours, ms, insn, message);
    if (csv.is_open())
      csv << fmt::format("{},{},{},{},{},{},{:.2f},{},\"{}\"\n", row.file, row.section, row.function,
                         type ? type->name : "?", row.prevail, ours, ms, insn, message);
  }
  fmt::print("both accept {}, only ours {}, only prevail {}, neither {} (load errors {}); time ours {:.0f} ms, "
             "prevail {:.0f} ms\n",
             both, we_only, prevail_only, neither, load_errors, our_total, prevail_total);
  return 0;
}
