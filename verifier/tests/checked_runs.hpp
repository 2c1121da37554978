// Soundness check for accepted programs on the generic platform: the
// program runs in the checked interpreter (every access bounds-checked) on
// memories of many sizes — 0, sizes that are not multiples of 8, large
// ones — filled with zeros, ones and pseudo-random bytes. A violation in a
// program the verifier accepted means the verifier is unsound. Running out
// of the instruction budget is not a violation (the generic platform's
// termination policy is the budget).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "vm/environment.hpp"
#include "vm/generic_memory.hpp"
#include "vm/interpreter.hpp"
#include "vm/program.hpp"

namespace sandbpf::verifier::testing {

inline constexpr size_t kCheckedRunSizes[] = {0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 63, 64, 100, 255, 1001, 2047, 2048, 4096};

// The first violation checked mode finds, as a sentence; empty when none.
inline std::string checked_violation(const Program& program, const Environment& environment,
                                     const InterpreterOptions& options = {}, uint64_t budget = 2000000) {
  auto interpreter = Interpreter::create(program, options);
  if (!interpreter) return "the interpreter refused the program: " + interpreter.error().to_string();
  for (size_t size : kCheckedRunSizes) {
    for (int fill = 0; fill < 3; ++fill) {
      std::vector<uint8_t> bytes(size);
      uint64_t x = 0x9e3779b97f4a7c15ull ^ size;
      for (auto& b : bytes) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        b = fill == 0 ? 0 : fill == 1 ? 0xff : static_cast<uint8_t>(x >> 56);
      }
      GenericMemory memory(bytes);
      RunLimits limits;
      limits.instruction_budget = budget;
      auto r0 = interpreter->run(environment, memory.input(), ExecMode::kChecked, limits);
      if (!r0 && r0.error().message.find("instruction budget") == std::string::npos)
        return fmt::format("memory of {} bytes ({}): {}", size, fill == 0 ? "zeros" : fill == 1 ? "0xff" : "random",
                           r0.error().to_string());
    }
  }
  return "";
}

}  // namespace sandbpf::verifier::testing
