// Loads, stores, atomics and legacy packet loads: each access is checked
// against the region(s) its pointer may point into.
#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "verifier/transfer.hpp"

namespace sandbpf::verifier {

namespace {

std::string r10_offset(int64_t off) { return fmt::format("r10{:+}", off); }

std::string offset_text(int64_t lo, int64_t hi) {
  if (lo == hi) return fmt::format("{}", lo);
  const std::string l = lo == kMinusInf ? "-oo" : fmt::format("{}", lo);
  const std::string h = hi == kPlusInf ? "+oo" : fmt::format("{}", hi);
  return fmt::format("[{}, {}]", l, h);
}

const char* verb(bool write) { return write ? "write" : "read"; }

bool is_sign_extending(Op op) { return op == Op::LdxsB || op == Op::LdxsH || op == Op::LdxsW; }

}  // namespace

RegValue Transfer::access(State& s, uint32_t pc, unsigned reg, int64_t off, unsigned width, Access kind,
                          bool sign_extend, const RegValue* stored) {
  const RegValue ptr = s.reg(reg);
  const bool write = kind != Access::kRead;
  if (ptr.has(Region::kNumber)) {
    if (ptr.maybe_null_pointer()) {
      fail(pc, fmt::format("r{} may be NULL here: {}", reg, describe_null(ptr)));
    } else if (!ptr.has_pointer()) {
      fail(pc, fmt::format("r{} is not a pointer: it holds a number{}", reg,
                           ptr.num.is_constant() ? fmt::format(" ({})", static_cast<int64_t>(ptr.num.constant_value()))
                                                 : ""));
    } else {
      fail(pc, fmt::format("r{} may hold a number rather than a pointer here", reg));
    }
  }
  if (ptr.has(Region::kMapPointer))
    fail(pc, fmt::format("r{} is a map pointer, which cannot be dereferenced: pass it to a map helper", reg));
  if (ptr.has(Region::kFunction)) fail(pc, fmt::format("r{} is a function reference, not memory", reg));
  if (ptr.has(Region::kKernelObject))
    fail(pc, fmt::format("r{} is a kernel object pointer, which cannot be accessed directly", reg));
  if (kind == Access::kAtomic) {
    const RegionSet allowed = bit(Region::kStack) | bit(Region::kMapValue) | bit(Region::kNumber);
    if ((ptr.regions & kPointerRegions & ~allowed) != 0)
      fail(pc, fmt::format("atomic operations are only allowed on the stack and on map values, and r{} "
                           "may point elsewhere",
                           reg));
  }
  // A store of a pointer anywhere but the stack would leak it.
  if (stored != nullptr && !config_.options.allow_pointer_leaks &&
      (stored->regions & (kPointerRegions | bit(Region::kMapPointer) | bit(Region::kFunction))) != 0 &&
      (ptr.regions & kPointerRegions & ~bit(Region::kStack)) != 0) {
    Region what = Region::kNumber;
    for (unsigned i = 0; i < kRegionCount; ++i) {
      const auto rg = static_cast<Region>(i);
      if (rg != Region::kNumber && rg != Region::kUninit && stored->has(rg)) {
        what = rg;
        break;
      }
    }
    Region where = Region::kMapValue;
    for (Region rg : {Region::kMapValue, Region::kPacket, Region::kContext, Region::kMemory, Region::kSocket}) {
      if (ptr.has(rg)) {
        where = rg;
        break;
      }
    }
    const char* place = where == Region::kMapValue ? "a map value"
                        : where == Region::kPacket ? "the packet"
                        : where == Region::kContext ? "the context"
                                                    : "helper memory";
    fail(pc, fmt::format("pointer leak: storing {} into {}", region_name(what), place));
  }

  RegValue result = RegValue::bottom();
  auto join = [&result](const RegValue& v) { result = result.join(v); };
  const Scalar unknown = Scalar::of_width(width);
  auto plain = [&]() {
    Scalar v = unknown;
    if (sign_extend) v = v.sign_extend(width * 8);
    return RegValue::number(v);
  };
  loaded_equal_.reset();
  bool single = (ptr.regions & kPointerRegions) != 0 &&
                ((ptr.regions & kPointerRegions) & ((ptr.regions & kPointerRegions) - 1)) == 0;

  if (ptr.has(Region::kContext)) join(access_context(s, pc, reg, ptr, off, width, kind, stored));
  if (ptr.has(Region::kStack)) {
    join(access_stack(s, pc, reg, ptr, off, width, kind, sign_extend, stored));
  }
  if (ptr.has(Region::kPacket)) {
    if (check_packet(s, pc, reg, ptr, off, width, write) && reporting() && kind == Access::kAtomic) {
      fail(pc, "atomic operations on packet data are not allowed");
    }
    join(plain());
  }
  if (ptr.has(Region::kMapValue)) {
    check_map_value(s, pc, reg, ptr, off, width, kind);
    join(kind == Access::kRead ? read_map_constant(ptr, off, width, sign_extend) : plain());
  }
  for (Region rg : {Region::kMemory, Region::kSocket}) {
    if (!ptr.has(rg)) continue;
    const int64_t lo = bound_add(ptr.off(rg).lo(), off);
    const int64_t hi = bound_add(bound_add(ptr.off(rg).hi(), off), width);
    if (lo < 0 || hi > static_cast<int64_t>(ptr.mem_size)) {
      fail(pc, fmt::format("{} of {} bytes at offset {} of {} is outside its {} bytes", verb(write), width,
                           offset_text(lo, bound_sub(hi, width)), region_name(rg), ptr.mem_size));
    } else if (rg == Region::kSocket && write) {
      fail(pc, "socket fields are read-only");
    }
    join(plain());
  }
  if (!single) loaded_equal_.reset();
  if (result.is_bottom()) result = plain();
  return result;
}

RegValue Transfer::access_context(State& s, uint32_t pc, unsigned reg, const RegValue& ptr, int64_t off,
                                  unsigned width, Access kind, const RegValue* stored) {
  (void)stored;
  const bool write = kind != Access::kRead;
  const ContextLayout& ctx = config_.type->context;
  const std::string& type_name = ctx.c_type.empty() ? config_.type->name : ctx.c_type;
  auto unknown = [&]() { return RegValue::number(Scalar::of_width(width)); };
  const Interval& coff = ptr.off(Region::kContext);
  if (!coff.is_constant()) {
    fail(pc, fmt::format("r{} points into the context at a variable offset {}: context fields must be "
                         "accessed at constant offsets",
                         reg, coff.to_string()));
    return unknown();
  }
  if (kind == Access::kAtomic) {
    fail(pc, "atomic operations on the context are not allowed");
    return unknown();
  }
  const int64_t a = coff.lo() + off;
  const int64_t end = a + width;
  if (a < 0 || end > static_cast<int64_t>(ctx.size)) {
    fail(pc, fmt::format("context offset {} ({} bytes) is outside {} ({} bytes)", a, width, type_name, ctx.size));
    return unknown();
  }
  const auto& ranges = write ? ctx.writable : ctx.readable;
  bool inside = false;
  for (const ByteRange& rg : ranges) {
    if (a >= rg.begin && end <= rg.end) inside = true;
  }
  if (!inside) {
    if (write) {
      bool readable = false;
      for (const ByteRange& rg : ctx.readable) {
        if (a >= rg.begin && end <= rg.end) readable = true;
      }
      if (readable) fail(pc, fmt::format("write to read-only context field at offset {} of {}", a, type_name));
      else fail(pc, fmt::format("context offset {} ({} bytes) is not writable in {}", a, width, type_name));
    } else {
      fail(pc, fmt::format("context offset {} ({} bytes) is not readable in {}", a, width, type_name));
    }
    return unknown();
  }
  if (write) return unknown();
  for (const ContextPointerField& f : ctx.pointers) {
    if (static_cast<int64_t>(f.offset) != a) continue;
    if (f.width != width) {
      fail(pc, fmt::format("context field at offset {} holds a pointer: load it with {} bytes, not {}", a,
                           f.width, width));
      return unknown();
    }
    switch (f.kind) {
      case ContextPointerKind::kPacketData:
        return RegValue::pointer(Region::kPacket, Interval::constant(0));
      case ContextPointerKind::kPacketEnd:
        loaded_equal_ = kPacketSizeVar;
        return RegValue::pointer(Region::kPacket, s.packet_size());
      case ContextPointerKind::kPacketMeta:
        loaded_equal_ = kMetaOffsetVar;
        return RegValue::pointer(Region::kPacket, s.meta_offset());
      case ContextPointerKind::kSocket: {
        RegValue v = RegValue::pointer(Region::kSocket, Interval::constant(0));
        v.mem_size = 80;
        v = v.join(RegValue::constant(0));
        v.id = next_id_base_ + pc;
        v.origin = 0;
        return v;
      }
    }
  }
  return unknown();
}

RegValue Transfer::access_stack(State& s, uint32_t pc, unsigned reg, const RegValue& ptr, int64_t off,
                                unsigned width, Access kind, bool sign_extend, const RegValue* stored) {
  const bool write = kind != Access::kRead;
  auto unknown = [&]() {
    Scalar v = Scalar::of_width(width);
    if (sign_extend) v = v.sign_extend(width * 8);
    return RegValue::number(v);
  };
  if (ptr.frame == kAnyFrame || ptr.frame > s.depth()) {
    fail(pc, fmt::format("r{} may point into more than one frame's stack", reg));
    return unknown();
  }
  const unsigned frame = ptr.frame;
  StackFrame& st = s.stack(frame);
  const int64_t lo = bound_add(ptr.off(Region::kStack).lo(), off);
  const int64_t hi_start = bound_add(ptr.off(Region::kStack).hi(), off);
  const int64_t hi = bound_add(hi_start, width);
  if (!st.in_bounds(lo, hi)) {
    if (lo == hi_start)
      fail(pc, fmt::format("stack {} of {} bytes at {} is outside the {}-byte frame", verb(write), width,
                           r10_offset(lo), st.size()));
    else
      fail(pc, fmt::format("stack {} of {} bytes at r10 + {} may be outside the {}-byte frame", verb(write),
                           width, offset_text(lo, hi_start), st.size()));
    return unknown();
  }
  note_stack_depth(s, frame, lo);
  const bool exact = lo == hi_start;
  if (kind == Access::kAtomic) {
    if (!exact) {
      fail(pc, fmt::format("atomic access of {} bytes through r{} at a variable stack offset: its alignment "
                           "cannot be proven",
                           width, reg));
      return unknown();
    }
    if (lo % width != 0) {
      fail(pc, fmt::format("atomic access of {} bytes at {} is not aligned", width, r10_offset(lo)));
    }
  }
  if (kind != Access::kWrite) {
    if (auto run = st.uninitialized_run(lo, hi)) {
      fail(pc, fmt::format("stack read of {} bytes at {}: bytes {}..{} were never written", width,
                           exact ? r10_offset(lo) : fmt::format("r10 + {}", offset_text(lo, hi_start)),
                           run->first, run->second));
    }
  }
  if (kind == Access::kRead) {
    if (!exact) return unknown();
    RegValue v = st.load(lo, width, sign_extend);
    if (width == 8 && lo % 8 == 0 && var_meaning(v) != VarMeaning::kNone) {
      const auto slot = static_cast<unsigned>(-lo / 8 - 1);
      if (s.zone().mentions(slot_var(frame, slot))) loaded_equal_ = slot_var(frame, slot);
    }
    return v;
  }
  // Writes (and atomics, which leave an unknown number).
  s.forget_slots(frame, lo, hi);
  if (!exact) {
    st.havoc(lo, hi);
    return unknown();
  }
  const RegValue value = kind == Access::kAtomic || stored == nullptr ? RegValue::number(Scalar::of_width(width)) : *stored;
  st.store(lo, width, value);
  if (kind == Access::kWrite && width == 8 && lo % 8 == 0 && pending_store_reg_ &&
      var_meaning(value) != VarMeaning::kNone) {
    const auto slot = static_cast<unsigned>(-lo / 8 - 1);
    s.zone().copy(slot_var(frame, slot), s.var(*pending_store_reg_));
  }
  return unknown();
}

bool Transfer::check_packet(State& s, uint32_t pc, unsigned reg, const RegValue& ptr, int64_t off, unsigned width,
                            bool write) {
  const int64_t lo = bound_add(ptr.off(Region::kPacket).lo(), off);
  const int64_t hi_start = bound_add(ptr.off(Region::kPacket).hi(), off);
  const VarId v = s.var(reg);
  const bool has_var = var_meaning(ptr) == VarMeaning::kOffset;
  const std::string what = generic_memory_ ? "memory offset" : "packet offset";
  // Lower end: at or after the start (data, or data_meta for metadata).
  bool low_ok = lo >= 0;
  if (!low_ok && has_var) low_ok = s.zone().bound_with(kMetaOffsetVar, v, s.interval_fn()) <= off;
  if (!low_ok) {
    fail(pc, fmt::format("{} of {} bytes at {} {} may be before the start of the {}", verb(write), width, what,
                         offset_text(lo, hi_start), generic_memory_ ? "memory" : "packet"));
    return false;
  }
  // Upper end: ptr + off + width <= data_end, i.e. ptr - packet_size <= -(off + width).
  const int64_t need = -(off + static_cast<int64_t>(width));
  const int64_t have = has_var ? s.zone().bound_with(v, kPacketSizeVar, s.interval_fn())
                               : bound_sub(ptr.off(Region::kPacket).hi(), s.packet_size().lo());
  if (have > need) {
    if (generic_memory_)
      fail(pc, fmt::format("{} of {} bytes at {} {} may be beyond the end of the memory: compare the "
                           "offset with the memory size (r2 at entry) first",
                           verb(write), width, what, offset_text(lo, hi_start)));
    else
      fail(pc, fmt::format("{} of {} bytes at {} {} may be beyond data_end: compare the pointer with "
                           "data_end first",
                           verb(write), width, what, offset_text(lo, hi_start)));
    return false;
  }
  return true;
}

bool Transfer::check_map_value(State& s, uint32_t pc, unsigned reg, const RegValue& ptr, int64_t off,
                               unsigned width, Access kind) {
  (void)s;
  const bool write = kind != Access::kRead;
  const int64_t lo = bound_add(ptr.off(Region::kMapValue).lo(), off);
  const int64_t hi_start = bound_add(ptr.off(Region::kMapValue).hi(), off);
  for (size_t m = 0; m < kMaxMaps && m < config_.maps.size(); ++m) {
    if (!ptr.maps.test(m)) continue;
    const MapDefinition& def = config_.maps[m];
    if (lo == kMinusInf || hi_start == kPlusInf) {
      fail(pc, fmt::format("the offset of r{} into the value of map {} is not bounded: check the index against "
                           "the value size ({}) first",
                           reg, map_name(m), def.value_size));
      return false;
    }
    // The end is checked against the room left after the offset (which
    // knows which map goes with which offset), the start against 0.
    const int64_t need = off + static_cast<int64_t>(width);
    if (lo < 0 || ptr.room.lo() < need) {
      fail(pc, fmt::format("{} of {} bytes at offset {} of the value of map {} (value_size {}) is out of bounds",
                           verb(write), width, offset_text(lo, hi_start), map_name(m), def.value_size));
      return false;
    }
    if (write && def.readonly) {
      fail(pc, fmt::format("write to read-only map {}", map_name(m)));
      return false;
    }
    if (kind == Access::kAtomic) {
      if (lo != hi_start) {
        fail(pc, fmt::format("atomic access of {} bytes through r{} at a variable offset {}: its alignment "
                             "cannot be proven",
                             width, reg, offset_text(lo, hi_start)));
        return false;
      }
      if (lo % width != 0) {
        fail(pc, fmt::format("atomic access of {} bytes at offset {} of the value of map {} is not aligned", width,
                             lo, map_name(m)));
        return false;
      }
    }
  }
  return true;
}

RegValue Transfer::read_map_constant(const RegValue& ptr, int64_t off, unsigned width, bool sign_extend) const {
  Scalar v = Scalar::of_width(width);
  // Read-only global data with a known initial value: the loaded bytes are
  // known (the program cannot change them).
  const Interval& moff = ptr.off(Region::kMapValue);
  if (moff.is_constant() && ptr.maps.count() == 1) {
    for (size_t m = 0; m < config_.maps.size() && m < kMaxMaps; ++m) {
      if (!ptr.maps.test(m)) continue;
      const MapDefinition& def = config_.maps[m];
      const int64_t a = moff.lo() + off;
      if (def.readonly && a >= 0 && a + width <= static_cast<int64_t>(def.initial_value.size())) {
        uint64_t x = 0;
        for (unsigned i = 0; i < width; ++i) x |= static_cast<uint64_t>(def.initial_value[static_cast<size_t>(a) + i]) << (8 * i);
        v = Scalar::constant(x);
      }
    }
  }
  if (sign_extend) v = v.sign_extend(width * 8);
  return RegValue::number(v);
}

void Transfer::load(State& s, uint32_t pc) {
  const InsnInfo& r = row(pc);
  const Insn& in = at(pc);
  use(s, pc, in.src);
  const RegValue v = access(s, pc, in.src, in.off, r.width, Access::kRead, is_sign_extending(r.op), nullptr);
  const std::optional<VarId> equal = loaded_equal_;
  s.set(in.dst, v);
  if (equal && var_meaning(v) != VarMeaning::kNone) s.copy_var(s.var(in.dst), *equal);
  if (reporter_) reporter_->access(pc);
}

void Transfer::store(State& s, uint32_t pc) {
  const InsnInfo& r = row(pc);
  const Insn& in = at(pc);
  use(s, pc, in.dst);
  RegValue value;
  pending_store_reg_.reset();
  if (r.form == Form::StoreImm) {
    value = RegValue::constant(static_cast<uint64_t>(static_cast<int64_t>(in.imm)));
  } else {
    value = use(s, pc, in.src);
    pending_store_reg_ = in.src;
  }
  access(s, pc, in.dst, in.off, r.width, Access::kWrite, false, &value);
  pending_store_reg_.reset();
  if (reporter_) reporter_->access(pc);
}

void Transfer::atomic(State& s, uint32_t pc) {
  const InsnInfo& r = row(pc);
  const Insn& in = at(pc);
  use(s, pc, in.dst);
  const RegValue src = use(s, pc, in.src);
  if (!src.is_number()) fail(pc, fmt::format("atomic operation with r{}, which holds a pointer", in.src));
  const bool cmpxchg = r.op == Op::AtomicCmpxchg32 || r.op == Op::AtomicCmpxchg64;
  if (cmpxchg) {
    const RegValue r0 = use(s, pc, 0);
    if (!r0.is_number()) fail(pc, "atomic compare-and-exchange with r0, which holds a pointer");
  }
  const RegValue number = RegValue::number(src.is_number() ? src.num : Scalar::top());
  access(s, pc, in.dst, in.off, r.width, Access::kAtomic, false, &number);
  const bool fetch = (in.imm & kAtomicFetch) != 0;
  const RegValue old = RegValue::number(Scalar::of_width(r.width));
  if (cmpxchg) s.set(0, old);
  else if (fetch) s.set(in.src, old);
  if (reporter_) reporter_->access(pc);
}

void Transfer::legacy_packet_load(State& s, uint32_t pc) {
  const InsnInfo& r = row(pc);
  const Insn& in = at(pc);
  if (!generic_memory_ && !config_.type->legacy_packet_access) {
    fail(pc, fmt::format("{}: legacy packet access (LD_ABS/LD_IND) is not allowed for {} programs", r.mnemonic,
                         config_.type->name));
  }
  if (!generic_memory_) {
    const RegValue r6 = use(s, pc, 6);
    if (!(r6.only(Region::kContext) && r6.off(Region::kContext) == Interval::constant(0)))
      fail(pc, fmt::format("{}: r6 must hold the context (it holds {})", r.mnemonic, r6.to_string()));
  }
  if (r.form == Form::LoadInd) {
    const RegValue idx = use(s, pc, in.src);
    if (!idx.is_number()) fail(pc, fmt::format("{}: r{} must be a number", r.mnemonic, in.src));
  }
  s.set(0, RegValue::number(Scalar::of_width(r.width)));
  for (unsigned reg = 1; reg <= 5; ++reg) s.set(reg, RegValue::uninit());
}

bool Transfer::check_memory_range(State& s, uint32_t pc, unsigned reg, const Scalar& size, bool write,
                                  const std::string& what) {
  const RegValue ptr = s.reg(reg);
  if (size.umax() > (1u << 29)) {
    fail(pc, fmt::format("the size of {} is not bounded (it may be {}): check it first", what,
                         size.to_string()));
    return false;
  }
  const auto width = static_cast<unsigned>(size.umax());
  if (width == 0) return true;
  if (!ptr.has_pointer() || ptr.has(Region::kNumber) || (ptr.regions & ~kPointerRegions) != 0) {
    if (ptr.maybe_null_pointer()) fail(pc, fmt::format("r{} may be NULL here: {}", reg, describe_null(ptr)));
    else fail(pc, fmt::format("{} (r{}) must be a pointer to memory; it is {}", what, reg, ptr.to_string()));
    return false;
  }
  bool ok = true;
  if (ptr.has(Region::kContext)) {
    fail(pc, fmt::format("{} (r{}) points into the context, which cannot be passed as memory", what, reg));
    ok = false;
  }
  if (ptr.has(Region::kStack)) {
    if (ptr.frame == kAnyFrame || ptr.frame > s.depth()) {
      fail(pc, fmt::format("r{} may point into more than one frame's stack", reg));
      return false;
    }
    StackFrame& st = s.stack(ptr.frame);
    const int64_t lo = ptr.off(Region::kStack).lo();
    const int64_t hi_start = ptr.off(Region::kStack).hi();
    const int64_t hi = bound_add(hi_start, width);
    if (!st.in_bounds(lo, hi)) {
      fail(pc, fmt::format("{} (r{}): {} bytes at r10 + {} are outside the {}-byte frame", what, reg, width,
                           offset_text(lo, hi_start), st.size()));
      return false;
    }
    note_stack_depth(s, ptr.frame, lo);
    if (write) {
      s.forget_slots(ptr.frame, lo, hi);
      if (lo == hi_start) {
        // Written for sure up to the smallest size; maybe beyond.
        st.write_unknown(lo, lo + static_cast<int64_t>(size.umin()));
        st.havoc(lo, hi);
      } else {
        st.havoc(lo, hi);
      }
    } else {
      // The kernel lets privileged programs hand helpers stack bytes they
      // never wrote (the helper reads whatever is there); the generic
      // platform does not (it would read a previous run's data).
      const bool uninit_ok = config_.type->privileged && !generic_memory_;
      if (auto run = st.uninitialized_run(lo, hi); run && !uninit_ok) {
        fail(pc, fmt::format("{} (r{}): stack bytes {}..{} were never written", what, reg, run->first,
                             run->second));
        ok = false;
      }
      if (!config_.options.allow_pointer_leaks) {
        for (const auto& cell : std::as_const(st).cells()) {
          if (cell.off >= hi || cell.off + cell.width <= lo || !cell.value.has_pointer()) continue;
          fail(pc, fmt::format("pointer leak: {} (r{}) contains {} stored at r10{:+}", what, reg,
                               region_name(*cell.value.single_offset_region()), cell.off));
          ok = false;
          break;
        }
      }
    }
  }
  if (ptr.has(Region::kPacket)) ok = check_packet(s, pc, reg, ptr, 0, width, write) && ok;
  if (ptr.has(Region::kMapValue)) ok = check_map_value(s, pc, reg, ptr, 0, width, write ? Access::kWrite : Access::kRead) && ok;
  for (Region rg : {Region::kMemory, Region::kSocket}) {
    if (!ptr.has(rg)) continue;
    if (ptr.off(rg).lo() < 0 || bound_add(ptr.off(rg).hi(), width) > static_cast<int64_t>(ptr.mem_size)) {
      fail(pc, fmt::format("{} (r{}): {} bytes are outside the {} bytes of {}", what, reg, width, ptr.mem_size,
                           region_name(rg)));
      ok = false;
    }
  }
  return ok;
}

}  // namespace sandbpf::verifier
