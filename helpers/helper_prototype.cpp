#include "helpers/helper_prototype.hpp"

namespace sandbpf {

uint32_t HelperPrototype::arg_count() const {
  uint32_t count = 0;
  while (count < args.size() && args[count] != ArgKind::kNone) ++count;
  return count;
}

std::string_view arg_kind_name(ArgKind kind) {
  switch (kind) {
    case ArgKind::kNone: return "none";
    case ArgKind::kAnything: return "anything";
    case ArgKind::kScalar: return "scalar";
    case ArgKind::kMapPointer: return "map_pointer";
    case ArgKind::kMapKey: return "map_key";
    case ArgKind::kMapValue: return "map_value";
    case ArgKind::kMapValueUninit: return "map_value_uninit";
    case ArgKind::kReadableMemory: return "readable_memory";
    case ArgKind::kReadableMemoryOrNull: return "readable_memory_or_null";
    case ArgKind::kWritableMemory: return "writable_memory";
    case ArgKind::kSize: return "size";
    case ArgKind::kSizeOrZero: return "size_or_zero";
    case ArgKind::kContext: return "context";
    case ArgKind::kContextOrNull: return "context_or_null";
    case ArgKind::kCallback: return "callback";
    case ArgKind::kWritableU64: return "writable_u64";
    case ArgKind::kRingbufRecord: return "ringbuf_record";
    case ArgKind::kAllocSize: return "alloc_size";
    case ArgKind::kConstString: return "const_string";
    case ArgKind::kSocket: return "socket";
    case ArgKind::kKernelObject: return "kernel_object";
    case ArgKind::kWritableMemoryOrNull: return "writable_memory_or_null";
    case ArgKind::kReadableFixedMemory: return "readable_fixed_memory";
    case ArgKind::kWritableFixedMemory: return "writable_fixed_memory";
    case ArgKind::kMapValueOrNull: return "map_value_or_null";
    case ArgKind::kSocketCommon: return "socket_common";
    case ArgKind::kCallbackContext: return "callback_context";
    case ArgKind::kSpinLock: return "spin_lock";
    case ArgKind::kTimer: return "timer";
    case ArgKind::kDynptr: return "dynptr";
  }
  return "unknown";
}

std::string_view return_kind_name(ReturnKind kind) {
  switch (kind) {
    case ReturnKind::kInteger: return "integer";
    case ReturnKind::kVoid: return "void";
    case ReturnKind::kMapValueOrNull: return "map_value_or_null";
    case ReturnKind::kRingbufRecordOrNull: return "ringbuf_record_or_null";
    case ReturnKind::kSocketOrNull: return "socket_or_null";
    case ReturnKind::kKernelObjectOrNull: return "kernel_object_or_null";
    case ReturnKind::kMapValue: return "map_value";
    case ReturnKind::kSocketCommonOrNull: return "socket_common_or_null";
    case ReturnKind::kTcpSockOrNull: return "tcp_sock_or_null";
    case ReturnKind::kKernelObject: return "kernel_object";
    case ReturnKind::kFirstArgument: return "first_argument";
  }
  return "unknown";
}

bool arg_kind_is_sized_memory(ArgKind kind) {
  switch (kind) {
    case ArgKind::kReadableMemory:
    case ArgKind::kReadableMemoryOrNull:
    case ArgKind::kWritableMemory:
    case ArgKind::kWritableMemoryOrNull: return true;
    default: return false;
  }
}

bool arg_kind_needs_map(ArgKind kind) {
  switch (kind) {
    case ArgKind::kMapKey:
    case ArgKind::kMapValue:
    case ArgKind::kMapValueUninit:
    case ArgKind::kMapValueOrNull: return true;
    default: return false;
  }
}

}  // namespace sandbpf
