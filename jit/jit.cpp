// The JIT driver: option checks, lowering (and the hardening rewrites),
// the backend, publishing the code W^X, and running it: the run state, the
// RunContext helpers see (callbacks run JIT code), checked-mode access
// checks, and turning what the code recorded into the interpreter's errors.
//
// Instruction budgets (the rule, which gives the interpreter's results):
//   * checked mode counts every instruction of the program as loaded. The
//     code charges each budget block at its entry (sub remaining, N). A
//     block ends after any instruction that can stop the run or touch
//     memory (loads, stores, atomics, lddw with a lookup, packet loads,
//     calls, jumps, exit), so when the charge does not fit, the k-th
//     instruction of the block (k = what remained) is where the interpreter
//     runs out, and nothing before it in the block could have failed or
//     written memory: the error names that instruction, and the count is
//     budget + 1, as the interpreter's.
//   * fast mode with a budget charges taken backward jumps (their distance)
//     and calls (1): the budget rewrite (jit/rewrites/instruction_budget.hpp)
//     writes those charges in BPF before the backend runs, so every backend
//     has them; its code is a second variant compiled on the first run that
//     asks for a budget. Its exit records the call's helper id or r10, so
//     that absorb() reports an unknown helper or the call depth first, in
//     the interpreter's order.
#include "jit/jit.hpp"

#include <algorithm>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <mutex>
#include <optional>
#include <vector>

#include "jit/backend.hpp"
#include "jit/executable_memory.hpp"
#include "jit/lowered_program.hpp"
#include "jit/rewrites/constant_blinding.hpp"
#include "jit/rewrites/instruction_budget.hpp"
#include "jit/rewrites/map_lookup_inline.hpp"
#include "jit/rewrites/spectre_v1.hpp"
#include "jit/run_state.hpp"

namespace sandbpf {

namespace {

struct AccessInfo {
  uint8_t width = 0;
  bool write = false;
  bool atomic = false;
};

struct CompiledVariant {
  LoweredProgram lowered;  // what this variant's code was compiled from
  ExecutableMemory memory;
  TrampolineFunction trampoline = nullptr;
  std::vector<const void*> function_code;  // per LoweredProgram::function_entries
  std::vector<uint32_t> slot_offsets;
  size_t call_sites = 0;
  size_t direct_call_sites = 0;
};

}  // namespace

struct CompiledCode {
  Program program;
  JitOptions options;
  std::vector<HelperFunction> helpers;  // bound at compile time; the code points into it
  std::vector<AccessInfo> access;       // per lowered slot
  std::vector<InlineArrayLookup> lookups;  // per instruction as loaded: calls compiled inline
  // The maps whose layout the code embeds: index and handle at compile time.
  std::vector<std::pair<size_t, const void*>> inlined_maps;
  CompiledVariant main;
  mutable std::once_flag budget_once;
  mutable std::optional<CompiledVariant> budget_variant;  // fast mode with a budget
  mutable std::optional<Error> budget_error;
  std::vector<uint32_t> instruction_offsets;  // by pc as loaded, in main
};

namespace {

bool check_access(JitRunState* state, uint32_t pc, uint64_t address, uint64_t frame);

BackendOptions backend_options(const CompiledCode& c) {
  BackendOptions backend;
  backend.mode = c.options.mode;
  backend.stack_per_frame = c.options.stack_per_frame;
  backend.max_call_depth = c.options.max_call_depth;
  backend.helpers = c.helpers;
  backend.check_access = &check_access;
  backend.spectre_v1 = c.options.spectre_v1;
  return backend;
}

// Where each instruction of the program as loaded starts in the code.
std::vector<uint32_t> instruction_offsets_of(const Program& program, const LoweredProgram& lowered,
                                             std::span<const uint32_t> slot_offsets,
                                             size_t code_size) {
  std::vector<uint32_t> offsets;
  for (size_t pc = 0, slot = 0; pc < program.size(); ++pc) {
    while (slot < lowered.size() && lowered.origin[slot] < pc) ++slot;
    offsets.push_back(slot < lowered.size() ? slot_offsets[slot] : static_cast<uint32_t>(code_size));
  }
  return offsets;
}

// Which calls compile inline, per instruction as loaded: fast mode, the
// option on, the verifier's facts naming the map in r1, the call's helper
// the Environment's array lookup, and the map a plain array with a fixed
// layout (map_lookup_inline.hpp).
std::vector<InlineArrayLookup> array_lookups(const Program& program, const Environment& environment,
                                             const JitOptions& options) {
  std::vector<InlineArrayLookup> lookups(program.size());
  if (options.mode != ExecMode::kFast || !options.inline_map_lookups || !options.facts ||
      environment.array_lookup == nullptr)
    return lookups;
  const std::vector<int32_t>& maps = options.facts->call_map_arguments;
  if (maps.size() != program.size()) return lookups;
  for (size_t pc = 0; pc < program.size(); ++pc) {
    if (program.op(pc) != Op::CallHelper || maps[pc] < 0) continue;
    const auto index = static_cast<size_t>(maps[pc]);
    if (environment.helper(static_cast<uint32_t>(program.insns()[pc].imm)) != environment.array_lookup ||
        index >= environment.maps.size())
      continue;
    const MapBinding& map = environment.maps[index];
    if (map.array_values == nullptr) continue;
    lookups[pc] = {reinterpret_cast<uint64_t>(map.array_values), map.array_stride, map.array_entries};
  }
  return lookups;
}

// The program as the backend sees it: the rewrites, in their order
// (jit/README.md): inlined map lookups, constant blinding, Spectre v1
// masking, then the budget's charges (fast mode with a budget), each over
// the previous one's output.
LoweredProgram lower(const Program& program, const JitOptions& options,
                     std::span<const InlineArrayLookup> lookups, bool charge_budget) {
  LoweredProgram lowered = LoweredProgram::from(program);
  const bool any_lookup = std::any_of(lookups.begin(), lookups.end(),
                                      [](const InlineArrayLookup& l) { return l.values != 0; });
  if (any_lookup)
    lowered = inline_map_lookups(lowered, lookups,
                                 {.mask_index = options.spectre_v1, .charge_budget = charge_budget});
  if (options.blind_constants) lowered = blind_constants(lowered, options.blinding_seed);
  if (options.spectre_v1 && options.facts) {
    const std::vector<PointerOffsetLimit> limits =
        lowered.per_slot<PointerOffsetLimit>(options.facts->pointer_offset_limits);
    lowered = mask_pointer_offsets(lowered, limits);
  }
  if (charge_budget) lowered = charge_instruction_budget(lowered);
  return lowered;
}

Result<CompiledVariant> build_variant(const CompiledCode& c, LoweredProgram lowered) {
  auto machine = compile_machine_code(*host_arch(), lowered, backend_options(c));
  if (!machine) return std::unexpected(std::move(machine.error()));
  if (machine->bytes.size() > c.options.max_code_bytes)
    return make_error(ErrorKind::kUsage,
                      fmt::format("the machine code ({} bytes) exceeds the limit of {} bytes",
                                  machine->bytes.size(), c.options.max_code_bytes));
  CompiledVariant variant;
  variant.call_sites = machine->relocations.size();
  ExecutableMemory::Relocate relocate;
  if (c.options.direct_calls)
    relocate = [&](std::span<uint8_t> bytes, uintptr_t address) {
      variant.direct_call_sites = apply_call_relocations(bytes, address, machine->relocations);
    };
  auto memory = ExecutableMemory::publish(machine->bytes, ExecutableMemory::Method::kAuto, relocate);
  if (!memory) return std::unexpected(std::move(memory.error()));
  variant.lowered = std::move(lowered);
  variant.memory = std::move(*memory);
  const uint8_t* base = variant.memory.data();
  variant.trampoline = reinterpret_cast<TrampolineFunction>(
      reinterpret_cast<uintptr_t>(base + machine->trampoline_offset));
  for (uint32_t offset : machine->function_offsets) variant.function_code.push_back(base + offset);
  variant.slot_offsets = std::move(machine->slot_offsets);
  return variant;
}

// The interpreter's checks (interpreter.cpp), with the same messages.
bool region_allows(const std::vector<MemoryRegion>& regions, uint64_t address, uint64_t size,
                   bool write) {
  for (const MemoryRegion& r : regions)
    if (address >= r.base && size <= r.size && address - r.base <= r.size - size)
      if (!write || r.writable) return true;
  return false;
}

bool region_contains_readonly(const std::vector<MemoryRegion>& regions, uint64_t address,
                              uint64_t size) {
  for (const MemoryRegion& r : regions)
    if (address >= r.base && size <= r.size && address - r.base <= r.size - size && !r.writable)
      return true;
  return false;
}

class JitRun final : public RunContext {
 public:
  JitRun(const CompiledCode& code, const CompiledVariant& variant, const Environment& env,
         uint64_t limit)
      : code_(code), variant_(variant), env_(env), limit_(limit) {
    state.context = this;
    state.owner = this;
  }

  // Runs the function whose code is `fn` with r10 = frame_top.
  uint64_t enter(const void* fn, const uint64_t* args, uint64_t frame_top) {
    const uint64_t saved_frame_top = state.frame_top;
    const uint64_t saved_frame = state.frame;
    state.frame_top = frame_top;
    const uint64_t r0 = variant_.trampoline(&state, args, fn);
    absorb(state.raw_error);
    state.frame_top = saved_frame_top;
    state.frame = saved_frame;
    return r0;
  }

  // Frames in use beyond the entry frame when the code called a helper.
  uint64_t depth() const { return (stack_top - state.frame) / code_.options.stack_per_frame; }

  uint64_t call_function(uint64_t function, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                         uint64_t r5) override {
    if (error || ended) return 0;
    const auto entries = code_.program.function_entries();
    if (!is_function_ref(function) ||
        !std::binary_search(entries.begin(), entries.end(), function_ref_pc(function))) {
      fail(fmt::format("a helper was given 0x{:x}, which is not a function of the program",
                       function));
      return 0;
    }
    if (depth() + 1 >= code_.options.max_call_depth) {
      fail(fmt::format("callback: call depth exceeds the limit of {} frames",
                       code_.options.max_call_depth));
      return 0;
    }
    const auto& lowered_entries = variant_.lowered.function_entries;
    const auto slot = static_cast<uint32_t>(variant_.lowered.slot_of(function_ref_pc(function)));
    const auto index = static_cast<size_t>(
        std::lower_bound(lowered_entries.begin(), lowered_entries.end(), slot) -
        lowered_entries.begin());
    const uint64_t args[5] = {r1, r2, r3, r4, r5};
    const uint64_t r0 = enter(variant_.function_code[index], args,
                              state.frame - code_.options.stack_per_frame);
    return error || ended ? 0 : r0;
  }

  void allow_region(const void* address, uint64_t size, bool writable) override {
    if (code_.options.mode == ExecMode::kChecked)
      regions.push_back({reinterpret_cast<uint64_t>(address), size, writable});
  }

  void fail(std::string message) override {
    if (!error) error = Error{ErrorKind::kRuntime, std::move(message), {}};
    state.stop = 1;
  }

  // Ends the program with r0 = 0 once the helper returns (tail calls).
  void end_program() override {
    ended = true;
    state.stop = 1;
  }

  // A run that ended early (a packet load out of bounds, end_program) looks
  // failed to helpers, so that they stop and return at once.
  bool failed() const override { return error.has_value() || ended; }
  void* run_data() const override { return run_data_; }
  const Environment& environment() const override { return env_; }
  // At a helper call, state.frame is the calling function's r10.
  uint64_t accessible_bytes(uint64_t address, uint64_t max, bool write) const override {
    const uint64_t bottom = state.frame - code_.options.stack_per_frame;
    const MemoryRegion stack{bottom, stack_top - bottom, true};
    const uint64_t on_stack = bytes_in_regions({&stack, 1}, address, max, write);
    if (on_stack != 0 || code_.options.mode != ExecMode::kChecked) return on_stack;
    return bytes_in_regions(regions, address, max, write);
  }

  void fail_at(size_t lowered_pc, std::string message) {
    if (error) return;
    Location where;
    where.instruction = variant_.lowered.origin[lowered_pc];
    error = Error{ErrorKind::kRuntime, std::move(message), std::move(where)};
  }

  bool check(uint32_t pc, uint64_t address, uint64_t frame) {
    const AccessInfo& access = code_.access[pc];
    const size_t origin = variant_.lowered.origin[pc];
    const Insn& in = code_.program.insns()[origin];
    const std::string_view mnemonic = code_.program.row(origin).mnemonic;
    if (access.atomic && address % access.width != 0) {
      fail_at(pc, fmt::format("{}: atomic access of {} bytes at r{}{:+d} is not aligned to {} bytes",
                              mnemonic, access.width, in.dst, in.off, access.width));
      return false;
    }
    if (stack_allows(address, access.width, frame) ||
        region_allows(regions, address, access.width, access.write))
      return true;
    const bool readonly = access.write && region_contains_readonly(regions, address, access.width);
    fail_at(pc, fmt::format("{}: {} of {} bytes at r{}{:+d}{}", mnemonic,
                            access.write ? "write" : "read", access.width,
                            access.write ? in.dst : in.src, in.off,
                            readonly ? " is to read-only memory" : " is out of bounds"));
    return false;
  }

  uint64_t count() const { return initial_remaining - state.remaining; }

  JitRunState state;
  uint64_t stack_top = 0;
  uint64_t initial_remaining = 0;
  std::vector<MemoryRegion> regions;
  std::optional<Error> error;
  bool ended = false;
  bool budget_exhausted = false;
  void* run_data_ = nullptr;

 private:
  // The live frames: the current one (r10 = frame) and its callers'.
  bool stack_allows(uint64_t address, uint64_t size, uint64_t frame) const {
    const uint64_t bottom = frame - code_.options.stack_per_frame;
    const uint64_t live = stack_top - bottom;
    return address >= bottom && size <= live && address - bottom <= live - size;
  }

  // What the code recorded before unwinding, as the interpreter reports it.
  void absorb(RawError raw) {
    if (raw == RawError::kNone) return;
    state.raw_error = RawError::kNone;
    const LoweredProgram& lowered = variant_.lowered;
    size_t pc = state.error_pc;
    const Insn& in = code_.program.insns()[lowered.origin[pc]];
    const uint64_t index = static_cast<uint32_t>(in.imm);
    switch (raw) {
      case RawError::kNone:
      case RawError::kRecorded:
        break;
      case RawError::kPacketEnd:
        ended = true;
        break;
      case RawError::kHelperStopped:
        if (!ended && error && !error->where.instruction)
          error->where.instruction = lowered.origin[pc];
        break;
      case RawError::kBudgetBlock:
        // The block could not be charged: `remaining` (restored to what it
        // was at the block's entry) instructions of it ran; the next one
        // is where the budget ran out.
        for (uint64_t k = state.remaining;; ++pc) {
          if (lowered.tail[pc] || !lowered.counted[pc]) continue;
          if (k == 0) break;
          --k;
        }
        [[fallthrough]];
      case RawError::kBudgetAt:
        if (const auto first = raw == RawError::kBudgetAt ? error_before_charge(in, pc) : std::nullopt) {
          fail_at(pc, *first);
          break;
        }
        budget_exhausted = true;
        fail_at(pc, fmt::format("instruction budget of {} exhausted", limit_));
        break;
      case RawError::kCallDepth:
        fail_at(pc, fmt::format("call local: call depth exceeds the limit of {} frames",
                                code_.options.max_call_depth));
        break;
      case RawError::kUnknownHelper:
        fail_at(pc, fmt::format("call {}: unknown helper id {}", in.imm, index));
        break;
      case RawError::kUnknownHelperReg:
        fail_at(pc, fmt::format("call %r{}: unknown helper id {}", in.dst, state.error_value));
        break;
      case RawError::kMapMissing:
        fail_at(pc, fmt::format("lddw: map {} does not exist (the program has {} maps)", index,
                                env_.maps.size()));
        break;
      case RawError::kMapValueMissing: {
        const uint64_t offset =
            static_cast<uint32_t>(code_.program.insns()[lowered.origin[pc] + 1].imm);
        fail_at(pc, fmt::format("lddw: map {} has no value at offset {} for direct access", index,
                                offset));
        break;
      }
      case RawError::kVariableMissing:
        fail_at(pc, fmt::format("lddw: host variable {} does not exist", index));
        break;
    }
    if (error || ended) state.stop = 1;
  }

  // What the interpreter reports before charging the call `in` (as
  // loaded) when the budget runs out there: an unknown helper, or the call
  // depth (the budget rewrite's exit recorded callx's register or r10).
  std::optional<std::string> error_before_charge(const Insn& in, size_t pc) const {
    const Op op = code_.program.op(variant_.lowered.origin[pc]);
    const auto known = [&](uint64_t id) {
      return id < code_.helpers.size() && code_.helpers[id] != nullptr;
    };
    if (op == Op::CallHelper && !known(static_cast<uint32_t>(in.imm)))
      return fmt::format("call {}: unknown helper id {}", in.imm, static_cast<uint32_t>(in.imm));
    if (op == Op::CallReg && !known(state.error_value))
      return fmt::format("call %r{}: unknown helper id {}", in.dst, state.error_value);
    if (op == Op::CallLocal && state.error_value <= state.frame_floor)
      return fmt::format("call local: call depth exceeds the limit of {} frames",
                         code_.options.max_call_depth);
    return std::nullopt;
  }

  const CompiledCode& code_;
  const CompiledVariant& variant_;
  const Environment& env_;
  uint64_t limit_;
};

bool check_access(JitRunState* state, uint32_t pc, uint64_t address, uint64_t frame) {
  auto* run = static_cast<JitRun*>(state->owner);
  if (run->check(pc, address, frame)) return true;
  state->raw_error = RawError::kRecorded;
  return false;
}

std::vector<AccessInfo> access_table(const LoweredProgram& lowered) {
  std::vector<AccessInfo> table(lowered.size());
  for (size_t pc = 0; pc < lowered.size(); ++pc) {
    if (lowered.tail[pc]) continue;
    const InsnInfo& row = lowered.row(pc);
    table[pc].width = row.width;
    table[pc].write = row.form == Form::StoreImm || row.form == Form::StoreReg ||
                      row.form == Form::Atomic;
    table[pc].atomic = row.form == Form::Atomic;
  }
  return table;
}

// Spectre v1 masking needs what the verifier proved about this program.
Result<void> validate_hardening(const Program& program, const JitOptions& options) {
  if (!options.spectre_v1) return {};
  if (!options.facts)
    return make_error(ErrorKind::kUsage,
                      "Spectre v1 masking needs the verifier's facts: verify the program first");
  if (options.facts->pointer_offset_limits.size() != program.size())
    return make_error(ErrorKind::kUsage,
                      "Spectre v1 masking was given facts about another program (their size differs)");
  return {};
}

// Stacks up to this size live on the host stack; larger ones on the heap.
constexpr size_t kInlineStackBytes = 16 * 1024;

}  // namespace

bool jit_available() { return host_arch().has_value(); }

JitProgram::JitProgram(std::unique_ptr<CompiledCode> code) : code_(std::move(code)) {}
JitProgram::JitProgram(JitProgram&&) noexcept = default;
JitProgram& JitProgram::operator=(JitProgram&&) noexcept = default;
JitProgram::~JitProgram() = default;

Result<JitProgram> JitProgram::compile(const Program& program, const Environment& environment,
                                       const JitOptions& options) {
  if (!jit_available())
    return make_error(ErrorKind::kUsage, "the jit has no backend for this host's architecture");
  if (auto valid = validate_frame_options(options.stack_per_frame, options.max_call_depth); !valid)
    return std::unexpected(valid.error());
  if (auto valid = validate_hardening(program, options); !valid) return std::unexpected(valid.error());

  auto code = std::make_unique<CompiledCode>();
  code->program = program;
  code->options = options;
  code->helpers.assign(environment.helpers.begin(), environment.helpers.end());
  code->lookups = array_lookups(program, environment, options);
  for (size_t pc = 0; pc < program.size(); ++pc) {
    if (code->lookups[pc].values == 0) continue;
    const auto index = static_cast<size_t>(options.facts->call_map_arguments[pc]);
    const std::pair<size_t, const void*> map{index, environment.maps[index].handle};
    if (std::find(code->inlined_maps.begin(), code->inlined_maps.end(), map) == code->inlined_maps.end())
      code->inlined_maps.push_back(map);
  }
  auto main = build_variant(*code, lower(program, options, code->lookups, false));
  if (!main) return std::unexpected(std::move(main.error()));
  code->main = std::move(*main);
  code->access = access_table(code->main.lowered);
  code->instruction_offsets = instruction_offsets_of(program, code->main.lowered,
                                                     code->main.slot_offsets,
                                                     code->main.memory.size());
  return JitProgram(std::move(code));
}

Result<MachineCodeListing> compile_listing(const Program& program, const Environment& environment,
                                           const JitOptions& options, JitArch arch) {
  if (auto valid = validate_frame_options(options.stack_per_frame, options.max_call_depth); !valid)
    return std::unexpected(valid.error());
  if (auto valid = validate_hardening(program, options); !valid) return std::unexpected(valid.error());
  CompiledCode code;
  code.options = options;
  code.helpers.assign(environment.helpers.begin(), environment.helpers.end());
  const LoweredProgram lowered =
      lower(program, options, array_lookups(program, environment, options), false);
  auto machine = compile_machine_code(arch, lowered, backend_options(code));
  if (!machine) return std::unexpected(std::move(machine.error()));
  MachineCodeListing listing;
  listing.instruction_offsets = instruction_offsets_of(program, lowered, machine->slot_offsets,
                                                       machine->bytes.size());
  listing.bytes = std::move(machine->bytes);
  return listing;
}

Result<uint64_t> JitProgram::run(const Environment& environment, const RunInput& input,
                                 const RunLimits& limits, RunStats* stats) const {
  const CompiledCode& c = *code_;
  const bool checked = c.options.mode == ExecMode::kChecked;
  const uint64_t budget = limits.instruction_budget;
  const CompiledVariant* variant = &c.main;
  if (!checked && budget != 0) {
    std::call_once(c.budget_once, [&c] {
      auto built = build_variant(c, lower(c.program, c.options, c.lookups, true));
      if (built) c.budget_variant.emplace(std::move(*built));
      else c.budget_error = std::move(built.error());
    });
    if (c.budget_error) return std::unexpected(*c.budget_error);
    variant = &*c.budget_variant;
  }

  // Inlined lookups read the compile-time maps' values directly.
  for (const auto& [index, handle] : c.inlined_maps)
    if (index >= environment.maps.size() || environment.maps[index].handle != handle)
      return make_error(ErrorKind::kUsage,
                        fmt::format("map {} is not the map the code was compiled with (its lookups "
                                    "were compiled inline)",
                                    index));

  JitRun run(c, *variant, environment,
             budget != 0 ? budget : std::numeric_limits<uint64_t>::max());
  const size_t stack_bytes = static_cast<size_t>(c.options.stack_per_frame) * c.options.max_call_depth;
  alignas(16) uint8_t inline_stack[kInlineStackBytes];
  std::vector<uint8_t> heap_stack;
  uint8_t* stack = inline_stack;
  if (stack_bytes > kInlineStackBytes) {
    heap_stack.assign(stack_bytes + 16, 0);
    stack = heap_stack.data() + (16 - reinterpret_cast<uintptr_t>(heap_stack.data()) % 16) % 16;
  }
  run.stack_top = reinterpret_cast<uint64_t>(stack + stack_bytes);
  if (checked) {
    // As the interpreter: unverified programs reading stack they never
    // wrote see zeros.
    std::memset(stack, 0, stack_bytes);
    run.regions.assign(input.regions.begin(), input.regions.end());
  }

  JitRunState& state = run.state;
  state.remaining = budget != 0 ? budget : std::numeric_limits<uint64_t>::max();
  run.initial_remaining = state.remaining;
  run.run_data_ = input.run_data;
  state.packet = input.packet;
  state.packet_size = input.packet != nullptr ? input.packet_size : 0;
  state.maps = environment.maps.data();
  state.map_count = environment.maps.size();
  state.variables = environment.variables.data();
  state.variable_count = environment.variables.size();

  state.frame = run.stack_top;
  state.frame_floor =
      run.stack_top - static_cast<uint64_t>(c.options.max_call_depth - 1) * c.options.stack_per_frame;
  uint64_t r0 = run.enter(variant->function_code[0], input.args, run.stack_top);
  if (run.ended) r0 = 0;
  if (stats != nullptr)
    stats->instructions = !checked ? 0 : run.budget_exhausted ? budget + 1 : run.count();
  if (run.error) return std::unexpected(std::move(*run.error));
  return r0;
}

std::span<const uint8_t> JitProgram::code() const { return code_->main.memory.code(); }

std::span<const uint32_t> JitProgram::instruction_offsets() const {
  return code_->instruction_offsets;
}

const Program& JitProgram::program() const { return code_->program; }
size_t JitProgram::call_sites() const { return code_->main.call_sites; }
size_t JitProgram::direct_call_sites() const { return code_->main.direct_call_sites; }
size_t JitProgram::inlined_lookups() const {
  return static_cast<size_t>(std::count_if(code_->lookups.begin(), code_->lookups.end(),
                                           [](const InlineArrayLookup& l) { return l.values != 0; }));
}

}  // namespace sandbpf
