// Code outside the program: the entry trampoline, the error stubs, the
// unwinder, the checked-access stub and the literal pool (jit/run_state.hpp
// has the contract).
#include <algorithm>
#include <cstddef>

#include "jit/arm64/emitter.hpp"

namespace sandbpf::arm64 {

// The error stubs store raw_error and error_pc with one 64-bit store.
static_assert(offsetof(JitRunState, raw_error) % 8 == 0);
static_assert(offsetof(JitRunState, error_pc) == offsetof(JitRunState, raw_error) + 4);
static_assert(sizeof(RawError) == 4);

namespace {

// Which of r6-r9 (bits 0-3) an instruction writes.
uint8_t callee_saved_writes(const Insn& insn, const InsnInfo& row) {
  uint8_t written = 0;
  auto mark = [&](uint8_t reg) {
    if (reg >= 6 && reg <= 9) written |= static_cast<uint8_t>(1u << (reg - 6));
  };
  if (writes_dst_register(row.form)) mark(insn.dst);
  if (row.form == Form::Atomic && (insn.imm & kAtomicFetch) != 0 && insn.imm != kAtomicCmpxchg)
    mark(insn.src);  // fetching atomics write the old value to src
  return written;
}

// Whether an instruction calls out of the function: helpers, local calls,
// and in checked mode the access check of every memory access.
bool calls_out(Form form, ExecMode mode) {
  switch (form) {
    case Form::CallHelper: case Form::CallReg: case Form::CallLocal:
      return true;
    case Form::Load: case Form::StoreImm: case Form::StoreReg: case Form::Atomic:
      return mode == ExecMode::kChecked;
    default:
      return false;
  }
}

// The trampoline's frame: x29/x30, x19-x24, the previous saved_sp, padding.
constexpr int32_t kTrampolineFrame = 80;
constexpr int32_t kPreviousSavedSp = 64;

}  // namespace

Emitter::Emitter(a64::Assembler& a, const LoweredProgram& program, const BackendOptions& options,
                 bool far)
    : a_(a),
      program_(program),
      options_(options),
      far_(far),
      atomics_(resolve_atomics(options.arm64_atomics)),
      labels_(program.size()) {
  trampoline_ = a_.newLabel();
  leave_ = a_.newLabel();
  unwind_ = a_.newLabel();
  check_stub_ = a_.newLabel();
  for (uint32_t entry : program.function_entries) entries_[entry] = a_.newLabel();
  // Per function: which of r6-r9 its own instructions write; a local call
  // saves those (calls it makes save their callees' in turn).
  const auto& entries = program.function_entries;
  written_by_function_.assign(entries.size(), 0);
  calls_out_.assign(entries.size(), 0);
  for (size_t f = 0; f < entries.size(); ++f) {
    const size_t end = f + 1 < entries.size() ? entries[f + 1] : program.size();
    for (size_t pc = entries[f]; pc < end; ++pc) {
      if (program.tail[pc]) continue;
      written_by_function_[f] |= callee_saved_writes(program.insns[pc], program.row(pc));
      // The budget rewrite's exit jumps to a stub and never returns.
      if (!is_budget_exhausted_call(program.insns[pc]))
        calls_out_[f] |= calls_out(program.row(pc).form, options.mode);
    }
  }
}

void Emitter::make_target_label(size_t pc) {
  if (!labels_[pc].isValid()) labels_[pc] = a_.newLabel();
}

void Emitter::function_entry(size_t pc) {
  a_.bind(entries_.at(pc));
  const auto& all = program_.function_entries;
  const auto f = static_cast<size_t>(std::lower_bound(all.begin(), all.end(), static_cast<uint32_t>(pc)) - all.begin());
  // A leaf function keeps its return address in x30.
  saves_link_ = calls_out_[f] != 0;
  if (saves_link_) a_.str(a64::x30, a64::ptr_pre(a64::sp, -16));
}

asmjit::Label Emitter::entry_label(size_t pc) const { return entries_.at(pc); }

void Emitter::bind_target_label(size_t pc) {
  if (labels_[pc].isValid()) a_.bind(labels_[pc]);
}

void Emitter::mov_address(const a64::GpX& dst, uint64_t address) {
  if (far_) {
    mov_imm(dst, address);
    return;
  }
  auto [it, inserted] = literals_.try_emplace(address);
  if (inserted) it->second = a_.newLabel();
  a_.ldr(dst, a64::ptr(it->second));
}

// x0 = trampoline(state: x0, args: x1, code: x2). The body runs with sp
// 16-byte aligned (AArch64 requires it of every sp-based access).
void Emitter::trampoline() {
  a_.bind(trampoline_);
  a_.stp(a64::x29, a64::x30, a64::ptr_pre(a64::sp, -kTrampolineFrame));
  a_.stp(a64::x19, a64::x20, a64::ptr(a64::sp, 16));
  a_.stp(a64::x21, a64::x22, a64::ptr(a64::sp, 32));
  a_.stp(a64::x23, a64::x24, a64::ptr(a64::sp, 48));
  a_.mov(kState, a64::x0);
  a_.ldr(kScratch1, SANDBPF_A64_STATE(saved_sp));
  a_.str(kScratch1, a64::ptr(a64::sp, kPreviousSavedSp));
  a_.mov(kScratch1, a64::sp);
  a_.str(kScratch1, SANDBPF_A64_STATE(saved_sp));
  a_.mov(kCallTarget, a64::x2);
  a_.mov(a64::x17, a64::x1);
  a_.ldp(bpf_x(1), bpf_x(2), a64::ptr(a64::x17));
  a_.ldp(bpf_x(3), bpf_x(4), a64::ptr(a64::x17, 16));
  a_.ldr(bpf_x(5), a64::ptr(a64::x17, 32));
  a_.ldr(bpf_x(10), SANDBPF_A64_STATE(frame_top));
  for (const uint8_t r : {uint8_t{0}, uint8_t{6}, uint8_t{7}, uint8_t{8}, uint8_t{9}}) a_.mov(bpf_x(r), a64::xzr);
  a_.blr(kCallTarget);
  a_.mov(a64::x0, bpf_x(0));
  a_.bind(leave_);
  a_.ldr(kScratch1, a64::ptr(a64::sp, kPreviousSavedSp));
  a_.str(kScratch1, SANDBPF_A64_STATE(saved_sp));
  a_.ldp(a64::x23, a64::x24, a64::ptr(a64::sp, 48));
  a_.ldp(a64::x21, a64::x22, a64::ptr(a64::sp, 32));
  a_.ldp(a64::x19, a64::x20, a64::ptr(a64::sp, 16));
  a_.ldp(a64::x29, a64::x30, a64::ptr_post(a64::sp, kTrampolineFrame));
  a_.ret(a64::x30);

  // Runtime errors come here from any depth: back to the trampoline's frame.
  a_.bind(unwind_);
  a_.ldr(kScratch1, SANDBPF_A64_STATE(saved_sp));
  a_.mov(a64::sp, kScratch1);
  a_.mov(a64::x0, a64::xzr);
  a_.b(leave_);
}

asmjit::Label Emitter::error_stub(RawError kind, size_t pc, const a64::GpX* value) {
  Stub stub{a_.newLabel(), kind, static_cast<uint32_t>(pc), value != nullptr,
            value != nullptr ? *value : a64::x0};
  stubs_.push_back(stub);
  return stub.label;
}

void Emitter::stubs() {
  for (const Stub& stub : stubs_) {
    a_.bind(stub.label);
    if (stub.has_value) a_.str(stub.value, SANDBPF_A64_STATE(error_value));
    mov_imm(kScratch1, (static_cast<uint64_t>(stub.pc) << 32) | static_cast<uint32_t>(stub.kind));
    a_.str(kScratch1, SANDBPF_A64_STATE(raw_error));  // raw_error, then error_pc
    a_.b(unwind_);
  }

  // Checked access: w10 = slot, x11 = address. Saves the caller-saved
  // registers the program uses (the check is a C++ call) and x30, and
  // unwinds when the check refuses.
  if (options_.mode == ExecMode::kChecked) {
    a_.bind(check_stub_);
    a_.stp(bpf_x(1), bpf_x(2), a64::ptr_pre(a64::sp, -64));
    a_.stp(bpf_x(3), bpf_x(4), a64::ptr(a64::sp, 16));
    a_.stp(bpf_x(5), bpf_x(0), a64::ptr(a64::sp, 32));
    a_.stp(bpf_x(11), a64::x30, a64::ptr(a64::sp, 48));
    a_.mov(a64::x0, kState);
    a_.mov(a64::w1, kScratch1.w());
    a_.mov(a64::x2, kScratch2);
    a_.mov(a64::x3, bpf_x(10));
    call_direct(reinterpret_cast<uint64_t>(options_.check_access));
    a_.and_(kCallTarget.w(), a64::w0, 0xff);  // a bool: only the low byte is defined
    a_.ldp(bpf_x(11), a64::x30, a64::ptr(a64::sp, 48));
    a_.ldp(bpf_x(5), bpf_x(0), a64::ptr(a64::sp, 32));
    a_.ldp(bpf_x(3), bpf_x(4), a64::ptr(a64::sp, 16));
    a_.ldp(bpf_x(1), bpf_x(2), a64::ptr_post(a64::sp, 64));
    branch_if_zero(kCallTarget.w(), unwind_);
    a_.ret(a64::x30);
  }

  // Veneers of the direct calls (call_direct), for when the final address
  // is out of bl's +-128 MiB from the function: x16 (IP0) is the register
  // the procedure call standard leaves to veneers. 16 bytes each, so the
  // addresses stay 8-byte aligned.
  if (!veneers_.empty()) {
    a_.align(asmjit::AlignMode::kCode, 8);
    for (const auto& [function, label] : veneers_) {
      const asmjit::Label literal = a_.newLabel();
      a_.bind(label);
      a_.ldr(kCallTarget, a64::ptr(literal));
      a_.br(kCallTarget);
      a_.bind(literal);
      a_.embedUInt64(function);
    }
  }

  // The literal pool: absolute addresses (the helper table of callx),
  // read with PC-relative ldr.
  if (!literals_.empty()) {
    a_.align(asmjit::AlignMode::kData, 8);
    for (const auto& [address, label] : literals_) {
      a_.bind(label);
      a_.embedUInt64(address);
    }
  }
}

}  // namespace sandbpf::arm64
