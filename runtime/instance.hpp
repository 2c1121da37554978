// An Instance is a program bound to everything it runs with (DESIGN.md):
// the maps of its object (created once, shared by every run and thread),
// the helpers and program type of a Platform, an engine (interpreter or
// JIT) and, unless the host says otherwise, the verifier's proof. One
// Instance runs on many threads at once; each run takes one of its slots.
//
//   auto platform = std::shared_ptr<Platform>(Platform::make_linux());
//   auto instance = Instance::load_file("xdp_prog.o", platform, {.program = "xdp/count"});
//   if (!instance) { print(instance.error()); return; }
//   auto result = (*instance)->run_packet(packet_bytes);   // r0 + the packet after the run
//   Map* counts = (*instance)->map("counts");             // host-side map API
//
// What the verifier proved is what runs: the same Platform judges the
// program and provides its helpers, and a helper known only by prototype
// (no implementation on this host) makes creation fail with a clear error.
// Unverified programs (InstanceOptions::verify = false) run in checked
// mode: every access bounds-checked, an instruction budget, helper
// arguments checked; a violation stops the run with an error, never a
// crash.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "helpers/maps/map.hpp"
#include "helpers/platform.hpp"
#include "helpers/run_services.hpp"
#include "loader/object.hpp"
#include "runtime/slot_pool.hpp"
#include "sandbpf/error.hpp"
#include "verifier/verifier.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"

namespace sandbpf {

class EpochDomain;
class MapMemoryBudget;
class JitProgram;
class LowMemory;

enum class Engine : uint8_t { kInterpreter, kJit };
std::string_view engine_name(Engine engine);

inline constexpr uint64_t kDefaultInstructionBudget = 10'000'000;

struct InstanceOptions {
  // Which program of the object: "section/function", a function name or a
  // section name (when it names one program). Empty: the object's only
  // program (an error lists them when there are several).
  std::string program;
  // The program type (Linux's BPF_PROG_TYPE_* name in lower case, or a
  // type the host added to the platform). Empty: implied by the section
  // name, or the platform's only type.
  std::string type;
  Engine engine = Engine::kInterpreter;
  // false: the program is not verified and runs in `unverified_mode`
  // (checked unless the host trusts it).
  bool verify = true;
  ExecMode unverified_mode = ExecMode::kChecked;
  VerifyOptions verify_options;  // termination policy (unset: the platform's), limits
  // Hardening of JIT-compiled code (engine kJit; jit/README.md): constant
  // blinding, and Spectre v1 masking of the pointer arithmetic the
  // verifier bounded (verified programs only).
  bool blind_constants = false;
  bool spectre_v1 = false;
  // Lookups of verified programs in plain array maps compiled inline by
  // the JIT (JitOptions::inline_map_lookups); false keeps the helper call.
  bool inline_map_lookups = true;
  // Instructions a run may execute: enforced for unverified checked runs
  // and under the `budget` termination policy; 0 means the default
  // (kDefaultInstructionBudget). Ignored under `proved` and `none`.
  uint64_t instruction_budget = 0;
  // Per-CPU slots (0: the host's hardware threads) and what a run does
  // when all are busy.
  uint32_t slots = 0;
  SlotPolicy when_busy = SlotPolicy::kWait;
  // Memory all maps of the instance may hold together; 0: unlimited.
  uint64_t map_memory_limit = 1ull << 30;
  // Largest packet run_packet accepts (xdp and __sk_buff types).
  uint32_t max_packet_bytes = 65536;
  // bpf_get_prandom_u32's seed (per slot streams derive from it); 0: random.
  uint64_t random_seed = 0;
  // Clocks, pid/tgid, the trace_printk sink (helpers/run_services.hpp).
  HostServices host;
  // Handed to the host's helpers as RunContext::host_data().
  void* host_data = nullptr;
};

// What a run of a packet program type leaves behind.
struct PacketRunResult {
  uint64_t r0 = 0;
  std::vector<uint8_t> packet;  // the packet after the run (as the kernel's test run returns it)
};

// A prepared program of an instance: the entry program and any tail-call
// target. Opaque to the host; prog_array entries point to these.
struct InstanceProgram;

class Instance {
 public:
  // Loads an ELF object from a file or from bytes and prepares one of its
  // programs (options.program).
  static Result<std::unique_ptr<Instance>> load_file(const std::string& path,
                                                     std::shared_ptr<const Platform> platform,
                                                     const InstanceOptions& options = {});
  static Result<std::unique_ptr<Instance>> load_elf(std::span<const uint8_t> bytes,
                                                    const std::string& path,
                                                    std::shared_ptr<const Platform> platform,
                                                    const InstanceOptions& options = {});
  // An object already loaded (it is copied).
  static Result<std::unique_ptr<Instance>> create(const Object& object,
                                                  std::shared_ptr<const Platform> platform,
                                                  const InstanceOptions& options = {});
  // A bare program (raw instructions or assembly; no maps).
  static Result<std::unique_ptr<Instance>> create(const Program& program,
                                                  std::shared_ptr<const Platform> platform,
                                                  const InstanceOptions& options = {});

  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  // ---- runs (thread-safe). r0 of the program, or the runtime error that
  // stopped it (checked mode, a budget, every slot busy under kError).
  // `stats` counts the run's instructions (on the JIT in fast mode that run
  // executes on the interpreter, which counts; maps see it like any other).
  // The generic convention: r1 = memory, r2 = its length; LD_ABS reads it.
  Result<uint64_t> run_memory(std::span<uint8_t> memory, RunStats* stats = nullptr);
  // A context the host built (its own program type, or any Linux type but
  // the packet ones): r1 = context, which must be as large as the type's
  // layout. Pointer fields (packet data/data_end, 8 bytes wide) point to
  // memory the host owns; checked runs may touch the context and
  // [data_meta|data, data_end), plus `extra_regions`.
  Result<uint64_t> run_context(void* context, std::span<const MemoryRegion> extra_regions = {},
                               RunStats* stats = nullptr);
  // Packet program types (xdp, socket_filter, sched_cls, sched_act,
  // cgroup_skb...), as the kernel's BPF_PROG_TEST_RUN does: xdp gets an
  // xdp_md with 256 bytes of headroom, the others an __sk_buff.
  Result<PacketRunResult> run_packet(std::span<const uint8_t> packet, RunStats* stats = nullptr);

  // ---- the program
  const std::string& program_name() const;  // "section/function"
  const ProgramType& program_type() const;
  const Program& program() const;
  bool verified() const;          // proven safe (runs without checks)
  ExecMode mode() const;          // how it runs
  Engine engine() const { return options_.engine; }
  const VerifyResult* verification() const;  // null when not verified
  uint32_t slots() const;
  const Platform& platform() const { return *platform_; }

  // ---- maps, in the object's order (lddw indices), for the host-side API
  // (Map::host_lookup, host_update, host_next_key, ring buffer consumers...).
  size_t map_count() const { return maps_.size(); }
  Map& map_at(size_t index) { return *maps_[index]; }
  Map* map(std::string_view name);
  uint64_t map_memory_used() const;
  // A new map on the instance's slots, epochs and memory budget, e.g. an
  // inner map for an array_of_maps / hash_of_maps (ArrayOfMaps::set_inner).
  Result<std::shared_ptr<Map>> create_map(const MapDefinition& definition);

  // Puts another program of the same object (prepared like the entry:
  // same type, verified the same way, same engine) at `index` of the
  // prog_array map `map_name`, for bpf_tail_call. Thread-safe.
  Result<void> set_tail_call(std::string_view map_name, uint32_t index,
                             std::string_view program_name);

  // The names of the object's programs ("section/function").
  std::vector<std::string> program_names() const;

 private:
  Instance(std::shared_ptr<const Platform> platform, const InstanceOptions& options);
  Result<void> create_maps();
  Result<const InstanceProgram*> prepare(const ObjectProgram& source);
  Result<const InstanceProgram*> prepare(Program program, const std::string& name);
  Result<uint64_t> run_prepared(const uint64_t args[5], std::span<const MemoryRegion> regions,
                                const uint8_t* packet, uint64_t packet_size, uint32_t slot,
                                RunStats* stats);

  std::shared_ptr<const Platform> platform_;
  InstanceOptions options_;
  Object object_;
  const ProgramType* type_ = nullptr;

  // Maps: the budget outlives the epoch domain, which outlives the maps.
  std::unique_ptr<MapMemoryBudget> budget_;
  std::unique_ptr<EpochDomain> epochs_;
  std::vector<std::unique_ptr<Map>> maps_;
  std::vector<MapBinding> bindings_;
  std::vector<MemoryRegion> global_regions_;  // global data, for checked runs and probes
  std::vector<HelperFunction> helper_table_;
  Environment environment_;

  std::unique_ptr<SlotPool> slot_pool_;
  std::unique_ptr<RandomStream[]> random_;
  std::unique_ptr<LowMemory> packet_memory_;  // per-slot packet buffers (packet types)
  size_t packet_stride_ = 0;

  mutable std::mutex programs_lock_;
  std::deque<InstanceProgram> programs_;  // stable addresses: prog_array entries
  const InstanceProgram* entry_ = nullptr;
  bool bare_program_ = false;  // made from a Program, not an object: no section to name
};

}  // namespace sandbpf
