// Calls: helpers checked against their prototypes (the kinds follow the
// kernel's bpf_arg_type), callbacks entered as functions with their own
// frame, local calls and exits.
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "verifier/transfer.hpp"

namespace sandbpf::verifier {

namespace {

// Every value holding one of `regions` becomes an unknown number.
template <typename Pred>
void invalidate(State& s, Pred&& pred) {
  auto fix = [&](RegValue& v) {
    if (!pred(v)) return false;
    v = RegValue::number(Scalar::top());
    return true;
  };
  for (unsigned r = 0; r < 10; ++r) {
    if (fix(s.reg(r))) s.forget_var(s.var(r));
  }
  for (unsigned d = 0; d <= s.depth(); ++d) {
    if (d < s.depth()) {
      for (unsigned r = 0; r < 10; ++r) {
        if (fix(s.frame(d).saved[r])) s.forget_var(register_var(d, r));
      }
    }
    // Only a frame with a cell to fix takes its own copy of the cells.
    const auto cells = std::as_const(s).stack(d).cells();
    if (std::none_of(cells.begin(), cells.end(), [&](const auto& c) { return pred(c.value); })) continue;
    for (auto& c : s.stack(d).cells()) {
      if (fix(c.value) && c.width == 8 && c.off % 8 == 0)
        s.zone().forget(slot_var(d, static_cast<unsigned>(-c.off / 8 - 1)));
    }
  }
}

}  // namespace

const HelperPrototype* Transfer::helper_at(const State& s, uint32_t pc) {
  const InsnInfo& r = row(pc);
  const Insn& in = at(pc);
  uint64_t id = static_cast<uint32_t>(in.imm);
  if (r.form == Form::CallReg) {
    const RegValue& v = s.reg(in.dst);
    if (!v.is_number() || !v.num.is_constant()) {
      fail(pc, fmt::format("callx r{}: the helper id must be a known constant (it is {})", in.dst, v.to_string()));
      return nullptr;
    }
    id = v.num.constant_value();
  }
  if (at(pc).src == kCallKfunc && r.form == Form::CallHelper) {
    fail(pc, "calls to kernel functions (call src=2) are not supported");
    return nullptr;
  }
  const HelperPrototype* proto = (config_.helper && id <= UINT32_MAX) ? config_.helper(static_cast<uint32_t>(id)) : nullptr;
  if (proto == nullptr) {
    fail(pc, fmt::format("call to unknown helper {}: the {} platform has no helper with that id", id,
                         config_.type ? config_.type->name : std::string("")));
    return nullptr;
  }
  if (proto->privileged && config_.type && !config_.type->privileged)
    fail(pc, fmt::format("{} is only available to privileged programs", proto->name));
  // Each program type has its own helpers (Linux: a tc helper such as
  // bpf_skb_store_bytes is not offered to XDP); the call is refused, and
  // the analysis goes on with the prototype to find further errors.
  if (config_.type && !config_.type->may_call_helper(proto->id))
    fail(pc, fmt::format("{} (helper {}) is not available to {} programs", proto->name, proto->id,
                         config_.type->name));
  return proto;
}

void Transfer::call_helper(State& s, uint32_t pc, bool apply_result) {
  const HelperPrototype* proto = helper_at(s, pc);
  if (proto == nullptr) {
    if (apply_result) {
      s.set(0, RegValue::number(Scalar::top()));
      for (unsigned r = 1; r <= 5; ++r) s.set(r, RegValue::uninit());
    }
    return;
  }
  check_helper_args(s, pc, *proto);
  if (apply_result) helper_result(s, pc, *proto);
}

void Transfer::check_helper_args(State& s, uint32_t pc, const HelperPrototype& proto) {
  MapSet maps;
  bool have_map = false;
  auto map_sizes = [&](bool key) {
    uint32_t most = 0;
    for (size_t m = 0; m < config_.maps.size() && m < kMaxMaps; ++m) {
      if (maps.test(m)) most = std::max(most, key ? config_.maps[m].key_size : config_.maps[m].value_size);
    }
    return most;
  };
  for (unsigned a = 0; a < 5; ++a) {
    const ArgKind kind = proto.args[a];
    if (kind == ArgKind::kNone) break;
    const unsigned reg = a + 1;
    const RegValue v = use(s, pc, reg);
    const std::string what = fmt::format("argument {} of {}", reg, proto.name);
    auto must_be_number = [&]() {
      if (!v.is_number()) fail(pc, fmt::format("r{} ({}) must be a number; it is {}", reg, what, v.to_string()));
    };
    switch (kind) {
      case ArgKind::kNone:
      case ArgKind::kAnything: break;
      case ArgKind::kScalar: must_be_number(); break;
      case ArgKind::kMapPointer:
        if (!v.only(Region::kMapPointer)) {
          fail(pc, fmt::format("r{} ({}) must be a map (lddw map); it is {}", reg, what, v.to_string()));
        } else {
          maps = v.maps;
          have_map = true;
        }
        break;
      case ArgKind::kMapKey:
      case ArgKind::kMapValue:
      case ArgKind::kMapValueUninit: {
        if (!have_map) break;
        const uint32_t size = map_sizes(kind == ArgKind::kMapKey);
        const char* part = kind == ArgKind::kMapKey ? "key" : "value";
        check_memory_range(s, pc, reg, Scalar::constant(size), kind == ArgKind::kMapValueUninit,
                           fmt::format("the map {} for {} ({} bytes)", part, proto.name, size));
        break;
      }
      case ArgKind::kReadableMemory:
      case ArgKind::kReadableMemoryOrNull:
      case ArgKind::kWritableMemory:
      case ArgKind::kWritableMemoryOrNull: {
        const unsigned size_reg = proto.size_arg_of(reg);
        const RegValue size = size_reg <= 5 ? s.reg(size_reg) : RegValue::constant(0);
        if (!size.is_number()) {
          fail(pc, fmt::format("r{} (the size for r{} of {}) must be a number", size_reg, reg, proto.name));
          break;
        }
        const bool or_null = kind == ArgKind::kReadableMemoryOrNull || kind == ArgKind::kWritableMemoryOrNull;
        if (or_null && v.is_constant_number(0)) break;
        const bool write = kind == ArgKind::kWritableMemory || kind == ArgKind::kWritableMemoryOrNull;
        check_memory_range(s, pc, reg, size.num, write, fmt::format("the memory for {}", proto.name));
        break;
      }
      case ArgKind::kReadableFixedMemory:
      case ArgKind::kWritableFixedMemory:
        check_memory_range(s, pc, reg, Scalar::constant(proto.arg_size[a]),
                           kind == ArgKind::kWritableFixedMemory, fmt::format("the memory for {}", proto.name));
        break;
      case ArgKind::kMapValueOrNull:
        if (v.is_constant_number(0) || !have_map) break;
        check_memory_range(s, pc, reg, Scalar::constant(map_sizes(false)), false,
                           fmt::format("the map value for {}", proto.name));
        break;
      case ArgKind::kCallbackContext:
        break;  // handed to the callback as it is
      case ArgKind::kSpinLock:
      case ArgKind::kTimer:
        if (!v.only(Region::kMapValue)) {
          if (v.maybe_null_pointer()) fail(pc, fmt::format("r{} may be NULL here: {}", reg, describe_null(v)));
          else fail(pc, fmt::format("r{} ({}) must point into a map value; it is {}", reg, what, v.to_string()));
        } else {
          check_memory_range(s, pc, reg, Scalar::constant(kind == ArgKind::kSpinLock ? 4 : 16), false,
                             fmt::format("the {} for {}", kind == ArgKind::kSpinLock ? "lock" : "timer", proto.name));
        }
        break;
      case ArgKind::kDynptr:
        if (!v.only(Region::kStack)) {
          fail(pc, fmt::format("r{} ({}) must point to a bpf_dynptr on the stack; it is {}", reg, what, v.to_string()));
        } else {
          check_memory_range(s, pc, reg, Scalar::constant(16), true, fmt::format("the dynptr for {}", proto.name));
        }
        break;
      case ArgKind::kSize:
      case ArgKind::kSizeOrZero:
        must_be_number();
        if (kind == ArgKind::kSize && v.is_number() && v.num.umin() == 0)
          fail(pc, fmt::format("r{} (the size for {}) may be 0; it must be positive", reg, proto.name));
        break;
      case ArgKind::kContext:
      case ArgKind::kContextOrNull:
        if (kind == ArgKind::kContextOrNull && v.is_constant_number(0)) break;
        // On the generic platform the memory stands for the context (what a
        // tail call or perf_event_output passes on): its start is accepted.
        if (generic_memory_ && v.only(Region::kPacket) &&
            v.off(Region::kPacket) == Interval::constant(0))
          break;
        if (!(v.only(Region::kContext) && v.off(Region::kContext) == Interval::constant(0)))
          fail(pc, fmt::format("r{} ({}) must be the context pointer; it is {}", reg, what, v.to_string()));
        break;
      case ArgKind::kCallback: {
        const auto cb = cfg_.callback_at(pc);
        if (!(v.only(Region::kFunction) && cb && v.off(Region::kFunction) == Interval::constant(cb->function)))
          fail(pc, fmt::format("r{} ({}) must be a program function (lddw func); it is {}", reg, what,
                               v.to_string()));
        break;
      }
      case ArgKind::kWritableU64:
        check_memory_range(s, pc, reg, Scalar::constant(8), true, fmt::format("the result of {}", proto.name));
        break;
      case ArgKind::kRingbufRecord:
        if (!(v.only(Region::kMemory) && v.off(Region::kMemory) == Interval::constant(0))) {
          if (v.maybe_null_pointer()) fail(pc, fmt::format("r{} may be NULL here: {}", reg, describe_null(v)));
          else
            fail(pc, fmt::format("r{} ({}) must be a record from bpf_ringbuf_reserve, at its start; it is {}",
                                 reg, what, v.to_string()));
        }
        break;
      case ArgKind::kAllocSize:
        if (!(v.is_number() && v.num.is_constant()))
          fail(pc, fmt::format("r{} (the size for {}) must be a known constant", reg, proto.name));
        break;
      case ArgKind::kConstString:
        if (!(v.only(Region::kMapValue) && v.off(Region::kMapValue).is_constant())) {
          fail(pc, fmt::format("r{} ({}) must point to a constant string in read-only data", reg, what));
        } else {
          for (size_t m = 0; m < config_.maps.size() && m < kMaxMaps; ++m) {
            if (v.maps.test(m) && !config_.maps[m].readonly)
              fail(pc, fmt::format("r{} ({}) must point into read-only data; map {} is writable", reg, what,
                                   map_name(m)));
          }
        }
        break;
      case ArgKind::kSocket:
      case ArgKind::kSocketCommon:
        if (!v.only(Region::kSocket)) {
          if (v.maybe_null_pointer()) fail(pc, fmt::format("r{} may be NULL here: {}", reg, describe_null(v)));
          else fail(pc, fmt::format("r{} ({}) must be a socket pointer; it is {}", reg, what, v.to_string()));
        }
        break;
      case ArgKind::kKernelObject: break;
    }
  }
}

void Transfer::helper_result_at(State& s, uint32_t pc) {
  const HelperPrototype* proto = helper_at(s, pc);
  if (proto == nullptr) {
    s.set(0, RegValue::number(Scalar::top()));
    for (unsigned r = 1; r <= 5; ++r) s.set(r, RegValue::uninit());
    return;
  }
  helper_result(s, pc, *proto);
}

void Transfer::helper_result(State& s, uint32_t pc, const HelperPrototype& proto) {
  // A reference handed back is released: copies of it are dead.
  for (unsigned a = 0; a < 5 && proto.releases_reference; ++a) {
    const ArgKind k = proto.args[a];
    if (k != ArgKind::kRingbufRecord && k != ArgKind::kSocket && k != ArgKind::kSocketCommon &&
        k != ArgKind::kKernelObject)
      continue;
    const uint32_t id = s.reg(a + 1).id;
    if (id != 0) {
      invalidate(s, [id](const RegValue& v) { return v.id == id && v.has_pointer(); });
      s.release(id);
    }
  }
  if (proto.changes_packet_data) {
    invalidate(s, [](const RegValue& v) { return v.has(Region::kPacket); });
    s.zone().forget(kPacketSizeVar);
    s.zone().forget(kMetaOffsetVar);
    s.packet_size() = Interval(0, config_.max_packet_size);
  }
  // The result, fresh: nothing else may carry its identity.
  const uint32_t id = next_id_base_ + pc;
  invalidate(s, [](const RegValue&) { return false; });
  for (unsigned r = 0; r < 10; ++r) {
    if (s.reg(r).id == id) s.reg(r).id = 0;
  }
  for (unsigned d = 0; d <= s.depth(); ++d) {
    if (d < s.depth()) {
      for (auto& v : s.frame(d).saved) {
        if (v.id == id) v.id = 0;
      }
    }
    const auto cells = std::as_const(s).stack(d).cells();
    if (std::none_of(cells.begin(), cells.end(), [id](const auto& c) { return c.value.id == id; })) continue;
    for (auto& c : s.stack(d).cells()) {
      if (c.value.id == id) c.value.id = 0;
    }
  }
  RegValue r0;
  auto or_null = [&](RegValue v) {
    v = v.join(RegValue::constant(0));
    v.id = id;
    v.origin = pc + 1;
    return v;
  };
  switch (proto.returns) {
    case ReturnKind::kInteger: r0 = RegValue::number(Scalar::top()); break;
    case ReturnKind::kFirstArgument:
      // The same value, but not the same variable: r1 is clobbered below.
      r0 = s.reg(1);
      break;
    case ReturnKind::kVoid: r0 = RegValue::uninit(); break;
    case ReturnKind::kMapValueOrNull: {
      MapSet from;
      for (unsigned a = 0; a < 5; ++a) {
        if (proto.args[a] == ArgKind::kMapPointer && s.reg(a + 1).only(Region::kMapPointer)) from = s.reg(a + 1).maps;
      }
      RegValue v = map_value_pointer(from, Interval::constant(0));
      // In a map of maps the value is an inner map.
      MapSet inner;
      bool of_maps = v.maps.any();
      for (size_t m = 0; m < config_.maps.size() && m < kMaxMaps; ++m) {
        if (!v.maps.test(m)) continue;
        const MapDefinition& def = config_.maps[m];
        const bool outer = def.type == kMapArrayOfMaps || def.type == kMapHashOfMaps;
        if (outer && def.inner_map && *def.inner_map < kMaxMaps) inner.set(*def.inner_map);
        else of_maps = false;
      }
      if (of_maps) {
        v = RegValue::pointer(Region::kMapPointer, Interval::constant(0));
        v.maps = inner;
      }
      r0 = or_null(v);
      break;
    }
    case ReturnKind::kRingbufRecordOrNull: {
      RegValue v = RegValue::pointer(Region::kMemory, Interval::constant(0));
      for (unsigned a = 0; a < 5; ++a) {
        const RegValue& arg = s.reg(a + 1);
        if (proto.args[a] == ArgKind::kAllocSize && arg.is_number() && arg.num.is_constant())
          v.mem_size = static_cast<uint32_t>(std::min<uint64_t>(arg.num.constant_value(), UINT32_MAX));
      }
      r0 = or_null(v);
      break;
    }
    case ReturnKind::kSocketOrNull: {
      RegValue v = RegValue::pointer(Region::kSocket, Interval::constant(0));
      v.mem_size = 80;
      r0 = or_null(v);
      break;
    }
    case ReturnKind::kKernelObjectOrNull:
      r0 = or_null(RegValue::pointer(Region::kKernelObject, Interval::constant(0)));
      break;
    case ReturnKind::kKernelObject:
      r0 = RegValue::pointer(Region::kKernelObject, Interval::constant(0));
      break;
    case ReturnKind::kMapValue: {
      MapSet from;
      for (unsigned a = 0; a < 5; ++a) {
        if (proto.args[a] == ArgKind::kMapPointer && s.reg(a + 1).only(Region::kMapPointer)) from = s.reg(a + 1).maps;
      }
      r0 = map_value_pointer(from, Interval::constant(0));
      break;
    }
    case ReturnKind::kSocketCommonOrNull:
    case ReturnKind::kTcpSockOrNull: {
      RegValue v = RegValue::pointer(Region::kSocket, Interval::constant(0));
      // struct bpf_tcp_sock, or struct bpf_sock (sock_common reads the same fields).
      v.mem_size = proto.returns == ReturnKind::kTcpSockOrNull ? 112 : 80;
      r0 = or_null(v);
      break;
    }
  }
  s.set(0, r0);
  for (unsigned r = 1; r <= 5; ++r) s.set(r, RegValue::uninit());
  if (proto.acquires_reference && r0.has_pointer()) s.acquire(id, pc);
}

void Transfer::enter_callback(State& s, uint32_t pc) {
  const auto cb = cfg_.callback_at(pc);
  const HelperPrototype* proto = helper_at(s, pc);
  if (!cb || proto == nullptr) {
    s.set_bottom();
    return;
  }
  const RegValue fn = s.reg(cb->reg);
  if (!(fn.only(Region::kFunction) && fn.off(Region::kFunction) == Interval::constant(cb->function))) {
    s.set_bottom();  // reported by the argument check
    return;
  }
  // What the callback receives, by helper.
  std::array<RegValue, 6> args;
  for (auto& a : args) a = RegValue::number(Scalar::top());
  const std::string_view name = proto->name;
  unsigned ctx_reg = cb->reg + 1u;
  for (unsigned a = 0; a < 5; ++a) {
    if (proto->args[a] == ArgKind::kCallbackContext) ctx_reg = a + 1;
  }
  if (name == "bpf_loop") {
    const RegValue& n = s.reg(1);
    const uint64_t most = n.is_number() ? std::min<uint64_t>(n.num.umax(), 1u << 23) : (1u << 23);
    args[1] = RegValue::number(Scalar::unsigned_range(0, most == 0 ? 0 : most - 1));
    args[2] = s.reg(ctx_reg);
  } else if (name == "bpf_for_each_map_elem") {
    const RegValue& map = s.reg(1);
    uint32_t key_size = 0;
    for (size_t m = 0; m < config_.maps.size() && m < kMaxMaps; ++m) {
      if (map.maps.test(m)) key_size = std::max(key_size, config_.maps[m].key_size);
    }
    args[1] = map;
    RegValue key = RegValue::pointer(Region::kMemory, Interval::constant(0));
    key.mem_size = key_size;
    args[2] = key;
    args[3] = map_value_pointer(map.maps, Interval::constant(0));
    args[4] = s.reg(ctx_reg);
  } else if (ctx_reg <= 5) {
    args[1] = s.reg(ctx_reg);
  }
  s.push_frame(stack_size_);
  for (unsigned r = 1; r <= 5; ++r) s.set(r, args[r]);
}

void Transfer::return_from_callback(State& s, uint32_t pc) {
  const RegValue& r0 = s.reg(0);
  if (r0.maybe_uninit() || !r0.is_number()) {
    fail(pc, "the callback must return a number in r0");
  } else {
    const CallContext& ctx = cfg_.contexts()[current_context_];
    const Insn& call = at(ctx.call_site);
    const HelperPrototype* proto = config_.helper ? config_.helper(static_cast<uint32_t>(call.imm)) : nullptr;
    if (proto && (proto->name == "bpf_loop" || proto->name == "bpf_for_each_map_elem") &&
        (r0.num.umax() > 1))
      fail(pc, fmt::format("the callback of {} must return 0 or 1; r0 may be {}", proto->name, r0.num.to_string()));
  }
  s.pop_frame();
}

void Transfer::exit(State& s, uint32_t pc) {
  for (const auto& [id, call] : s.references()) {
    (void)id;
    std::string name = "a helper";
    if (config_.helper) {
      if (const HelperPrototype* p = config_.helper(static_cast<uint32_t>(at(call).imm))) name = std::string(p->name);
    }
    fail(pc, fmt::format("the reference returned by {} at insn {} is not released before exit", name, call));
    break;
  }
  const RegValue& r0 = s.reg(0);
  if (r0.maybe_uninit()) {
    fail(pc, r0.regions == bit(Region::kUninit)
                 ? "r0 is not initialized at exit: set the return value first"
                 : "r0 may not be initialized at exit on every path");
    return;
  }
  if (!r0.is_number()) {
    if (!config_.options.allow_pointer_leaks)
      fail(pc, fmt::format("pointer leak: r0 holds {} at exit", r0.to_string()));
    return;
  }
  if (config_.type && config_.type->return_range) {
    const auto [lo, hi] = *config_.type->return_range;
    if (r0.num.smin() < lo || r0.num.smax() > hi)
      fail(pc, fmt::format("the return value may be {}, outside [{}, {}] allowed for {} programs",
                           r0.num.to_string(), lo, hi, config_.type->name));
  }
}

void Transfer::call_local_enter(State& s, uint32_t pc) {
  (void)pc;
  s.push_frame(stack_size_);
}

void Transfer::return_to_caller(State& s, uint32_t pc) {
  const RegValue r0 = s.reg(0);
  const unsigned d = s.depth();
  if (r0.has(Region::kStack) && (r0.frame == d || r0.frame == kAnyFrame))
    fail(pc, "r0 returns a pointer into the returning function's stack");
  const bool related = var_meaning(r0) != VarMeaning::kNone;
  if (related) s.copy_var(register_var(d - 1, 0), register_var(d, 0));
  s.pop_frame();
  s.reg(0) = r0;
  if (!related) s.forget_var(s.var(0));
  if (r0.has(Region::kStack) && (r0.frame == d || r0.frame == kAnyFrame)) s.set(0, RegValue::number(Scalar::top()));
  for (unsigned r = 1; r <= 5; ++r) s.set(r, RegValue::uninit());
}

}  // namespace sandbpf::verifier
