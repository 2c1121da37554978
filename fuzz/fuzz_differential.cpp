// Fuzz target: the interpreter (the reference) against the host's JIT.
//
// Input: [flags][memory length L][L bytes of memory][the rest].
//   flags bit 0 clear: the rest is 8-byte instruction slots. A program the
//     decoder accepts runs unverified in checked mode on both engines, on
//     the conformance environment (helper 5, bpf_loop with callbacks, a map
//     value, a host variable), with a budget. Programs that use r10 as a
//     value (not as a load/store base) are skipped: the engines' stacks
//     live at different addresses, so such values differ legitimately.
//   flags bit 0 set: the rest seeds jit/tests' ProgramGenerator (random
//     well-formed programs over every row of the table, 256 bytes of
//     memory); they run in checked mode (bit 1: with stray accesses), and,
//     when checked mode passes, in fast mode with and without a budget.
// Both engines must give the same r0 or the same error (message and
// instruction), leave the same memory (and map value and host variable),
// and in checked mode count the same instructions.
#include <cstdint>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "conformance/conformance_environment.hpp"
#include "fuzz/fuzz_support.hpp"
#include "jit/jit.hpp"
#include "jit/tests/program_generator.hpp"
#include "vm/generic_memory.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"

using namespace sandbpf;

namespace {

fuzz::OpCounter compared_rows("differential: rows in programs run on both engines");
uint64_t inputs = 0, compared = 0;

struct Outcome {
  std::string result;  // "r0=0x..." or "error: ..."
  std::vector<uint8_t> memory;
  uint64_t instructions = 0;
  bool operator==(const Outcome&) const = default;
};

std::string describe(const Outcome& o) {
  return fmt::format("{} ({} instructions)", o.result, o.instructions);
}

std::string result_text(const Result<uint64_t>& r) {
  return r ? fmt::format("r0={:#x}", *r) : "error: " + r.error().to_string();
}

// Does the program read r10 as a value (anything but the base of a load or
// store, or the source of a legacy packet load)?
bool uses_frame_pointer_as_value(const Program& p) {
  for (size_t pc = 0; pc < p.size(); ++pc) {
    if (p.is_lddw_tail(pc)) continue;
    const Insn& insn = p.insns()[pc];
    switch (p.row(pc).form) {
      case Form::AluReg: case Form::StoreReg: case Form::Atomic:
        if (insn.src == kFramePointer) return true;
        break;
      case Form::JumpReg:
        if (insn.src == kFramePointer || insn.dst == kFramePointer) return true;
        break;
      case Form::JumpImm: case Form::CallReg:
        if (insn.dst == kFramePointer) return true;
        break;
      default: break;
    }
  }
  return false;
}

void compare(const Outcome& reference, const Outcome& jit, std::string_view what,
             std::span<const Insn> insns) {
  if (reference == jit) return;
  std::string detail = fmt::format("{}: interpreter {}, JIT {}", what, describe(reference),
                                   describe(jit));
  if (reference.memory != jit.memory) {
    for (size_t i = 0; i < reference.memory.size(); ++i)
      if (reference.memory[i] != jit.memory[i]) {
        detail += fmt::format("; memory differs first at byte {} ({:#04x} vs {:#04x})", i,
                              reference.memory[i], jit.memory[i]);
        break;
      }
  }
  fuzz::finding(detail, insns);
}

JitProgram compile_or_die(const Program& program, const Environment& env, ExecMode mode,
                          bool blind, uint64_t seed, std::span<const Insn> insns) {
  JitOptions options;
  options.mode = mode;
  options.blind_constants = blind;
  options.blinding_seed = seed | 1;
  auto jit = JitProgram::compile(program, env, options);
  if (!jit) fuzz::finding("the JIT refused a decoded program: " + jit.error().to_string(), insns);
  return std::move(*jit);
}

void raw_programs(uint8_t flags, std::span<const uint8_t> memory_bytes,
                  std::span<const uint8_t> rest) {
  const std::vector<Insn> slots = fuzz::slots_of(rest);
  auto program = Program::decode(slots);
  if (!program || uses_frame_pointer_as_value(*program)) return;
  auto interpreter = Interpreter::create(*program);
  if (!interpreter) return;
  conformance::ConformanceEnvironment env;
  GenericMemory memory(memory_bytes, env.regions());
  const auto map_initial = std::vector<uint8_t>(env.map_value().begin(), env.map_value().end());
  const auto var_initial =
      std::vector<uint8_t>(env.host_variable().begin(), env.host_variable().end());
  RunLimits limits;
  limits.instruction_budget = 1 + (flags >> 1) * 200;

  auto observe = [&](auto&& run) {
    memory.restore();
    std::memcpy(env.map_value().data(), map_initial.data(), map_initial.size());
    std::memcpy(env.host_variable().data(), var_initial.data(), var_initial.size());
    RunStats stats;
    const Result<uint64_t> r = run(memory.input(), &stats);
    Outcome out{result_text(r), {memory.data(), memory.data() + memory.size()}, stats.instructions};
    out.memory.insert(out.memory.end(), env.map_value().begin(), env.map_value().end());
    out.memory.insert(out.memory.end(), env.host_variable().begin(), env.host_variable().end());
    return out;
  };
  const Outcome reference = observe([&](const RunInput& in, RunStats* stats) {
    return interpreter->run(env.environment(), in, ExecMode::kChecked, limits, stats);
  });
  const JitProgram jit =
      compile_or_die(*program, env.environment(), ExecMode::kChecked, flags & 2, flags, slots);
  const Outcome got = observe([&](const RunInput& in, RunStats* stats) {
    return jit.run(env.environment(), in, limits, stats);
  });
  compare(reference, got, (flags & 2) ? "checked, blinded" : "checked", slots);
  ++compared;
  compared_rows.add(*program);
}

void generated_programs(uint8_t flags, std::span<const uint8_t> memory_bytes, fuzz::ByteReader& in) {
  const uint64_t seed = in.u64();
  testing::GeneratorOptions options;
  options.body_items = 5 + in.byte() % 60;
  options.out_of_bounds = (flags & 2) ? 0.05 : 0.0;
  options.local_calls = (flags & 4) == 0;
  testing::ProgramGenerator generator(seed, options);
  const std::vector<Insn> insns = generator.generate();
  auto program = Program::decode(insns);
  if (!program) fuzz::finding("the generator made a program the decoder refuses: " +
                              program.error().to_string(), insns);
  auto interpreter = Interpreter::create(*program);
  if (!interpreter) fuzz::finding("Interpreter::create refused a generated program", insns);
  const Environment& env = testing::generated_environment();
  std::vector<uint8_t> initial(testing::kGeneratedMemorySize);
  std::memcpy(initial.data(), memory_bytes.data(), std::min(memory_bytes.size(), initial.size()));
  GenericMemory memory(initial);

  auto observe = [&](auto&& run) {
    memory.restore();
    RunStats stats;
    const Result<uint64_t> r = run(memory.input(), &stats);
    return Outcome{result_text(r), {memory.data(), memory.data() + memory.size()},
                   stats.instructions};
  };
  const bool blind = flags & 8;
  RunLimits limits;
  limits.instruction_budget = (flags & 16) ? 1 + in.byte() : 1'000'000;
  const Outcome reference = observe([&](const RunInput& i, RunStats* stats) {
    return interpreter->run(env, i, ExecMode::kChecked, limits, stats);
  });
  const JitProgram checked = compile_or_die(*program, env, ExecMode::kChecked, blind, seed, insns);
  compare(reference, observe([&](const RunInput& i, RunStats* stats) {
            return checked.run(env, i, limits, stats);
          }), blind ? "generated, checked, blinded" : "generated, checked", insns);
  ++compared;
  compared_rows.add(*program);
  if (reference.result.starts_with("error") || options.out_of_bounds > 0) return;

  // Fast mode: only programs that passed checked mode on this memory.
  const JitProgram fast = compile_or_die(*program, env, ExecMode::kFast, blind, seed, insns);
  auto fast_outcome = [&](const RunLimits& l) {
    Outcome i = observe([&](const RunInput& input, RunStats*) {
      return interpreter->run(env, input, ExecMode::kFast, l);
    });
    Outcome j = observe([&](const RunInput& input, RunStats*) { return fast.run(env, input, l); });
    i.instructions = j.instructions = 0;  // fast mode does not count
    compare(i, j, fmt::format("generated, fast, budget {}", l.instruction_budget), insns);
  };
  fast_outcome({});
  fast_outcome({1 + in.byte() % 32u});
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::report_at_exit(&compared_rows);
  fuzz::report_tally_at_exit("differential: inputs run on both engines", &compared, &inputs);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!jit_available()) return 0;
  ++inputs;
  fuzz::ByteReader in({data, size});
  const uint8_t flags = in.byte();
  const uint8_t memory_size = in.byte();
  const auto memory_bytes = in.take(memory_size);
  if (flags & 1)
    generated_programs(flags, memory_bytes, in);
  else
    raw_programs(flags, memory_bytes, in.rest());
  return 0;
}
