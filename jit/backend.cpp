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
