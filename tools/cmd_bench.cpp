// sandbpf bench verify DIR [--types FILE] [--csv OUT]: the verifier over
// every program file under DIR (ELF objects, and .s/.asm/.bin/.raw
// programs): accepted, rejected and load-error counts, total and maximum
// time, peak memory, and a per-program CSV in the columns of the corpus'
// prevail-results.csv (file, section, function, verdict, seconds, peak
// memory in KB, first message) so the two can be compared row by row.
// Times are the verifier's CPU time per program (the machines this runs on
// are shared: wall-clock time would measure the other tenants). Two columns
// follow PREVAIL's: the program's instructions (slots, as loaded) and the
// abstract states the analysis pushed through instructions
// (VerifyResult::states_explored). The summary ends with time against
// program size, by bands of instruction count.
//
// Peak memory is the process's resident high-water mark (VmHWM), reset
// before each file through /proc/self/clear_refs where the kernel allows
// it (each program's row holds its file's peak); otherwise it is the peak
// so far (getrusage). On Windows it is the peak working set so far
// (GetProcessMemoryInfo), which cannot be reset.
#include <fmt/format.h>
#if defined(_WIN32)
#include <windows.h>
#include <psapi.h>
#else
#include <sys/resource.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "tools/commands.hpp"
#include "tools/diagnostics.hpp"
#include "tools/verify_report.hpp"

namespace sandbpf::tools {
namespace {

namespace fs = std::filesystem;

struct BenchVerifyOptions {
  std::string dir;
  std::string types_file;
  std::string csv_out;
};

// The process's peak resident memory in KB.
uint64_t peak_rss_kb() {
#if defined(_WIN32)
  PROCESS_MEMORY_COUNTERS counters{};
  if (!::GetProcessMemoryInfo(::GetCurrentProcess(), &counters, sizeof counters)) return 0;
  return counters.PeakWorkingSetSize / 1024;
#else
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<uint64_t>(usage.ru_maxrss);
#endif
}

// Starts a new high-water mark (Linux: "5" to clear_refs); false when the
// kernel does not allow it. Freed heap goes back to the system first, so
// that the mark starts from what is live.
bool reset_peak_rss() {
#if defined(_WIN32)
  return false;
#endif
#ifdef __GLIBC__
  malloc_trim(0);
#endif
  std::ofstream clear("/proc/self/clear_refs");
  if (!clear) return false;
  clear << "5";
  clear.flush();
  return static_cast<bool>(clear);
}

bool is_program_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  if (in.gcount() == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F') return true;
  const std::string ext = path.extension().string();
  return ext == ".s" || ext == ".asm" || ext == ".bin" || ext == ".raw";
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += "\"\"";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out + "\"";
}

// types.tsv: file, section, function, type (a header line first).
Result<std::map<std::string, std::map<std::string, std::string>>> read_types(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorKind::kUsage, fmt::format("cannot open {}", path));
  std::map<std::string, std::map<std::string, std::string>> types;
  std::string line;
  bool first = true;
  while (std::getline(in, line)) {
    if (first) {
      first = false;
      if (line.starts_with("file\t")) continue;
    }
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
      f.push_back(line.substr(start, tab - start));
    f.push_back(line.substr(start));
    if (f.size() < 4) continue;
    types[f[0]][f[1] + "/" + f[2]] = f[3];
  }
  return types;
}

// Time against program size: the programs that were judged (accepted or
// rejected), by bands of instruction count. Per band: the time per
// instruction, and how it splits into states per instruction (the work the
// program's branches make) and time per state (the cost of each).
class SizeBands {
 public:
  void add(uint64_t instructions, double seconds, uint64_t states) {
    size_t b = 0;
    while (b + 1 < std::size(kLower) && instructions >= kLower[b + 1]) ++b;
    Band& band = bands_[b];
    ++band.programs;
    band.instructions += instructions;
    band.seconds += seconds;
    band.max_seconds = std::max(band.max_seconds, seconds);
    band.states += states;
    band.largest = std::max(band.largest, instructions);
  }
  void print() const {
    fmt::print("\ntime against size (programs judged):\n");
    fmt::print("{:<12} {:>8} {:>9} {:>9} {:>9} {:>11} {:>12} {:>11}\n", "instructions", "programs", "total s",
               "mean ms", "max ms", "us per insn", "states/insn", "ns per state");
    for (size_t b = 0; b < std::size(kLower); ++b) {
      const Band& band = bands_[b];
      if (band.programs == 0) continue;
      const std::string range = b + 1 < std::size(kLower)
                                    ? fmt::format("{}-{}", kLower[b], kLower[b + 1] - 1)
                                    : fmt::format("{}-{}", kLower[b], band.largest);
      const double insns = static_cast<double>(band.instructions);
      fmt::print("{:<12} {:>8} {:>9.2f} {:>9.2f} {:>9.1f} {:>11.2f} {:>12.1f} {:>11.0f}\n", range, band.programs,
                 band.seconds, 1e3 * band.seconds / static_cast<double>(band.programs), 1e3 * band.max_seconds,
                 1e6 * band.seconds / insns, static_cast<double>(band.states) / insns,
                 band.states == 0 ? 0.0 : 1e9 * band.seconds / static_cast<double>(band.states));
    }
  }

 private:
  static constexpr uint64_t kLower[] = {0, 100, 1000, 5000};
  struct Band {
    uint64_t programs = 0;
    uint64_t instructions = 0;
    uint64_t states = 0;
    uint64_t largest = 0;
    double seconds = 0;
    double max_seconds = 0;
  };
  std::array<Band, std::size(kLower)> bands_{};
};

int run_bench_verify(const BenchVerifyOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(options.dir, ec)) return report("not a directory", kExitUsage, options.dir);
  std::map<std::string, std::map<std::string, std::string>> types;
  if (!options.types_file.empty()) {
    auto read = read_types(options.types_file);
    if (!read) return report(read.error());
    types = std::move(*read);
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(options.dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && is_program_file(it->path())) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());

  std::ofstream csv;
  if (!options.csv_out.empty()) {
    csv.open(options.csv_out);
    if (!csv) return report("cannot write the CSV file", kExitUsage, options.csv_out);
    csv << "file,section,function,verdict,seconds,maxrss_kb,first_message,instructions,states\n";
  }

  const bool per_program_peak = reset_peak_rss();
  const auto start = std::chrono::steady_clock::now();
  uint64_t accepted = 0, rejected = 0, load_errors = 0, file_errors = 0;
  double verify_seconds = 0, max_seconds = 0;
  std::string slowest;
  uint64_t peak_kb = 0;
  SizeBands bands;
  for (const fs::path& path : files) {
    const std::string relative = fs::relative(path, options.dir, ec).generic_string();
    VerifyRequest request;
    if (auto t = types.find(relative); t != types.end()) request.types = t->second;
    if (per_program_peak) reset_peak_rss();
    const FileReport file = verify_file(path.string(), request);
    const uint64_t rss = peak_rss_kb();
    peak_kb = std::max(peak_kb, rss);
    if (file.error) {
      ++file_errors;
      if (csv) csv << fmt::format("{},-,-,load_error,0,{},{},0,0\n", csv_field(relative), rss, csv_field(*file.error));
      continue;
    }
    for (const ProgramReport& p : file.programs) {
      const ProgramVerification& v = p.verification;
      // CPU time: on a shared machine, what the verification itself cost.
      const double seconds = static_cast<double>(v.cpu_time.count()) / 1e6;
      verify_seconds += seconds;
      if (seconds > max_seconds) {
        max_seconds = seconds;
        slowest = fmt::format("{} {}", relative, p.name());
      }
      switch (v.verdict) {
        case ProgramVerdict::kAccepted: ++accepted; break;
        case ProgramVerdict::kRejected: ++rejected; break;
        case ProgramVerdict::kLoadError: ++load_errors; break;
      }
      std::string message;
      if (!v.errors.empty()) {
        const VerifierDiagnostic& d = v.errors.front();
        message = v.verdict == ProgramVerdict::kLoadError && !v.load_error_has_insn
                      ? d.message
                      : fmt::format("insn {}: {}", d.insn, d.message);
      }
      if (v.verdict != ProgramVerdict::kLoadError) bands.add(v.instructions, seconds, v.states);
      if (csv)
        csv << fmt::format("{},{},{},{},{:.6f},{},{},{},{}\n", csv_field(relative), csv_field(p.section),
                           csv_field(p.function), program_verdict_name(v.verdict), seconds, rss,
                           csv_field(message), v.instructions, v.states);
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const uint64_t programs = accepted + rejected + load_errors;
  fmt::print("files       {:>8} ({} could not be loaded)\n", files.size(), file_errors);
  fmt::print("programs    {:>8}\n", programs);
  fmt::print("accepted    {:>8}\n", accepted);
  fmt::print("rejected    {:>8}\n", rejected);
  fmt::print("load errors {:>8}\n", load_errors);
  fmt::print("time        {:>8.3f} s verifying (CPU time), {:.3f} s wall clock in all (loading included)\n",
             verify_seconds, wall);
  fmt::print("max time    {:>8.3f} s ({})\n", max_seconds, slowest.empty() ? "-" : slowest);
  fmt::print("peak memory {:>8.1f} MB ({})\n", static_cast<double>(peak_kb) / 1024.0,
             per_program_peak ? "largest per-file resident peak" : "process resident peak");
  bands.print();
  return kExitOk;
}

}  // namespace

Command add_bench_command(CLI::App& app) {
  auto options = std::make_shared<BenchVerifyOptions>();
  CLI::App* bench = app.add_subcommand("bench", "Benchmarks");
  bench->require_subcommand(1);
  CLI::App* verify = bench->add_subcommand(
      "verify", "Verify every program file under DIR: counts, time, peak memory, a per-program CSV");
  verify->add_option("DIR", options->dir, "A directory of BPF objects (walked recursively)")->required();
  verify->add_option("--types", options->types_file,
                     "A types.tsv (file, section, function, type) giving each program's type");
  verify->add_option("--csv", options->csv_out,
                     "Write one row per program: file,section,function,verdict,seconds,maxrss_kb,first_message,"
                     "instructions,states");
  return Command{bench, [options] { return run_bench_verify(*options); }};
}

}  // namespace sandbpf::tools
