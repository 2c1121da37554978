// An application embedding sandbpf: it defines its own context type
// (struct request), registers a helper (host_score), loads a plugin
// compiled with clang-19 (examples/plugins/request_filter.c), runs it on
// many requests from several threads, and reads the map the plugin wrote.
//
//   request_filter_host PLUGIN.o [--jit]
#include <sandbpf/sandbpf.hpp>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

// The context the plugin gets (r1): the host's own structure.
struct Request {
  uint32_t len;
  uint32_t verdict;
  uint64_t data;
  uint64_t data_end;
  uint64_t scratch;
};

// The helper the plugin calls (id 1000): the host decides the score.
uint64_t host_score(uint64_t byte, uint64_t, uint64_t, uint64_t, uint64_t, sandbpf::RunContext&) {
  return byte;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace sandbpf;
  if (argc < 2) return std::fprintf(stderr, "usage: %s PLUGIN.o [--jit]\n", argv[0]), 2;
  const bool jit = argc > 2 && std::strcmp(argv[2], "--jit") == 0;

  // A generic platform with sandbpf's standard helpers (map helpers...),
  // the host's context type and its helper.
  std::shared_ptr<Platform> platform = Platform::make_generic();
  if (auto added = add_standard_helpers(platform->helpers()); !added)
    return std::fprintf(stderr, "%s\n", added.error().to_string().c_str()), 1;
  ProgramType request = ProgramTypeBuilder("request_filter", "struct request", sizeof(Request))
                            .field("len", 0, 4)
                            .field("verdict", 4, 4, FieldAccess::kReadWrite)
                            .pointer("data", 8, 8, ContextPointerKind::kPacketData)
                            .pointer("data_end", 16, 8, ContextPointerKind::kPacketEnd)
                            .field("scratch", 24, 8, FieldAccess::kReadWrite)
                            .sections({"request"})
                            .returns(0, 1)
                            .build();
  if (auto added = platform->add_program_type(std::move(request)); !added)
    return std::fprintf(stderr, "%s\n", added.error().to_string().c_str()), 1;
  HelperDefinition score;
  score.prototype.id = 1000;
  score.prototype.name = "host_score";
  score.prototype.args = {ArgKind::kScalar};
  score.function = &host_score;
  if (auto added = platform->helpers().add(score); !added)
    return std::fprintf(stderr, "%s\n", added.error().to_string().c_str()), 1;

  // Load, verify (against the host's type and helper) and prepare the plugin.
  InstanceOptions options;
  options.engine = jit ? Engine::kJit : Engine::kInterpreter;
  auto loaded = Instance::load_file(argv[1], platform, options);
  if (!loaded) return std::fprintf(stderr, "%s\n", loaded.error().to_string().c_str()), 1;
  Instance& plugin = **loaded;
  std::printf("loaded %s: %s, %s on the %s\n", plugin.program_name().c_str(),
              plugin.program_type().name.c_str(), plugin.verified() ? "verified" : "unverified",
              std::string(engine_name(plugin.engine())).c_str());

  // Many requests from several threads; each request's first byte is its
  // index modulo 256, and the plugin accepts scores above 100.
  constexpr int kThreads = 4, kRequestsPerThread = 25000;
  std::atomic<uint64_t> accepted{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      uint8_t body[16] = {};
      for (int i = 0; i < kRequestsPerThread; ++i) {
        body[0] = static_cast<uint8_t>((t * kRequestsPerThread + i) % 256);
        Request r{sizeof body, 0, reinterpret_cast<uint64_t>(body),
                  reinterpret_cast<uint64_t>(body + sizeof body), 0};
        auto r0 = plugin.run_context(&r);
        if (!r0 || *r0 != r.verdict) failures.fetch_add(1);
        accepted.fetch_add(r.verdict);
      }
    });
  }
  for (auto& thread : threads) thread.join();

  // The plugin's map, read by the host.
  uint64_t counted[2] = {};
  for (uint32_t verdict = 0; verdict < 2; ++verdict)
    (void)plugin.map("verdicts")->host_lookup({reinterpret_cast<const uint8_t*>(&verdict), 4},
                                              {reinterpret_cast<uint8_t*>(&counted[verdict]), 8});
  const uint64_t total = uint64_t{kThreads} * kRequestsPerThread;
  std::printf("%llu requests on %d threads: %llu accepted, %llu rejected (map: %llu, %llu)\n",
              static_cast<unsigned long long>(total), kThreads,
              static_cast<unsigned long long>(accepted.load()),
              static_cast<unsigned long long>(total - accepted.load()),
              static_cast<unsigned long long>(counted[1]),
              static_cast<unsigned long long>(counted[0]));
  const bool ok = failures == 0 && counted[1] == accepted && counted[0] + counted[1] == total;
  std::printf("%s\n", ok ? "ok" : "MISMATCH");
  return ok ? 0 : 1;
}
