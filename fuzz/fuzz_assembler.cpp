// Fuzz target: the assembler and the disassembler.
//
// Input: assembly text. assemble() must refuse bad text with an error
// naming the line (never crash); for text it accepts, the round trip must
// agree: disassemble(p) assembles back to p, and disassembling that again
// gives the same text (the canonical form is a fixed point).
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_support.hpp"
#include "loader/assembler.hpp"
#include "loader/disassembler.hpp"
#include "vm/program.hpp"

using namespace sandbpf;

namespace {

fuzz::OpCounter assembled_rows("assembler: rows in assembled programs that decode");
uint64_t inputs = 0, assembled = 0;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::report_at_exit(&assembled_rows);
  fuzz::report_tally_at_exit("assembler: texts the assembler accepted", &assembled, &inputs);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ++inputs;
  auto program = assemble(text);
  if (!program) {
    const Error& e = program.error();
    if (e.kind != ErrorKind::kLoad || !e.where.source || e.where.source->line == 0)
      fuzz::finding("an assembler error without a line: " + e.to_string());
    return 0;
  }
  ++assembled;
  const std::string canonical = disassemble(*program);
  auto again = assemble(canonical);
  if (!again)
    fuzz::finding("the assembler refused the disassembler's output: " + again.error().to_string() +
                  "\n" + canonical, *program);
  if (*again != *program)
    fuzz::finding("assemble(disassemble(p)) != p\n--- disassembly:\n" + canonical + "--- again:\n" +
                  fuzz::listing(*again), *program);
  const std::string twice = disassemble(*again);
  if (twice != canonical)
    fuzz::finding("the disassembly is not a fixed point\n--- first:\n" + canonical +
                  "--- second:\n" + twice, *program);
  if (auto decoded = Program::decode(*program)) assembled_rows.add(*decoded);
  return 0;
}
