// The built-in memory functions (ids and names: vm/builtin_functions.hpp):
// memset, memcpy, memmove, memcmp and bcmp as helpers with C's semantics,
// and their prototypes, which every Platform registers.
#pragma once

#include <cstdint>

#include "helpers/helper_registry.hpp"
#include "vm/environment.hpp"

namespace sandbpf {

// memset(s, c, n): n bytes at s set to (unsigned char)c; returns s.
uint64_t builtin_memset(uint64_t s, uint64_t c, uint64_t n, uint64_t, uint64_t, RunContext& context);
// memcpy(dest, src, n) and memmove(dest, src, n): return dest. Both copy
// as memmove does: overlapping ranges, undefined in C for memcpy, must
// not let a program corrupt anything but its own bytes.
uint64_t builtin_memcpy(uint64_t dest, uint64_t src, uint64_t n, uint64_t, uint64_t,
                        RunContext& context);
uint64_t builtin_memmove(uint64_t dest, uint64_t src, uint64_t n, uint64_t, uint64_t,
                         RunContext& context);
// memcmp(a, b, n) and bcmp(a, b, n): -1, 0 or 1 as an int (sign-extended
// in r0) by the first differing byte, compared as unsigned char.
uint64_t builtin_memcmp(uint64_t a, uint64_t b, uint64_t n, uint64_t, uint64_t, RunContext& context);
uint64_t builtin_bcmp(uint64_t a, uint64_t b, uint64_t n, uint64_t, uint64_t, RunContext& context);

// Adds the five, with their prototypes and implementations, to a registry
// (Platform's constructor does it for every platform).
void add_builtin_functions(HelperRegistry& registry);

}  // namespace sandbpf
