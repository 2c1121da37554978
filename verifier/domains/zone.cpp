#include "verifier/domains/zone.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace sandbpf::verifier {

namespace {

bool edge_less(const Zone::Edge& e, std::pair<VarId, VarId> key) {
  return std::pair(e.x, e.y) < key;
}

// a + b, or nullopt when it leaves the finite int64 range (the constraint is
// then dropped, which is sound).
std::optional<int64_t> finite_add(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r) || r == kPlusInf || r == kMinusInf) return std::nullopt;
  return r;
}

}  // namespace

std::optional<int64_t> Zone::bound(VarId x, VarId y) const {
  if (x == y) return 0;
  auto it = std::lower_bound(edges().begin(), edges().end(), std::pair(x, y), edge_less);
  if (it != edges().end() && it->x == x && it->y == y) return it->c;
  return std::nullopt;
}

int64_t Zone::bound_with(VarId x, VarId y, const IntervalOf& interval_of) const {
  int64_t best = kPlusInf;
  if (auto b = bound(x, y)) best = *b;
  const Interval ix = interval_of(x);
  const Interval iy = interval_of(y);
  if (!ix.is_bottom() && !iy.is_bottom() && ix.hi() != kPlusInf && iy.lo() != kMinusInf) {
    if (auto d = finite_add(ix.hi(), bound_neg(iy.lo()))) best = std::min(best, *d);
  }
  return best;
}

bool Zone::mentions(VarId x) const {
  return std::any_of(edges().begin(), edges().end(),
                     [x](const Edge& e) { return e.x == x || e.y == x; });
}

void Zone::tighten(VarId x, VarId y, int64_t c) {
  std::vector<Edge>& list = mut();
  auto it = std::lower_bound(list.begin(), list.end(), std::pair(x, y), edge_less);
  if (it != list.end() && it->x == x && it->y == y) {
    it->c = std::min(it->c, c);
    return;
  }
  list.insert(it, Edge{x, y, c});
}

bool Zone::add(VarId x, VarId y, int64_t c) {
  if (x == y) return c >= 0;
  if (auto old = bound(x, y); old && *old <= c) return true;
  if (auto back = bound(y, x)) {
    auto cycle = finite_add(*back, c);
    if (cycle && *cycle < 0) return false;
  }
  // Closed DBM plus one edge x -> y: the new shortest path u -> v is
  // d(u, x) + c + d(y, v). Gather the edges into x and out of y first.
  std::vector<std::pair<VarId, int64_t>> into_x{{x, 0}};
  std::vector<std::pair<VarId, int64_t>> from_y{{y, 0}};
  for (const Edge& e : edges()) {
    if (e.y == x) into_x.emplace_back(e.x, e.c);
    if (e.x == y) from_y.emplace_back(e.y, e.c);
  }
  for (auto [u, a] : into_x) {
    auto ac = finite_add(a, c);
    if (!ac) continue;
    for (auto [v, b] : from_y) {
      auto total = finite_add(*ac, b);
      if (!total) continue;
      if (u == v) {
        if (*total < 0) return false;
        continue;
      }
      tighten(u, v, *total);
    }
  }
  return true;
}

void Zone::forget(VarId x) {
  auto on_x = [x](const Edge& e) { return e.x == x || e.y == x; };
  if (std::any_of(edges().begin(), edges().end(), on_x)) std::erase_if(mut(), on_x);
}

void Zone::forget(std::span<const VarId> xs) {
  // A 64-bit filter of the variables' low bits rejects most edges with one
  // test; the exact search runs only on the few it lets through.
  uint64_t filter = 0;
  for (VarId v : xs) filter |= uint64_t{1} << (v & 63);
  auto in = [xs, filter](VarId v) {
    return (filter >> (v & 63) & 1) != 0 && std::find(xs.begin(), xs.end(), v) != xs.end();
  };
  auto on_xs = [&](const Edge& e) { return in(e.x) || in(e.y); };
  if (std::any_of(edges().begin(), edges().end(), on_xs)) std::erase_if(mut(), on_xs);
}

bool Zone::any_from(VarId lo, VarId hi) const {
  auto it = std::lower_bound(edges().begin(), edges().end(), std::pair(lo, VarId{0}), edge_less);
  return it != edges().end() && it->x < hi;
}

void Zone::shift(std::span<const Shift> shifts) {
  // As one shift per variable, in one pass: x' - y' <= c + hi(x) - lo(y).
  auto find = [shifts](VarId v) -> const Shift* {
    for (const Shift& s : shifts) {
      if (s.x == v) return &s;
    }
    return nullptr;
  };
  if (!std::any_of(edges().begin(), edges().end(),
                   [&](const Edge& e) { return find(e.x) != nullptr || find(e.y) != nullptr; }))
    return;
  std::vector<Edge> kept;
  kept.reserve(edges().size());
  for (Edge e : edges()) {
    const Shift* sx = find(e.x);
    const Shift* sy = find(e.y);
    if (sx != nullptr) {
      auto c = finite_add(e.c, sx->hi);
      if (!c) continue;
      e.c = *c;
    }
    if (sy != nullptr) {
      auto c = finite_add(e.c, bound_neg(sy->lo));
      if (!c) continue;
      e.c = *c;
    }
    kept.push_back(e);
  }
  mut() = std::move(kept);
}

void Zone::assign(VarId x, VarId y, int64_t k) {
  forget(x);
  if (x == y) return;
  // x - y <= k and y - x <= -k, then x inherits y's constraints shifted.
  std::vector<Edge> added;
  for (const Edge& e : edges()) {
    if (e.x == y) {
      if (auto c = finite_add(e.c, k)) added.push_back({x, e.y, *c});
    } else if (e.y == y) {
      if (auto c = finite_add(e.c, -k)) added.push_back({e.x, x, *c});
    }
  }
  added.push_back({x, y, k});
  if (k != kMinusInf) added.push_back({y, x, -k});
  for (const Edge& e : added) tighten(e.x, e.y, e.c);
}

void Zone::copy(VarId to, VarId from) { assign(to, from, 0); }

void Zone::shift(VarId x, int64_t lo, int64_t hi) {
  // x' = x + d, d in [lo, hi]: x' - z <= c + hi and z - x' <= c - lo.
  if (!mentions(x)) return;
  std::vector<Edge> kept;
  kept.reserve(edges().size());
  for (Edge e : edges()) {
    if (e.x == x) {
      auto c = finite_add(e.c, hi);
      if (!c || hi == kPlusInf) continue;
      e.c = *c;
    } else if (e.y == x) {
      auto c = finite_add(e.c, bound_neg(lo));
      if (!c || lo == kMinusInf) continue;
      e.c = *c;
    }
    kept.push_back(e);
  }
  mut() = std::move(kept);
  // A range shift loses closure only between x's in- and out-neighbours,
  // which already had their own (tighter) direct edges: still closed.
}

bool Zone::leq(const Zone& o, const IntervalOf& mine) const {
  for (const Edge& e : o.edges()) {
    if (bound_with(e.x, e.y, mine) > e.c) return false;
  }
  return true;
}

Zone Zone::join(const Zone& a, const IntervalOf& a_int, const Zone& b, const IntervalOf& b_int) {
  // One merge walk over the two sorted lists: the result comes out sorted.
  // An edge of one side is weakened by the other side's bound, which may
  // come from that side's intervals alone.
  const std::vector<Edge>& ea = a.edges();
  const std::vector<Edge>& eb = b.edges();
  std::vector<Edge> out;
  out.reserve(std::max(ea.size(), eb.size()));
  auto interval_bound = [](const IntervalOf& interval_of, VarId x, VarId y) {
    const Interval ix = interval_of(x);
    const Interval iy = interval_of(y);
    if (ix.is_bottom() || iy.is_bottom() || ix.hi() == kPlusInf || iy.lo() == kMinusInf) return kPlusInf;
    const auto d = finite_add(ix.hi(), bound_neg(iy.lo()));
    return d ? *d : kPlusInf;
  };
  auto emit = [&](VarId x, VarId y, int64_t ca, int64_t cb) {
    const int64_t c = std::max(ca, cb);
    if (c != kPlusInf) out.push_back(Edge{x, y, c});
  };
  size_t i = 0;
  size_t j = 0;
  while (i < ea.size() || j < eb.size()) {
    const bool take_a = j >= eb.size() || (i < ea.size() && std::pair(ea[i].x, ea[i].y) <= std::pair(eb[j].x, eb[j].y));
    const bool take_b = i >= ea.size() || (j < eb.size() && std::pair(eb[j].x, eb[j].y) <= std::pair(ea[i].x, ea[i].y));
    if (take_a && take_b) {  // on both sides
      const Edge& e = ea[i];
      emit(e.x, e.y, std::min(e.c, interval_bound(a_int, e.x, e.y)), std::min(eb[j].c, interval_bound(b_int, e.x, e.y)));
      ++i;
      ++j;
    } else if (take_a) {
      const Edge& e = ea[i++];
      emit(e.x, e.y, std::min(e.c, interval_bound(a_int, e.x, e.y)), interval_bound(b_int, e.x, e.y));
    } else {
      const Edge& e = eb[j++];
      emit(e.x, e.y, interval_bound(a_int, e.x, e.y), std::min(e.c, interval_bound(b_int, e.x, e.y)));
    }
  }
  // A result equal to one side shares that side's list (joins at a program
  // point mostly change nothing: no new copy, and later joins and copies
  // see the same storage).
  if (out == ea) return a;
  if (out == eb) return b;
  Zone r;
  if (!out.empty()) r.mut() = std::move(out);
  return r;
}

Zone Zone::widen(const Zone& newer, const IntervalOf& newer_int) const {
  // Keep the constraints the newer state still satisfies.
  Zone r;
  for (const Edge& e : edges()) {
    if (newer.bound_with(e.x, e.y, newer_int) <= e.c) r.mut().push_back(e);
  }
  return r;
}

bool Zone::meet(const Zone& o) {
  for (const Edge& e : o.edges()) {
    if (!add(e.x, e.y, e.c)) return false;
  }
  return true;
}

std::string Zone::to_string(const std::function<std::string(VarId)>& name) const {
  std::string out;
  for (const Edge& e : edges()) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{} - {} <= {}", name(e.x), name(e.y), e.c);
  }
  return out;
}

}  // namespace sandbpf::verifier
