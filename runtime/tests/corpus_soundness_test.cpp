// Soundness of the verifier on real programs: every program of
// ../shared/corpus that the verifier accepts (linux platform, types from
// types.tsv) also runs in checked mode — every access bounds-checked,
// every helper argument checked — on generated packets, contexts and map
// contents, without a single violation. A violation means the verifier
// accepted something unsafe.
//
// Helpers this host has no implementation of (the kernel's) get a stub
// that checks each memory argument as the prototype describes it, fills
// what the helper would write with zeros and returns 0 (null for pointers).
// Programs calling a helper whose result is a pointer that is never null
// (bpf_get_local_storage, bpf_get_current_task_btf) cannot be stubbed that
// way and are counted as not run. Skips when the corpus is not there.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "helpers/standard/helper_support.hpp"
#include "loader/program_file.hpp"
#include "runtime/instance.hpp"
#include "runtime/packet_context.hpp"
#include "verifier/object_verify.hpp"

// Under a sanitizer every program's maps (Cilium's hold millions of
// buckets) would make this test dominate the stage; it runs in the native
// build, where it takes seconds.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANDBPF_SANITIZED_BUILD 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANDBPF_SANITIZED_BUILD 1
#endif
#endif

// Every Nth program of the corpus (1: all). Emulated cross builds check a
// sample: the verifier and the checked interpreter are architecture-
// independent code that the native build checks on every program, so the
// sample is there to catch what differs on the emulated CPU.
#ifndef SANDBPF_CORPUS_SAMPLE_EVERY
#define SANDBPF_CORPUS_SAMPLE_EVERY 1
#endif

namespace sandbpf {
namespace {

std::string corpus_dir() {
  const char* source = std::getenv("SANDBPF_SOURCE_DIR");
  return std::string(source != nullptr ? source : SANDBPF_DEFAULT_SOURCE_DIR) + "/../shared/corpus";
}

// ---- stubs for prototype-only helpers, one instantiation per helper id.
const Platform* g_platform = nullptr;  // the test's platform (read only while runs go)

template <uint32_t Id>
uint64_t stub(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
              RunContext& context) {
  const HelperDefinition* helper = g_platform->helpers().find(Id);
  const uint64_t args[5] = {r1, r2, r3, r4, r5};
  const HelperPrototype& p = helper->prototype;
  for (int i = 0; i < 5; ++i) {
    const ArgKind kind = p.args[i];
    const uint64_t size = i + 1 < 5 ? args[i + 1] : 0;
    bool write = false;
    uint64_t bytes = 0;
    switch (kind) {
      case ArgKind::kReadableMemory:
      case ArgKind::kReadableMemoryOrNull: bytes = size; break;
      case ArgKind::kWritableMemory:
      case ArgKind::kWritableMemoryOrNull: bytes = size; write = true; break;
      case ArgKind::kReadableFixedMemory: bytes = p.arg_size[i]; break;
      case ArgKind::kWritableFixedMemory: bytes = p.arg_size[i]; write = true; break;
      case ArgKind::kWritableU64: bytes = 8; write = true; break;
      default: break;
    }
    if (bytes == 0 || (args[i] == 0 && (kind == ArgKind::kReadableMemoryOrNull ||
                                          kind == ArgKind::kWritableMemoryOrNull)))
      continue;
    if (!may_access(context, args[i], bytes, write, p.name, "a memory argument")) return 0;
    if (write) std::memset(reinterpret_cast<void*>(args[i]), 0, bytes);
  }
  return 0;
}

template <uint32_t... Ids>
constexpr std::array<HelperFunction, sizeof...(Ids)> make_stubs(
    std::integer_sequence<uint32_t, Ids...>) {
  return {&stub<Ids>...};
}
constexpr uint32_t kMaxStubbedId = 256;
constexpr auto kStubs = make_stubs(std::make_integer_sequence<uint32_t, kMaxStubbedId>{});

bool never_null_pointer(ReturnKind kind) {
  return kind == ReturnKind::kMapValue || kind == ReturnKind::kKernelObject;
}

std::shared_ptr<Platform> platform_with_stubs() {
  std::shared_ptr<Platform> platform = Platform::make_linux();
  for (const HelperDefinition* helper : platform->helpers().all())
    if (helper->function == nullptr && helper->prototype.id < kMaxStubbedId &&
        !never_null_pointer(helper->prototype.returns))
      (void)platform->helpers().set_function(helper->prototype.id, kStubs[helper->prototype.id]);
  return platform;
}

// ---- inputs
std::vector<uint8_t> random_packet(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> size(14, 400), byte(0, 255);
  std::vector<uint8_t> packet(static_cast<size_t>(size(rng)));
  for (auto& b : packet) b = static_cast<uint8_t>(byte(rng));
  // Often a plausible Ethernet/IPv4/TCP-or-UDP header, so parsers go deep.
  if (rng() % 4 != 0 && packet.size() >= 54) {
    packet[12] = 0x08, packet[13] = 0x00, packet[14] = 0x45;
    packet[23] = rng() % 2 ? 6 : 17;
  }
  return packet;
}

// Random values everywhere but in pointer fields (null: the verifier makes
// programs check those).
void random_context(const ProgramType& type, std::mt19937_64& rng, std::vector<uint64_t>& out) {
  out.assign((type.context.size + 7) / 8 + 1, 0);
  auto* bytes = reinterpret_cast<uint8_t*>(out.data());
  for (uint32_t i = 0; i < type.context.size; ++i) bytes[i] = static_cast<uint8_t>(rng());
  for (const ContextPointerField& field : type.context.pointers)
    std::memset(bytes + field.offset, 0, field.width);
}

// A few random entries in the hash-like maps.
void fill_maps(Instance& instance, std::mt19937_64& rng) {
  for (size_t i = 0; i < instance.map_count(); ++i) {
    Map& map = instance.map_at(i);
    const uint32_t type = map.definition().type;
    if (type != kMapHash && type != kMapLruHash && type != kMapPercpuHash &&
        type != kMapLruPercpuHash && type != kMapArray && type != kMapPercpuArray)
      continue;
    std::vector<uint8_t> key(map.definition().key_size), value(map.host_value_size());
    for (int n = 0; n < 4; ++n) {
      for (auto& b : key) b = static_cast<uint8_t>(rng() % 4);  // small keys: likely hits
      for (auto& b : value) b = static_cast<uint8_t>(rng());
      (void)map.host_update(key, value);
    }
  }
}

struct CorpusProgram {
  std::string file, section, function, type;
};

std::vector<CorpusProgram> corpus_programs(const std::string& dir) {
  std::vector<CorpusProgram> out;
  std::ifstream in(dir + "/types.tsv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    CorpusProgram p;
    if (std::getline(fields, p.file, '\t') && std::getline(fields, p.section, '\t') &&
        std::getline(fields, p.function, '\t') && std::getline(fields, p.type))
      out.push_back(p);
  }
  return out;
}

TEST(CorpusSoundness, AcceptedProgramsRunInCheckedModeWithoutViolations) {
#ifdef SANDBPF_SANITIZED_BUILD
  GTEST_SKIP() << "sanitizer build: the corpus soundness test runs in the native build";
#endif
  const std::string dir = corpus_dir();
  if (!std::filesystem::exists(dir + "/types.tsv"))
    GTEST_SKIP() << "../shared/corpus is not there: soundness on the corpus not checked";
  std::shared_ptr<Platform> platform = platform_with_stubs();
  g_platform = platform.get();

  constexpr int kInputsPerProgram = 24;
  std::map<std::string, Object> objects;
  size_t accepted = 0, ran = 0, runs = 0, budget_stops = 0, not_run = 0;
  std::map<std::string, size_t> not_run_reasons;
  std::vector<std::string> violations;
  std::mt19937_64 rng(20261123);
  constexpr size_t kEvery = SANDBPF_CORPUS_SAMPLE_EVERY;
  size_t index = 0;
  for (const CorpusProgram& p : corpus_programs(dir)) {
    if (p.file.starts_with("invalid/")) continue;
    if (index++ % kEvery != 0) continue;
    auto found = objects.find(p.file);
    if (found == objects.end()) {
      auto bytes = read_file_bytes(dir + "/" + p.file);
      if (!bytes) continue;
      auto object = load_elf_object(*bytes, p.file);
      if (!object) continue;
      // Some loaders size maps at load time: Falco's scratch and state
      // arrays have 0 entries in the object and get the number of CPUs.
      // Four entries let those programs run here too.
      for (MapDefinition& map : object->maps)
        if (map.max_entries == 0) map.max_entries = 4;
      found = objects.emplace(p.file, std::move(*object)).first;
    }
    // The verifier's verdict, as `sandbpf verify` gives it.
    const ObjectProgram* source = nullptr;
    for (const ObjectProgram& candidate : found->second.programs)
      if (candidate.section == p.section && candidate.function == p.function) source = &candidate;
    if (source == nullptr) continue;
    VerifyOptions verify_options;
    verify_options.time_limit = std::chrono::milliseconds(5000);
    const ProgramVerification verdict = verify_object_program(
        found->second, *source, *platform,
        choose_program_type(*platform, p.section, std::string_view(p.type)), verify_options);
    if (verdict.verdict != ProgramVerdict::kAccepted) continue;
    ++accepted;
    // The same program, unverified, in checked mode.
    InstanceOptions options;
    options.program = p.section + "/" + p.function;
    options.type = p.type;
    options.slots = 1;
    options.random_seed = 7;
    options.verify = false;
    options.instruction_budget = 1'000'000;
    auto checked = Instance::create(found->second, platform, options);
    if (!checked) {
      // A map type this runtime lacks, or a helper this test cannot stub.
      ++not_run;
      std::string reason = checked.error().message;
      for (char& c : reason)
        if (c >= '0' && c <= '9') c = 'N';
      ++not_run_reasons[reason.substr(0, 90)];
      continue;
    }
    Instance& instance = **checked;
    const ContextKind kind = context_kind(instance.program_type());
    ++ran;
    std::vector<uint64_t> context;
    for (int i = 0; i < kInputsPerProgram; ++i) {
      if (i % 4 == 0) fill_maps(instance, rng);
      Result<uint64_t> r0 = 0;
      if (kind == ContextKind::kXdp || kind == ContextKind::kSkb) {
        auto result = instance.run_packet(random_packet(rng));
        r0 = result ? Result<uint64_t>(result->r0) : std::unexpected(result.error());
      } else if (kind == ContextKind::kOther) {
        random_context(instance.program_type(), rng, context);
        r0 = instance.run_context(context.data());
      } else {
        std::vector<uint8_t> memory = random_packet(rng);
        r0 = instance.run_memory(memory);
      }
      ++runs;
      if (r0) continue;
      if (r0.error().message.find("instruction budget") != std::string::npos) {
        ++budget_stops;
        continue;
      }
      violations.push_back(p.file + " " + options.program + ": " + r0.error().to_string());
      break;
    }
  }
  if (kEvery > 1)
    std::printf("corpus soundness: a sample, 1 in %zu programs of the corpus (emulated build; "
                "the native build checks every program)\n",
                kEvery);
  std::printf("corpus soundness: %zu programs accepted, %zu run in checked mode (%zu runs, %zu "
              "stopped by the budget), %zu not instantiated, %zu violations\n",
              accepted, ran, runs, budget_stops, not_run, violations.size());
  for (const auto& [reason, count] : not_run_reasons)
    std::printf("  not instantiated (%zu): %s...\n", count, reason.c_str());
  for (const std::string& v : violations) ADD_FAILURE() << "violation: " << v;
  EXPECT_GT(ran, 400u / kEvery);  // most of the ~490 accepted programs (433 today)
}

}  // namespace
}  // namespace sandbpf
