// verify(): assembles the analysis inputs from a Platform (its program type,
// helper prototypes, map types, stack rules and termination policy) and runs
// the analysis (analysis.cpp).
#include "verifier/verifier.hpp"

#include <fmt/format.h>

#include "verifier/analysis.hpp"

namespace sandbpf {

Result<VerifyResult> verify(const VerifierInput& input, const VerifyOptions& options) {
  if (input.program == nullptr) return make_error(ErrorKind::kUsage, "verify: no program given");
  if (input.platform == nullptr) return make_error(ErrorKind::kUsage, "verify: no platform given");
  if (input.type == nullptr)
    return make_error(ErrorKind::kUsage,
                      fmt::format("verify: no program type given for {}: name one of the {} platform's types",
                                  input.program->name.empty() ? std::string("the program") : input.program->name,
                                  input.platform->name()));
  const Platform& platform = *input.platform;
  verifier::AnalysisConfig config;
  config.program = input.program;
  config.type = input.type;
  config.maps = input.maps;
  config.stack = platform.stack();
  config.termination = options.termination.value_or(platform.default_termination());
  config.options = options;
  config.helper = [&platform](uint32_t id) -> const HelperPrototype* {
    const HelperDefinition* def = platform.helpers().find(id);
    return def ? &def->prototype : nullptr;
  };
  config.map_type_allowed = [&platform](uint32_t type) { return platform.map_type_allowed(type); };
  // The packet's largest size: Linux's packet offsets stay below 64 KiB (as
  // the kernel's verifier assumes); the generic platform's memory is any
  // size the host gives, up to 4 GiB.
  config.max_packet_size = input.type->entry == EntryConvention::kMemoryAndLength ? 0xffffffffll : 0xffff;
  return verifier::analyze(config);
}

}  // namespace sandbpf
