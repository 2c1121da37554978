// Transfer functions: how each instruction (and each CFG edge) changes the
// abstract state, with the safety checks that instruction needs. One class,
// its members split by instruction class over transfer_*.cpp files.
//
// The same code runs during the fixpoint (checks evaluated, nothing
// reported) and in the final checking pass (a Reporter collects the first
// failure of each instruction). After a failed check the state continues as
// if the check had passed, so one mistake is reported once, where it is.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "verifier/analysis.hpp"
#include "verifier/cfg.hpp"
#include "verifier/domains/scalar.hpp"
#include "verifier/state.hpp"

namespace sandbpf::verifier {

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void fail(uint32_t pc, std::string message) = 0;
  // A memory access at pc that was checked (proven when no failure was
  // reported at pc).
  virtual void access(uint32_t pc) = 0;
  // The instruction at pc is reached with a non-empty state.
  virtual void reached(uint32_t pc) = 0;
};

// Facts the analysis gathers on the side (not part of the lattice).
struct SideFacts {
  std::vector<int64_t> context_depth;  // per call context: bytes of its frame used (deepest access)
};

class Transfer {
 public:
  Transfer(const AnalysisConfig& config, const Cfg& cfg, SideFacts& side);

  // The checking pass's reporter (failures, accesses, reached
  // instructions) and observer (the state before each instruction). They
  // act only while checking(true): the fixpoint checks each node as soon
  // as its states are final, between transfers that must not report.
  void set_checker(Reporter* reporter, bool trace, std::function<void(uint32_t, const State&)> observer) {
    checker_ = reporter;
    trace_ = trace;
    observer_ = std::move(observer);
  }
  void checking(bool on) {
    reporter_ = on ? checker_ : nullptr;
    observing_ = on && observer_;
  }
  // With tracing: the state before the instruction being checked.
  const State& trace_state() const { return trace_state_; }

  // Applies the node's instructions; a split terminator (conditional jump,
  // call local, exit of a callee, helper with a callback) only has its
  // operands checked here; its edges do the rest.
  void node(State& s, const CfgNode& node);
  // The effect of an edge on the state leaving its source node.
  void edge(State& s, const CfgEdge& edge);

  // One instruction (not a split terminator's edge part).
  void insn(State& s, uint32_t pc);

  const std::vector<int64_t>& thresholds() const { return thresholds_; }
  uint32_t stack_size() const { return stack_size_; }

 private:
  // ---- shared helpers (transfer.cpp)
  bool reporting() const { return reporter_ != nullptr; }
  void fail(uint32_t pc, std::string message);
  // Reads register r as an operand: checks it is initialized.
  const RegValue& use(State& s, uint32_t pc, unsigned r);
  std::string describe_null(const RegValue& v) const;
  std::string map_name(size_t index) const;
  // A pointer into the values of `maps` at `offset` (room from their sizes).
  RegValue map_value_pointer(const MapSet& maps, Interval offset) const;
  const Insn& at(uint32_t pc) const { return config_.program->insns()[pc]; }
  const InsnInfo& row(uint32_t pc) const { return config_.program->row(pc); }
  void note_stack_depth(const State& s, unsigned frame, int64_t lowest);

  // ---- ALU (transfer_alu.cpp)
  void alu(State& s, uint32_t pc);
  // `lsh rX, 32; rsh rX, 32` (or arsh): clang's zero- (sign-) extension of
  // the low half, done as one step so that a value already in range keeps
  // its relations. True when pc starts such a pair (both applied).
  bool extension_idiom(State& s, uint32_t pc);
  void endian(State& s, uint32_t pc);
  void lddw(State& s, uint32_t pc);

  // ---- memory (transfer_mem.cpp)
  void load(State& s, uint32_t pc);
  void store(State& s, uint32_t pc);
  void atomic(State& s, uint32_t pc);
  void legacy_packet_load(State& s, uint32_t pc);
  // Checks an access of `width` bytes at ptr + off through register `reg`;
  // for loads returns the value read.
  enum class Access : uint8_t { kRead, kWrite, kAtomic };
  RegValue access(State& s, uint32_t pc, unsigned reg, int64_t off, unsigned width, Access kind,
                  bool sign_extend, const RegValue* stored);
  RegValue access_context(State& s, uint32_t pc, unsigned reg, const RegValue& ptr, int64_t off,
                          unsigned width, Access kind, const RegValue* stored);
  RegValue access_stack(State& s, uint32_t pc, unsigned reg, const RegValue& ptr, int64_t off,
                        unsigned width, Access kind, bool sign_extend, const RegValue* stored);
  bool check_packet(State& s, uint32_t pc, unsigned reg, const RegValue& ptr, int64_t off, unsigned width,
                    bool write);
  bool check_map_value(State& s, uint32_t pc, unsigned reg, const RegValue& ptr, int64_t off,
                       unsigned width, Access kind);
  RegValue read_map_constant(const RegValue& ptr, int64_t off, unsigned width, bool sign_extend) const;

 public:
  // ---- memory ranges for helpers (transfer_mem.cpp): checks that
  // [ptr + off, ptr + off + size) is readable (and initialized) or writable,
  // for size in `size`; marks written stack bytes initialized.
  bool check_memory_range(State& s, uint32_t pc, unsigned reg, const Scalar& size, bool write,
                          const std::string& what);

 private:
  // ---- jumps (transfer_jump.cpp)
  void assume(State& s, uint32_t pc, bool taken);
  void assume_registers(State& s, Cmp cmp, bool is32, unsigned dst, std::optional<unsigned> src_reg,
                        const RegValue& src);
  void check_jump_operands(State& s, uint32_t pc);

  // ---- calls (transfer_call.cpp)
  void call_helper(State& s, uint32_t pc, bool apply_result);
  void check_helper_args(State& s, uint32_t pc, const HelperPrototype& proto);
  void helper_result(State& s, uint32_t pc, const HelperPrototype& proto);
  void helper_result_at(State& s, uint32_t pc);
  void enter_callback(State& s, uint32_t pc);
  void return_from_callback(State& s, uint32_t pc);
  void exit(State& s, uint32_t pc);
  void call_local_enter(State& s, uint32_t pc);
  void return_to_caller(State& s, uint32_t pc);
  const HelperPrototype* helper_at(const State& s, uint32_t pc);

  const AnalysisConfig& config_;
  const Cfg& cfg_;
  SideFacts& side_;
  Reporter* reporter_ = nullptr;  // the checker while checking, else null
  Reporter* checker_ = nullptr;
  bool trace_ = false;
  bool observing_ = false;
  std::function<void(uint32_t, const State&)> observer_;
  State trace_state_;
  uint32_t current_context_ = 0;
  // A relation the last memory read established for the loaded register
  // (data_end is the packet size; a spilled slot's variable).
  std::optional<VarId> loaded_equal_;
  // The register a store writes (its relations follow it into the slot).
  std::optional<unsigned> pending_store_reg_;
  std::vector<int64_t> thresholds_;
  uint32_t stack_size_;
  uint32_t next_id_base_;
  bool generic_memory_;  // EntryConvention::kMemoryAndLength
};

// Helpers shared by the transfer files.
Cmp jump_cmp(Op op);
Scalar::Op alu_op(Op op);

}  // namespace sandbpf::verifier
