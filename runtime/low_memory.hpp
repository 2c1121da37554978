// Memory below 4 GiB, for packets and contexts of Linux program types.
//
// Why: struct xdp_md and struct __sk_buff hold data, data_end and
// data_meta as u32 fields, which the kernel rewrites into 64-bit pointer
// loads. A program compiled for Linux loads them with 4-byte loads, so
// outside the kernel they can hold the real addresses only if the packet
// lives below 4 GiB. Placing each slot's packet buffer there keeps the
// program unchanged, on every engine, verified or not.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "sandbpf/error.hpp"

namespace sandbpf {

class LowMemory {
 public:
  // `size` bytes, zeroed, readable and writable, every byte's address
  // below 2^32. Error when the address space there is exhausted.
  static Result<LowMemory> allocate(size_t size);
  // The search allocate() falls back on where the OS has no "anywhere in
  // the low 2 GiB" request (everywhere but x86-64 Linux) or that space is
  // full: explicit addresses tried from 256 MiB up. Public so tests
  // exercise it on every host.
  static Result<LowMemory> allocate_hinted(size_t size);

  LowMemory() = default;
  LowMemory(LowMemory&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  LowMemory& operator=(LowMemory&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  LowMemory(const LowMemory&) = delete;
  LowMemory& operator=(const LowMemory&) = delete;
  ~LowMemory() { release(); }

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  LowMemory(uint8_t* data, size_t size) : data_(data), size_(size) {}
  void release();  // per OS (low_memory.cpp, low_memory_windows.cpp)
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace sandbpf
