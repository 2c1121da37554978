// How running code reaches the world outside it: helper functions by id,
// maps and host variables referenced by lddw, memory regions, and calls
// back into the program (bpf_loop). Every engine implements RunContext, so
// helpers work the same on the interpreter and on every JIT.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace sandbpf {

class RunContext;

// A helper receives r1..r5 and the run's context, and returns r0.
using HelperFunction = uint64_t (*)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                                    uint64_t r5, RunContext& context);

// A memory range a program may touch; checked engines refuse accesses
// outside every region they know.
struct MemoryRegion {
  uint64_t base = 0;
  uint64_t size = 0;
  bool writable = false;
};

// A map as lddw sees it. src=1/5 loads `handle` (opaque to the program,
// understood by the map helpers); src=2/6 loads `direct_value + next_imm`
// (global data and array maps with direct value access).
struct MapBinding {
  void* handle = nullptr;
  uint8_t* direct_value = nullptr;  // null: no direct value access
  uint64_t value_size = 0;
  bool writable = true;             // .rodata is not
  // For a plain array map (BPF_MAP_TYPE_ARRAY: not per-CPU, not of maps)
  // whose values never move while it lives: entry i's value is at
  // array_values + i * array_stride for i < array_entries. Null for every
  // other map. With Environment::array_lookup, a JIT may compile lookups
  // in this map inline (jit/rewrites/map_lookup_inline.hpp).
  uint8_t* array_values = nullptr;
  uint64_t array_stride = 0;
  uint32_t array_entries = 0;
};

// A host variable (lddw src=3).
struct HostVariable {
  void* address = nullptr;
  uint64_t size = 0;
  bool writable = false;
};

// What a program's calls and lddw references resolve to. Immutable while
// programs run, so one Environment serves many threads.
struct Environment {
  std::span<const HelperFunction> helpers;  // indexed by helper id; null: no such helper
  std::span<const MapBinding> maps;         // indexed as lddw src=1/2/5/6 imm
  std::span<const HostVariable> variables;  // indexed as lddw src=3 imm
  void* host_data = nullptr;                // for the host's helpers
  // The helper (bpf_map_lookup_elem) whose lookup of a u32 key k, read
  // from the key pointer r2, in a map whose binding has array_values
  // returns array_values + k * array_stride when k < array_entries and 0
  // otherwise, and does nothing else a fast-mode run can observe. Calls
  // to it on such maps may be compiled inline. Null: none.
  HelperFunction array_lookup = nullptr;

  HelperFunction helper(uint64_t id) const {
    return id < helpers.size() ? helpers[id] : nullptr;
  }
};

// The value lddw src=4 puts in a register: a reference to a program
// function, not an address the program can read. Engines encode and decode
// it the same way, so a helper can pass it back to any engine.
inline constexpr uint64_t kFunctionRefTag = 0x46554e4300000000ull;  // "FUNC"
inline constexpr uint64_t encode_function_ref(uint32_t entry_pc) { return kFunctionRefTag | entry_pc; }
inline constexpr bool is_function_ref(uint64_t value) { return (value >> 32) == (kFunctionRefTag >> 32); }
inline constexpr uint32_t function_ref_pc(uint64_t value) { return static_cast<uint32_t>(value); }

// How many bytes, at most `max`, from `address` on lie inside one of the
// regions (write: a writable one).
inline uint64_t bytes_in_regions(std::span<const MemoryRegion> regions, uint64_t address,
                                 uint64_t max, bool write) {
  uint64_t best = 0;
  for (const MemoryRegion& r : regions) {
    if (address < r.base || address - r.base >= r.size || (write && !r.writable)) continue;
    const uint64_t left = r.size - (address - r.base);
    best = left < max ? (left > best ? left : best) : max;
    if (best == max) break;
  }
  return best;
}

// Per-run state handed to helpers. Implemented by each engine.
class RunContext {
 public:
  virtual ~RunContext() = default;

  // Runs the program function `function` (a value made by lddw src=4) with
  // r1..r5 in a new frame, and returns its r0. If the run fails inside the
  // callback (checked mode), returns 0 and failed() becomes true: the helper
  // should return at once.
  virtual uint64_t call_function(uint64_t function, uint64_t r1, uint64_t r2, uint64_t r3,
                                 uint64_t r4, uint64_t r5) = 0;

  // Tells a checked engine that the program may now access this memory (a
  // map value a helper returns). Other engines ignore it.
  virtual void allow_region(const void* address, uint64_t size, bool writable) = 0;

  // Stops the run with a runtime error (a helper refusing its arguments).
  virtual void fail(std::string message) = 0;
  // Ends the program as soon as the helper returns, without an error (a
  // tail call: the runtime then runs the next program). The run's r0 is 0.
  virtual void end_program() = 0;
  // True after fail() or end_program() (or an out-of-bounds legacy packet
  // load): a helper running callbacks should return at once.
  virtual bool failed() const = 0;

  // The per-run data the caller put in RunInput::run_data.
  virtual void* run_data() const = 0;

  // How many bytes, at most `max`, from `address` on the program may read
  // (write: write) at this moment, as far as the engine knows: its live
  // stack frames (the current function's and its callers'), and in checked
  // mode the run's regions too (the input's and those allow_region added).
  // Lets helpers accept pointers the verifier did not check (a map key in
  // checked mode, a %s string). 0 when the engine does not say.
  virtual uint64_t accessible_bytes(uint64_t address, uint64_t max, bool write) const {
    (void)address, (void)max, (void)write;
    return 0;
  }

  virtual const Environment& environment() const = 0;
  void* host_data() const { return environment().host_data; }
};

}  // namespace sandbpf
