// Fuzz target: the decoder, then the checked interpreter.
//
// Input: [memory length L][L bytes of memory][8-byte instruction slots].
// Program::decode must refuse bad slots with an error (never crash); a
// program it accepts runs unverified in checked mode, on the conformance
// environment (helper 5, bpf_loop, a map, a host variable), with a small
// instruction budget. Checked mode may stop the run with an error, but
// any crash, sanitizer report or internal error is a finding. The slots
// also go through the disassembler and back (the round trip must agree).
#include <cstdint>
#include <cstring>

#include "conformance/conformance_environment.hpp"
#include "fuzz/fuzz_support.hpp"
#include "loader/assembler.hpp"
#include "loader/disassembler.hpp"
#include "vm/generic_memory.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"

using namespace sandbpf;

namespace {

fuzz::OpCounter accepted_rows("decoder: rows in decoded programs");
uint64_t inputs = 0, decoded = 0;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::report_at_exit(&accepted_rows);
  fuzz::report_tally_at_exit("decoder: inputs the decoder accepted", &decoded, &inputs);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::ByteReader in({data, size});
  const uint8_t memory_size = in.byte();
  const auto memory_bytes = in.take(memory_size);
  const std::vector<Insn> slots = fuzz::slots_of(in.rest());
  ++inputs;

  // Raw slots -> text -> slots: the disassembler prints anything (unknown
  // slots as .word), and the assembler must read it back unchanged.
  const std::string text = disassemble(slots);
  auto again = assemble(text);
  if (!again) fuzz::finding("the assembler refused the disassembler's output: " +
                            again.error().to_string() + "\n" + text, slots);
  if (*again != slots) fuzz::finding("disassemble then assemble changed the program", slots);

  auto program = Program::decode(slots);
  if (!program) {
    if (program.error().kind != ErrorKind::kLoad)
      fuzz::finding("the decoder failed with a non-load error: " + program.error().to_string(),
                    slots);
    return 0;
  }
  ++decoded;
  accepted_rows.add(*program);

  auto interpreter = Interpreter::create(*program);
  if (!interpreter) fuzz::finding("Interpreter::create refused a decoded program: " +
                                  interpreter.error().to_string(), slots);

  conformance::ConformanceEnvironment env;
  GenericMemory memory(memory_bytes, env.regions());
  RunLimits limits;
  limits.instruction_budget = 20000;
  auto r0 = interpreter->run(env.environment(), memory.input(), ExecMode::kChecked, limits);
  if (!r0 && r0.error().kind != ErrorKind::kRuntime)
    fuzz::finding("a checked run failed with a non-runtime error: " + r0.error().to_string(),
                  slots);
  return 0;
}
