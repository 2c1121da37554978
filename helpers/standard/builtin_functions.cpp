#include "helpers/standard/builtin_functions.hpp"

#include <cstring>

#include "helpers/standard/helper_support.hpp"
#include "vm/builtin_functions.hpp"

namespace sandbpf {
namespace {

void* address(uint64_t value) { return reinterpret_cast<void*>(static_cast<uintptr_t>(value)); }

// Verified programs reach here with ranges the verifier proved; checked
// mode asks the run whether the program may touch them (helper_support).
uint64_t copy(uint64_t dest, uint64_t src, uint64_t n, const char* name, RunContext& context) {
  if (n == 0) return dest;  // C allows any pointers with n == 0
  if (!may_access(context, dest, n, true, name, "dest") ||
      !may_access(context, src, n, false, name, "src"))
    return 0;
  std::memmove(address(dest), address(src), n);
  return dest;
}

uint64_t compare(uint64_t a, uint64_t b, uint64_t n, const char* name, RunContext& context) {
  if (n == 0) return 0;
  if (!may_access(context, a, n, false, name, "s1") || !may_access(context, b, n, false, name, "s2"))
    return 0;
  const int order = std::memcmp(address(a), address(b), n);
  const int64_t sign = order < 0 ? -1 : order > 0 ? 1 : 0;
  return static_cast<uint64_t>(sign);
}

HelperPrototype prototype(uint32_t id, ReturnKind returns, ArgKind first, ArgKind second) {
  HelperPrototype p;
  p.id = id;
  p.name = builtin_function_name(id);
  p.returns = returns;
  p.args = {first, second, ArgKind::kSizeOrZero, ArgKind::kNone, ArgKind::kNone};
  // n (r3) is the size of both pointers' memory (memset's r2 is a value).
  p.size_from[0] = 3;
  if (second != ArgKind::kScalar) p.size_from[1] = 3;
  return p;
}

}  // namespace

uint64_t builtin_memset(uint64_t s, uint64_t c, uint64_t n, uint64_t, uint64_t, RunContext& context) {
  if (n == 0) return s;
  if (!may_access(context, s, n, true, "memset", "s")) return 0;
  std::memset(address(s), static_cast<unsigned char>(c), n);
  return s;
}

uint64_t builtin_memcpy(uint64_t dest, uint64_t src, uint64_t n, uint64_t, uint64_t,
                        RunContext& context) {
  return copy(dest, src, n, "memcpy", context);
}

uint64_t builtin_memmove(uint64_t dest, uint64_t src, uint64_t n, uint64_t, uint64_t,
                         RunContext& context) {
  return copy(dest, src, n, "memmove", context);
}

uint64_t builtin_memcmp(uint64_t a, uint64_t b, uint64_t n, uint64_t, uint64_t, RunContext& context) {
  return compare(a, b, n, "memcmp", context);
}

uint64_t builtin_bcmp(uint64_t a, uint64_t b, uint64_t n, uint64_t, uint64_t, RunContext& context) {
  return compare(a, b, n, "bcmp", context);
}

void add_builtin_functions(HelperRegistry& registry) {
  using A = ArgKind;
  using R = ReturnKind;
  const HelperDefinition builtins[] = {
      {prototype(kBuiltinMemset, R::kFirstArgument, A::kWritableMemory, A::kScalar), builtin_memset},
      {prototype(kBuiltinMemcpy, R::kFirstArgument, A::kWritableMemory, A::kReadableMemory),
       builtin_memcpy},
      {prototype(kBuiltinMemmove, R::kFirstArgument, A::kWritableMemory, A::kReadableMemory),
       builtin_memmove},
      {prototype(kBuiltinMemcmp, R::kInteger, A::kReadableMemory, A::kReadableMemory), builtin_memcmp},
      {prototype(kBuiltinBcmp, R::kInteger, A::kReadableMemory, A::kReadableMemory), builtin_bcmp},
  };
  // The prototypes are fixed and valid (a registry test checks it): add()
  // cannot refuse them in an empty or Linux registry.
  for (const HelperDefinition& builtin : builtins) (void)registry.add(builtin);
}

}  // namespace sandbpf
