// The real-world corpus (../shared/corpus beside the source tree): every
// object loads, lists its programs exactly as prevail-results.csv does, and
// every program it loads decodes; every malformed file in invalid/ gives a
// clean outcome. Skipped with a message when the corpus is not there.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "loader/object.hpp"
#include "loader/program_file.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

namespace fs = std::filesystem;

std::string corpus_dir() {
  const char* dir = std::getenv("SANDBPF_SOURCE_DIR");
  const std::string source = (dir != nullptr && *dir != '\0') ? dir : SANDBPF_DEFAULT_SOURCE_DIR;
  return source + "/../shared/corpus";
}

struct CsvRow {
  std::string section, function, verdict;
};

// file -> rows, in the CSV's order. The CSV has no quoted commas before the
// fourth column (messages come last), so splitting the first four fields is
// enough.
std::map<std::string, std::vector<CsvRow>> read_csv(const std::string& path) {
  std::map<std::string, std::vector<CsvRow>> rows;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (int i = 0; i < 4; ++i) {
      const size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    if (fields.size() < 4) continue;
    rows[fields[0]].push_back({fields[1], fields[2], fields[3]});
  }
  return rows;
}

std::vector<std::string> corpus_files(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), dir).generic_string();  // "/" on Windows too
    if (rel.find('/') == std::string::npos) continue;  // README, CSV, TSV at the top
    files.push_back(rel);
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool in_invalid(const std::string& rel) { return rel.rfind("invalid/", 0) == 0; }

Result<Object> load(const std::string& dir, const std::string& rel) {
  auto bytes = read_file_bytes(dir + "/" + rel);
  if (!bytes) return std::unexpected(bytes.error());
  return load_elf_object(*bytes, rel);
}

class elf_corpus : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = corpus_dir();
    if (!fs::is_directory(dir_)) GTEST_SKIP() << "the corpus is not there: " << dir_;
  }
  std::string dir_;
};

TEST_F(elf_corpus, HasAllItsFiles) { EXPECT_EQ(corpus_files(dir_).size(), 173u); }

TEST_F(elf_corpus, EveryObjectOutsideInvalidLoadsAndListsItsProgramsAsTheCsv) {
  const auto csv = read_csv(dir_ + "/prevail-results.csv");
  size_t objects = 0, programs = 0;
  for (const std::string& rel : corpus_files(dir_)) {
    if (in_invalid(rel)) continue;
    SCOPED_TRACE(rel);
    auto object = load(dir_, rel);
    ASSERT_TRUE(object) << object.error().to_string();
    ++objects;
    programs += object->programs.size();
    std::vector<std::pair<std::string, std::string>> ours, theirs;
    for (const ObjectProgram& p : object->programs) ours.emplace_back(p.section, p.function);
    auto it = csv.find(rel);
    ASSERT_NE(it, csv.end()) << "not in prevail-results.csv";
    for (const CsvRow& row : it->second) theirs.emplace_back(row.section, row.function);
    EXPECT_EQ(ours, theirs);
  }
  EXPECT_EQ(objects, 162u);
  EXPECT_EQ(programs, 636u);  // the CSV's programs outside invalid/
}

// A program carries a load error only where PREVAIL also could not load it,
// with one known exception: programs that call a function the object does
// not define (falco's probe.o calls memset, which its compiler left as a
// libcall; build/externalfunction.o and build/badrelo.o call helpers
// declared as extern functions). No loader can link those calls; PREVAIL
// v0.2.6 left the unresolved `call -1` in place and verified the rest.
TEST_F(elf_corpus, LoadErrorsOnlyWherePrevailRefusedToLoad) {
  const auto csv = read_csv(dir_ + "/prevail-results.csv");
  std::vector<std::string> unexpected;
  std::map<std::string, size_t> external_calls;  // file -> programs
  for (const std::string& rel : corpus_files(dir_)) {
    if (in_invalid(rel)) continue;
    auto object = load(dir_, rel);
    if (!object) continue;  // reported by the test above
    const auto& rows = csv.at(rel);
    for (const ObjectProgram& p : object->programs) {
      if (!p.load_error) continue;
      bool prevail_refused = false;
      for (const CsvRow& row : rows)
        if (row.section == p.section && row.function == p.function)
          prevail_refused = row.verdict.rfind("rejected_load", 0) == 0 ||
                            row.verdict == "rejected_unmarshal";
      if (prevail_refused) continue;
      if (p.load_error->message.find("which the object does not define (an external function") !=
          std::string::npos) {
        ++external_calls[rel];
        continue;
      }
      unexpected.push_back(p.load_error->to_string());
    }
  }
  std::ostringstream out;
  for (const std::string& e : unexpected) out << e << "\n";
  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " programs:\n" << out.str();
  // Falco's calls of memset and memcpy are built-ins (vm/builtin_functions.hpp).
  EXPECT_EQ(external_calls, (std::map<std::string, size_t>{{"build/badrelo.o", 1},
                                                           {"build/externalfunction.o", 1}}));
}

TEST_F(elf_corpus, EveryLoadedProgramDecodes) {
  size_t decoded = 0;
  std::vector<std::string> failures;
  for (const std::string& rel : corpus_files(dir_)) {
    if (in_invalid(rel)) continue;
    auto object = load(dir_, rel);
    if (!object) continue;
    for (const ObjectProgram& p : object->programs) {
      if (p.load_error) continue;
      auto program = Program::decode(p.insns);
      if (program) {
        ++decoded;
        continue;
      }
      failures.push_back(rel + ": " + p.name() + ": " + program.error().to_string());
    }
  }
  std::ostringstream out;
  for (const std::string& f : failures) out << f << "\n";
  EXPECT_TRUE(failures.empty()) << failures.size() << " programs do not decode ("
                                << decoded << " do):\n" << out.str();
}

// Line info covers every slot when the object has it, and CO-RE relocations
// point at instructions of their program.
TEST_F(elf_corpus, LineInfoAndCoreRelocationsAreConsistent) {
  for (const std::string& rel : corpus_files(dir_)) {
    if (in_invalid(rel)) continue;
    auto object = load(dir_, rel);
    if (!object) continue;
    SCOPED_TRACE(rel);
    for (const ObjectProgram& p : object->programs) {
      if (object->has_line_info) {
        EXPECT_EQ(p.line_info.size(), p.insns.size()) << p.name();
      }
      for (const CoreRelocation& c : p.core_relocations) EXPECT_LT(c.insn, p.insns.size());
      EXPECT_FALSE(p.functions.empty());
      if (!p.functions.empty()) {
        EXPECT_EQ(p.functions.front().entry, 0u);
      }
    }
  }
}

// Malformed files and fuzzer finds: an error or an object, never a crash.
// (The ASan build runs the same walk.)
TEST_F(elf_corpus, InvalidFilesGiveACleanOutcome) {
  size_t files = 0;
  for (const std::string& rel : corpus_files(dir_)) {
    if (!in_invalid(rel)) continue;
    ++files;
    auto object = load(dir_, rel);
    if (!object) {
      EXPECT_EQ(object.error().kind, ErrorKind::kLoad) << rel;
      EXPECT_EQ(object.error().where.file, rel);
      EXPECT_FALSE(object.error().message.empty());
      continue;
    }
    for (const ObjectProgram& p : object->programs)
      if (!p.load_error) (void)Program::decode(p.insns);
  }
  EXPECT_EQ(files, 11u);
}

}  // namespace
}  // namespace sandbpf
