// The linux platform: the kernel's program types and context layouts, its
// helper prototypes (with sandbpf's implementations where it has them),
// its map types, its stack rules and its termination rule (every loop
// bounded by proof).
#include "helpers/linux/linux_platform.hpp"

#include "helpers/standard/standard_helpers.hpp"

namespace sandbpf {

std::unique_ptr<Platform> Platform::make_linux() {
  auto platform = std::make_unique<Platform>("linux", TerminationPolicy::kProved);
  StackRules& stack = platform->stack();
  stack.per_frame = 512;
  stack.whole_chain = 512;
  stack.frame_rounding = 32;
  stack.max_call_depth = 8;
  stack.max_tail_calls = 33;
  for (ProgramType& type : linux_program_types()) {
    type.helpers = linux_helpers_for_program_type(type.name);
    (void)platform->add_program_type(std::move(type));
  }
  for (const HelperPrototype& prototype : linux_helper_prototypes())
    (void)platform->helpers().add(HelperDefinition{prototype, nullptr});
  attach_standard_helpers(platform->helpers());
  platform->set_socket_layout(linux_bpf_sock_layout());
  for (uint32_t type = 1; type <= kLinuxLastMapType; ++type) platform->allow_map_type(type);
  return platform;
}

}  // namespace sandbpf
