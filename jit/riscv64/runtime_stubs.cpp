// Code outside the program: the entry trampoline and the unwinder, the
// function prologues, the error stubs and the checked-access stub
// (jit/run_state.hpp has the contract).
#include <algorithm>
#include <cstddef>

#include "jit/riscv64/emitter.hpp"

namespace sandbpf::riscv64 {

using namespace insn;

namespace {

// Which of r6-r9 (bits 0-3) an instruction writes.
uint8_t callee_saved_writes(const Insn& in, const InsnInfo& row) {
  uint8_t written = 0;
  auto mark = [&](uint8_t reg) {
    if (reg >= 6 && reg <= 9) written |= static_cast<uint8_t>(1u << (reg - 6));
  };
  if (writes_dst_register(row.form)) mark(in.dst);
  if (row.form == Form::Atomic && (in.imm & kAtomicFetch) != 0 && in.imm != kAtomicCmpxchg)
    mark(in.src);  // fetching atomics write the old value to src
  return written;
}

bool calls(Form form) {
  return form == Form::CallHelper || form == Form::CallReg || form == Form::CallLocal;
}

// The trampoline's frame: ra, s1-s6 and the previous saved_sp (64 bytes,
// keeping sp 16-byte aligned).
constexpr Reg kTrampolineSaved[] = {kRa, kS1, kS2, kS3, kS4, kS5, kS6};
constexpr int32_t kTrampolineFrame = 64;
constexpr int32_t kPreviousSavedSp = 56;

// What the checked-access stub preserves: every caller-saved register the
// code may hold a value in (t0 carries the answer back).
constexpr Reg kCheckSaved[] = {kRa, kA0, kA1, kA2, kA3, kA4, kA5, kA6,
                               kA7, kT1, kT2, kT3, kT4, kT5, kT6};
constexpr int32_t kCheckFrame = 128;

}  // namespace

Emitter::Emitter(Assembler& a, const LoweredProgram& program, const BackendOptions& options)
    : a_(a), program_(program), options_(options), labels_(program.size()) {
  trampoline_ = a_.new_label();
  unwind_ = a_.new_label();
  check_stub_ = a_.new_label();
  // Per function: which of r6-r9 its own instructions write (a local call
  // saves those; calls it makes save their callees' in turn) and whether
  // it calls anything (then it keeps ra in a frame).
  const auto& entries = program.function_entries;
  written_by_function_.assign(entries.size(), 0);
  saves_ra_.assign(entries.size(), 0);
  for (size_t f = 0; f < entries.size(); ++f) {
    entry_labels_.push_back(a_.new_label());
    const size_t end = f + 1 < entries.size() ? entries[f + 1] : program.size();
    for (size_t pc = entries[f]; pc < end; ++pc) {
      if (program.tail[pc]) continue;
      written_by_function_[f] |= callee_saved_writes(program.insns[pc], program.row(pc));
      // The budget rewrite's exit jumps to a stub and never returns.
      if (calls(program.row(pc).form) && !is_budget_exhausted_call(program.insns[pc])) saves_ra_[f] = 1;
    }
  }
}

size_t Emitter::function_of(size_t pc) const {
  const auto& entries = program_.function_entries;
  return static_cast<size_t>(std::upper_bound(entries.begin(), entries.end(), static_cast<uint32_t>(pc)) -
                             entries.begin()) - 1;
}

void Emitter::make_target_label(size_t pc) {
  if (!labels_[pc].valid()) labels_[pc] = a_.new_label();
}

void Emitter::enter_slot(size_t pc) {
  if (program_.is_function_entry(pc)) {
    const size_t f = function_of(pc);
    a_.bind(entry_labels_[f]);
    if (saves_ra_[f]) {
      a_.emit(addi(kSp, kSp, -16));
      a_.emit(sd(kRa, kSp, 8));
    }
  }
  if (labels_[pc].valid()) a_.bind(labels_[pc]);
}

void Emitter::exit(size_t pc) {
  if (saves_ra_[function_of(pc)]) {
    a_.emit(ld(kRa, kSp, 8));
    a_.emit(addi(kSp, kSp, 16));
  }
  a_.emit(ret());
}

// r0 = trampoline(state: a0, args: a1, code: a2).
void Emitter::trampoline() {
  a_.bind(trampoline_);
  a_.emit(addi(kSp, kSp, -kTrampolineFrame));
  for (size_t i = 0; i < std::size(kTrampolineSaved); ++i)
    a_.emit(sd(kTrampolineSaved[i], kSp, static_cast<int32_t>(8 * i)));
  a_.emit(mv(kState, kA0));
  a_.emit(ld(kScratch0, kState, SANDBPF_RV_STATE(saved_sp)));
  a_.emit(sd(kScratch0, kSp, kPreviousSavedSp));
  a_.emit(sd(kSp, kState, SANDBPF_RV_STATE(saved_sp)));
  a_.emit(mv(kScratch0, kA2));
  a_.emit(mv(kScratch1, kA1));
  for (uint8_t r = 1; r <= 5; ++r) a_.emit(ld(bpf_reg(r), kScratch1, 8 * (r - 1)));
  a_.emit(ld(bpf_reg(10), kState, SANDBPF_RV_STATE(frame_top)));
  for (uint8_t r : {0, 6, 7, 8, 9}) a_.emit(mv(bpf_reg(r), kZero));
  a_.emit(jalr(kRa, kScratch0, 0));
  const Label leave = a_.new_label();
  a_.bind(leave);
  a_.emit(ld(kScratch0, kSp, kPreviousSavedSp));
  a_.emit(sd(kScratch0, kState, SANDBPF_RV_STATE(saved_sp)));
  for (size_t i = 0; i < std::size(kTrampolineSaved); ++i)
    a_.emit(ld(kTrampolineSaved[i], kSp, static_cast<int32_t>(8 * i)));
  a_.emit(addi(kSp, kSp, kTrampolineFrame));
  a_.emit(mv(kA0, bpf_reg(0)));
  a_.emit(ret());

  // Runtime errors come here from any depth: back to the trampoline's
  // frame (s6 still holds the state: no code writes it).
  a_.bind(unwind_);
  a_.emit(ld(kSp, kState, SANDBPF_RV_STATE(saved_sp)));
  a_.emit(mv(bpf_reg(0), kZero));
  a_.jump(leave);
}

Label Emitter::error_stub(RawError kind, size_t pc, std::optional<Reg> value) {
  Stub stub{a_.new_label(), kind, static_cast<uint32_t>(pc), value};
  stubs_.push_back(stub);
  return stub.label;
}

void Emitter::stubs() {
  for (const Stub& stub : stubs_) {
    a_.bind(stub.label);
    if (stub.value) a_.emit(sd(*stub.value, kState, SANDBPF_RV_STATE(error_value)));
    a_.li(kScratch0, stub.pc);
    a_.emit(sw(kScratch0, kState, SANDBPF_RV_STATE(error_pc)));
    a_.li(kScratch0, static_cast<int64_t>(stub.kind));
    a_.emit(sw(kScratch0, kState, SANDBPF_RV_STATE(raw_error)));
    a_.jump(unwind_);
  }

  // Checked access: t0 = slot, t1 = address, return address in t5.
  // Preserves every caller-saved register but t0 (the check is a C++
  // call) and unwinds when the check refuses.
  if (!checked()) return;
  a_.bind(check_stub_);
  a_.emit(addi(kSp, kSp, -kCheckFrame));
  for (size_t i = 0; i < std::size(kCheckSaved); ++i)
    a_.emit(sd(kCheckSaved[i], kSp, static_cast<int32_t>(8 * i)));
  a_.emit(mv(kA0, kState));
  a_.emit(mv(kA1, kScratch0));
  a_.emit(mv(kA2, kScratch1));
  a_.emit(mv(kA3, bpf_reg(10)));
  a_.load_literal(kScratch0, reinterpret_cast<uint64_t>(options_.check_access));
  a_.emit(jalr(kRa, kScratch0, 0));
  a_.emit(mv(kScratch0, kA0));
  for (size_t i = 0; i < std::size(kCheckSaved); ++i)
    a_.emit(ld(kCheckSaved[i], kSp, static_cast<int32_t>(8 * i)));
  a_.emit(addi(kSp, kSp, kCheckFrame));
  a_.branch(Cond::kEq, kScratch0, kZero, unwind_);
  a_.emit(jalr(kZero, kCheckLink, 0));
}

}  // namespace sandbpf::riscv64
