// The ELF loader on objects clang-19 compiled from tests/programs/*.c at
// build time: subprograms in .text and across sections, a callback passed by
// address, BTF maps with map-in-map, legacy maps, global data, line info and
// CO-RE relocations. Also: function sizes agree with llvm-objdump-19 on
// these objects and on a few of the corpus's.
#include "loader/object.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <algorithm>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "loader/program_file.hpp"
#include "vm/program.hpp"

namespace sandbpf {
namespace {

namespace fs = std::filesystem;

std::string objects_dir() { return SANDBPF_LOADER_TEST_OBJECTS; }

std::string corpus_dir() {
  const char* dir = std::getenv("SANDBPF_SOURCE_DIR");
  const std::string source = (dir != nullptr && *dir != '\0') ? dir : SANDBPF_DEFAULT_SOURCE_DIR;
  return source + "/../shared/corpus";
}

class elf_programs : public ::testing::Test {
 protected:
  // Loads a compiled test object, or skips when clang-19 did not build it.
  Object load(const std::string& name) {
    const std::string path = objects_dir() + "/" + name;
    if (!fs::exists(path)) {
      skipped_ = true;
      return {};
    }
    auto bytes = read_file_bytes(path);
    EXPECT_TRUE(bytes) << bytes.error().to_string();
    if (!bytes) return {};
    auto object = load_elf_object(*bytes, path);
    EXPECT_TRUE(object) << object.error().to_string();
    if (!object) return {};
    for (const ObjectProgram& p : object->programs) {
      EXPECT_FALSE(p.load_error) << p.load_error->to_string();
      auto decoded = Program::decode(p.insns);
      EXPECT_TRUE(decoded) << p.name() << ": " << decoded.error().to_string();
    }
    return std::move(*object);
  }

  static const ObjectProgram* find(const Object& object, const std::string& name) {
    for (const ObjectProgram& p : object.programs)
      if (p.name() == name) return &p;
    return nullptr;
  }

  static const MapDefinition* map(const Object& object, const std::string& name) {
    for (const MapDefinition& m : object.maps)
      if (m.name == name) return &m;
    return nullptr;
  }

  bool skipped_ = false;
};

#define LOAD_OR_SKIP(var, name)                                                \
  const Object var = load(name);                                               \
  if (skipped_) GTEST_SKIP() << name << " was not built (clang-19 is missing)"

TEST_F(elf_programs, SubprogramsAreLinkedAfterTheirCaller) {
  LOAD_OR_SKIP(object, "subprograms.o");
  std::vector<std::string> names;
  for (const ObjectProgram& p : object.programs) names.push_back(p.name());
  EXPECT_EQ(names, (std::vector<std::string>{".text/twice", ".text/add_one", ".text/count_step",
                                             "xdp/lib/in_other_section", "xdp/entry/entry",
                                             "xdp/leaf/leaf", "xdp/twice/call_twice"}));
  const ObjectProgram* entry = find(object, "xdp/entry/entry");
  ASSERT_NE(entry, nullptr);
  std::vector<std::string> functions;
  for (const FunctionInfo& f : entry->functions) functions.push_back(f.section + ":" + f.name);
  // Breadth first: entry's callees in the order it reaches them.
  EXPECT_EQ(functions, (std::vector<std::string>{"xdp/entry:entry", ".text:count_step",
                                                 "xdp/lib:in_other_section", ".text:twice",
                                                 ".text:add_one"}));
  auto program = Program::decode(entry->insns);
  ASSERT_TRUE(program);
  // Every function the loader placed is an entry the decoder finds, and
  // every call and function address lands on one.
  std::vector<uint32_t> entries;
  for (const FunctionInfo& f : entry->functions) entries.push_back(f.entry);
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(std::vector<uint32_t>(program->function_entries().begin(),
                                  program->function_entries().end()),
            entries);
  bool has_callback = false;
  for (size_t pc = 0; pc < entry->insns.size(); ++pc)
    if (is_lddw(entry->insns[pc]) && entry->insns[pc].src == kLddwFunction) {
      has_callback = true;
      EXPECT_EQ(program->target(pc), entry->functions[1].entry);  // count_step
    }
  EXPECT_TRUE(has_callback);
  const ObjectProgram* leaf = find(object, "xdp/leaf/leaf");
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->functions.size(), 1u);
  EXPECT_EQ(object.license, "GPL");
}

TEST_F(elf_programs, LineInfoFollowsTheLinking) {
  LOAD_OR_SKIP(object, "subprograms.o");
  EXPECT_TRUE(object.has_line_info);
  const ObjectProgram* entry = find(object, "xdp/entry/entry");
  ASSERT_NE(entry, nullptr);
  ASSERT_EQ(entry->line_info.size(), entry->insns.size());
  ASSERT_TRUE(entry->line_info[0]);
  EXPECT_TRUE(entry->line_info[0]->file.ends_with("subprograms.c")) << entry->line_info[0]->file;
  EXPECT_EQ(entry->line_info[0]->line, 18u);  // SEC("xdp/entry") int entry(...) {
  // add_one's first instruction is line 6 wherever it lands.
  const FunctionInfo& add_one = entry->functions.back();
  ASSERT_EQ(add_one.name, "add_one");
  ASSERT_TRUE(entry->line_info[add_one.entry]);
  EXPECT_EQ(entry->line_info[add_one.entry]->line, 6u);
}

TEST_F(elf_programs, BtfMapsWithMapInMap) {
  LOAD_OR_SKIP(object, "maps_btf.o");
  const MapDefinition* flows = map(object, "flows");
  ASSERT_NE(flows, nullptr);
  EXPECT_EQ(flows->type, kMapHash);
  EXPECT_EQ(flows->key_size, 12u);  // struct flow_key
  EXPECT_EQ(flows->value_size, 8u);
  EXPECT_EQ(flows->max_entries, 1024u);
  EXPECT_EQ(flows->flags, 1u);
  EXPECT_EQ(flows->origin, MapOrigin::kBtf);
  EXPECT_EQ(flows->section, ".maps");
  const MapDefinition* stats = map(object, "stats");
  ASSERT_NE(stats, nullptr);
  EXPECT_EQ(stats->type, kMapPercpuArray);
  EXPECT_EQ(stats->key_size, 4u);
  EXPECT_EQ(stats->value_size, 24u);
  const MapDefinition* outer = map(object, "outer");
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(outer->type, kMapArrayOfMaps);
  EXPECT_EQ(outer->value_size, 4u);
  ASSERT_TRUE(outer->inner_map);
  const MapDefinition& inner = object.maps.at(*outer->inner_map);
  EXPECT_EQ(inner.type, kMapArray);
  EXPECT_EQ(inner.key_size, 4u);
  EXPECT_EQ(inner.value_size, 4u);
  EXPECT_EQ(inner.max_entries, 8u);
  const MapDefinition* jumps = map(object, "jumps");
  ASSERT_NE(jumps, nullptr);
  EXPECT_EQ(jumps->type, kMapProgArray);
  EXPECT_EQ(jumps->value_size, 4u);
  EXPECT_FALSE(jumps->inner_map);
  // Each lddw of a map holds its index.
  const ObjectProgram& p = object.programs.at(0);
  std::vector<std::string> referenced;
  for (const Insn& insn : p.insns)
    if (is_lddw(insn) && insn.src == kLddwMapByIndex)
      referenced.push_back(object.maps.at(static_cast<size_t>(insn.imm)).name);
  EXPECT_EQ(referenced, (std::vector<std::string>{"flows", "stats", "outer", "jumps"}));
}

TEST_F(elf_programs, LegacyMaps) {
  LOAD_OR_SKIP(object, "maps_legacy.o");
  ASSERT_EQ(object.maps.size(), 4u);
  EXPECT_EQ(object.maps[0].name, "counters");
  EXPECT_EQ(object.maps[0].type, kMapArray);
  EXPECT_EQ(object.maps[0].value_size, 8u);
  EXPECT_EQ(object.maps[0].max_entries, 64u);
  EXPECT_EQ(object.maps[2].name, "outer_maps");
  EXPECT_EQ(object.maps[2].inner_map, 1u);  // inner_map_idx
  EXPECT_EQ(object.maps[3].name, "small");
  EXPECT_EQ(object.maps[3].section, "maps/short");
  EXPECT_EQ(object.maps[3].key_size, 2u);
  EXPECT_EQ(object.maps[3].flags, 1u);
  for (const MapDefinition& m : object.maps) EXPECT_EQ(m.origin, MapOrigin::kLegacySection);
  EXPECT_EQ(object.license, "Dual BSD/GPL");
}

TEST_F(elf_programs, Iproute2MapsNameTheirInnerTemplateById) {
  LOAD_OR_SKIP(object, "maps_iproute2.o");
  ASSERT_EQ(object.maps.size(), 4u);
  EXPECT_EQ(object.maps[2].name, "maglev");
  EXPECT_EQ(object.maps[2].type, kMapHashOfMaps);
  EXPECT_EQ(object.maps[2].pinning, 2u);
  // inner_id 3 is maglev_inner's id (inner_idx 0 would have named `plain`).
  EXPECT_EQ(object.maps[2].inner_map, 1u);
  EXPECT_EQ(object.maps[1].name, "maglev_inner");
  EXPECT_FALSE(object.maps[1].inner_map);
  EXPECT_FALSE(object.maps[0].inner_map);
  // An inner_id no map carries: no template.
  EXPECT_EQ(object.maps[3].name, "orphan");
  EXPECT_FALSE(object.maps[3].inner_map);
}

TEST_F(elf_programs, GlobalData) {
  LOAD_OR_SKIP(object, "global_data.o");
  const MapDefinition* data = map(object, ".data");
  const MapDefinition* rodata = map(object, ".rodata");
  const MapDefinition* bss = map(object, ".bss");
  ASSERT_NE(data, nullptr);
  ASSERT_NE(rodata, nullptr);
  ASSERT_NE(bss, nullptr);
  EXPECT_EQ(data->initial_value, (std::vector<uint8_t>{7, 0, 0, 0}));
  EXPECT_FALSE(data->readonly);
  EXPECT_EQ(rodata->initial_value,
            (std::vector<uint8_t>{1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0}));
  EXPECT_TRUE(rodata->readonly);
  EXPECT_EQ(bss->value_size, 40u);  // seen (8) + table (32)
  EXPECT_TRUE(bss->initial_value.empty());  // zeros, which every array value starts as
  for (const MapDefinition* m : {data, rodata, bss}) {
    EXPECT_EQ(m->type, kMapArray);
    EXPECT_EQ(m->key_size, 4u);
    EXPECT_EQ(m->max_entries, 1u);
    EXPECT_EQ(m->origin, MapOrigin::kGlobalData);
  }
  // table[5] is .bss+8+20: the section symbol's offset is in the lddw, the
  // element's in the store.
  const ObjectProgram& p = object.programs.at(0);
  std::vector<std::pair<std::string, int32_t>> values;
  for (size_t pc = 0; pc + 1 < p.insns.size(); ++pc)
    if (is_lddw(p.insns[pc]) && p.insns[pc].src == kLddwMapValue)
      values.emplace_back(object.maps.at(static_cast<size_t>(p.insns[pc].imm)).name,
                          p.insns[pc + 1].imm);
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values, (std::vector<std::pair<std::string, int32_t>>{
                        {".bss", 0}, {".bss", 8}, {".data", 0}, {".rodata", 0}, {".rodata", 0}}));
}

TEST_F(elf_programs, CoreRelocationsAreRecordedWithTheirFieldPath) {
  LOAD_OR_SKIP(object, "core.o");
  const ObjectProgram& p = object.programs.at(0);
  ASSERT_EQ(p.core_relocations.size(), 2u);
  std::vector<std::string> paths;
  for (const CoreRelocation& c : p.core_relocations) {
    EXPECT_EQ(c.kind, 0u);  // BPF_CORE_FIELD_BYTE_OFFSET
    EXPECT_EQ(c.type_name, "task");
    EXPECT_LT(c.insn, p.insns.size());
    paths.push_back(c.field_path + " (" + c.access + ")");
  }
  std::sort(paths.begin(), paths.end());
  EXPECT_EQ(paths, (std::vector<std::string>{"task.tgid (0:1)", "task.times.runtime (0:2:1)"}));
}

// --- agreement with llvm-objdump-19 ------------------------------------------

// Function sizes in slots, by "section/function", from llvm-objdump-19's
// disassembly: a function runs from its label to the next function's label
// or the end of its section (local labels such as LBB0_3 are not
// functions: only names in `functions` count).
std::map<std::string, uint64_t> objdump_sizes(const std::string& path,
                                              const std::map<std::string, std::string>& functions) {
  std::map<std::string, uint64_t> sizes;
  const std::string command = "llvm-objdump-19 -d --no-show-raw-insn '" + path + "' 2>/dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return sizes;
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  ::pclose(pipe);

  const std::regex section_re(R"(^Disassembly of section (.*):$)");
  const std::regex label_re(R"(^([0-9a-f]{16}) <(.*)>:$)");
  const std::regex insn_re(R"(^\s+(\d+):\s+(.*)$)");
  std::string section;
  std::vector<std::pair<std::string, uint64_t>> labels;  // name, slot
  uint64_t end = 0;
  auto flush = [&] {
    for (size_t i = 0; i < labels.size(); ++i) {
      const uint64_t next = i + 1 < labels.size() ? labels[i + 1].second : end;
      sizes[section + "/" + labels[i].first] = next - labels[i].second;
    }
    labels.clear();
    end = 0;
  };
  std::istringstream lines(text);
  std::string line;
  std::smatch m;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, m, section_re)) {
      flush();
      section = m[1];
    } else if (std::regex_match(line, m, label_re)) {
      const std::string name = m[2];
      auto it = functions.find(section + "/" + name);
      if (it != functions.end()) labels.emplace_back(name, std::stoull(m[1], nullptr, 16) / 8);
    } else if (std::regex_match(line, m, insn_re)) {
      const uint64_t slot = std::stoull(m[1]);
      // lddw (printed as "... ll") takes two slots.
      end = std::max(end, slot + (std::string(m[2]).ends_with(" ll") ? 2 : 1));
    }
  }
  flush();
  return sizes;
}

void expect_sizes_agree(const std::string& path) {
  SCOPED_TRACE(path);
  auto bytes = read_file_bytes(path);
  ASSERT_TRUE(bytes);
  auto object = load_elf_object(*bytes, path);
  ASSERT_TRUE(object) << object.error().to_string();
  std::map<std::string, uint64_t> ours;
  std::map<std::string, std::string> functions;
  for (const ObjectProgram& p : object->programs) {
    if (p.function == p.section) continue;  // a section without function symbols
    const uint64_t size = p.functions.size() > 1 ? p.functions[1].entry : p.insns.size();
    ours[p.name()] = size;
    functions[p.name()] = p.function;
  }
  const auto theirs = objdump_sizes(path, functions);
  ASSERT_FALSE(theirs.empty()) << "llvm-objdump-19 printed no functions";
  EXPECT_EQ(ours, theirs);
}

// llvm-objdump-19 is a Linux program: a Windows build (under wine) cannot
// start it, and says so rather than that it is missing.
#if defined(_WIN32)
bool have_objdump() { return false; }
constexpr const char* kNoObjdump = "a Windows build cannot start llvm-objdump-19 (a Linux program)";
#else
bool have_objdump() { return std::system("llvm-objdump-19 --version > /dev/null 2>&1") == 0; }
constexpr const char* kNoObjdump = "llvm-objdump-19 is not installed";
#endif

TEST_F(elf_programs, FunctionSizesAgreeWithObjdump) {
  if (!have_objdump()) GTEST_SKIP() << kNoObjdump;
  const std::string dir = objects_dir();
  if (!fs::exists(dir + "/subprograms.o")) GTEST_SKIP() << "the test objects were not built";
  for (const char* name : {"subprograms.o", "maps_btf.o", "global_data.o", "core.o"})
    expect_sizes_agree(dir + "/" + name);
}

TEST_F(elf_programs, CorpusFunctionSizesAgreeWithObjdump) {
  if (!have_objdump()) GTEST_SKIP() << kNoObjdump;
  const std::string corpus = corpus_dir();
  if (!fs::is_directory(corpus)) GTEST_SKIP() << "the corpus is not there: " << corpus;
  for (const char* name : {"build/bpf2bpf.o", "cilium-examples/tcx_bpf_bpfel.o",
                           "cilium-core/bpf_sock.o", "new_linux/tracex2_kern.o",
                           "cilium-examples/kprobe_percpu_bpf_bpfel.o"})
    expect_sizes_agree(corpus + "/" + name);
}

// Map definitions agree with the BTF and symbol sizes on corpus objects
// with BTF maps (every .maps variable is a map; sizes from the types).
TEST_F(elf_programs, CorpusBtfMaps) {
  const std::string corpus = corpus_dir();
  if (!fs::is_directory(corpus)) GTEST_SKIP() << "the corpus is not there: " << corpus;
  auto load_corpus = [&](const std::string& rel) {
    auto bytes = read_file_bytes(corpus + "/" + rel);
    EXPECT_TRUE(bytes);
    auto object = load_elf_object(*bytes, rel);
    EXPECT_TRUE(object) << object.error().to_string();
    return object ? std::move(*object) : Object{};
  };
  const Object tracex2 = load_corpus("new_linux/tracex2_kern.o");
  ASSERT_EQ(tracex2.maps.size(), 2u);
  EXPECT_EQ(tracex2.maps[0].name, "my_map");
  EXPECT_EQ(tracex2.maps[0].type, kMapHash);
  EXPECT_EQ(tracex2.maps[0].key_size, 8u);  // long
  EXPECT_EQ(tracex2.maps[0].value_size, 8u);
  EXPECT_EQ(tracex2.maps[1].name, "my_hist_map");
  EXPECT_EQ(tracex2.maps[1].type, kMapPercpuHash);
  EXPECT_EQ(tracex2.maps[1].key_size, 40u);  // struct hist_key
  const Object ringbuf = load_corpus("cilium-examples/ringbuffer_bpf_bpfel.o");
  ASSERT_EQ(ringbuf.maps.size(), 1u);
  EXPECT_EQ(ringbuf.maps[0].type, kMapRingbuf);
  EXPECT_EQ(ringbuf.maps[0].max_entries, 1u << 24);
  const Object map_in_map = load_corpus("build/map_in_map.o");
  const MapDefinition* outer = map(map_in_map, "array_of_maps");
  ASSERT_NE(outer, nullptr);
  ASSERT_TRUE(outer->inner_map);
  EXPECT_EQ(map_in_map.maps.at(*outer->inner_map).type, kMapArray);
}

}  // namespace
}  // namespace sandbpf
