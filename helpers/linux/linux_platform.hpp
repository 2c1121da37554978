// The linux platform's data: the kernel's program types with their context
// layouts, and the kernel's helper prototypes. Platform::make_linux()
// (linux_platform.cpp) puts them together with the stack rules, the map
// types and the standard helper implementations.
#pragma once

#include <vector>

#include "helpers/helper_prototype.hpp"
#include "helpers/platform.hpp"

namespace sandbpf {

// The program types of linux_program_types.cpp, in the order they are added.
std::vector<ProgramType> linux_program_types();

// Every Linux helper from id 1 to 211 with its kernel name
// (linux_helpers.cpp), without implementations.
const std::vector<HelperPrototype>& linux_helper_prototypes();

// struct bpf_sock (80 bytes), read only: what a socket pointer gives.
ContextLayout linux_bpf_sock_layout();

// The tracepoint context size sandbpf assumes (linux_program_types.cpp).
inline constexpr uint32_t kLinuxTracepointContextSize = 512;

}  // namespace sandbpf
