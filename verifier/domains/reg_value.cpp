#include "verifier/domains/reg_value.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sandbpf::verifier {

std::string_view region_name(Region r) {
  switch (r) {
    case Region::kUninit: return "uninitialized";
    case Region::kNumber: return "a number";
    case Region::kContext: return "the context";
    case Region::kStack: return "a stack pointer";
    case Region::kPacket: return "a packet pointer";
    case Region::kMapValue: return "a map value pointer";
    case Region::kMapPointer: return "a map pointer";
    case Region::kFunction: return "a function reference";
    case Region::kMemory: return "a helper memory pointer";
    case Region::kSocket: return "a socket pointer";
    case Region::kKernelObject: return "a kernel object pointer";
  }
  return "?";
}

RegValue RegValue::number(const Scalar& s) {
  RegValue v;
  v.regions = s.is_bottom() ? 0 : bit(Region::kNumber);
  v.num = s;
  return v;
}

RegValue RegValue::pointer(Region r, Interval offset) {
  RegValue v;
  v.regions = bit(r);
  v.set_off(r, offset);
  return v;
}

RegValue RegValue::stack_pointer(uint8_t frame, int64_t offset) {
  RegValue v = pointer(Region::kStack, Interval::constant(offset));
  v.frame = frame;
  return v;
}

bool RegValue::maybe_null_pointer() const {
  return has(Region::kNumber) &&
         (regions & (kPointerRegions | bit(Region::kFunction) | bit(Region::kMapPointer))) != 0 &&
         num.is_constant() && num.constant_value() == 0;
}

namespace {
constexpr RegionSet kWithOffset = kPointerRegions | bit(Region::kMapPointer) | bit(Region::kFunction);
template <typename F>
void for_each_offset_region(RegionSet regions, F&& f) {
  for (unsigned i = 2; i < kRegionCount; ++i) {
    if (regions & (1u << i)) f(static_cast<Region>(i));
  }
}
constexpr RegionSet kWithMaps = bit(Region::kMapValue) | bit(Region::kMapPointer);
constexpr RegionSet kWithSize = bit(Region::kMemory) | bit(Region::kSocket);
}  // namespace

int RegValue::slot_of(Region r) const {
  int shared = -1;
  for (size_t i = 0; i < kOffsetSlots; ++i) {
    if (off_tags_[i] == static_cast<uint8_t>(r)) return static_cast<int>(i);
    if (off_tags_[i] == kSharedSlot) shared = static_cast<int>(i);
  }
  return has(r) ? shared : -1;
}

const Interval& RegValue::off(Region r) const {
  static constexpr Interval kTop{};
  const int i = slot_of(r);
  return i < 0 ? kTop : offs_[static_cast<size_t>(i)];
}

int RegValue::reusable_slot() const {
  // The shared slot is read by the present offset regions without a slot of their own.
  bool shared_read = false;
  for_each_offset_region(regions & kWithOffset, [&](Region r) {
    shared_read |= std::find(off_tags_.begin(), off_tags_.end(), static_cast<uint8_t>(r)) == off_tags_.end();
  });
  for (size_t i = 0; i < kOffsetSlots; ++i) {
    const uint8_t tag = off_tags_[i];
    if (tag == kFreeSlot || (tag == kSharedSlot && !shared_read)) return static_cast<int>(i);
    if (tag != kSharedSlot && !has(static_cast<Region>(tag))) return static_cast<int>(i);
  }
  return -1;
}

void RegValue::set_off(Region r, const Interval& offset) {
  for (size_t i = 0; i < kOffsetSlots; ++i) {
    if (off_tags_[i] == static_cast<uint8_t>(r)) {
      offs_[i] = offset;
      return;
    }
  }
  // A region that already reads the shared slot (its offset is part of the
  // hull, with other regions' that it cannot be told apart from) is joined
  // in; so is a new region when every slot is taken.
  const bool reads_shared = has(r) && slot_of(r) >= 0;
  if (!reads_shared) {
    const int free = reusable_slot();
    if (free >= 0) {
      off_tags_[static_cast<size_t>(free)] = static_cast<uint8_t>(r);
      offs_[static_cast<size_t>(free)] = offset;
      return;
    }
  }
  for (size_t i = 0; i < kOffsetSlots; ++i) {
    if (off_tags_[i] == kSharedSlot) {
      offs_[i] = offs_[i].join(offset);
      return;
    }
  }
  // Every slot holds a present region of its own: the last one becomes the
  // shared slot of its region and r.
  offs_[kOffsetSlots - 1] = offs_[kOffsetSlots - 1].join(offset);
  off_tags_[kOffsetSlots - 1] = kSharedSlot;
}

Interval RegValue::offset() const {
  Interval hull = Interval::bottom();
  for_each_offset_region(regions & kWithOffset, [&](Region r) { hull = hull.join(off(r)); });
  return hull.is_bottom() ? Interval::top() : hull;
}

std::optional<Region> RegValue::single_offset_region() const {
  const RegionSet present = regions & kWithOffset;
  if (present == 0 || (present & (present - 1)) != 0) return std::nullopt;
  std::optional<Region> found;
  for_each_offset_region(present, [&](Region r) { found = r; });
  return found;
}

void RegValue::shift_offsets(const Interval& delta) {
  // Slot by slot, so that a shared slot moves once (its regions all move).
  for (size_t i = 0; i < kOffsetSlots; ++i) {
    if (off_tags_[i] != kFreeSlot) offs_[i] = offs_[i].add(delta);
  }
  if (has(Region::kMapValue)) room = room.sub(delta);
}

bool operator==(const RegValue& a, const RegValue& b) {
  if (a.regions != b.regions) return false;
  if (a.has(Region::kNumber) && !(a.num == b.num)) return false;
  bool same_offsets = true;
  for_each_offset_region(a.regions & kWithOffset, [&](Region r) { same_offsets &= a.off(r) == b.off(r); });
  if (!same_offsets) return false;
  if ((a.regions & kWithMaps) && a.maps != b.maps) return false;
  if ((a.regions & kWithSize) && a.mem_size != b.mem_size) return false;
  if (a.has(Region::kMapValue) && !(a.room == b.room)) return false;
  if (a.has(Region::kStack) && a.frame != b.frame) return false;
  return a.id == b.id;
}

bool RegValue::leq(const RegValue& o) const {
  if (is_bottom()) return true;
  if ((regions & ~o.regions) != 0) return false;
  if (has(Region::kNumber) && !num.leq(o.num)) return false;
  bool offsets_leq = true;
  for_each_offset_region(regions & kWithOffset, [&](Region r) { offsets_leq &= off(r).leq(o.off(r)); });
  if (!offsets_leq) return false;
  if ((regions & kWithMaps) && (maps & ~o.maps).any()) return false;
  if ((regions & kWithSize) && mem_size < o.mem_size) return false;
  if (has(Region::kMapValue) && !room.leq(o.room)) return false;
  if (has(Region::kStack) && o.frame != kAnyFrame && frame != o.frame) return false;
  if (o.id != 0 && id != o.id) return false;
  return true;
}

RegValue RegValue::join(const RegValue& o) const {
  if (is_bottom()) return o;
  if (o.is_bottom()) return *this;
  RegValue r;
  r.regions = regions | o.regions;
  const bool a_num = has(Region::kNumber);
  const bool b_num = o.has(Region::kNumber);
  r.num = a_num && b_num ? num.join(o.num) : (a_num ? num : o.num);
  for_each_offset_region(r.regions & kWithOffset, [&](Region rg) {
    const bool a_has = has(rg);
    const bool b_has = o.has(rg);
    r.set_off(rg, a_has && b_has ? off(rg).join(o.off(rg)) : (a_has ? off(rg) : o.off(rg)));
  });
  r.maps = maps | o.maps;
  if (has(Region::kMapValue) && o.has(Region::kMapValue)) r.room = room.join(o.room);
  else r.room = has(Region::kMapValue) ? room : o.room;
  const bool a_size = (regions & kWithSize) != 0;
  const bool b_size = (o.regions & kWithSize) != 0;
  r.mem_size = a_size && b_size ? std::min(mem_size, o.mem_size) : (a_size ? mem_size : o.mem_size);
  if (has(Region::kStack) && o.has(Region::kStack))
    r.frame = frame == o.frame ? frame : kAnyFrame;
  else
    r.frame = has(Region::kStack) ? frame : o.frame;
  r.id = id == o.id ? id : 0;
  r.origin = origin != 0 ? origin : o.origin;
  return r;
}

RegValue RegValue::widen(const RegValue& newer, std::span<const int64_t> thresholds) const {
  if (is_bottom()) return newer;
  if (newer.is_bottom()) return *this;
  RegValue r = join(newer);
  if (has(Region::kNumber) && newer.has(Region::kNumber)) r.num = num.widen(newer.num, thresholds);
  for_each_offset_region(regions & newer.regions & kWithOffset,
                         [&](Region rg) { r.set_off(rg, off(rg).widen(newer.off(rg), thresholds)); });
  if (has(Region::kMapValue) && newer.has(Region::kMapValue)) r.room = room.widen(newer.room, thresholds);
  return r;
}

RegValue RegValue::narrow(const RegValue& newer) const {
  if (is_bottom() || newer.is_bottom()) return newer;
  RegValue r = *this;
  if (has(Region::kNumber) && newer.has(Region::kNumber)) r.num = num.narrow(newer.num);
  for_each_offset_region(regions & newer.regions & kWithOffset,
                         [&](Region rg) { r.set_off(rg, off(rg).narrow(newer.off(rg))); });
  if (has(Region::kMapValue) && newer.has(Region::kMapValue)) r.room = room.narrow(newer.room);
  // Regions only shrink when the newer value has fewer.
  r.regions = regions & newer.regions;
  if (r.regions == 0) return newer;
  return r;
}

std::string RegValue::to_string() const {
  if (is_bottom()) return "bottom";
  std::string out;
  auto add = [&out](const std::string& s) {
    if (!out.empty()) out += " | ";
    out += s;
  };
  auto maps_text = [this]() {
    std::string m;
    for (size_t i = 0; i < kMaxMaps; ++i) {
      if (!maps.test(i)) continue;
      m += m.empty() ? "" : ",";
      m += fmt::format("{}", i);
    }
    return m;
  };
  if (has(Region::kUninit)) add("uninit");
  if (has(Region::kNumber)) add(num.to_string());
  if (has(Region::kContext)) add(fmt::format("ctx+{}", off(Region::kContext).to_string()));
  if (has(Region::kStack)) {
    const Interval& so = off(Region::kStack);
    const std::string f = frame == kAnyFrame ? "?" : frame == 0 ? std::string() : fmt::format("[{}]", frame);
    add(so.is_constant() ? fmt::format("stack{}{:+}", f, so.lo()) : fmt::format("stack{}+{}", f, so.to_string()));
  }
  if (has(Region::kPacket)) add(fmt::format("packet+{}", off(Region::kPacket).to_string()));
  if (has(Region::kMapValue)) add(fmt::format("map_value[{}]+{}", maps_text(), off(Region::kMapValue).to_string()));
  if (has(Region::kMapPointer)) add(fmt::format("map[{}]", maps_text()));
  if (has(Region::kFunction)) add(fmt::format("func@{}", off(Region::kFunction).to_string()));
  if (has(Region::kMemory)) add(fmt::format("mem({})+{}", mem_size, off(Region::kMemory).to_string()));
  if (has(Region::kSocket)) add(fmt::format("socket+{}", off(Region::kSocket).to_string()));
  if (has(Region::kKernelObject)) add(fmt::format("kobj+{}", off(Region::kKernelObject).to_string()));
  return out;
}

}  // namespace sandbpf::verifier
