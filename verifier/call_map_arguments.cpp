#include "verifier/call_map_arguments.hpp"

namespace sandbpf::verifier {

CallMapArguments::CallMapArguments(const Program& program, std::span<const MapDefinition> maps)
    : program_(program), inner_template_(maps.size(), 0), seen_(program.size()) {
  for (const MapDefinition& map : maps)
    if (map.inner_map && *map.inner_map < inner_template_.size()) inner_template_[*map.inner_map] = 1;
}

void CallMapArguments::observe(uint32_t pc, const State& s) {
  if (pc >= seen_.size() || s.is_bottom() || program_.op(pc) != Op::CallHelper) return;
  Seen& seen = seen_[pc];
  if (!seen.valid) return;
  const RegValue& r1 = s.reg(1);
  int32_t map = -1;
  if (r1.only(Region::kMapPointer) && r1.maps.count() == 1 && r1.off(Region::kMapPointer).is_constant() &&
      r1.off(Region::kMapPointer).lo() == 0) {
    for (size_t m = 0; m < kMaxMaps; ++m)
      if (r1.maps.test(m)) map = static_cast<int32_t>(m);
  }
  const bool known = map >= 0 && static_cast<size_t>(map) < inner_template_.size() &&
                     inner_template_[static_cast<size_t>(map)] == 0;
  if (!known || (seen.observed && seen.map != map)) {
    seen.valid = false;
    return;
  }
  seen.map = map;
  seen.observed = true;
}

std::vector<int32_t> CallMapArguments::facts() const {
  std::vector<int32_t> out(seen_.size(), -1);
  for (size_t pc = 0; pc < seen_.size(); ++pc)
    if (seen_[pc].observed && seen_[pc].valid) out[pc] = seen_[pc].map;
  return out;
}

}  // namespace sandbpf::verifier
