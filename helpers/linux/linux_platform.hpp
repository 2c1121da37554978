// The linux platform's data: the kernel's program types with their context
// layouts, and the kernel's helper prototypes. Platform::make_linux()
// (linux_platform.cpp) puts them together with the stack rules, the map
// types and the standard helper implementations.
#pragma once

#include <string_view>
#include <vector>

#include "helpers/helper_prototype.hpp"
#include "helpers/platform.hpp"
#include "vm/map_definition.hpp"

namespace sandbpf {

// The program types of linux_program_types.cpp, in the order they are added.
std::vector<ProgramType> linux_program_types();

// Every Linux helper from id 1 to 211 with its kernel name
// (linux_helpers.cpp), without implementations.
const std::vector<HelperPrototype>& linux_helper_prototypes();

// The map types each Linux helper's map argument takes: the kernel's
// check_map_func_compatibility (linux_map_compatibility.cpp). Every type
// 1..kLinuxLastMapType that both the map's side and the helper's side allow.
MapTypeSet linux_helper_map_types(uint32_t helper_id);

// BPF_MAP_TYPE_* numbers Linux has (up to BPF_MAP_TYPE_ARENA).
inline constexpr uint32_t kLinuxLastMapType = kMapArena;

// The helper ids programs of `type` may call on Linux, sorted (empty for a
// type the table does not know: every helper).
std::vector<uint32_t> linux_helpers_for_program_type(std::string_view type);

// struct bpf_sock (80 bytes), read only: what a socket pointer gives.
ContextLayout linux_bpf_sock_layout();

// The tracepoint context size sandbpf assumes (linux_program_types.cpp).
inline constexpr uint32_t kLinuxTracepointContextSize = 512;

}  // namespace sandbpf
