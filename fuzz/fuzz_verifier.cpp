// Fuzz target: verifier soundness on the generic platform.
//
// Input: [mode][the rest]. Mode < 224: the rest drives
// VerifierProgramGenerator (programs shaped to pass, sometimes mutated);
// otherwise the rest is raw 8-byte slots. A program the verifier accepts
// runs in the checked interpreter on several memories (empty, small,
// large; contents from the input): checked mode must never find a
// violation in a verified program. Running out of the instruction budget
// is allowed (the generic platform's termination policy is the budget).
// At exit (libFuzzer runs), the share of programs the verifier accepted
// and the table rows of the accepted programs are printed.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "fuzz/fuzz_support.hpp"
#include "fuzz/verifier_program_generator.hpp"
#include "helpers/platform.hpp"
#include "vm/generic_memory.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"
#include "verifier/verifier.hpp"

using namespace sandbpf;

namespace {

fuzz::OpCounter accepted_rows("verifier: rows in accepted programs");
fuzz::OpCounter generated_rows("verifier: rows in generated programs");
uint64_t generated = 0, decoded = 0, accepted = 0, raw_decoded = 0, raw_accepted = 0;

const Platform& platform() {
  static const std::unique_ptr<Platform> generic = Platform::make_generic();
  return *generic;
}

bool is_budget_error(const Error& e) {
  return e.kind == ErrorKind::kRuntime && e.message.find("instruction budget") != std::string::npos;
}

void run_verified(const Program& program, std::span<const Insn> insns, fuzz::ByteReader& in) {
  auto interpreter = Interpreter::create(program);
  if (!interpreter) fuzz::finding("Interpreter::create refused a verified program", insns);
  const Environment env;
  const size_t sizes[] = {0, 1 + in.below(16), 64, 256, in.below(300)};
  for (size_t size : sizes) {
    std::vector<uint8_t> bytes(size);
    for (auto& b : bytes) b = in.remaining() ? in.byte() : static_cast<uint8_t>(b * 31 + size);
    GenericMemory memory(bytes);
    RunLimits limits;
    limits.instruction_budget = 200000;
    auto r0 = interpreter->run(env, memory.input(), ExecMode::kChecked, limits);
    if (!r0 && !is_budget_error(r0.error()))
      fuzz::finding(fmt::format("the verifier accepted a program that checked mode stopped on a "
                                "memory of {} bytes: {}", size, r0.error().to_string()),
                    insns);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::report_tally_at_exit("verifier: generated programs that decode", &decoded, &generated);
  fuzz::report_tally_at_exit("verifier: generated programs accepted (of those that decode)",
                             &accepted, &decoded);
  fuzz::report_tally_at_exit("verifier: raw programs accepted (of those that decode)",
                             &raw_accepted, &raw_decoded);
  fuzz::report_at_exit(&generated_rows);
  fuzz::report_at_exit(&accepted_rows);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::ByteReader in({data, size});
  const bool raw = in.byte() >= 224;
  std::vector<Insn> insns;
  if (raw) {
    const size_t slots = in.byte() + 1;
    insns = fuzz::slots_of(in.take(slots * 8));
  } else {
    fuzz::VerifierProgramGenerator generator(in);
    insns = generator.generate();
    ++generated;
  }
  auto program = Program::decode(insns);
  if (!program) {
    if (std::getenv("SANDBPF_FUZZ_DEBUG") && !raw)
      std::fprintf(stderr, "decode: %s\n", program.error().to_string().c_str());
    return 0;
  }
  (raw ? raw_decoded : decoded)++;
  if (!raw) generated_rows.add(*program);

  const Platform& generic = platform();
  const VerifierInput input{&*program, &generic, generic.find_program_type("generic"), {}};
  VerifyOptions options;
  options.time_limit = std::chrono::milliseconds(2000);
  auto verdict = verify(input, options);
  if (!verdict) {
    if (verdict.error().kind == ErrorKind::kInternal)
      fuzz::finding("the verifier failed internally: " + verdict.error().to_string(), insns);
    return 0;
  }
  if (!verdict->accepted) {
    if (std::getenv("SANDBPF_FUZZ_DEBUG") && !raw && !verdict->errors.empty())
      std::fprintf(stderr, "refused: %s\n", verdict->errors[0].message.c_str());
    if (verdict->errors.empty()) fuzz::finding("a refusal without a diagnostic", insns);
    for (const VerifierDiagnostic& d : verdict->errors)
      if (d.insn >= program->size())
        fuzz::finding(fmt::format("a diagnostic at insn {} outside the program", d.insn), insns);
    return 0;
  }
  (raw ? raw_accepted : accepted)++;
  accepted_rows.add(*program);
  run_verified(*program, insns, in);
  return 0;
}
