// RegValue: what a register (or a spilled stack slot) may hold. A set of
// region kinds, and per kind what is known:
//   number          the Scalar value
//   pointers        an offset interval from the region's start, one per
//                   region (a register joined from a stack pointer and a map
//                   value pointer keeps both offsets); for the packet the
//                   offset is from data, so data_end is at the packet size
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

  // The offset for region r (a pointer region, kMapPointer or kFunction).
  Interval& off(Region r) { return offs_[slot(r)]; }
  const Interval& off(Region r) const { return offs_[slot(r)]; }
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
  static constexpr size_t kOffsetSlots = kRegionCount - 2;  // every region but uninit and number
  static size_t slot(Region r) { return static_cast<size_t>(r) - 2; }
  std::array<Interval, kOffsetSlots> offs_{};
};

}  // namespace sandbpf::verifier
