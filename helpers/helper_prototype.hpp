// Helper prototypes: what the verifier checks a call against. A prototype
// may exist without an implementation on this host (DESIGN.md: a program
// calling it verifies, and is refused with a clear error when an Instance
// is made to run it). The kinds follow the Linux kernel's bpf_arg_type and
// bpf_return_type, so Linux helpers are described as the kernel does.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "vm/environment.hpp"

namespace sandbpf {

enum class ArgKind : uint8_t {
  // The helper takes fewer arguments. The verifier checks nothing about the
  // register; a helper may still read it (bpf_trace_printk's optional
  // values, which the kernel does not check either).
  kNone,
  kAnything,              // any initialized value
  kScalar,                // a number (no pointer may be passed: it would leak)
  kMapPointer,            // a map (lddw src=1): the map the following args refer to
  kMapKey,                // readable key_size bytes of that map's key
  kMapValue,              // readable value_size bytes of that map's value
  kMapValueUninit,        // writable value_size bytes (queue/stack pop, peek)
  kReadableMemory,        // readable memory; its size is the next argument
  kReadableMemoryOrNull,  // the same, or null (with size 0)
  kWritableMemory,        // memory the helper writes (may be uninitialized); size next
  kSize,                  // the size of the preceding memory argument, > 0
  kSizeOrZero,            // the same, may be 0
  kContext,               // the program's context pointer (r1 at entry)
  kContextOrNull,
  kCallback,       // a program function (lddw src=4), verified as a callback
  kWritableU64,    // 8 writable bytes (e.g. strtol's result)
  kRingbufRecord,  // a record from bpf_ringbuf_reserve (released by the call)
  kAllocSize,      // a constant size for bpf_ringbuf_reserve
  kConstString,    // a read-only, NUL-terminated string (lddw src=2 into .rodata)
  kSocket,         // a struct bpf_sock pointer (kernel object)
  kKernelObject,   // other kernel pointers (BTF id): Linux only
  // ---- added with the Linux helper table (kernel kinds the above missed)
  kWritableMemoryOrNull,  // writable memory or null (with size 0); size next (bpf_snprintf's
                          // buffer)
  kReadableFixedMemory,   // readable HelperPrototype::arg_size[i] bytes, no size argument
  kWritableFixedMemory,   // writable HelperPrototype::arg_size[i] bytes (check_mtu's u32)
  kMapValueOrNull,        // a value of the map argument's size, or null (sk_storage_get's init)
  kSocketCommon,          // any socket pointer: bpf_sock, sock_common, tcp_sock (sk_release)
  kCallbackContext,       // stack memory or null, handed unchanged to the kCallback (bpf_loop)
  kSpinLock,              // a struct bpf_spin_lock inside a map value
  kTimer,                 // a struct bpf_timer inside a map value
  kDynptr,                // a struct bpf_dynptr on the stack
};

enum class ReturnKind : uint8_t {
  kInteger,
  kVoid,
  kMapValueOrNull,       // a value of the map argument, or null
  kRingbufRecordOrNull,  // a record of the kAllocSize argument's size, or null
  kSocketOrNull,
  kKernelObjectOrNull,
  // ---- added with the Linux helper table
  kMapValue,            // a value of the map argument, never null (get_local_storage)
  kSocketCommonOrNull,  // a sock_common (skc_lookup_tcp), or null
  kTcpSockOrNull,       // a struct bpf_tcp_sock (bpf_tcp_sock), or null
  kKernelObject,        // a kernel pointer, never null (get_current_task_btf): Linux only
  // ---- added with the built-in memory functions (vm/builtin_functions.hpp)
  kFirstArgument,  // r1 as passed: memset, memcpy and memmove return their destination
};

struct HelperPrototype {
  uint32_t id = 0;
  std::string_view name;  // "bpf_map_lookup_elem"
  ReturnKind returns = ReturnKind::kInteger;
  std::array<ArgKind, 5> args{};  // r1..r5; kNone after the last argument
  // For kReadableFixedMemory / kWritableFixedMemory: the byte count; 0 elsewhere.
  std::array<uint32_t, 5> arg_size{};
  // For sized memory kinds whose size is not the next argument: the number
  // (1-5) of the kSize / kSizeOrZero argument that holds it, which several
  // memory arguments may share (memcpy(dst, src, n): both are n bytes).
  // 0: the next argument, as in every Linux helper.
  std::array<uint8_t, 5> size_from{};
  // The helper may move the packet (bpf_skb_change_head, bpf_xdp_adjust_head,
  // ...): the verifier forgets packet pointers after the call.
  bool changes_packet_data = false;
  // For kCallback arguments: how many arguments the callback receives
  // (bpf_loop: 2, index and context).
  uint8_t callback_args = 0;
  // Only privileged programs may call it (Linux).
  bool privileged = false;
  // The returned pointer holds a reference the program must release before
  // it exits (bpf_sk_lookup_tcp, bpf_ringbuf_reserve).
  bool acquires_reference = false;
  // The call releases the reference held by its kSocket / kSocketCommon /
  // kRingbufRecord / kKernelObject argument (bpf_sk_release,
  // bpf_ringbuf_submit); the program may not use that pointer afterwards.
  bool releases_reference = false;

  uint32_t arg_count() const;  // arguments before the first kNone
  // The argument number (1-5) holding the size of sized memory argument
  // `arg` (1-5): size_from's, or the next one.
  unsigned size_arg_of(unsigned arg) const {
    return size_from[arg - 1] != 0 ? size_from[arg - 1] : arg + 1;
  }
};

// A helper as a host registers it: the prototype and, when this host has
// it, the implementation.
struct HelperDefinition {
  HelperPrototype prototype;
  HelperFunction function = nullptr;  // null: known by prototype only
};

std::string_view arg_kind_name(ArgKind kind);        // "map_key", "readable_memory", ...
std::string_view return_kind_name(ReturnKind kind);  // "integer", "map_value_or_null", ...

// True for the kinds whose next argument is their size (kSize / kSizeOrZero).
bool arg_kind_is_sized_memory(ArgKind kind);
// True for kinds that refer to the preceding kMapPointer argument.
bool arg_kind_needs_map(ArgKind kind);

}  // namespace sandbpf
