#include "helpers/standard/helper_support.hpp"

#include <fmt/format.h>

namespace sandbpf {

bool may_access(RunContext& context, uint64_t address, uint64_t size, bool write,
                std::string_view helper, std::string_view argument) {
  const RunServices* services = run_services(context);
  if (services == nullptr || !services->check_arguments || size == 0) return true;
  if (address != 0 && services->memory.bytes(address, size, write) >= size) return true;
  context.fail(fmt::format("{}: {} [{:#x}, +{}) is not memory the program may {}", helper, argument,
                           address, size, write ? "write" : "read"));
  return false;
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
