// Built-in functions: the C library's memory functions that compilers emit
// as calls when they do not expand a memset, memcpy, memmove or memcmp
// inline (clang for BPF leaves `call memset` with an R_BPF_64_32 relocation
// to the undefined symbol when the size is large or the alignment unknown).
// The loader turns such a call into a helper call with the function's
// reserved id below, and every platform registers a helper with that id,
// name and the C semantics (helpers/standard/builtin_functions.cpp), so
// the verifier checks the call like any helper's and every engine runs it.
//
// The ids sit in a block of their own: far above Linux's helper ids (the
// last is 211, and the kernel adds kfuncs, not helpers, since 6.1), below
// the ids ebpf-for-windows gives its own helpers (65536 on), and small
// because an Environment's helper table is indexed by id. A host
// registering its own helpers must not use 1024 to 1028.
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace sandbpf {

inline constexpr uint32_t kBuiltinMemset = 1024;
inline constexpr uint32_t kBuiltinMemcpy = 1025;
inline constexpr uint32_t kBuiltinMemmove = 1026;
inline constexpr uint32_t kBuiltinMemcmp = 1027;
// bcmp is what LLVM turns memcmp into when only equality is tested; it
// returns 0 or not 0, which memcmp's result is too.
inline constexpr uint32_t kBuiltinBcmp = 1028;

struct BuiltinFunctionName {
  uint32_t id;
  std::string_view name;
};

inline constexpr BuiltinFunctionName kBuiltinFunctionNames[] = {
    {kBuiltinMemset, "memset"},   {kBuiltinMemcpy, "memcpy"}, {kBuiltinMemmove, "memmove"},
    {kBuiltinMemcmp, "memcmp"},   {kBuiltinBcmp, "bcmp"},
};

// The id of the built-in with this symbol name, if there is one.
constexpr std::optional<uint32_t> builtin_function_id(std::string_view name) {
  for (const BuiltinFunctionName& f : kBuiltinFunctionNames)
    if (f.name == name) return f.id;
  return std::nullopt;
}

// "memset, memcpy, memmove, memcmp and bcmp": the names, for messages.
inline std::string builtin_function_list() {
  std::string list;
  const size_t count = std::size(kBuiltinFunctionNames);
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) list += i + 1 == count ? " and " : ", ";
    list += kBuiltinFunctionNames[i].name;
  }
  return list;
}

// The name of the built-in with this helper id, or empty.
constexpr std::string_view builtin_function_name(uint32_t id) {
  for (const BuiltinFunctionName& f : kBuiltinFunctionNames)
    if (f.id == id) return f.name;
  return {};
}

}  // namespace sandbpf
