// The per-run state that JIT-compiled code reads and writes, at fixed
// offsets (offsetof): the contract between the driver (jit.cpp) and every
// backend. The code keeps a pointer to it in a callee-saved register for
// the whole run, so helpers and callbacks never lose it.
//
// Runtime errors leave the code through the state: the code stores what
// happened (`raw_error`, `error_pc`, `error_value`) and jumps to the unwind
// stub, which restores the stack pointer saved by the innermost entry
// trampoline (`saved_sp`) and returns to the driver; the driver formats the
// interpreter's message in C++. Checks done by calling out (checked-mode
// memory accesses) record the error themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "vm/environment.hpp"

namespace sandbpf {

// What the code recorded before unwinding.
enum class RawError : uint32_t {
  kNone = 0,
  kBudgetBlock,      // checked mode: a block's count ran past the budget;
                     // error_pc is the block's first slot, `remaining` is as
                     // it was at the block's entry
  kBudgetAt,         // fast mode: the budget ran out at error_pc (a back-edge or a call)
  kCallDepth,        // call local at error_pc would exceed the depth limit
  kUnknownHelper,    // call imm at error_pc names no helper
  kUnknownHelperReg, // callx at error_pc: error_value is the register's value
  kMapMissing,       // lddw src 1/5 at error_pc
  kMapValueMissing,  // lddw src 2/6 at error_pc
  kVariableMissing,  // lddw src 3 at error_pc
  kPacketEnd,        // LD_ABS/LD_IND out of the packet: the program ends with r0 = 0
  kHelperStopped,    // a helper returned with the run failed or ended; error_pc is the call
  kRecorded,         // the driver already recorded the error (checked access)
};

struct JitRunState {
  uint64_t saved_sp = 0;       // stack pointer of the innermost entry trampoline
  uint64_t remaining = 0;      // instruction budget left
  uint64_t frame_top = 0;      // r10 of the function the trampoline enters
  // r10 when the code last called a helper: the frames in use are
  // (stack_top - frame) / stack_per_frame beyond the entry frame (callbacks
  // start one frame below it).
  uint64_t frame = 0;
  // A local call made with r10 <= frame_floor would exceed the call depth
  // limit: frame_floor = stack_top - (max_call_depth - 1) * stack_per_frame.
  uint64_t frame_floor = 0;
  uint32_t stop = 0;           // non-zero once the run failed or ended (checked after helpers)
  uint32_t unused = 0;
  RawError raw_error = RawError::kNone;
  uint32_t error_pc = 0;       // lowered slot
  uint64_t error_value = 0;
  const uint8_t* packet = nullptr;  // LD_ABS/LD_IND
  uint64_t packet_size = 0;         // 0 when there is no packet
  const MapBinding* maps = nullptr;
  uint64_t map_count = 0;
  const HostVariable* variables = nullptr;
  uint64_t variable_count = 0;
  RunContext* context = nullptr;    // the helpers' sixth argument
  void* owner = nullptr;            // the driver's run object
};
static_assert(std::is_standard_layout_v<JitRunState>);

// Called by checked-mode code before each load, store and atomic: true when
// the access of the slot at `pc` to `address` is allowed (`frame` is r10:
// the live frames are [frame - stack_per_frame, stack top)); otherwise the
// error is recorded (raw_error = kRecorded) and the code unwinds.
using CheckAccessFunction = bool (*)(JitRunState* state, uint32_t pc, uint64_t address,
                                     uint64_t frame);

// The entry trampoline every backend emits first:
//   r0 = trampoline(state, args /* r1..r5 */, function code address)
// It saves the callee-saved registers, records its stack pointer in
// state->saved_sp (restoring the previous value on the way out, so
// callbacks nest), sets r0 and r6-r9 to 0, r1-r5 from args and r10 to
// state->frame_top, and calls the function.
using TrampolineFunction = uint64_t (*)(JitRunState* state, const uint64_t* args, const void* code);

}  // namespace sandbpf
