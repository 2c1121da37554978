// The JIT driver: compiles a Program to native code for the host (x86-64
// today; ARM64 and RISC-V 64 follow) and runs it. The compiled code is bound
// to one Environment's helper table at compile time, so helper calls go to
// the known function's address (callx looks the id up in a copy of the
// table). Executable memory is W^X (jit/executable_memory.hpp): no page is
// ever writable and executable at once.
//
// Semantics are the interpreter's, bit for bit (the interpreter is the
// reference; DESIGN.md). Like the interpreter, code is compiled in one of
// two modes: fast (verified or trusted programs: no checks) or checked
// (every load and store checked against the run's regions, atomics'
// alignment checked, an instruction budget), so unverified programs are
// safe on the JIT too, with the interpreter's error messages. An
// instruction the backend cannot compile is a compile error: the JIT never
// falls back to the interpreter, and helpers' callbacks
// (RunContext::call_function) run JIT-compiled code. jit/README.md has the
// design (register mapping, budgets, frames, rewrites).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "jit/backend.hpp"

#include "sandbpf/error.hpp"
#include "verifier/verifier.hpp"
#include "vm/environment.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"

namespace sandbpf {

struct JitOptions {
  ExecMode mode = ExecMode::kFast;
  uint32_t stack_per_frame = 512;  // as InterpreterOptions
  uint32_t max_call_depth = 8;
  bool blind_constants = false;     // hardening rewrite (jit/rewrites/constant_blinding.hpp)
  uint64_t blinding_seed = 0;       // 0: random keys; otherwise deterministic (tests)
  // Spectre v1 masking of verified pointer arithmetic (hardening rewrite,
  // jit/rewrites/spectre_v1.hpp); needs `facts`.
  bool spectre_v1 = false;
  // What the verifier proved about the program as loaded (verified
  // programs); the rewrites carry it to their slots (LoweredProgram::per_slot).
  std::shared_ptr<const VerifiedFacts> facts;
  uint64_t max_code_bytes = 64 << 20;
  // Helpers (and checked mode's access check) are called directly when the
  // code lands within the call's reach of them (jit/README.md); false
  // keeps every such call on its veneer (tests, measurements).
  bool direct_calls = true;
  // Calls of Environment::array_lookup that the verifier's facts prove
  // look up in one array map with a fixed layout (MapBinding::array_values)
  // are compiled inline (jit/rewrites/map_lookup_inline.hpp): fast mode
  // with `facts` only. The code then embeds the compile-time Environment's
  // value addresses, and run() refuses an Environment whose inlined maps
  // differ. false keeps every call (tests, measurements).
  bool inline_map_lookups = true;
};

struct CompiledCode;  // the executable mapping and metadata (jit.cpp)

class JitProgram {
 public:
  // Compiles for the host architecture. `environment.helpers` is read now
  // (direct calls); maps and host variables are resolved at run time from
  // the Environment passed to run(), which must have the same helpers (and
  // the same array maps where lookups were inlined).
  static Result<JitProgram> compile(const Program& program, const Environment& environment,
                                    const JitOptions& options = {});
  JitProgram(JitProgram&&) noexcept;
  JitProgram& operator=(JitProgram&&) noexcept;
  ~JitProgram();

  // Same contract as Interpreter::run, and the same results and errors
  // (limits.instruction_budget is enforced in checked mode, counting every
  // instruction, and in fast mode at back-edges and calls when non-zero:
  // fast code with those charges is compiled once, on the first run that
  // asks for a budget; stats count instructions only in checked mode and
  // are 0 in fast mode).
  Result<uint64_t> run(const Environment& environment, const RunInput& input,
                       const RunLimits& limits = {}, RunStats* stats = nullptr) const;

  std::span<const uint8_t> code() const;  // the machine code, for dumps
  // Where the code of each instruction starts in code(), by pc of the
  // program as loaded (an lddw's second slot: where the next one starts).
  std::span<const uint32_t> instruction_offsets() const;
  const Program& program() const;
  // Of the code's calls to functions known at compile time (helpers, the
  // access check), how many there are and how many were made direct at
  // publication (the others go through their veneers).
  size_t call_sites() const;
  size_t direct_call_sites() const;
  // How many bpf_map_lookup_elem calls were compiled inline (array maps,
  // verified fast mode; jit/README.md). Unlike call_sites(), it does not
  // depend on whether the backend records its calls as relocations
  // (riscv64 calls through absolute addresses and records none).
  size_t inlined_lookups() const;

 private:
  explicit JitProgram(std::unique_ptr<CompiledCode> code);
  std::unique_ptr<CompiledCode> code_;
};

// Whether this build has a JIT backend for the host.
bool jit_available();

// Machine code for any architecture this build has a backend for, without
// running it (dumps, golden tests): the bytes as they would be published,
// and where each instruction's code starts (as JitProgram::instruction_offsets).
struct MachineCodeListing {
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> instruction_offsets;
};
Result<MachineCodeListing> compile_listing(const Program& program, const Environment& environment,
                                           const JitOptions& options, JitArch arch);

}  // namespace sandbpf
