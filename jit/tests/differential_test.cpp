// Differential test: random well-formed programs (program_generator.hpp)
// run on the interpreter (the reference) and on the JIT, in fast and
// checked mode, with and without constant blinding, with and without a
// budget: the same r0 or the same error (message and instruction), the
// same memory afterwards, and in checked mode the same instruction count.
// Prints how many programs ran and which table rows they covered.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "jit/jit.hpp"
#include "jit/tests/program_generator.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"

namespace sandbpf::testing {
namespace {

struct Outcome {
  std::string result;  // "r0=0x..." or "error: ..."
  std::vector<uint8_t> memory;
  uint64_t instructions = 0;
};

// A fresh memory (same initial bytes for every engine) around one run.
template <typename Run>
Outcome observe(const std::vector<uint8_t>& initial, const Run& run) {
  std::vector<uint64_t> storage(kGeneratedMemorySize / 8);
  auto* bytes = reinterpret_cast<uint8_t*>(storage.data());
  std::memcpy(bytes, initial.data(), kGeneratedMemorySize);
  const MemoryRegion region{reinterpret_cast<uint64_t>(bytes), kGeneratedMemorySize, true};
  RunInput input;
  input.args[0] = region.base;
  input.args[1] = kGeneratedMemorySize;
  input.regions = {&region, 1};
  input.packet = bytes;
  input.packet_size = kGeneratedMemorySize;
  RunStats stats;
  const Result<uint64_t> r = run(input, &stats);
  Outcome out;
  char text[32];
  std::snprintf(text, sizeof text, "r0=0x%llx", static_cast<unsigned long long>(r ? *r : 0));
  out.result = r ? std::string(text) : "error: " + r.error().to_string();
  out.memory.assign(bytes, bytes + kGeneratedMemorySize);
  out.instructions = stats.instructions;
  return out;
}

std::string listing(const std::vector<Insn>& insns) {
  std::string out;
  for (size_t pc = 0; pc < insns.size(); ++pc) {
    char line[64];
    std::snprintf(line, sizeof line, "%zu: %016llx\n", pc,
                  static_cast<unsigned long long>(insns[pc].to_word()));
    out += line;
  }
  return out;
}

struct Totals {
  size_t programs = 0;
  size_t checked_errors = 0;
  size_t budget_errors = 0;
  size_t fast_runs = 0;
  size_t blinded_runs = 0;
};

void run_one(uint64_t seed, const GeneratorOptions& options, ProgramGenerator& generator,
             Totals& totals) {
  const std::vector<Insn> insns = generator.generate();
  auto program = Program::decode(insns);
  ASSERT_TRUE(program) << "seed " << seed << ": " << program.error().to_string() << "\n"
                       << listing(insns);
  const Environment& env = generated_environment();
  auto interpreter = Interpreter::create(*program);
  ASSERT_TRUE(interpreter);

  std::mt19937_64 rng(seed ^ 0x5eed);
  std::vector<uint8_t> initial(kGeneratedMemorySize);
  for (auto& b : initial) b = static_cast<uint8_t>(rng());
  // Mostly generous budgets; sometimes one that runs out mid-program.
  const uint64_t budget = rng() % 4 == 0 ? 1 + rng() % 300 : 1'000'000;

  auto jit_in = [&](ExecMode mode, bool blind) {
    JitOptions o;
    o.mode = mode;
    o.blind_constants = blind;
    o.blinding_seed = seed + 1;
    auto jit = JitProgram::compile(*program, env, o);
    EXPECT_TRUE(jit) << jit.error().to_string();
    return std::move(*jit);
  };
  const std::string where = "seed " + std::to_string(seed) + "\n" + listing(insns);

  // Checked mode, with the budget: everything must match, count included.
  const Outcome reference = observe(initial, [&](const RunInput& in, RunStats* stats) {
    return interpreter->run(env, in, ExecMode::kChecked, {budget}, stats);
  });
  for (bool blind : {false, true}) {
    const JitProgram jit = jit_in(ExecMode::kChecked, blind);
    const Outcome got = observe(initial, [&](const RunInput& in, RunStats* stats) {
      return jit.run(env, in, {budget}, stats);
    });
    ASSERT_EQ(got.result, reference.result) << (blind ? "blinded " : "") << "checked, " << where;
    ASSERT_EQ(got.memory, reference.memory) << (blind ? "blinded " : "") << "checked, " << where;
    ASSERT_EQ(got.instructions, reference.instructions) << "checked, " << where;
    if (blind) ++totals.blinded_runs;
  }
  ++totals.programs;
  if (reference.result.starts_with("error")) {
    ++totals.checked_errors;
    if (reference.result.find("budget") != std::string::npos) ++totals.budget_errors;
    return;  // like the conformance runner: fast mode only for programs that pass checked
  }
  if (options.out_of_bounds > 0) return;

  // Fast mode: no budget, then a small one (charged at back-edges and calls).
  const Outcome fast_reference = observe(initial, [&](const RunInput& in, RunStats*) {
    return interpreter->run(env, in, ExecMode::kFast);
  });
  const uint64_t fast_budget = 1 + rng() % 20;
  const Outcome budget_reference = observe(initial, [&](const RunInput& in, RunStats*) {
    return interpreter->run(env, in, ExecMode::kFast, {fast_budget});
  });
  for (bool blind : {false, true}) {
    const JitProgram jit = jit_in(ExecMode::kFast, blind);
    const Outcome got = observe(initial, [&](const RunInput& in, RunStats*) {
      return jit.run(env, in);
    });
    ASSERT_EQ(got.result, fast_reference.result) << (blind ? "blinded " : "") << "fast, " << where;
    ASSERT_EQ(got.memory, fast_reference.memory) << (blind ? "blinded " : "") << "fast, " << where;
    const Outcome budgeted = observe(initial, [&](const RunInput& in, RunStats*) {
      return jit.run(env, in, {fast_budget});
    });
    ASSERT_EQ(budgeted.result, budget_reference.result)
        << (blind ? "blinded " : "") << "fast, budget " << fast_budget << ", " << where;
    ++totals.fast_runs;
  }
}

TEST(jit_differential, RandomProgramsAgreeWithTheInterpreter) {
  ProgramGenerator generator(1);
  Totals totals;
  constexpr uint64_t kPrograms = 1500;
  for (uint64_t seed = 1; seed <= kPrograms; ++seed) {
    GeneratorOptions options;
    options.body_items = 10 + seed % 50;
    generator = ProgramGenerator(seed, options);
    run_one(seed, options, generator, totals);
    if (HasFatalFailure()) return;
  }
  std::printf("[ info ] %zu programs, %zu stopped with an error in checked mode (%zu by the budget); "
              "%zu fast-mode comparisons, %zu blinded checked runs\n",
              totals.programs, totals.checked_errors, totals.budget_errors, totals.fast_runs,
              totals.blinded_runs);
}

// Programs that sometimes touch memory outside their regions or misalign
// an atomic: checked mode must stop at the same instruction with the same
// message.
TEST(jit_differential, CheckedModeViolationsAgree) {
  Totals totals;
  std::set<Op> covered;
  for (uint64_t seed = 10001; seed <= 10600; ++seed) {
    GeneratorOptions options;
    options.body_items = 20;
    options.out_of_bounds = 0.05;
    ProgramGenerator generator(seed, options);
    run_one(seed, options, generator, totals);
    if (HasFatalFailure()) return;
  }
  std::printf("[ info ] %zu programs with stray accesses, %zu stopped with an error\n",
              totals.programs, totals.checked_errors);
  EXPECT_GT(totals.checked_errors, totals.programs / 4);
}

// Which rows the generator reaches: every ALU, jump, load, store and atomic
// row, and the calls, lddw and packet rows it builds.
TEST(jit_differential, GeneratorCoversTheTable) {
  std::set<Op> covered;
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    ProgramGenerator generator(seed);
    generator.generate();
    covered.insert(generator.covered().begin(), generator.covered().end());
  }
  std::string missing;
  for (const InsnInfo& row : all_instructions())
    if (!covered.contains(row.op)) missing += std::string(row.mnemonic) + " ";
  std::printf("[ info ] the generator covers %zu of %zu table rows%s%s\n", covered.size(),
              all_instructions().size(), missing.empty() ? "" : "; not covered: ", missing.c_str());
  EXPECT_EQ(covered.size(), all_instructions().size()) << "not covered: " << missing;
}

}  // namespace
}  // namespace sandbpf::testing
