// The generic platform (DESIGN.md): r1 points to the program's memory and
// r2 holds its length, which the verifier takes as the memory's size; the
// runtime's instruction budget bounds loops; no helpers but those the host
// registers (add_standard_helpers() offers sandbpf's own).
#include "helpers/generic/generic_platform.hpp"

#include "helpers/platform.hpp"
#include "vm/map_definition.hpp"

namespace sandbpf {

std::span<const uint32_t> implemented_map_types() {
  static constexpr uint32_t kTypes[] = {
      kMapHash,        kMapArray,   kMapProgArray,     kMapPerfEventArray, kMapPercpuHash,
      kMapPercpuArray, kMapLruHash, kMapLruPercpuHash, kMapArrayOfMaps,    kMapHashOfMaps,
      kMapQueue,       kMapStack,   kMapRingbuf,       kMapLpmTrie,        kMapStackTrace,
      kMapDevmap,      kMapCpumap,  kMapXskmap,
  };
  return kTypes;
}

ProgramType generic_program_type() {
  // The memory is a packet too: LD_ABS/LD_IND read it (DESIGN.md).
  return ProgramTypeBuilder(std::string(kGenericProgramType), "", 0)
      .entry(EntryConvention::kMemoryAndLength)
      .legacy_packet_access()
      .build();
}

std::unique_ptr<Platform> Platform::make_generic() {
  auto platform = std::make_unique<Platform>("generic", TerminationPolicy::kBudget);
  // Both stack limits are settings here: per frame 512 bytes, no limit for
  // the whole chain unless the host sets one.
  platform->stack() = StackRules{};
  platform->stack().whole_chain.reset();
  (void)platform->add_program_type(generic_program_type());
  for (uint32_t type : implemented_map_types()) platform->allow_map_type(type);
  return platform;
}

}  // namespace sandbpf
