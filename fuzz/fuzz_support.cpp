#include "fuzz/fuzz_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <fmt/format.h>

#include "loader/disassembler.hpp"

namespace sandbpf::fuzz {

std::vector<Insn> slots_of(std::span<const uint8_t> bytes) {
  std::vector<Insn> insns(bytes.size() / 8);
  for (size_t i = 0; i < insns.size(); ++i) insns[i] = Insn::from_bytes(bytes.data() + 8 * i);
  return insns;
}

std::string listing(std::span<const Insn> insns) {
  std::string out;
  for (size_t pc = 0; pc < insns.size(); ++pc) {
    std::optional<Insn> next;
    if (pc + 1 < insns.size()) next = insns[pc + 1];
    out += fmt::format("{:5}: {:016x}  {}\n", pc, insns[pc].to_word(),
                       disassemble_insn(insns[pc], next));
  }
  return out;
}

void finding(std::string_view what, std::span<const Insn> insns) {
  std::fprintf(stderr, "\n==== sandbpf fuzz finding: %.*s\n", static_cast<int>(what.size()),
               what.data());
  if (!insns.empty()) std::fprintf(stderr, "%s", listing(insns).c_str());
  std::fflush(stderr);
  std::abort();
}

void OpCounter::add(const Program& program) {
  for (size_t pc = 0; pc < program.size(); ++pc) {
    if (program.is_lddw_tail(pc)) continue;
    ++counts_[static_cast<size_t>(program.op(pc))];
  }
}

size_t OpCounter::distinct() const {
  size_t n = 0;
  for (uint64_t c : counts_) n += c != 0;
  return n;
}

void OpCounter::report() const {
  std::string missing;
  for (const InsnInfo& row : all_instructions()) {
    if (counts_[static_cast<size_t>(row.op)] != 0) continue;
    if (!missing.empty()) missing += ' ';
    missing += fmt::format("{}(0x{:02x})", row.mnemonic, row.opcode);
  }
  std::fprintf(stderr, "#sandbpf %s: %zu of %zu table rows reached%s%s\n", label_.c_str(),
               distinct(), kOpCount, missing.empty() ? "" : "; not reached: ", missing.c_str());
}

namespace {

struct Tally {
  std::string label;
  const uint64_t* numerator;
  const uint64_t* denominator;
};

struct ExitReports {
  std::vector<const OpCounter*> counters;
  std::vector<Tally> tallies;
};

ExitReports& exit_reports() {
  static ExitReports* reports = new ExitReports();  // alive until the very end
  return *reports;
}

#ifdef SANDBPF_LIBFUZZER
void print_reports() {
  for (const Tally& t : exit_reports().tallies) {
    const double share =
        *t.denominator == 0 ? 0.0 : 100.0 * static_cast<double>(*t.numerator) / *t.denominator;
    std::fprintf(stderr, "#sandbpf %s: %llu of %llu (%.1f%%)\n", t.label.c_str(),
                 static_cast<unsigned long long>(*t.numerator),
                 static_cast<unsigned long long>(*t.denominator), share);
  }
  for (const OpCounter* c : exit_reports().counters) c->report();
}
#endif

void register_exit_hook() {
#ifdef SANDBPF_LIBFUZZER
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(print_reports); });
#endif
}

}  // namespace

void report_at_exit(const OpCounter* counter) {
  exit_reports().counters.push_back(counter);
  register_exit_hook();
}

void report_tally_at_exit(std::string label, const uint64_t* numerator,
                          const uint64_t* denominator) {
  exit_reports().tallies.push_back({std::move(label), numerator, denominator});
  register_exit_hook();
}

}  // namespace sandbpf::fuzz
