// RegValue: what a register (or a spilled stack slot) may hold. A set of
// region kinds, and per kind what is known:
//   number          the Scalar value
//   pointers        an offset interval from the region's start, one per
//                   region (a register joined from a stack pointer and a map
//                   value pointer keeps both offsets); for the packet the
//                   offset is from data, so data_end is at the packet size.
//                   Three regions keep their own offsets; a fourth and more
//                   share one interval, the hull of theirs (see set_off)
//   map pointers and map value pointers: which maps (a small set)
//   stack pointers  which frame they point into
//   function refs   the function's entry pc (in the offset)
// Null is the number 0: a maybe-null pointer is {pointer, number 0}, and a
// comparison with 0 splits it. `id` ties copies of one maybe-null value
// together so that checking one copy refines all; `origin` remembers the
// instruction that produced it, for messages.
#pragma once

#include <array>
#include <bitset>
#include <optional>
#include <cstdint>
#include <span>
#include <string>

#include "verifier/domains/interval.hpp"
#include "verifier/domains/scalar.hpp"

namespace sandbpf::verifier {

enum class Region : uint8_t {
  kUninit,         // never written
  kNumber,
  kContext,
  kStack,
  kPacket,         // packet bytes, data_meta and data_end included
  kMapValue,
  kMapPointer,     // lddw src=1: only for helpers
  kFunction,       // lddw src=4: only for helpers taking callbacks
  kMemory,         // memory a helper returned (ring buffer record): [0, mem_size)
  kSocket,         // a struct bpf_sock
  kKernelObject,   // other kernel pointers (BTF): only for helpers
};
inline constexpr unsigned kRegionCount = 11;

using RegionSet = uint16_t;
constexpr RegionSet bit(Region r) { return static_cast<RegionSet>(1u << static_cast<unsigned>(r)); }
inline constexpr RegionSet kPointerRegions = bit(Region::kContext) | bit(Region::kStack) |
                                             bit(Region::kPacket) | bit(Region::kMapValue) |
                                             bit(Region::kMemory) | bit(Region::kSocket) |
                                             bit(Region::kKernelObject);
// Regions whose value has an offset that the relational domain tracks.
inline constexpr RegionSet kOffsetRegions = kPointerRegions;
std::string_view region_name(Region r);  // "a packet pointer", ...

inline constexpr size_t kMaxMaps = 128;
using MapSet = std::bitset<kMaxMaps>;
inline constexpr uint8_t kAnyFrame = 0xff;

struct RegValue {
  RegionSet regions = bit(Region::kUninit);
  Scalar num;               // when kNumber is in regions
  MapSet maps;              // kMapValue, kMapPointer
  // kMapValue: the bytes left in the value after the offset (value_size -
  // offset). Kept apart from the offset so that a pointer joined from two
  // maps of different sizes at different offsets stays checkable.
  Interval room;
  uint32_t mem_size = 0;    // kMemory, kSocket: accessible bytes
  uint8_t frame = 0;        // kStack: the frame it points into
  uint32_t id = 0;          // maybe-null identity (0: none)
  uint32_t origin = 0;      // insn + 1 of the helper call that made it, 0: none

  // The offset for region r (a pointer region, kMapPointer or kFunction);
  // top for a region the value does not hold.
  const Interval& off(Region r) const;
  // Sets region r's offset. A region that finds no slot of its own (a
  // fourth offset region) shares the overflow slot: its offset is joined
  // into the slot's, so every region sharing it keeps a sound bound.
  void set_off(Region r, const Interval& offset);
  // The hull of the offsets of every region present (one region: its offset).
  Interval offset() const;
  // The single offset region present, if exactly one.
  std::optional<Region> single_offset_region() const;
  // Every present region's offset moved by `delta`.
  void shift_offsets(const Interval& delta);

  static RegValue uninit() { return RegValue{}; }
  static RegValue bottom() {
    RegValue v;
    v.regions = 0;
    return v;
  }
  static RegValue number(const Scalar& s);
  static RegValue constant(uint64_t v) { return number(Scalar::constant(v)); }
  static RegValue pointer(Region r, Interval offset);
  static RegValue stack_pointer(uint8_t frame, int64_t offset);

  bool is_bottom() const { return regions == 0; }
  bool has(Region r) const { return (regions & bit(r)) != 0; }
  bool only(Region r) const { return regions == bit(r); }
  bool maybe_uninit() const { return has(Region::kUninit); }
  bool is_number() const { return only(Region::kNumber); }
  bool has_pointer() const { return (regions & kPointerRegions) != 0; }
  // A pointer that may also be null (the number 0 and nothing else).
  bool maybe_null_pointer() const;
  bool is_constant_number(uint64_t v) const {
    return is_number() && num.is_constant() && num.constant_value() == v;
  }

  bool leq(const RegValue& o) const;
  RegValue join(const RegValue& o) const;
  RegValue widen(const RegValue& newer, std::span<const int64_t> thresholds) const;
  RegValue narrow(const RegValue& newer) const;
  friend bool operator==(const RegValue& a, const RegValue& b);

  std::string to_string() const;

 private:
  // Offsets are stored sparsely: a value holds one offset region almost
  // always (partitions keep pointer kinds apart), two or three where
  // partitions were joined, more only rarely (24 joins on the whole
  // corpus). Nine dense intervals made a RegValue 256 bytes, and states are
  // copied at every instruction.
  static constexpr size_t kOffsetSlots = 3;
  static constexpr uint8_t kFreeSlot = 0xff;    // holds nothing
  static constexpr uint8_t kSharedSlot = 0xfe;  // the hull of the regions without a slot
  // The slot holding region r's offset: its own, else the shared one; -1
  // when neither exists (r is absent or its offset was never set).
  int slot_of(Region r) const;
  // A slot that holds no present region's offset (free, stale, or a shared
  // slot no present region reads); -1 when none.
  int reusable_slot() const;
  std::array<Interval, kOffsetSlots> offs_{};
  std::array<uint8_t, kOffsetSlots> off_tags_{kFreeSlot, kFreeSlot, kFreeSlot};
};

}  // namespace sandbpf::verifier
