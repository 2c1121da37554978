#include "bench/bench_platform.hpp"

#include <cstdlib>
#include <memory>

#include "bench/bench_helpers.hpp"
#include "helpers/linux/linux_platform.hpp"

namespace sandbpf::bench {

const Platform& bench_platform() {
  static const std::unique_ptr<Platform> platform = [] {
    std::unique_ptr<Platform> p = Platform::make_generic();
    HelperDefinition mix;
    mix.prototype.id = static_cast<uint32_t>(kHelperMix);
    mix.prototype.name = "bench_mix";
    mix.prototype.args = {ArgKind::kAnything};
    mix.function = kernel_environment().helpers[kHelperMix];
    if (!p->helpers().add(mix)) std::abort();
    // Helper 2 is bpf_map_lookup_elem with its standard prototype (Linux's
    // helper 1), so its result is a map value or NULL to the verifier.
    HelperDefinition lookup;
    for (const HelperPrototype& prototype : linux_helper_prototypes()) {
      if (prototype.name == "bpf_map_lookup_elem") lookup.prototype = prototype;
    }
    if (lookup.prototype.name != "bpf_map_lookup_elem") std::abort();
    lookup.prototype.id = static_cast<uint32_t>(kHelperMapLookup);
    lookup.function = kernel_environment().helpers[kHelperMapLookup];
    if (!p->helpers().add(lookup)) std::abort();
    return p;
  }();
  return *platform;
}

Result<VerifyResult> verify_kernel_program(const Program& program, TerminationPolicy termination) {
  const Platform& platform = bench_platform();
  VerifierInput input{&program, &platform, &platform.program_types()[0], kernel_maps()};
  VerifyOptions options;
  options.termination = termination;
  return verify(input, options);
}

std::string kernel_verdict(const Program& program, TerminationPolicy termination) {
  auto result = verify_kernel_program(program, termination);
  if (!result) return "no: " + result.error().message;
  if (!result->accepted)
    return "no: insn " + std::to_string(result->errors[0].insn) + ": " + result->errors[0].message;
  return "yes";
}

}  // namespace sandbpf::bench
