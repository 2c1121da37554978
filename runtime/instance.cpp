// Instance: binding a program to its maps, helpers, type and engine, and
// running it (slots, epochs, tail calls, contexts). See instance.hpp.
#include "runtime/instance.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <random>
#include <thread>

#include "helpers/maps/epoch.hpp"
#include "helpers/maps/map_memory_budget.hpp"
#include "helpers/maps/array_map.hpp"
#include "helpers/maps/prog_array_map.hpp"
#include "helpers/standard/standard_helpers.hpp"
#include "jit/jit.hpp"
#include "loader/program_file.hpp"
#include "runtime/low_memory.hpp"
#include "runtime/packet_context.hpp"
#include "verifier/object_verify.hpp"

namespace sandbpf {

struct InstanceProgram {
  std::string name;
  Program program;
  std::optional<VerifyResult> verification;  // set when verified
  ExecMode mode = ExecMode::kChecked;
  uint64_t budget = 0;                       // 0: none
  std::optional<Interpreter> interpreter;
  std::unique_ptr<JitProgram> jit;
  // Fast JIT code does not count instructions: a run that asks for
  // statistics runs on this interpreter instead (made on first use), with
  // the same maps, so counts are exact and every run still updates them.
  struct Counting {
    std::once_flag once;
    std::optional<Interpreter> interpreter;
  };
  std::unique_ptr<Counting> counting = std::make_unique<Counting>();
};

namespace {

Error with_program(Error error, const std::string& file, const std::string& section,
                   const std::string& function) {
  if (error.where.file.empty()) error.where.file = file;
  if (error.where.section.empty()) error.where.section = section;
  if (error.where.function.empty()) error.where.function = function;
  return error;
}

// What checked runs and the helpers' memory probe know beyond the engine:
// the run's context, packet and global data.
struct RunRegions {
  std::span<const MemoryRegion> regions;
};

// A run's regions without a heap allocation in the common case (a few
// global data sections, the context and the packet).
class RegionList {
 public:
  explicit RegionList(std::span<const MemoryRegion> globals) {
    for (const MemoryRegion& r : globals) push_back(r);
  }
  void push_back(const MemoryRegion& region) {
    if (overflow_.empty() && size_ < inline_.size()) {
      inline_[size_++] = region;
      return;
    }
    if (overflow_.empty()) overflow_.assign(inline_.begin(), inline_.begin() + size_);
    overflow_.push_back(region);
  }
  void append(std::span<const MemoryRegion> regions) {
    for (const MemoryRegion& r : regions) push_back(r);
  }
  std::span<const MemoryRegion> span() const {
    return overflow_.empty() ? std::span<const MemoryRegion>(inline_.data(), size_)
                             : std::span<const MemoryRegion>(overflow_);
  }

 private:
  std::array<MemoryRegion, 12> inline_{};
  size_t size_ = 0;
  std::vector<MemoryRegion> overflow_;
};

uint64_t probe_regions(const void* data, uint64_t address, uint64_t max, bool write) {
  const auto* run = static_cast<const RunRegions*>(data);
  return bytes_in_regions(run->regions, address, max, write);
}

// The calls to helpers: every one must have an implementation here.
Result<void> check_helpers_implemented(const Program& program, const Platform& platform) {
  for (size_t pc = 0; pc < program.size(); ++pc) {
    if (program.is_lddw_tail(pc) || program.row(pc).form != Form::CallHelper) continue;
    const auto id = static_cast<uint32_t>(program.insns()[pc].imm);
    const HelperDefinition* helper = platform.helpers().find(id);
    if (helper == nullptr) {
      Error error{ErrorKind::kLoad,
                  fmt::format("call {}: the {} platform has no helper with id {}", id,
                              platform.name(), id),
                  {}};
      error.where.instruction = pc;
      if (pc < program.line_info.size()) error.where.source = program.line_info[pc];
      return std::unexpected(std::move(error));
    }
    if (helper->function == nullptr) {
      Error error{ErrorKind::kLoad,
                  fmt::format("call {}: {} is known to the {} platform by prototype only: "
                              "this host has no implementation of it",
                              id, helper->prototype.name, platform.name()),
                  {}};
      error.where.instruction = pc;
      if (pc < program.line_info.size()) error.where.source = program.line_info[pc];
      return std::unexpected(std::move(error));
    }
  }
  return {};
}

const ObjectProgram* find_program(const Object& object, std::string_view wanted,
                                  std::string& error) {
  if (wanted.empty()) {
    if (object.programs.size() == 1) return &object.programs[0];
    std::string names;
    for (const ObjectProgram& p : object.programs) names += (names.empty() ? "" : ", ") + p.name();
    error = object.programs.empty()
                ? "the object has no program"
                : fmt::format("the object has {} programs: choose one ({})", object.programs.size(),
                              names);
    return nullptr;
  }
  for (const ObjectProgram& p : object.programs)
    if (p.name() == wanted) return &p;
  const ObjectProgram* found = nullptr;
  size_t matches = 0;
  for (const ObjectProgram& p : object.programs)
    if (p.function == wanted || p.section == wanted) {
      found = &p;
      ++matches;
    }
  if (matches == 1) return found;
  error = matches == 0 ? fmt::format("the object has no program named '{}'", wanted)
                       : fmt::format("'{}' names {} programs: use section/function", wanted, matches);
  return nullptr;
}

}  // namespace

std::string_view engine_name(Engine engine) {
  return engine == Engine::kJit ? "jit" : "interpreter";
}

Instance::Instance(std::shared_ptr<const Platform> platform, const InstanceOptions& options)
    : platform_(std::move(platform)), options_(options) {}

Instance::~Instance() {
  // Maps go first (their retired memory is freed by the epoch domain's
  // destructor next, then charged back to the budget).
  maps_.clear();
  epochs_.reset();
  budget_.reset();
}

Result<std::unique_ptr<Instance>> Instance::load_file(const std::string& path,
                                                      std::shared_ptr<const Platform> platform,
                                                      const InstanceOptions& options) {
  auto bytes = read_file_bytes(path);
  if (!bytes) return std::unexpected(std::move(bytes.error()));
  return load_elf(*bytes, path, std::move(platform), options);
}

Result<std::unique_ptr<Instance>> Instance::load_elf(std::span<const uint8_t> bytes,
                                                     const std::string& path,
                                                     std::shared_ptr<const Platform> platform,
                                                     const InstanceOptions& options) {
  auto object = load_elf_object(bytes, path);
  if (!object) return std::unexpected(std::move(object.error()));
  return create(*object, std::move(platform), options);
}

Result<std::unique_ptr<Instance>> Instance::create(const Object& object,
                                                   std::shared_ptr<const Platform> platform,
                                                   const InstanceOptions& options) {
  if (!platform) return make_error(ErrorKind::kUsage, "an instance needs a platform");
  std::unique_ptr<Instance> instance(new Instance(std::move(platform), options));
  instance->object_ = object;
  const Object& own = instance->object_;

  std::string why;
  const ObjectProgram* source = find_program(own, options.program, why);
  if (source == nullptr) {
    Error error{ErrorKind::kUsage, why, {}};
    error.where.file = own.path;
    return std::unexpected(std::move(error));
  }
  // The program type: given, implied by the section, or the platform's only one.
  const Platform& p = *instance->platform_;
  if (!options.type.empty()) {
    instance->type_ = p.find_program_type(options.type);
    if (instance->type_ == nullptr)
      return std::unexpected(with_program(
          Error{ErrorKind::kUsage,
                fmt::format("the {} platform has no program type '{}'", p.name(), options.type),
                {}},
          own.path, source->section, source->function));
  } else {
    instance->type_ = p.program_type_for_section(source->section);
    if (instance->type_ == nullptr && p.program_types().size() == 1)
      instance->type_ = &p.program_types()[0];
    if (instance->type_ == nullptr)
      return std::unexpected(with_program(
          Error{ErrorKind::kUsage,
                fmt::format("section '{}' names no program type of the {} platform: give one "
                            "(--type)",
                            source->section, p.name()),
                {}},
          own.path, source->section, source->function));
  }
  if (source->load_error)
    return std::unexpected(
        with_program(*source->load_error, own.path, source->section, source->function));

  if (auto made = instance->create_maps(); !made) return std::unexpected(std::move(made.error()));
  auto entry = instance->prepare(*source);
  if (!entry) return std::unexpected(std::move(entry.error()));
  instance->entry_ = *entry;
  return instance;
}

Result<std::unique_ptr<Instance>> Instance::create(const Program& program,
                                                   std::shared_ptr<const Platform> platform,
                                                   const InstanceOptions& options) {
  Object object;
  object.path = program.name;
  ObjectProgram source;
  source.section = options.program.empty() ? std::string("program") : options.program;
  source.function = source.section;
  source.insns.assign(program.insns().begin(), program.insns().end());
  source.line_info = program.line_info;
  object.programs.push_back(std::move(source));
  InstanceOptions own = options;
  own.program.clear();
  auto made = create(object, std::move(platform), own);
  // Errors about a bare program name its file and instruction only.
  if (!made) {
    Error error = std::move(made.error());
    error.where.section.clear();
    error.where.function.clear();
    return std::unexpected(std::move(error));
  }
  (*made)->bare_program_ = true;
  return made;
}

Result<void> Instance::create_maps() {
  const uint32_t hardware = std::max(1u, std::thread::hardware_concurrency());
  const uint32_t slots = options_.slots != 0 ? options_.slots : hardware;
  slot_pool_ = std::make_unique<SlotPool>(slots);
  random_ = std::make_unique<RandomStream[]>(slots);
  uint64_t seed = options_.random_seed;
  if (seed == 0) seed = (static_cast<uint64_t>(std::random_device{}()) << 32) | std::random_device{}();
  for (uint32_t s = 0; s < slots; ++s) random_[s].reseed(RandomStream::slot_seed(seed, s));

  budget_ = std::make_unique<MapMemoryBudget>(options_.map_memory_limit != 0
                                                  ? options_.map_memory_limit
                                                  : std::numeric_limits<uint64_t>::max());
  epochs_ = std::make_unique<EpochDomain>(slots);
  const MapEnvironment environment{epochs_.get(), budget_.get(), slots};
  for (const MapDefinition& definition : object_.maps) {
    if (!platform_->map_type_allowed(definition.type)) {
      Error error{ErrorKind::kLoad,
                  fmt::format("map '{}': the {} platform has no {} maps", definition.name,
                              platform_->name(), map_type_name(definition.type)),
                  {}};
      error.where.file = object_.path;
      return std::unexpected(std::move(error));
    }
    const MapDefinition* inner = nullptr;
    if (definition.inner_map) {
      if (*definition.inner_map >= object_.maps.size())
        return make_error(ErrorKind::kLoad,
                          fmt::format("map '{}': its inner map {} does not exist", definition.name,
                                      *definition.inner_map));
      inner = &object_.maps[*definition.inner_map];
    }
    // A perf event array of 0 entries gets one per slot, as libbpf gives
    // it one per CPU.
    MapDefinition adjusted = definition;
    if (adjusted.type == kMapPerfEventArray && adjusted.max_entries == 0)
      adjusted.max_entries = slots;
    auto map = Map::create(adjusted, environment, inner);
    if (!map) {
      Error error = map.error();
      if (error.where.file.empty()) error.where.file = object_.path;
      return std::unexpected(std::move(error));
    }
    // Global data starts with its section's bytes; .rodata is then frozen.
    if (definition.origin == MapOrigin::kGlobalData && !definition.initial_value.empty()) {
      const uint32_t zero = 0;
      auto set = (*map)->host_update({reinterpret_cast<const uint8_t*>(&zero), 4},
                                     definition.initial_value);
      if (!set) return std::unexpected(std::move(set.error()));
    }
    if (definition.readonly) (*map)->freeze();
    if (definition.type == kMapProgArray) {
      // Entries point to programs in programs_, which live as long as the
      // instance: nothing to release.
      static_cast<ProgArrayMap*>(map->get())->set_release([](const void*) {});
    }
    MapBinding binding;
    binding.handle = map->get();
    const std::span<uint8_t> direct = (*map)->direct_value();
    binding.direct_value = direct.empty() ? nullptr : direct.data();
    binding.value_size = direct.size();
    binding.writable = !definition.readonly;
    bind_array_layout(**map, binding);  // the JIT may compile its lookups inline
    if (!direct.empty())
      global_regions_.push_back(
          MemoryRegion{reinterpret_cast<uint64_t>(direct.data()), direct.size(), binding.writable});
    bindings_.push_back(binding);
    maps_.push_back(std::move(*map));
  }

  helper_table_ = platform_->helpers().function_table();
  environment_.helpers = helper_table_;
  environment_.maps = bindings_;
  environment_.host_data = options_.host_data;
  environment_.array_lookup = &bpf_map_lookup_elem;

  const ContextKind kind = context_kind(*type_);
  if (kind == ContextKind::kXdp || kind == ContextKind::kSkb) {
    packet_stride_ = packet_slot_bytes(options_.max_packet_bytes);
    auto memory = LowMemory::allocate(packet_stride_ * slots);
    if (!memory) return std::unexpected(std::move(memory.error()));
    packet_memory_ = std::make_unique<LowMemory>(std::move(*memory));
  }
  return {};
}

Result<const InstanceProgram*> Instance::prepare(const ObjectProgram& source) {
  if (source.load_error)
    return std::unexpected(
        with_program(*source.load_error, object_.path, source.section, source.function));
  // CO-RE relocations resolved against the platform's context layouts,
  // exactly as the verifier sees them (verifier/object_verify.hpp).
  auto patched = resolve_core_relocations(source, *type_);
  if (!patched)
    return std::unexpected(
        with_program(patched.error(), object_.path, source.section, source.function));
  auto program = Program::decode(*patched);
  if (!program)
    return std::unexpected(
        with_program(program.error(), object_.path, source.section, source.function));
  program->name = source.name();
  program->line_info = source.line_info;
  auto prepared = prepare(std::move(*program), source.name());
  if (!prepared)
    return std::unexpected(
        with_program(prepared.error(), object_.path, source.section, source.function));
  return prepared;
}

Result<const InstanceProgram*> Instance::prepare(Program program, const std::string& name) {
  if (auto implemented = check_helpers_implemented(program, *platform_); !implemented)
    return std::unexpected(std::move(implemented.error()));

  if ((options_.blind_constants || options_.spectre_v1) && options_.engine != Engine::kJit)
    return make_error(ErrorKind::kUsage,
                      "constant blinding and Spectre v1 masking harden JIT-compiled code: use the jit engine");
  if (options_.spectre_v1 && !options_.verify)
    return make_error(ErrorKind::kUsage,
                      "Spectre v1 masking needs a verified program: its masks are the bounds the "
                      "verifier proved");

  InstanceProgram prepared;
  prepared.name = name;
  const TerminationPolicy policy =
      options_.verify_options.termination.value_or(platform_->default_termination());
  const uint64_t budget =
      options_.instruction_budget != 0 ? options_.instruction_budget : kDefaultInstructionBudget;
  if (options_.verify) {
    VerifierInput input{&program, platform_.get(), type_, object_.maps};
    VerifyOptions verify_options = options_.verify_options;
    verify_options.termination = policy;
    auto verdict = verify(input, verify_options);
    if (!verdict) return std::unexpected(std::move(verdict.error()));
    if (!verdict->accepted) {
      const VerifierDiagnostic& first = verdict->errors.front();
      Error error{ErrorKind::kVerify, first.message, {}};
      error.where.instruction = first.insn;
      error.where.source = first.source;
      return std::unexpected(std::move(error));
    }
    prepared.verification = std::move(*verdict);
    prepared.mode = ExecMode::kFast;
    prepared.budget = policy == TerminationPolicy::kBudget ? budget : 0;
  } else {
    prepared.mode = options_.unverified_mode;
    // Unverified checked code always has a budget; trusted fast code only
    // when the host asked for one.
    prepared.budget = prepared.mode == ExecMode::kChecked || options_.instruction_budget != 0
                          ? budget
                          : 0;
  }

  const StackRules& stack = platform_->stack();
  if (options_.engine == Engine::kJit) {
    JitOptions jit_options;
    jit_options.mode = prepared.mode;
    jit_options.stack_per_frame = stack.per_frame;
    jit_options.max_call_depth = stack.max_call_depth;
    jit_options.blind_constants = options_.blind_constants;
    jit_options.spectre_v1 = options_.spectre_v1;
    jit_options.inline_map_lookups = options_.inline_map_lookups;
    if (prepared.verification)
      jit_options.facts = std::make_shared<const VerifiedFacts>(prepared.verification->facts);
    auto jit = JitProgram::compile(program, environment_, jit_options);
    if (!jit) return std::unexpected(std::move(jit.error()));
    prepared.jit = std::make_unique<JitProgram>(std::move(*jit));
  } else {
    InterpreterOptions interpreter_options;
    interpreter_options.stack_per_frame = stack.per_frame;
    interpreter_options.max_call_depth = stack.max_call_depth;
    auto interpreter = Interpreter::create(program, interpreter_options);
    if (!interpreter) return std::unexpected(std::move(interpreter.error()));
    prepared.interpreter.emplace(std::move(*interpreter));
  }
  prepared.program = std::move(program);

  std::lock_guard<std::mutex> hold(programs_lock_);
  programs_.push_back(std::move(prepared));
  return &programs_.back();
}

Result<uint64_t> Instance::run_prepared(const uint64_t args[5],
                                        std::span<const MemoryRegion> regions,
                                        const uint8_t* packet, uint64_t packet_size,
                                        uint32_t slot, RunStats* stats) {
  RunRegions known{regions};
  RunServices services;
  services.slot = slot;
  services.host = &options_.host;
  services.random = &random_[slot];
  services.tail_call.limit = platform_->stack().max_tail_calls;
  services.memory = MemoryProbe{&probe_regions, &known};
  services.packet = packet;
  services.packet_size = packet_size;

  RunInput input;
  std::copy(args, args + 5, input.args);
  input.regions = regions;
  input.packet = packet;
  input.packet_size = packet_size;
  input.run_data = &services;

  EpochDomain::RunGuard guard(*epochs_, slot);
  const InstanceProgram* current = entry_;
  uint64_t total_instructions = 0;
  for (;;) {
    services.check_arguments = current->mode == ExecMode::kChecked;
    services.handles = CheckedHandles{};
    RunLimits limits;
    limits.instruction_budget = current->budget;
    RunStats one;
    const Interpreter* counting = nullptr;
    if (stats != nullptr && current->jit && current->mode == ExecMode::kFast) {
      std::call_once(current->counting->once, [&] {
        InterpreterOptions interpreter_options;
        interpreter_options.stack_per_frame = platform_->stack().per_frame;
        interpreter_options.max_call_depth = platform_->stack().max_call_depth;
        if (auto made = Interpreter::create(current->program, interpreter_options))
          current->counting->interpreter.emplace(std::move(*made));
      });
      if (current->counting->interpreter) counting = &*current->counting->interpreter;
    }
    auto r0 = counting != nullptr
                  ? counting->run(environment_, input, current->mode, limits, &one)
              : current->jit ? current->jit->run(environment_, input, limits, &one)
                             : current->interpreter->run(environment_, input, current->mode, limits,
                                                         stats != nullptr ? &one : nullptr);
    total_instructions += one.instructions;
    if (!r0) {
      Error error = std::move(r0.error());
      if (error.where.file.empty()) error.where.file = object_.path;
      if (error.where.function.empty() && !bare_program_) {
        const size_t slash = current->name.find('/');
        error.where.section = current->name.substr(0, slash);
        error.where.function = slash == std::string::npos ? "" : current->name.substr(slash + 1);
      }
      return std::unexpected(std::move(error));
    }
    if (services.tail_call.next_program == nullptr) {
      if (stats != nullptr) stats->instructions = total_instructions;
      return *r0;
    }
    // bpf_tail_call ended the program: run the target with the same
    // context and arguments (r1 is the context; the others are as at entry).
    current = static_cast<const InstanceProgram*>(services.tail_call.next_program);
    services.tail_call.next_program = nullptr;
  }
}

Result<uint64_t> Instance::run_memory(std::span<uint8_t> memory, RunStats* stats) {
  if (context_kind(*type_) != ContextKind::kMemory)
    return make_error(ErrorKind::kUsage,
                      fmt::format("program type {} takes a context, not memory: use run_context "
                                  "or run_packet",
                                  type_->name));
  const auto slot = slot_pool_->acquire(options_.when_busy);
  if (!slot) return make_error(ErrorKind::kRuntime, "every slot of the instance is busy");
  SlotLease lease(*slot_pool_, *slot);
  RegionList regions(global_regions_);
  if (!memory.empty())
    regions.push_back({reinterpret_cast<uint64_t>(memory.data()), memory.size(), true});
  const uint64_t args[5] = {memory.empty() ? 0 : reinterpret_cast<uint64_t>(memory.data()),
                            memory.size(), 0, 0, 0};
  return run_prepared(args, regions.span(), memory.empty() ? nullptr : memory.data(),
                      memory.size(), *slot, stats);
}

Result<uint64_t> Instance::run_context(void* context, std::span<const MemoryRegion> extra_regions,
                                       RunStats* stats) {
  const ContextKind kind = context_kind(*type_);
  if (kind == ContextKind::kMemory)
    return make_error(ErrorKind::kUsage, "the generic program type takes memory: use run_memory");
  if (context == nullptr && type_->context.size != 0)
    return make_error(ErrorKind::kUsage,
                      fmt::format("program type {} needs a {} context", type_->name,
                                  type_->context.c_type));
  const auto slot = slot_pool_->acquire(options_.when_busy);
  if (!slot) return make_error(ErrorKind::kRuntime, "every slot of the instance is busy");
  SlotLease lease(*slot_pool_, *slot);

  RegionList regions(global_regions_);
  const auto* bytes = static_cast<const uint8_t*>(context);
  if (type_->context.size != 0)
    regions.push_back({reinterpret_cast<uint64_t>(context), type_->context.size, true});
  // The packet the context's 8-byte pointer fields describe.
  uint64_t data = 0, data_end = 0, meta = 0;
  for (const ContextPointerField& field : type_->context.pointers) {
    if (field.width != 8) continue;
    uint64_t value;
    std::memcpy(&value, bytes + field.offset, 8);
    if (field.kind == ContextPointerKind::kPacketData) data = value;
    if (field.kind == ContextPointerKind::kPacketEnd) data_end = value;
    if (field.kind == ContextPointerKind::kPacketMeta) meta = value;
  }
  const uint64_t begin = meta != 0 && meta <= data ? meta : data;
  if (data != 0 && data_end > begin) regions.push_back({begin, data_end - begin, true});
  regions.append(extra_regions);
  const uint64_t args[5] = {reinterpret_cast<uint64_t>(context), 0, 0, 0, 0};
  const auto* packet = data != 0 && data_end > data ? reinterpret_cast<const uint8_t*>(data) : nullptr;
  return run_prepared(args, regions.span(), packet, packet != nullptr ? data_end - data : 0, *slot,
                      stats);
}

Result<PacketRunResult> Instance::run_packet(std::span<const uint8_t> packet, RunStats* stats) {
  const ContextKind kind = context_kind(*type_);
  if (kind != ContextKind::kXdp && kind != ContextKind::kSkb)
    return make_error(ErrorKind::kUsage,
                      fmt::format("program type {} does not take a packet", type_->name));
  if (packet.size() > options_.max_packet_bytes)
    return make_error(ErrorKind::kUsage,
                      fmt::format("the packet has {} bytes; the instance takes at most {}",
                                  packet.size(), options_.max_packet_bytes));
  if (kind == ContextKind::kSkb && packet.size() < kEthernetHeader)
    return make_error(ErrorKind::kUsage,
                      fmt::format("the packet has {} bytes, less than an Ethernet header ({})",
                                  packet.size(), kEthernetHeader));
  const auto slot = slot_pool_->acquire(options_.when_busy);
  if (!slot) return make_error(ErrorKind::kRuntime, "every slot of the instance is busy");
  SlotLease lease(*slot_pool_, *slot);

  uint8_t* buffer = packet_memory_->data() + packet_stride_ * *slot;
  const PacketFrame frame = kind == ContextKind::kXdp
                                ? prepare_xdp(buffer, packet)
                                : prepare_skb(buffer, packet, skb_sees_link_layer(*type_));
  RegionList regions(global_regions_);
  regions.append(frame.regions);
  const uint64_t args[5] = {reinterpret_cast<uint64_t>(frame.context), 0, 0, 0, 0};
  const bool legacy = type_->legacy_packet_access;
  auto r0 = run_prepared(args, regions.span(), legacy ? frame.legacy_packet : nullptr,
                         legacy ? frame.legacy_packet_size : 0, *slot, stats);
  if (!r0) return std::unexpected(std::move(r0.error()));
  PacketRunResult result;
  result.r0 = *r0;
  const std::span<const uint8_t> after = packet_after_run(frame, kind);
  result.packet.assign(after.begin(), after.end());
  return result;
}

const std::string& Instance::program_name() const { return entry_->name; }
const ProgramType& Instance::program_type() const { return *type_; }
const Program& Instance::program() const { return entry_->program; }
bool Instance::verified() const { return entry_->verification.has_value(); }
ExecMode Instance::mode() const { return entry_->mode; }
const VerifyResult* Instance::verification() const {
  return entry_->verification ? &*entry_->verification : nullptr;
}
uint32_t Instance::slots() const { return slot_pool_->size(); }

Map* Instance::map(std::string_view name) {
  for (auto& map : maps_)
    if (map->name() == name) return map.get();
  return nullptr;
}

uint64_t Instance::map_memory_used() const { return budget_->used(); }

Result<std::shared_ptr<Map>> Instance::create_map(const MapDefinition& definition) {
  auto map = Map::create(definition, MapEnvironment{epochs_.get(), budget_.get(), slots()});
  if (!map) return std::unexpected(std::move(map.error()));
  return std::shared_ptr<Map>(std::move(*map));
}

std::vector<std::string> Instance::program_names() const {
  std::vector<std::string> names;
  for (const ObjectProgram& p : object_.programs) names.push_back(p.name());
  return names;
}

Result<void> Instance::set_tail_call(std::string_view map_name, uint32_t index,
                                     std::string_view program_name) {
  Map* target_map = map(map_name);
  if (target_map == nullptr)
    return make_error(ErrorKind::kUsage, fmt::format("the object has no map named '{}'", map_name));
  if (target_map->definition().type != kMapProgArray)
    return make_error(ErrorKind::kUsage,
                      fmt::format("map '{}' is a {} map, not a prog_array", map_name,
                                  map_type_name(target_map->definition().type)));
  std::string why;
  const ObjectProgram* source = find_program(object_, program_name, why);
  if (source == nullptr) return make_error(ErrorKind::kUsage, why);
  const InstanceProgram* prepared = nullptr;
  {
    std::lock_guard<std::mutex> hold(programs_lock_);
    for (const InstanceProgram& p : programs_)
      if (p.name == source->name()) prepared = &p;
  }
  if (prepared == nullptr) {
    auto made = prepare(*source);
    if (!made) return std::unexpected(std::move(made.error()));
    prepared = *made;
  }
  return static_cast<ProgArrayMap*>(target_map)->set_program(index, prepared);
}

}  // namespace sandbpf
