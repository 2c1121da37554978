#include "helpers/standard/helper_support.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sandbpf {

bool may_access(RunContext& context, uint64_t address, uint64_t size, bool write,
                std::string_view helper, std::string_view argument) {
  const RunServices* services = run_services(context);
  if (services == nullptr || !services->check_arguments || size == 0) return true;
  if (address != 0 && accessible_bytes(context, address, size, write) >= size) return true;
  context.fail(fmt::format("{}: {} [{:#x}, +{}) is not memory the program may {}", helper, argument,
                           address, size, write ? "write" : "read"));
  return false;
}

uint64_t accessible_bytes(RunContext& context, uint64_t address, uint64_t max, bool write) {
  const uint64_t known = context.accessible_bytes(address, max, write);
  if (known == max) return known;
  const RunServices* services = run_services(context);
  return std::max(known, services == nullptr ? 0 : services->memory.bytes(address, max, write));
}

MemoryProbe probe_with_stack(RunContext& context) {
  MemoryProbe probe;
  probe.data = &context;
  probe.accessible = [](const void* data, uint64_t address, uint64_t max, bool write) {
    return accessible_bytes(*static_cast<RunContext*>(const_cast<void*>(data)), address, max, write);
  };
  return probe;
}

Map* map_argument(RunContext& context, uint64_t handle, std::string_view helper) {
  const RunServices* services = run_services(context);
  auto* map = reinterpret_cast<Map*>(static_cast<uintptr_t>(handle));
  if (services == nullptr || !services->check_arguments) return map;
  if (map != nullptr) {
    for (const MapBinding& binding : context.environment().maps) {
      if (binding.handle == map) return map;
    }
  }
  context.fail(fmt::format("{}: r1 ({:#x}) is not a map of this program", helper, handle));
  return nullptr;
}

}  // namespace sandbpf
