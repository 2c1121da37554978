// StackFrame: one frame's stack, byte-granular. Offsets are relative to the
// frame pointer r10 (the frame is [-size, 0)). It remembers which bytes have
// been written, and what was written where it matters: cells of 1..8 bytes
// holding a full abstract value (spilled registers keep their pointers and
// bounds; narrower stores keep their numbers). Cells never overlap; a store
// removes the cells it touches.
#pragma once

#include <cstdint>
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "verifier/domains/reg_value.hpp"
#include "verifier/domains/shared_vector.hpp"

namespace sandbpf::verifier {

class StackFrame {
 public:
  struct Cell {
    int32_t off;    // first byte, relative to r10
    uint8_t width;  // 1, 2, 4 or 8
    RegValue value;
    friend bool operator==(const Cell&, const Cell&) = default;
  };

  explicit StackFrame(uint32_t size = 512);

  uint32_t size() const { return size_; }
  // [lo, hi) within the frame.
  bool in_bounds(int64_t lo, int64_t hi) const { return lo >= -static_cast<int64_t>(size_) && hi <= 0 && lo < hi; }

  bool all_initialized(int64_t lo, int64_t hi) const;
  // The first run of uninitialized bytes in [lo, hi), as [first, last].
  std::optional<std::pair<int64_t, int64_t>> uninitialized_run(int64_t lo, int64_t hi) const;

  // An exact store of `width` bytes at `off`: the bytes become initialized
  // and hold `value` (numbers are truncated to the width).
  void store(int64_t off, unsigned width, const RegValue& value);
  // A store somewhere in [lo, hi) (variable offset): values there are lost;
  // bytes written for sure cannot be told, so initialization is unchanged.
  void havoc(int64_t lo, int64_t hi);
  // Marks [lo, hi) initialized with unknown contents (a helper wrote it).
  void write_unknown(int64_t lo, int64_t hi);
  // The value of an exact load; `sign_extend` for ldxs. Uninitialized bytes
  // are the caller's to check first.
  RegValue load(int64_t off, unsigned width, bool sign_extend) const;
  // The cell exactly at [off, off + width), if any.
  const Cell* cell_at(int64_t off, unsigned width) const;
  Cell* cell_at(int64_t off, unsigned width);
  std::span<const Cell> cells() const { return list(); }
  std::span<Cell> cells() { return mut(); }

  bool leq(const StackFrame& o) const;
  StackFrame join(const StackFrame& o) const;
  StackFrame widen(const StackFrame& newer, std::span<const int64_t> thresholds) const;
  StackFrame narrow(const StackFrame& newer) const;
  friend bool operator==(const StackFrame& a, const StackFrame& b) {
    return a.size_ == b.size_ && a.small_ == b.small_ && a.big_ == b.big_ && a.cells_ == b.cells_;
  }
  std::string to_string() const;

 private:
  bool is_init(int64_t off) const;
  void set_init(int64_t lo, int64_t hi);
  // Removes every cell overlapping [lo, hi).
  void drop_cells(int64_t lo, int64_t hi);

  uint64_t* bits() { return size_ <= 512 ? small_.data() : big_.data(); }
  const uint64_t* bits() const { return size_ <= 512 ? small_.data() : big_.data(); }
  size_t words() const { return (size_ + 63) / 64; }

  uint32_t size_;
  // Bit (off + size) set: that byte was written. Inline for the usual
  // 512-byte frame (copied with every state), on the heap beyond.
  std::array<uint64_t, 8> small_{};
  std::vector<uint64_t> big_;
  const std::vector<Cell>& list() const { return cells_.get(); }
  std::vector<Cell>& mut() { return cells_.mut(); }
  SharedVector<Cell> cells_;  // sorted by off
};

}  // namespace sandbpf::verifier
