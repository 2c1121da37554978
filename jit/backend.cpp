// Architecture names and the dispatch to each backend built in.
#include "jit/backend.hpp"

#include <fmt/format.h>

#include "jit/riscv64/backend.hpp"
#if SANDBPF_HAVE_ASMJIT
#include "jit/arm64/backend.hpp"
#include "jit/x86_64/backend.hpp"
#endif

namespace sandbpf {

std::string_view arch_name(JitArch arch) {
  switch (arch) {
    case JitArch::kX86_64: return "x86_64";
    case JitArch::kArm64: return "arm64";
    case JitArch::kRiscv64: return "riscv64";
  }
  return "unknown";
}

std::optional<JitArch> parse_arch(std::string_view name) {
  for (JitArch arch : {JitArch::kX86_64, JitArch::kArm64, JitArch::kRiscv64})
    if (arch_name(arch) == name) return arch;
  return std::nullopt;
}

std::optional<JitArch> host_arch() {
#if defined(__x86_64__)
  return backend_built(JitArch::kX86_64) ? std::optional(JitArch::kX86_64) : std::nullopt;
#elif defined(__aarch64__)
  return backend_built(JitArch::kArm64) ? std::optional(JitArch::kArm64) : std::nullopt;
#elif defined(__riscv) && __riscv_xlen == 64
  return backend_built(JitArch::kRiscv64) ? std::optional(JitArch::kRiscv64) : std::nullopt;
#else
  return std::nullopt;
#endif
}

X86Abi resolve_x86_abi(X86Abi requested) {
  if (requested != X86Abi::kHost) return requested;
#if defined(_WIN32)
  return X86Abi::kWin64;
#else
  return X86Abi::kSysV;
#endif
}

bool backend_built(JitArch arch) {
  switch (arch) {
    case JitArch::kX86_64: return SANDBPF_HAVE_ASMJIT != 0;
    case JitArch::kArm64: return SANDBPF_HAVE_ASMJIT != 0;
    case JitArch::kRiscv64: return true;
  }
  return false;
}

Result<MachineCode> compile_machine_code(JitArch arch, const LoweredProgram& program,
                                         const BackendOptions& options) {
  switch (arch) {
#if SANDBPF_HAVE_ASMJIT
    case JitArch::kX86_64: return x86_64::compile(program, options);
    case JitArch::kArm64: return arm64::compile(program, options);
#endif
    case JitArch::kRiscv64: return riscv64::compile(program, options);
    default: break;
  }
  return make_error(ErrorKind::kUsage,
                    fmt::format("this build has no {} backend", arch_name(arch)));
}

}  // namespace sandbpf

namespace sandbpf {

size_t apply_call_relocations(std::span<uint8_t> bytes, uintptr_t address,
                              std::span<const CallRelocation> relocations) {
  size_t direct = 0;
  for (const CallRelocation& r : relocations) {
    // Two's complement distance from where the displacement counts from.
    if (r.kind == CallRelocationKind::kX86Rel32) {
      if (r.offset + 4 > bytes.size()) continue;
      const auto from = static_cast<int64_t>(address + r.offset + 4);
      const int64_t distance = static_cast<int64_t>(r.target) - from;
      if (distance < INT32_MIN || distance > INT32_MAX) continue;
      const auto rel32 = static_cast<uint32_t>(static_cast<int32_t>(distance));
      for (int i = 0; i < 4; ++i) bytes[r.offset + i] = static_cast<uint8_t>(rel32 >> (8 * i));
    } else {
      if (r.offset + 4 > bytes.size()) continue;
      const int64_t distance = static_cast<int64_t>(r.target) - static_cast<int64_t>(address + r.offset);
      // bl: imm26 counts instructions, +-128 MiB.
      if (distance % 4 != 0 || distance < -(int64_t{1} << 27) || distance >= (int64_t{1} << 27)) continue;
      const uint32_t insn = 0x94000000u | (static_cast<uint32_t>(distance >> 2) & 0x03ffffffu);
      for (int i = 0; i < 4; ++i) bytes[r.offset + i] = static_cast<uint8_t>(insn >> (8 * i));
    }
    ++direct;
  }
  return direct;
}

}  // namespace sandbpf
