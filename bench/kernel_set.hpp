// The benchmark kernels (bench/kernels/*.c): each one is compiled twice,
// to BPF (extracted at build time as a raw program, <name>.bin) and
// natively into the benchmark binaries, and run on an input of its own.
// Engines' benchmarks (the interpreter now, the JITs later) share this
// table, the inputs and the helpers, so their numbers compare.
//
// To add a kernel: write bench/kernels/<name>.c following kernels/kernel.h,
// add <name> to SANDBPF_BENCH_KERNELS in bench/CMakeLists.txt, and declare
// its native entry and add a row to the table in kernel_set.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sandbpf/error.hpp"
#include "vm/program.hpp"

namespace sandbpf::bench {

using NativeKernel = uint64_t (*)(uint8_t* mem, uint64_t len);

enum class InputKind {
  kRandomBytes,  // pseudo-random bytes (fixed seed)
  kPackets,      // length-prefixed Ethernet frames (packet_parser)
};

struct KernelSpec {
  std::string_view name;         // bench/kernels/<name>.c, <name>.bin
  std::string_view description;  // one line, for listings
  NativeKernel native;           // the same source, compiled for the host
  InputKind input;
  size_t input_size;             // bytes of memory (r2)
  NativeKernel vectorized;       // the same source with the vectorizer on
};

std::span<const KernelSpec> all_kernels();
const KernelSpec* find_kernel(std::string_view name);

// A kernel's memory: 64-byte aligned, filled deterministically, so every
// engine and the native build see the same bytes. Kernels never modify
// their input (bubble_sort sorts a copy inside the memory), so one buffer
// serves any number of runs.
class KernelInput {
 public:
  explicit KernelInput(const KernelSpec& kernel);
  uint8_t* data() const { return bytes_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t, Free> bytes_;
  size_t size_ = 0;
};

// Where the build put the kernels' raw programs: $SANDBPF_BENCH_KERNEL_DIR
// if set, else the build directory's bench/kernels (a compile definition).
std::string kernel_directory();

// Reads <kernel_directory()>/<name>.bin and decodes it.
Result<Program> load_kernel_program(const KernelSpec& kernel);

}  // namespace sandbpf::bench
