// Random well-formed programs for differential testing (interpreter vs
// JIT). Every program:
//   - gets r1 = a 256-byte memory (r2 its size); it copies r1 to r9, which
//     stays the memory's base; r10 is the stack, whose top 64 bytes are
//     zeroed first (fast mode does not zero the stack);
//   - gives r0-r8 random values, then runs a body of random instructions
//     over every ALU, jump, load, store and atomic row of the table, with
//     memory accesses inside the memory or the zeroed stack (aligned for
//     atomics), bounded loops (counter r8), forward jumps, helper calls
//     (ids 1 and 2; r1-r5 are set again after each), callx, calls to a
//     local function, legacy packet loads (sometimes out of bounds: the
//     program then ends with r0 = 0) and lddw of every kind;
//   - stores r0-r8 into the memory and exits, so comparing the memory
//     compares every register.
// Register values that are host addresses (r9, r10, map handles) never
// flow into data, so results do not depend on where memory is.
#pragma once

#include <cstdint>
#include <random>
#include <set>
#include <vector>

#include "vm/environment.hpp"
#include "vm/insn_table.hpp"
#include "vm/instruction.hpp"

namespace sandbpf::testing {

inline constexpr uint64_t kGeneratedMemorySize = 256;
inline constexpr int32_t kZeroedStackBytes = 64;

struct GeneratorOptions {
  size_t body_items = 40;          // items (instructions or constructs) in the body
  double out_of_bounds = 0.0;      // chance that a memory access is out of bounds
  bool local_calls = true;
};

class ProgramGenerator {
 public:
  explicit ProgramGenerator(uint64_t seed, GeneratorOptions options = {});
  std::vector<Insn> generate();
  // Rows the generated programs used so far.
  const std::set<Op>& covered() const { return covered_; }

 private:
  using Item = std::vector<Insn>;
  std::vector<Item> block(int depth, bool in_loop);
  Item simple();
  Item alu();
  Item memory_access();
  Item atomic();
  Item helper_call();
  Item lddw();
  Item packet_load();
  Item loop(int depth);
  Item local_call();
  Item address_arithmetic();  // what clang emits for p[i]: the backend fuses it
  void reset_arguments(Item& item);
  void add(Item& item, const Insn& insn);

  uint8_t data_reg();        // r0-r7 (r8 is the loop counter)
  uint8_t any_data_reg();    // r0-r8: readable
  int32_t imm32();
  uint64_t imm64();
  int16_t mem_offset(bool stack, unsigned width, bool aligned);
  bool chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  std::mt19937_64 rng_;
  GeneratorOptions options_;
  std::vector<Op> alu_ops_, jump_ops_, load_ops_, store_ops_, atomic_ops_;
  std::set<Op> covered_;
  bool has_local_function_ = false;
};

// The environment the generated programs run in: helper 1 mixes its
// arguments, helper 2 returns r1 * 3; map 0 has a 64-byte value; host
// variable 0 is 8 bytes.
const Environment& generated_environment();

}  // namespace sandbpf::testing
