// sandbpf's C++ API, in one header for host applications: platforms
// (program types, helpers, map types), instances (load, verify, run on
// many threads), maps (host-side access, ring buffer and perf consumers)
// and errors. The C API is sandbpf.h.
//
//   std::shared_ptr<sandbpf::Platform> platform = sandbpf::Platform::make_linux();
//   auto instance = sandbpf::Instance::load_file("xdp_prog.o", platform);
//   if (!instance) { std::puts(instance.error().to_string().c_str()); return 1; }
//   auto result = (*instance)->run_packet(packet);   // r0 and the packet after the run
#pragma once

#include "helpers/maps/map.hpp"
#include "helpers/maps/map_in_map.hpp"
#include "helpers/maps/perf_event_array_map.hpp"
#include "helpers/maps/ring_buffer_map.hpp"
#include "helpers/platform.hpp"
#include "helpers/standard/standard_helpers.hpp"
#include "runtime/instance.hpp"
#include "sandbpf/error.hpp"
#include "verifier/verifier.hpp"

#include <span>
#include <type_traits>

namespace sandbpf {

// A value's bytes, for the host-side map API:
//   map->host_lookup(bytes_of(key), writable_bytes_of(value));
template <class T>
std::span<const uint8_t> bytes_of(const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  return {reinterpret_cast<const uint8_t*>(&value), sizeof value};
}
template <class T>
std::span<uint8_t> writable_bytes_of(T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  return {reinterpret_cast<uint8_t*>(&value), sizeof value};
}

}  // namespace sandbpf
