#include "verifier/domains/stack.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace sandbpf::verifier {

StackFrame::StackFrame(uint32_t size) : size_(size) {
  if (size > 512) big_.assign((size + 63) / 64, 0);
}

bool StackFrame::is_init(int64_t off) const {
  const auto i = static_cast<size_t>(off + size_);
  return (bits()[i / 64] >> (i % 64)) & 1;
}

void StackFrame::set_init(int64_t lo, int64_t hi) {
  for (int64_t o = std::max<int64_t>(lo, -static_cast<int64_t>(size_)); o < std::min<int64_t>(hi, 0); ++o) {
    const auto i = static_cast<size_t>(o + size_);
    bits()[i / 64] |= 1ull << (i % 64);
  }
}

bool StackFrame::all_initialized(int64_t lo, int64_t hi) const {
  if (!in_bounds(lo, hi)) return false;
  for (int64_t o = lo; o < hi; ++o) {
    if (!is_init(o)) return false;
  }
  return true;
}

std::optional<std::pair<int64_t, int64_t>> StackFrame::uninitialized_run(int64_t lo, int64_t hi) const {
  lo = std::max<int64_t>(lo, -static_cast<int64_t>(size_));
  hi = std::min<int64_t>(hi, 0);
  for (int64_t o = lo; o < hi; ++o) {
    if (is_init(o)) continue;
    int64_t last = o;
    while (last + 1 < hi && !is_init(last + 1)) ++last;
    return std::pair(o, last);
  }
  return std::nullopt;
}

void StackFrame::drop_cells(int64_t lo, int64_t hi) {
  auto overlaps = [lo, hi](const Cell& c) { return c.off < hi && c.off + c.width > lo; };
  if (std::any_of(list().begin(), list().end(), overlaps)) std::erase_if(mut(), overlaps);
}

void StackFrame::store(int64_t off, unsigned width, const RegValue& value) {
  drop_cells(off, off + width);
  set_init(off, off + width);
  RegValue stored = value;
  if (width < 8) {
    // A narrow store keeps numbers (truncated); part of a pointer is an
    // unknown number.
    if (value.is_number()) stored = RegValue::number(value.num.truncate(width));
    else stored = RegValue::number(Scalar::of_width(width));
  }
  stored.id = value.has_pointer() ? value.id : 0;
  if (stored.is_number() && stored.num == Scalar::of_width(width) && width < 8) return;  // nothing to remember
  std::vector<Cell>& cells = mut();
  auto it = std::lower_bound(cells.begin(), cells.end(), off, [](const Cell& c, int64_t o) { return c.off < o; });
  cells.insert(it, Cell{static_cast<int32_t>(off), static_cast<uint8_t>(width), stored});
}

void StackFrame::havoc(int64_t lo, int64_t hi) { drop_cells(lo, hi); }

void StackFrame::write_unknown(int64_t lo, int64_t hi) {
  drop_cells(lo, hi);
  set_init(lo, hi);
}

const StackFrame::Cell* StackFrame::cell_at(int64_t off, unsigned width) const {
  // Cells are sorted by offset and never overlap: at most one starts at off.
  auto it = std::lower_bound(list().begin(), list().end(), off, [](const Cell& c, int64_t o) { return c.off < o; });
  if (it != list().end() && it->off == off && it->width == width) return &*it;
  return nullptr;
}

StackFrame::Cell* StackFrame::cell_at(int64_t off, unsigned width) {
  const Cell* shared = static_cast<const StackFrame*>(this)->cell_at(off, width);
  if (shared == nullptr) return nullptr;
  // The cell is changed through the pointer: into this frame's own copy.
  // The index is taken before mut(): mut() may copy the shared cells, and
  // after that list() is the copy ("a[b]" evaluates a first since C++17,
  // so the index computed inside the brackets would be off by the distance
  // between the two vectors: ASan and the verifier fuzzer caught it).
  const auto index = static_cast<size_t>(shared - list().data());
  return &mut()[index];
}

RegValue StackFrame::load(int64_t off, unsigned width, bool sign_extend) const {
  auto finish = [&](Scalar s) {
    if (sign_extend && width < 8) s = s.sign_extend(width * 8);
    return RegValue::number(s);
  };
  if (const Cell* c = cell_at(off, width)) {
    if (c->value.is_number()) return finish(c->value.num);
    if (width == 8) return c->value;
    return finish(Scalar::of_width(width));
  }
  // Bytes inside a wider cell holding a known constant: extract them.
  for (const Cell& c : list()) {
    if (c.off <= off && off + width <= c.off + c.width && c.value.is_number() &&
        c.value.num.is_constant()) {
      const unsigned shift = static_cast<unsigned>(off - c.off) * 8;
      const uint64_t bytes = c.value.num.constant_value() >> shift;
      return finish(Scalar::constant(bytes).truncate(width));
    }
  }
  return finish(Scalar::of_width(width));
}

bool StackFrame::leq(const StackFrame& o) const {
  for (size_t i = 0; i < words(); ++i) {
    if ((o.bits()[i] & ~bits()[i]) != 0) return false;  // o needs bytes we may lack
  }
  if (cells_.same_storage(o.cells_)) return true;
  // Every cell o remembers must be here, at least as precise.
  for (const Cell& oc : o.list()) {
    const Cell* c = cell_at(oc.off, oc.width);
    if (c == nullptr) {
      // A missing cell means an unknown number of that width (or never
      // written: then o requires it initialized, checked above).
      if (!(oc.value.is_number() && Scalar::of_width(oc.width).leq(oc.value.num))) return false;
      continue;
    }
    if (!c->value.leq(oc.value)) return false;
  }
  return true;
}

StackFrame StackFrame::join(const StackFrame& o) const {
  StackFrame r(size_);
  for (size_t i = 0; i < words(); ++i) r.bits()[i] = bits()[i] & o.bits()[i];
  // The same cells on both sides (copies of one state): the join is them.
  if (cells_.same_storage(o.cells_)) {
    r.cells_ = cells_;
    return r;
  }
  // Both lists are sorted by offset: one merge walk keeps the cells at the
  // same place and of the same width on both sides.
  const std::vector<Cell>& a = list();
  const std::vector<Cell>& b = o.list();
  std::vector<Cell> out;
  out.reserve(std::min(a.size(), b.size()));
  bool same_as_a = true;
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a[i].off < b[j].off) {
      same_as_a = false;
      ++i;
    } else if (b[j].off < a[i].off) {
      ++j;
    } else {
      if (a[i].width == b[j].width) {
        out.push_back(Cell{a[i].off, a[i].width, a[i].value.join(b[j].value)});
        same_as_a = same_as_a && out.back().value == a[i].value;
      } else {
        same_as_a = false;
      }
      ++i;
      ++j;
    }
  }
  if (same_as_a && out.size() == a.size()) r.cells_ = cells_;
  else if (!out.empty()) r.mut() = std::move(out);
  return r;
}

StackFrame StackFrame::widen(const StackFrame& newer, std::span<const int64_t> thresholds) const {
  StackFrame r(size_);
  for (size_t i = 0; i < words(); ++i) r.bits()[i] = bits()[i] & newer.bits()[i];
  for (const Cell& c : list()) {
    const Cell* oc = newer.cell_at(c.off, c.width);
    if (oc == nullptr) continue;
    r.mut().push_back(Cell{c.off, c.width, c.value.widen(oc->value, thresholds)});
  }
  return r;
}

StackFrame StackFrame::narrow(const StackFrame& newer) const {
  StackFrame r = *this;
  for (Cell& c : r.mut()) {
    if (const Cell* nc = newer.cell_at(c.off, c.width)) c.value = c.value.narrow(nc->value);
  }
  return r;
}

std::string StackFrame::to_string() const {
  std::string out;
  // Initialized runs, then cells.
  int64_t o = -static_cast<int64_t>(size_);
  while (o < 0) {
    if (!is_init(o)) {
      ++o;
      continue;
    }
    int64_t end = o;
    while (end < 0 && is_init(end)) ++end;
    out += fmt::format("{}[{}..{}] ", out.empty() ? "written " : "", o, end - 1);
    o = end;
  }
  for (const Cell& c : list()) out += fmt::format("[r10{:+}:{}]={} ", c.off, c.width, c.value.to_string());
  if (!out.empty()) out.pop_back();
  return out;
}

}  // namespace sandbpf::verifier
