// Fuzz target: the ELF and BTF loader.
//
// Input: the bytes of an object file. load_elf_object() must refuse a
// malformed object with an error naming the file (never read out of
// bounds, never crash); every program it loads without a load error must
// be one Program::decode accepts or refuses with an error, and its line
// info, when present, must have one entry per slot.
#include <cstdint>

#include "fuzz/fuzz_support.hpp"
#include "loader/disassembler.hpp"
#include "loader/object.hpp"
#include "vm/program.hpp"

using namespace sandbpf;

namespace {

fuzz::OpCounter loaded_rows("loader: rows in loaded programs that decode");
uint64_t objects = 0, loaded = 0, programs = 0, decoded = 0;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::report_at_exit(&loaded_rows);
  fuzz::report_tally_at_exit("loader: inputs that loaded as objects", &loaded, &objects);
  fuzz::report_tally_at_exit("loader: programs that decoded", &decoded, &programs);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ++objects;
  auto object = load_elf_object({data, size}, "fuzz.o");
  if (!object) {
    if (object.error().kind != ErrorKind::kLoad)
      fuzz::finding("the loader failed with a non-load error: " + object.error().to_string());
    if (object.error().message.empty()) fuzz::finding("a loader error without a sentence");
    return 0;
  }
  ++loaded;
  for (const ObjectProgram& p : object->programs) {
    if (p.load_error) continue;
    ++programs;
    if (!p.line_info.empty() && p.line_info.size() != p.insns.size())
      fuzz::finding("line info does not have one entry per slot in " + p.name(), p.insns);
    for (const FunctionInfo& f : p.functions)
      if (f.entry >= p.insns.size() && !p.insns.empty())
        fuzz::finding("function " + f.name + " starts outside " + p.name(), p.insns);
    auto program = Program::decode(p.insns);
    if (!program) continue;
    ++decoded;
    loaded_rows.add(*program);
    (void)disassemble(p.insns);
  }
  return 0;
}
