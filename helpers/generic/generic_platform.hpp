// The generic platform's pieces (Platform::make_generic() assembles them).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "helpers/platform.hpp"

namespace sandbpf {

// The program type of the generic platform: r1 = memory, r2 = its length.
inline constexpr std::string_view kGenericProgramType = "generic";
ProgramType generic_program_type();

// The map types helpers/maps implements (what the generic platform allows;
// the linux platform allows every Linux type and the runtime refuses the
// others with a clear error).
std::span<const uint32_t> implemented_map_types();

}  // namespace sandbpf
