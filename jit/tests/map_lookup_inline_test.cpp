// Inlined array map lookups (jit/rewrites/map_lookup_inline.hpp): the
// slots the rewrite writes and the offsets it repairs; the rewritten code,
// run on the interpreter, returning exactly the helper's address for keys
// in range, at the boundary and beyond; the verifier's fact it relies on
// (one map in r1; none for a map-in-map's inner maps or their template);
// JIT runs of a program doing lookups with the key on the stack, in fast
// and checked mode, verified or not (inlined only when fast and verified),
// with and without Spectre v1 masking, constant blinding and a budget,
// giving the interpreter's results on the host's backend (x86-64 natively,
// ARM64 in the emulated cross build); per-CPU arrays and hash maps keeping
// the call; and the code of every backend compiling.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "helpers/generic/generic_platform.hpp"
#include "helpers/linux/linux_platform.hpp"
#include "helpers/maps/array_map.hpp"
#include "helpers/maps/epoch.hpp"
#include "helpers/platform.hpp"
#include "helpers/standard/standard_helpers.hpp"
#include "jit/jit.hpp"
#include "jit/lowered_program.hpp"
#include "jit/rewrites/map_lookup_inline.hpp"
#include "jit/tests/test_programs.hpp"
#include "loader/assembler.hpp"
#include "verifier/verifier.hpp"
#include "vm/interpreter.hpp"

namespace sandbpf {
namespace {

using test_programs::decode;
using test_programs::I;

Program program_of(const std::string& text) {
  auto slots = assemble(text);
  EXPECT_TRUE(slots) << (slots ? "" : slots.error().to_string());
  return decode(slots ? *slots : std::vector<Insn>{});
}

// `lddw %r1, map N` then the lookup of the u32 key at r10-4 (stored
// there before): r0 = its value's address or 0.
std::string lookup_in(int map) {
  return "    lddw %r1, map " + std::to_string(map) + "\n    mov %r2, %r10\n    add %r2, -4\n    call 1\n";
}

// r0 = lookup(map 0, &key) with key = r1 (a raw program, for the rewrite's
// own tests); insn 6 is the call, insn 0's jump crosses it.
constexpr const char* kRawLookup = R"(
    jeq %r1, 12345, skip
    stxw [%r10-4], %r1
    lddw %r1, map 0
    mov %r2, %r10
    add %r2, -4
    call 1
  skip:
    exit)";

constexpr uint64_t kValues = 0x10000;  // where the fake array's values are

std::vector<InlineArrayLookup> lookup_at(size_t size, size_t pc, uint64_t stride, uint32_t entries) {
  std::vector<InlineArrayLookup> lookups(size);
  lookups[pc] = {kValues, stride, entries};
  return lookups;
}

TEST(MapLookupInlineRewrite, ReplacesTheCallAndRepairsOffsets) {
  const Program program = program_of(kRawLookup);
  ASSERT_EQ(program.op(6), Op::CallHelper);
  const LoweredProgram p = inline_map_lookups(LoweredProgram::from(program),
                                              lookup_at(program.size(), 6, 8, 10), {});
  const std::vector<Op> ops = {Op::Jeq64Imm, Op::StxW,     Op::LddwMap,  Op::Lddw,     Op::Mov64Reg,
                               Op::Add64Imm, Op::LdxW,     Op::Jge64Imm, Op::Lsh64Imm, Op::Lddw,
                               Op::Lddw,     Op::Add64Reg, Op::Ja,       Op::Mov64Imm, Op::Exit};
  EXPECT_EQ(p.ops, ops);
  EXPECT_EQ(p.insns[6].src, 2);    // the key, read from *r2
  EXPECT_EQ(p.insns[7].imm, 10);   // entries
  EXPECT_EQ(p.insns[7].off, 5);    // onto mov r0, 0
  EXPECT_EQ(p.insns[8].imm, 3);    // stride 8
  EXPECT_EQ(p.lddw_imm64(9), kValues);
  EXPECT_EQ(p.insns[12].off, 1);   // over mov r0, 0
  EXPECT_EQ(p.insns[0].off, 13);   // the jump across the call still lands on exit
  EXPECT_EQ(p.origin, (std::vector<uint32_t>{0, 1, 2, 2, 4, 5, 6, 6, 6, 6, 6, 6, 6, 6, 7}));
  EXPECT_EQ(p.counted, (std::vector<uint8_t>{1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1}));
  EXPECT_FALSE(p.uses_hidden_register);

  // A stride that is not a power of two multiplies; masking and the
  // budget's charge add their slots.
  const LoweredProgram masked = inline_map_lookups(
      LoweredProgram::from(program), lookup_at(program.size(), 6, 24, 10),
      {.mask_index = true, .charge_budget = true});
  const std::vector<Op> masked_ops = {
      Op::Jeq64Imm, Op::StxW,     Op::LddwMap,   Op::Lddw,      Op::Mov64Reg, Op::Add64Imm,
      Op::Jge64Imm, Op::CallHelper, Op::Sub64Imm, Op::LdxW,     Op::Jge64Imm, Op::Mov64Imm,
      Op::Sub64Reg, Op::Or64Reg,  Op::Arsh64Imm, Op::Xor64Imm,  Op::And64Reg, Op::Mul64Imm,
      Op::Lddw,     Op::Lddw,     Op::Add64Reg,  Op::Ja,        Op::Mov64Imm, Op::Exit};
  EXPECT_EQ(masked.ops, masked_ops);
  EXPECT_TRUE(is_budget_exhausted_call(masked.insns[7]));
  EXPECT_EQ(masked.insns[10].off, 11);  // onto mov r0, 0
  EXPECT_EQ(masked.insns[11].imm, 9);   // entries - 1
  EXPECT_EQ(masked.insns[17].imm, 24);
  EXPECT_EQ(masked.insns[0].off, masked.size() - 2);
  EXPECT_TRUE(masked.uses_counter_register);

  // No layout for the call, or one the rewrite cannot embed: unchanged.
  for (const auto& lookups : {std::vector<InlineArrayLookup>{}, lookup_at(program.size(), 6, 8, 0),
                              lookup_at(program.size(), 6, uint64_t{1} << 31, 10),
                              lookup_at(program.size(), 5, 8, 10)})
    EXPECT_EQ(inline_map_lookups(LoweredProgram::from(program), lookups, {}).ops,
              LoweredProgram::from(program).ops);
}

// The rewritten program on the interpreter (its lddw src=1 made a plain
// constant, the map handle being unused): r0 is values + key * stride for
// key < entries, else 0, for every stride form and with masking.
TEST(MapLookupInlineRewrite, ReturnsTheHelpersAddressForEveryKey) {
  const Program program = program_of(kRawLookup);
  for (uint64_t stride : {8u, 16u, 24u, 4096u}) {
    for (uint32_t entries : {1u, 7u, 256u, 0x7fffffffu}) {
      for (bool mask : {false, true}) {
        LoweredProgram p = inline_map_lookups(LoweredProgram::from(program),
                                              lookup_at(program.size(), 6, stride, entries),
                                              {.mask_index = mask});
        p.insns[2] = make_insn(Op::Lddw, 1, 0, 0, 0);  // the handle, unused
        auto interpreter = Interpreter::create(decode(p.insns));
        ASSERT_TRUE(interpreter);
        const uint64_t e = entries;
        for (uint64_t key : {uint64_t{0}, uint64_t{1}, e - 1, e, e + 1, uint64_t{0x7fffffff},
                             uint64_t{0x80000000}, uint64_t{0xffffffff}, uint64_t{0x1'0000'0003}}) {
          SCOPED_TRACE("stride " + std::to_string(stride) + ", entries " + std::to_string(entries) +
                       ", key " + std::to_string(key) + (mask ? ", masked" : ""));
          RunInput input;
          input.args[0] = key;
          auto r0 = interpreter->run({}, input, ExecMode::kFast);
          ASSERT_TRUE(r0) << r0.error().to_string();
          const uint32_t k = static_cast<uint32_t>(key);  // the helper reads a u32
          EXPECT_EQ(*r0, k < entries ? kValues + k * stride : 0);
        }
      }
    }
  }
}

// A verified program over a real array map: r0 = value[key] for key =
// the memory's first u32, or 0xdead when the lookup gives NULL; insn 8 is
// the call.
constexpr const char* kLookup = R"(
    mov %r0, 0
    jlt %r2, 4, out
    ldxw %r3, [%r1]
    stxw [%r10-4], %r3
    lddw %r1, map 0
    mov %r2, %r10
    add %r2, -4
    call 1
    mov %r1, %r0
    mov %r0, 0xdead
    jeq %r1, 0, out
    ldxdw %r0, [%r1+8]
    add %r0, 1
    stxdw [%r1+8], %r0
  out:
    exit)";

constexpr uint32_t kEntries = 5;

// Helper 1 is the standard bpf_map_lookup_elem, as on Linux.
std::unique_ptr<Platform> lookup_platform() {
  std::unique_ptr<Platform> platform = Platform::make_generic();
  HelperDefinition lookup;
  for (const HelperPrototype& prototype : linux_helper_prototypes())
    if (prototype.name == "bpf_map_lookup_elem") lookup.prototype = prototype;
  lookup.function = &bpf_map_lookup_elem;
  EXPECT_TRUE(platform->helpers().add(lookup));
  return platform;
}

MapDefinition array_definition(uint32_t type, uint32_t value_size) {
  MapDefinition d;
  d.name = "values";
  d.type = type;
  d.key_size = 4;
  d.value_size = value_size;
  d.max_entries = kEntries;
  return d;
}

struct Fixture {
  explicit Fixture(uint32_t value_size = 20) : definitions{array_definition(kMapArray, value_size)} {
    auto created = Map::create(definitions[0], MapEnvironment{});
    EXPECT_TRUE(created);
    map = std::move(*created);
    for (uint32_t key = 0; key < kEntries; ++key) {
      std::vector<uint8_t> value(value_size, 0);
      value[8] = static_cast<uint8_t>(10 * key + 1);
      EXPECT_TRUE(map->host_update({reinterpret_cast<const uint8_t*>(&key), 4}, value));
    }
    const auto& array = static_cast<const ArrayMap&>(*map);
    bindings[0] = {.handle = map.get(),
                   .array_values = array.element(0, 0),
                   .array_stride = array.stride(),
                   .array_entries = kEntries};
    helpers[1] = &bpf_map_lookup_elem;
    environment = {.helpers = helpers, .maps = bindings, .array_lookup = &bpf_map_lookup_elem};
  }

  std::shared_ptr<const VerifiedFacts> verify_program(const Program& program) {
    const VerifierInput input{&program, platform.get(),
                              platform->find_program_type(kGenericProgramType), definitions};
    auto result = verify(input);
    EXPECT_TRUE(result && result->accepted)
        << (result && !result->errors.empty() ? result->errors[0].message : "");
    return result ? std::make_shared<const VerifiedFacts>(result->facts) : nullptr;
  }

  std::unique_ptr<Platform> platform = lookup_platform();
  std::array<MapDefinition, 1> definitions;
  std::unique_ptr<Map> map;
  std::array<MapBinding, 1> bindings;
  std::array<HelperFunction, 2> helpers{};
  Environment environment;
};

TEST(MapLookupInlineFacts, TheVerifierNamesTheOneMapInR1) {
  Fixture f;
  const Program program = program_of(kLookup);
  const auto facts = f.verify_program(program);
  ASSERT_TRUE(facts);
  ASSERT_EQ(facts->call_map_arguments.size(), program.size());
  for (size_t pc = 0; pc < program.size(); ++pc)
    EXPECT_EQ(facts->call_map_arguments[pc], pc == 8 ? 0 : -1) << "pc " << pc;

  // r1 one of two maps at the call: no fact.
  Fixture two;
  const Program either = program_of(R"(
    mov %r3, 0
    stxw [%r10-4], %r3
    lddw %r1, map 0
    jlt %r2, 4, other
    lddw %r1, map 1
  other:
    mov %r2, %r10
    add %r2, -4
    call 1
    mov %r0, 0
    exit)");
  const std::array<MapDefinition, 2> both = {array_definition(kMapArray, 8), array_definition(kMapArray, 8)};
  const VerifierInput input{&either, two.platform.get(),
                            two.platform->find_program_type(kGenericProgramType), both};
  auto result = verify(input);
  ASSERT_TRUE(result && result->accepted);
  for (int32_t map : result->facts.call_map_arguments) EXPECT_EQ(map, -1);
}

// Map-in-map: the outer lookup names the outer map (which has no array
// layout, so it stays a call), but neither the lookup in the inner map it
// returned nor one by lddw of the inner template gets a fact: the template
// stands for whichever inner map is there at run time.
TEST(MapLookupInlineFacts, NoFactForInnerMapsOrTheirTemplate) {
  Fixture f;
  const Program program = program_of(R"(
    mov %r3, 0
    stxw [%r10-4], %r3
)" + lookup_in(1) + lookup_in(0) + R"(
    jeq %r0, 0, out
    mov %r1, %r0
    mov %r2, %r10
    add %r2, -4
    call 1
  out:
    mov %r0, 0
    exit)");
  MapDefinition outer = array_definition(kMapArrayOfMaps, 4);
  outer.inner_map = 1;
  const std::array<MapDefinition, 2> maps = {outer, array_definition(kMapArray, 8)};
  const VerifierInput input{&program, f.platform.get(), f.platform->find_program_type(kGenericProgramType),
                            maps};
  auto result = verify(input);
  ASSERT_TRUE(result && result->accepted) << (result && !result->errors.empty() ? result->errors[0].message : "");
  ASSERT_EQ(program.op(6), Op::CallHelper);
  ASSERT_EQ(program.op(11), Op::CallHelper);
  ASSERT_EQ(program.op(16), Op::CallHelper);
  for (size_t pc = 0; pc < program.size(); ++pc)
    EXPECT_EQ(result->facts.call_map_arguments[pc], pc == 11 ? 0 : -1) << "pc " << pc;
}

// The generic platform's input: memory holding the key (r1), its size (r2).
// Checked runs may touch it.
struct KeyMemory {
  explicit KeyMemory(uint64_t key) {
    std::memcpy(bytes.data(), &key, 4);
    input.args[0] = reinterpret_cast<uint64_t>(bytes.data());
    input.args[1] = bytes.size();
    region[0] = MemoryRegion{reinterpret_cast<uint64_t>(bytes.data()), bytes.size(), true};
    input.regions = region;
  }
  KeyMemory(const KeyMemory&) = delete;
  std::array<uint8_t, 8> bytes{};
  std::array<MemoryRegion, 1> region{};
  RunInput input;
};

struct Variant {
  JitOptions options;
  uint64_t budget = 0;
  // Inlining needs the verifier's facts and fast mode; without either the
  // JIT keeps the helper call (jit.cpp's array_lookups).
  bool inlines() const {
    return options.inline_map_lookups && options.facts && options.mode == ExecMode::kFast;
  }
  std::string describe() const {
    return std::string(options.mode == ExecMode::kFast ? "fast" : "checked") +
           (options.facts ? ", verified" : ", no facts") + ", inline " +
           std::to_string(options.inline_map_lookups) + ", spectre " + std::to_string(options.spectre_v1) +
           ", blind " + std::to_string(options.blind_constants) + ", budget " + std::to_string(budget);
  }
};

TEST(MapLookupInlineEngine, JitRunsGiveTheInterpretersResults) {
  if (!jit_available()) GTEST_SKIP() << "no JIT backend for this host";
  // 20-byte values (stride 24, a multiply) and 16-byte ones (a shift).
  for (uint32_t value_size : {20u, 16u}) {
    Fixture f(value_size);
    Fixture reference(value_size);  // the interpreter's own map
    const Program program = program_of(kLookup);
    const auto facts = f.verify_program(program);
    ASSERT_TRUE(facts);
    std::vector<Variant> variants;
    for (ExecMode mode : {ExecMode::kFast, ExecMode::kChecked})
      for (bool verified : {true, false})
        for (bool inline_lookups : {true, false})
          for (bool spectre : {false, true})
            for (bool blind : {false, true})
              for (uint64_t budget : {uint64_t{0}, uint64_t{1000}}) {
                JitOptions options;
                options.mode = mode;
                if (verified) options.facts = facts;
                options.inline_map_lookups = inline_lookups;
                options.spectre_v1 = spectre && verified;  // masking needs the facts
                options.blind_constants = blind;
                options.blinding_seed = 7;
                variants.push_back({options, budget});
              }
    auto interpreter = Interpreter::create(program);
    ASSERT_TRUE(interpreter);
    for (const Variant& variant : variants) {
      auto jit = JitProgram::compile(program, f.environment, variant.options);
      ASSERT_TRUE(jit) << jit.error().to_string();
      // Inlined: the helper is no longer called.
      JitOptions calls = variant.options;
      calls.inline_map_lookups = false;
      auto with_call = JitProgram::compile(program, f.environment, calls);
      ASSERT_TRUE(with_call);
      EXPECT_EQ(jit->inlined_lookups() > 0, variant.inlines()) << variant.describe();
      EXPECT_EQ(with_call->inlined_lookups(), 0u) << variant.describe();
      // Backends that record their calls (x86-64, arm64) also show the
      // helper call gone from the code.
      if (with_call->call_sites() > 0) {
        EXPECT_EQ(jit->call_sites() < with_call->call_sites(), variant.inlines()) << variant.describe();
      }
      for (uint64_t key : {uint64_t{0}, uint64_t{1}, uint64_t{kEntries - 1}, uint64_t{kEntries}, uint64_t{kEntries + 1},
                           uint64_t{0x7fffffff}, uint64_t{0x80000000}, uint64_t{0xffffffff}}) {
        SCOPED_TRACE("value size " + std::to_string(value_size) + ", key " + std::to_string(key) + ", " +
                     variant.describe());
        KeyMemory memory(key);
        const RunLimits limits{.instruction_budget = variant.budget};
        auto expected = interpreter->run(reference.environment, memory.input, variant.options.mode, limits);
        auto r0 = jit->run(f.environment, memory.input, limits);
        ASSERT_TRUE(expected) << expected.error().to_string();
        ASSERT_TRUE(r0) << r0.error().to_string();
        EXPECT_EQ(*r0, *expected);
      }
    }
    // Both maps saw the same writes (each run incremented the value it found).
    auto mine = f.map->host_entries();
    auto theirs = reference.map->host_entries();
    ASSERT_TRUE(mine && theirs);
    EXPECT_EQ(mine->size(), theirs->size());
    for (size_t i = 0; i < mine->size() && i < theirs->size(); ++i)
      EXPECT_EQ((*mine)[i].value, (*theirs)[i].value) << "entry " << i;
  }
}

TEST(MapLookupInlineEngine, BudgetStillCountsTheInlinedCall) {
  if (!jit_available()) GTEST_SKIP() << "no JIT backend for this host";
  Fixture f;
  // Two lookups, the calls being the only charges (1 each): a budget of 1
  // runs out at the second (insn 11), 2 suffices.
  const Program program = program_of(R"(
    mov %r3, 0
    stxw [%r10-4], %r3
)" + lookup_in(0) + lookup_in(0) + R"(
    mov %r0, 7
    exit)");
  JitOptions options;
  options.facts = f.verify_program(program);
  auto jit = JitProgram::compile(program, f.environment, options);
  ASSERT_TRUE(jit);
  EXPECT_EQ(jit->call_sites(), 0u);
  auto interpreter = Interpreter::create(program);
  ASSERT_TRUE(interpreter);
  KeyMemory memory(0);
  for (uint64_t budget : {1u, 2u}) {
    const RunLimits limits{.instruction_budget = budget};
    auto expected = interpreter->run(f.environment, memory.input, ExecMode::kFast, limits);
    auto r0 = jit->run(f.environment, memory.input, limits);
    ASSERT_EQ(expected.has_value(), budget == 2) << "budget " << budget;
    ASSERT_EQ(r0.has_value(), expected.has_value()) << "budget " << budget;
    if (r0) EXPECT_EQ(*r0, *expected);
    else EXPECT_EQ(r0.error().to_string(), expected.error().to_string());
  }
}

TEST(MapLookupInlineEngine, OnlyVerifiedFastCodeOnPlainArraysIsInlined) {
  if (!jit_available()) GTEST_SKIP() << "no JIT backend for this host";
  Fixture f;
  const Program program = program_of(kLookup);
  JitOptions fast;
  fast.facts = f.verify_program(program);
  // Lookups compiled inline (every backend reports them), and call sites
  // (only the backends that record calls as relocations).
  auto inlined_lookups = [&](const JitOptions& options, const Environment& environment) {
    auto jit = JitProgram::compile(program, environment, options);
    EXPECT_TRUE(jit) << jit.error().to_string();
    return jit ? jit->inlined_lookups() : 0;
  };
  auto call_sites = [&](const JitOptions& options, const Environment& environment) {
    auto jit = JitProgram::compile(program, environment, options);
    EXPECT_TRUE(jit) << jit.error().to_string();
    return jit ? jit->call_sites() : 0;
  };
  EXPECT_EQ(inlined_lookups(fast, f.environment), 1u);
  JitOptions checked = fast;
  checked.mode = ExecMode::kChecked;
  JitOptions no_facts;
  Environment no_array = f.environment;
  std::array<MapBinding, 1> plain = {MapBinding{.handle = f.map.get()}};
  no_array.maps = plain;
  Environment other_helper = f.environment;
  other_helper.array_lookup = nullptr;
  EXPECT_EQ(inlined_lookups(no_facts, f.environment), 0u);
  EXPECT_EQ(inlined_lookups(fast, no_array), 0u);
  EXPECT_EQ(inlined_lookups(fast, other_helper), 0u);
  EXPECT_EQ(inlined_lookups(checked, f.environment), 0u);
  const size_t inlined = call_sites(fast, f.environment);
  if (call_sites(no_facts, f.environment) > 0) {  // a backend that records its calls
    EXPECT_LT(inlined, call_sites(no_facts, f.environment));
    EXPECT_LT(inlined, call_sites(fast, no_array));
    EXPECT_LT(inlined, call_sites(fast, other_helper));
  }
  JitOptions checked_calls = checked;
  checked_calls.inline_map_lookups = false;
  EXPECT_EQ(call_sites(checked, f.environment), call_sites(checked_calls, f.environment));

  // The code embeds the map's values: another map at run time is refused.
  auto jit = JitProgram::compile(program, f.environment, fast);
  ASSERT_TRUE(jit);
  Fixture other;
  KeyMemory memory(0);
  auto r0 = jit->run(other.environment, memory.input);
  ASSERT_FALSE(r0);
  EXPECT_NE(r0.error().message.find("compiled inline"), std::string::npos) << r0.error().message;
}

// Maps other than plain arrays bind no layout (bind_array_layout), so the
// verifier's fact for their calls is not enough: the helper is called, and
// runs agree with the interpreter.
TEST(MapLookupInlineEngine, OtherMapsKeepTheCall) {
  if (!jit_available()) GTEST_SKIP() << "no JIT backend for this host";
  for (uint32_t type : {kMapPercpuArray, kMapHash}) {
    SCOPED_TRACE("map type " + std::to_string(type));
    EpochDomain epochs(1);  // outlives the map (declared before it)
    Fixture f;
    f.definitions[0] = array_definition(type, 20);
    auto created = Map::create(f.definitions[0], MapEnvironment{.epochs = &epochs});
    ASSERT_TRUE(created) << created.error().to_string();
    f.map = std::move(*created);
    if (type == kMapHash) {  // key 1 only; the array's entries all exist, zeroed
      const uint32_t key = 1;
      std::vector<uint8_t> value(20, 0);
      value[8] = 41;
      ASSERT_TRUE(f.map->host_update({reinterpret_cast<const uint8_t*>(&key), 4}, value));
    }
    f.bindings[0] = {.handle = f.map.get()};
    bind_array_layout(*f.map, f.bindings[0]);
    EXPECT_EQ(f.bindings[0].array_values, nullptr);
    const Program program = program_of(kLookup);
    JitOptions options;
    options.facts = f.verify_program(program);
    ASSERT_TRUE(options.facts);
    EXPECT_EQ(options.facts->call_map_arguments[8], 0);  // the verifier knows the map...
    auto jit = JitProgram::compile(program, f.environment, options);
    ASSERT_TRUE(jit);
    options.inline_map_lookups = false;
    auto with_call = JitProgram::compile(program, f.environment, options);
    ASSERT_TRUE(with_call);
    EXPECT_EQ(jit->call_sites(), with_call->call_sites());  // ...but it is not an array
    for (uint64_t k : {0u, 1u, kEntries + 1}) {
      EpochDomain::RunGuard run(epochs, 0);
      KeyMemory memory(k);
      auto r0 = jit->run(f.environment, memory.input);
      ASSERT_TRUE(r0) << r0.error().to_string();
      const uint64_t expected = type == kMapHash ? (k == 1 ? 42 : 0xdead) : (k < kEntries ? 1 : 0xdead);
      EXPECT_EQ(*r0, expected) << "key " << k;
    }
  }
}

// Every backend compiles the inlined sequence (the host's runs it above;
// ARM64 runs it in the emulated cross build): its code differs from the
// call's, with and without Spectre v1 masking.
TEST(MapLookupInlineEngine, EveryBackendCompilesTheSequence) {
  Fixture f;
  const Program program = program_of(kLookup);
  const auto facts = f.verify_program(program);
  for (JitArch arch : {JitArch::kX86_64, JitArch::kArm64, JitArch::kRiscv64}) {
    for (bool spectre : {false, true}) {
      JitOptions options;
      options.facts = facts;
      options.spectre_v1 = spectre;
      auto inlined = compile_listing(program, f.environment, options, arch);
      options.inline_map_lookups = false;
      auto called = compile_listing(program, f.environment, options, arch);
      if (!inlined && inlined.error().message.find("backend") != std::string::npos) continue;
      ASSERT_TRUE(inlined) << inlined.error().to_string();
      ASSERT_TRUE(called) << called.error().to_string();
      EXPECT_NE(inlined->bytes, called->bytes);
    }
  }
}

}  // namespace
}  // namespace sandbpf
