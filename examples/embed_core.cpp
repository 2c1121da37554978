// The README's embedding example, built and run by the tests: assemble a
// program, decode it, and run it in checked mode on host memory.
#include <cstdio>

#include "loader/assembler.hpp"
#include "vm/interpreter.hpp"

using namespace sandbpf;

int main() {
  auto code = assemble("ldxw %r0, [%r1+0]\n add %r0, 1\n exit");
  if (!code) return std::fprintf(stderr, "%s\n", code.error().to_string().c_str()), 2;
  auto program = Program::decode(*code);  // refuses bad programs with a reason
  if (!program) return std::fprintf(stderr, "%s\n", program.error().to_string().c_str()), 2;
  auto vm = Interpreter::create(*program);  // pre-decodes once; runs on any thread
  if (!vm) return 2;

  uint32_t memory = 41;
  MemoryRegion region{reinterpret_cast<uint64_t>(&memory), sizeof memory, true};
  RunInput input;
  input.args[0] = region.base;   // r1
  input.args[1] = region.size;   // r2
  input.regions = {&region, 1};  // what checked mode lets it touch
  Environment env;               // helpers, maps, host variables
  auto r0 = vm->run(env, input, ExecMode::kChecked, {.instruction_budget = 1000});
  if (!r0) return std::fprintf(stderr, "%s\n", r0.error().to_string().c_str()), 3;
  std::printf("%llu\n", static_cast<unsigned long long>(*r0));  // 42
  return *r0 == 42 ? 0 : 1;
}
