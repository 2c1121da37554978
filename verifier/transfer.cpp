// Dispatch of instructions and edges, and what the transfer files share.
#include "verifier/transfer.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace sandbpf::verifier {

Cmp jump_cmp(Op op) {
  switch (op) {
    case Op::Jeq64Imm: case Op::Jeq64Reg: case Op::Jeq32Imm: case Op::Jeq32Reg: return Cmp::kEq;
    case Op::Jne64Imm: case Op::Jne64Reg: case Op::Jne32Imm: case Op::Jne32Reg: return Cmp::kNe;
    case Op::Jgt64Imm: case Op::Jgt64Reg: case Op::Jgt32Imm: case Op::Jgt32Reg: return Cmp::kGt;
    case Op::Jge64Imm: case Op::Jge64Reg: case Op::Jge32Imm: case Op::Jge32Reg: return Cmp::kGe;
    case Op::Jlt64Imm: case Op::Jlt64Reg: case Op::Jlt32Imm: case Op::Jlt32Reg: return Cmp::kLt;
    case Op::Jle64Imm: case Op::Jle64Reg: case Op::Jle32Imm: case Op::Jle32Reg: return Cmp::kLe;
    case Op::Jsgt64Imm: case Op::Jsgt64Reg: case Op::Jsgt32Imm: case Op::Jsgt32Reg: return Cmp::kSgt;
    case Op::Jsge64Imm: case Op::Jsge64Reg: case Op::Jsge32Imm: case Op::Jsge32Reg: return Cmp::kSge;
    case Op::Jslt64Imm: case Op::Jslt64Reg: case Op::Jslt32Imm: case Op::Jslt32Reg: return Cmp::kSlt;
    case Op::Jsle64Imm: case Op::Jsle64Reg: case Op::Jsle32Imm: case Op::Jsle32Reg: return Cmp::kSle;
    case Op::Jset64Imm: case Op::Jset64Reg: case Op::Jset32Imm: case Op::Jset32Reg: return Cmp::kSet;
    default: return Cmp::kEq;
  }
}

Scalar::Op alu_op(Op op) {
  switch (op) {
    case Op::Add32Imm: case Op::Add32Reg: case Op::Add64Imm: case Op::Add64Reg: return Scalar::Op::kAdd;
    case Op::Sub32Imm: case Op::Sub32Reg: case Op::Sub64Imm: case Op::Sub64Reg: return Scalar::Op::kSub;
    case Op::Mul32Imm: case Op::Mul32Reg: case Op::Mul64Imm: case Op::Mul64Reg: return Scalar::Op::kMul;
    case Op::Div32Imm: case Op::Div32Reg: case Op::Div64Imm: case Op::Div64Reg: return Scalar::Op::kDiv;
    case Op::Sdiv32Imm: case Op::Sdiv32Reg: case Op::Sdiv64Imm: case Op::Sdiv64Reg: return Scalar::Op::kSdiv;
    case Op::Mod32Imm: case Op::Mod32Reg: case Op::Mod64Imm: case Op::Mod64Reg: return Scalar::Op::kMod;
    case Op::Smod32Imm: case Op::Smod32Reg: case Op::Smod64Imm: case Op::Smod64Reg: return Scalar::Op::kSmod;
    case Op::Or32Imm: case Op::Or32Reg: case Op::Or64Imm: case Op::Or64Reg: return Scalar::Op::kOr;
    case Op::And32Imm: case Op::And32Reg: case Op::And64Imm: case Op::And64Reg: return Scalar::Op::kAnd;
    case Op::Xor32Imm: case Op::Xor32Reg: case Op::Xor64Imm: case Op::Xor64Reg: return Scalar::Op::kXor;
    case Op::Lsh32Imm: case Op::Lsh32Reg: case Op::Lsh64Imm: case Op::Lsh64Reg: return Scalar::Op::kLsh;
    case Op::Rsh32Imm: case Op::Rsh32Reg: case Op::Rsh64Imm: case Op::Rsh64Reg: return Scalar::Op::kRsh;
    case Op::Arsh32Imm: case Op::Arsh32Reg: case Op::Arsh64Imm: case Op::Arsh64Reg: return Scalar::Op::kArsh;
    default: return Scalar::Op::kMov;  // mov, movsx
  }
}

Transfer::Transfer(const AnalysisConfig& config, const Cfg& cfg, SideFacts& side)
    : config_(config), cfg_(cfg), side_(side) {
  stack_size_ = std::clamp<uint32_t>(config.stack.per_frame, 8, 8192);
  generic_memory_ = config.type != nullptr && config.type->entry == EntryConvention::kMemoryAndLength;
  next_id_base_ = static_cast<uint32_t>(config.program->size()) + 1;
  side_.context_depth.assign(cfg.contexts().size(), 0);
  // Widening thresholds: the program's constants (and their neighbours),
  // the sizes that bound accesses.
  std::vector<int64_t> t{-1, 0, 1, static_cast<int64_t>(stack_size_), config.max_packet_size};
  const Program& p = *config.program;
  for (size_t pc = 0; pc < p.size(); ++pc) {
    if (p.is_lddw_tail(pc)) continue;
    const Form f = p.row(pc).form;
    const Insn& in = p.insns()[pc];
    if (f == Form::AluImm || f == Form::JumpImm || f == Form::StoreImm) {
      for (int64_t d : {-1, 0, 1}) t.push_back(static_cast<int64_t>(in.imm) + d);
    }
    if (f == Form::Load || f == Form::StoreImm || f == Form::StoreReg) t.push_back(in.off);
  }
  for (const auto& m : config.maps) t.push_back(m.value_size);
  if (config.type) t.push_back(config.type->context.size);
  std::sort(t.begin(), t.end());
  t.erase(std::unique(t.begin(), t.end()), t.end());
  thresholds_ = std::move(t);
}

void Transfer::fail(uint32_t pc, std::string message) {
  if (reporter_) reporter_->fail(pc, std::move(message));
}

const RegValue& Transfer::use(State& s, uint32_t pc, unsigned r) {
  RegValue& v = s.reg(r);
  if (v.maybe_uninit()) {
    if (reporting()) {
      fail(pc, v.regions == bit(Region::kUninit)
                   ? fmt::format("r{} is not initialized", r)
                   : fmt::format("r{} may not be initialized on every path to here", r));
    }
    // Continue as if it held something: an unknown number.
    v.regions = static_cast<RegionSet>(v.regions & ~bit(Region::kUninit));
    if (v.regions == 0 || !v.has(Region::kNumber)) {
      v.num = Scalar::top();
      v.regions |= bit(Region::kNumber);
    } else {
      v.num = Scalar::top();
    }
    if (r < 10) s.forget_var(s.var(r));
  }
  return v;
}

std::string Transfer::map_name(size_t index) const {
  if (index < config_.maps.size() && !config_.maps[index].name.empty())
    return fmt::format("'{}'", config_.maps[index].name);
  return fmt::format("#{}", index);
}

RegValue Transfer::map_value_pointer(const MapSet& maps, Interval offset) const {
  RegValue v = RegValue::pointer(Region::kMapValue, offset);
  v.maps = maps;
  Interval sizes = Interval::bottom();
  for (size_t m = 0; m < config_.maps.size() && m < kMaxMaps; ++m) {
    if (maps.test(m)) sizes = sizes.join(Interval::constant(config_.maps[m].value_size));
  }
  v.room = sizes.is_bottom() ? Interval::constant(0) : sizes.sub(offset);
  return v;
}

std::string Transfer::describe_null(const RegValue& v) const {
  if (v.origin == 0) return "check it against 0 first";
  const uint32_t call = v.origin - 1;
  std::string name = "the helper";
  if (call < config_.program->size() && config_.helper) {
    const Insn& in = config_.program->insns()[call];
    if (const HelperPrototype* p = config_.helper(static_cast<uint32_t>(in.imm))) name = std::string(p->name);
  }
  return fmt::format("the result of {} at insn {} is not checked", name, call);
}

void Transfer::note_stack_depth(const State& s, unsigned frame, int64_t lowest) {
  // The context of `frame`: walk up from the current one.
  uint32_t ctx = current_context_;
  for (unsigned d = s.depth(); d > frame && ctx != 0; --d) ctx = cfg_.contexts()[ctx].parent;
  if (ctx < side_.context_depth.size()) side_.context_depth[ctx] = std::max(side_.context_depth[ctx], -lowest);
}

// ----------------------------------------------------------------- dispatch

namespace {
uint32_t next_pc(const Program& p, uint32_t pc) { return pc + (is_lddw_form(p.row(pc).form) ? 2 : 1); }
}  // namespace

void Transfer::node(State& s, const CfgNode& n) {
  current_context_ = n.context;
  if (n.synthetic || s.is_bottom()) return;
  const Program& p = *config_.program;
  for (uint32_t pc = n.first; pc <= n.last && !s.is_bottom(); pc = next_pc(p, pc)) {
    if (reporter_ && trace_) trace_state_ = s;
    if (reporter_) reporter_->reached(pc);
    if (observing_) observer_(pc, s);
    if (pc != n.last) {
      const uint32_t next = next_pc(p, pc);
      if (next <= n.last && extension_idiom(s, pc)) {
        if (reporter_) reporter_->reached(next);
        if (observing_) observer_(next, s);
        if (next == n.last) break;
        pc = next;
        continue;
      }
      insn(s, pc);
      continue;
    }
    const Form f = row(pc).form;
    if (is_conditional_jump(f)) {
      check_jump_operands(s, pc);
    } else if (f == Form::CallLocal) {
      // Arguments are whatever r1-r5 hold; the callee checks its uses.
    } else if (f == Form::Exit && s.depth() > 0) {
      // The return edge checks r0.
    } else if (f == Form::CallHelper && cfg_.callback_at(pc)) {
      call_helper(s, pc, /*apply_result=*/false);
    } else {
      insn(s, pc);
    }
  }
}

void Transfer::edge(State& s, const CfgEdge& e) {
  if (s.is_bottom()) return;
  const CfgNode& from = cfg_.nodes()[e.from];
  current_context_ = from.context;
  const uint32_t pc = from.last;
  switch (e.kind) {
    case EdgeKind::kFall: return;
    case EdgeKind::kTaken: assume(s, pc, true); return;
    case EdgeKind::kNotTaken: assume(s, pc, false); return;
    case EdgeKind::kCallEnter: call_local_enter(s, pc); return;
    case EdgeKind::kReturn: return_to_caller(s, pc); return;
    case EdgeKind::kCallbackEnter: enter_callback(s, pc); return;
    case EdgeKind::kCallbackReturn: return_from_callback(s, pc); return;
    case EdgeKind::kHelperDone: helper_result_at(s, pc); return;
  }
}

void Transfer::insn(State& s, uint32_t pc) {
  const InsnInfo& r = row(pc);
  switch (r.form) {
    case Form::AluImm:
    case Form::AluReg:
    case Form::AluNeg: alu(s, pc); return;
    case Form::Endian: endian(s, pc); return;
    case Form::Load: load(s, pc); return;
    case Form::StoreImm:
    case Form::StoreReg: store(s, pc); return;
    case Form::Atomic: atomic(s, pc); return;
    case Form::Lddw:
    case Form::LddwMap:
    case Form::LddwMapValue:
    case Form::LddwHostVariable:
    case Form::LddwFunction:
    case Form::LddwMapIdx:
    case Form::LddwMapIdxValue: lddw(s, pc); return;
    case Form::LoadAbs:
    case Form::LoadInd: legacy_packet_load(s, pc); return;
    case Form::Ja:
    case Form::Ja32: return;
    case Form::JumpImm:
    case Form::JumpReg: check_jump_operands(s, pc); return;
    case Form::CallHelper:
    case Form::CallReg: call_helper(s, pc, /*apply_result=*/true); return;
    case Form::CallLocal: return;  // edges do it
    case Form::Exit: exit(s, pc); return;
  }
}

}  // namespace sandbpf::verifier
