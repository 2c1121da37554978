// Programs for the verifier-soundness target, built from the fuzzer's
// bytes (each byte a choice), shaped so that a useful share passes the
// verifier on the generic platform (r1 = memory, r2 = its size):
//
//   r6 = memory, r7 = its size (never written again); r0-r4 and r8 hold
//   scalars; r5 is a scratch pointer; r9 counts loop iterations; the top
//   64 bytes of the stack are zeroed first.
//
// The body mixes every ALU row, loads and stores of every width on the
// memory behind a size check (constant offsets, and indexes checked
// against the size), on the stack, atomics (stack and memory), forward
// conditional jumps over nested blocks with every jump row, if/else,
// bounded loops, ja/ja32, lddw, calls to local functions, legacy packet
// loads and, now and then, an arbitrary row with random fields. A mutation
// pass may then change a field of a few slots, so near-valid programs
// probe the verifier's edges too.
#pragma once

#include <cstdint>
#include <vector>

#include "fuzz/fuzz_support.hpp"
#include "vm/insn_table.hpp"
#include "vm/instruction.hpp"

namespace sandbpf::fuzz {

class VerifierProgramGenerator {
 public:
  explicit VerifierProgramGenerator(ByteReader& in);
  std::vector<Insn> generate();

 private:
  struct Item {
    std::vector<Insn> code;
    std::vector<std::pair<size_t, size_t>> calls;  // (slot, function index)
    void add(const Insn& insn) { code.push_back(insn); }
    void append(const Item& other);
    size_t size() const { return code.size(); }
  };

  Item block(int depth, bool in_loop, size_t items);
  Item item(int depth, bool in_loop);
  Item alu();
  Item lddw_constant();
  Item memory_constant_offset();
  Item memory_index();
  Item stack_access();
  Item atomic(bool on_memory);
  Item conditional(int depth, bool in_loop);
  Item if_else(int depth, bool in_loop);
  Item loop(int depth);
  Item unconditional_jump(int depth, bool in_loop);
  Item local_call();
  Item packet_load();
  Item arbitrary_row();
  Item function_body();
  void reset_scratch(Item& item);  // r1-r5 after a call or packet load
  void mutate(std::vector<Insn>& code);

  uint8_t scalar();       // r0-r4, r8
  uint8_t scalar_src();   // a scalar or r7 (the size)
  int32_t imm32();
  Op pick(const std::vector<Op>& ops) { return ops[in_.below(static_cast<uint32_t>(ops.size()))]; }

  ByteReader& in_;
  std::vector<Op> alu_ops_, jump_ops_, load_ops_, store_ops_, atomic_ops_, packet_ops_,
      all_ops_;
  size_t functions_ = 0;
};

}  // namespace sandbpf::fuzz
