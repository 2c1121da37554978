#include "bench/kernel_set.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <new>
#include <vector>

#include "loader/raw_program.hpp"

// The native builds of the kernels (bench/kernels/*.c, compiled as C).
extern "C" {
#define SANDBPF_DECLARE_KERNEL(name)                                   \
  uint64_t bench_kernel_##name(uint8_t* mem, uint64_t len);            \
  uint64_t bench_vectorized_kernel_##name(uint8_t* mem, uint64_t len);
SANDBPF_DECLARE_KERNEL(scalar_loop)
SANDBPF_DECLARE_KERNEL(fibonacci)
SANDBPF_DECLARE_KERNEL(checksum)
SANDBPF_DECLARE_KERNEL(fnv1a)
SANDBPF_DECLARE_KERNEL(bubble_sort)
SANDBPF_DECLARE_KERNEL(packet_parser)
SANDBPF_DECLARE_KERNEL(helper_call)
SANDBPF_DECLARE_KERNEL(subprog_call)
SANDBPF_DECLARE_KERNEL(map_lookup)
#undef SANDBPF_DECLARE_KERNEL
}

#ifndef SANDBPF_BENCH_KERNEL_DIR
#error "SANDBPF_BENCH_KERNEL_DIR must name the directory of the kernels' .bin files"
#endif

namespace sandbpf::bench {
namespace {

constexpr size_t k64KiB = 64 * 1024;

constexpr std::array kKernels = {
    KernelSpec{"scalar_loop", "ALU-only loop, len iterations", &bench_kernel_scalar_loop,
               InputKind::kRandomBytes, k64KiB, &bench_vectorized_kernel_scalar_loop},
    KernelSpec{"fibonacci", "iterative Fibonacci F(len) mod 2^64", &bench_kernel_fibonacci,
               InputKind::kRandomBytes, k64KiB, &bench_vectorized_kernel_fibonacci},
    KernelSpec{"checksum", "byte-wise Fletcher-style checksum over 64 KiB",
               &bench_kernel_checksum, InputKind::kRandomBytes, k64KiB, &bench_vectorized_kernel_checksum},
    KernelSpec{"fnv1a", "64-bit FNV-1a over 64 KiB", &bench_kernel_fnv1a,
               InputKind::kRandomBytes, k64KiB, &bench_vectorized_kernel_fnv1a},
    KernelSpec{"bubble_sort", "bubble sort of 256 int32", &bench_kernel_bubble_sort,
               InputKind::kRandomBytes, k64KiB, &bench_vectorized_kernel_bubble_sort},
    KernelSpec{"packet_parser", "Ethernet/VLAN/IPv4/IPv6/TCP/UDP/ICMP classifier over 64 KiB of frames",
               &bench_kernel_packet_parser, InputKind::kPackets, k64KiB, &bench_vectorized_kernel_packet_parser},
    KernelSpec{"helper_call", "helper call (id 1) per 64-bit word, 8192 calls",
               &bench_kernel_helper_call, InputKind::kRandomBytes, k64KiB, &bench_vectorized_kernel_helper_call},
    KernelSpec{"subprog_call", "bpf-to-bpf call per 64-bit word, 8192 calls",
               &bench_kernel_subprog_call, InputKind::kRandomBytes, k64KiB, &bench_vectorized_kernel_subprog_call},
    KernelSpec{"map_lookup", "bpf_map_lookup_elem (id 2) on an array map per byte, 65536 lookups",
               &bench_kernel_map_lookup, InputKind::kRandomBytes, k64KiB, &bench_vectorized_kernel_map_lookup},
};

// xorshift64*: a fixed, portable byte stream.
class Prng {
 public:
  explicit Prng(uint64_t seed) : state_(seed | 1) {}
  uint64_t next() {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545f4914f6cdd1dull;
  }
  uint64_t below(uint64_t n) { return next() % n; }

 private:
  uint64_t state_;
};

void fill_random(uint8_t* out, size_t size) {
  Prng prng(0x5eed5eed5eed5eedull);
  for (size_t i = 0; i < size; i++) out[i] = static_cast<uint8_t>(prng.next() >> 56);
}

void put_be16(std::vector<uint8_t>& frame, size_t at, uint64_t value) {
  frame[at] = static_cast<uint8_t>(value >> 8);
  frame[at + 1] = static_cast<uint8_t>(value);
}

// One Ethernet frame of a traffic mix that exercises every branch of
// packet_parser.c: IPv4/IPv6 (some VLAN-tagged), TCP with assorted flags and
// ports, UDP (DNS, NTP, VXLAN, other), ICMP, ARP, fragments, expired TTLs,
// unknown types and truncated frames.
std::vector<uint8_t> make_frame(Prng& prng) {
  const uint64_t kind = prng.below(100);
  const bool vlan = prng.below(5) == 0;
  const bool ipv6 = prng.below(4) == 0;
  std::vector<uint8_t> frame(14 + (vlan ? 4 : 0) + 40 + 20 + prng.below(64));
  for (auto& byte : frame) byte = static_cast<uint8_t>(prng.next() >> 56);
  size_t at = 12;
  if (vlan) {
    put_be16(frame, at, prng.below(2) ? 0x8100 : 0x88a8);
    put_be16(frame, at + 2, prng.below(4096));
    at += 4;
  }
  if (kind < 4) {  // ARP
    put_be16(frame, at, 0x0806);
    return frame;
  }
  if (kind < 7) {  // something else (LLDP, MPLS, ...)
    put_be16(frame, at, 0x88cc + prng.below(16));
    return frame;
  }
  const size_t l3 = at + 2;
  uint64_t proto;
  const uint64_t l4_kind = prng.below(100);
  if (l4_kind < 55) {
    proto = 6;
  } else if (l4_kind < 85) {
    proto = 17;
  } else if (l4_kind < 95) {
    proto = ipv6 ? 58 : 1;
  } else {
    proto = 47;  // GRE: not parsed further
  }
  size_t l4;
  if (ipv6) {
    put_be16(frame, at, 0x86dd);
    frame[l3] = 0x60;
    frame[l3 + 6] = static_cast<uint8_t>(proto);
    frame[l3 + 7] = kind < 9 ? 1 : 64;  // hop limit
    l4 = l3 + 40;
  } else {
    put_be16(frame, at, 0x0800);
    const size_t options = prng.below(8) == 0 ? 2 : 0;  // words of IP options
    frame[l3] = static_cast<uint8_t>(0x45 + options);
    put_be16(frame, l3 + 6, kind < 11 ? 0x2000 | prng.below(64) : 0x4000);  // fragment or DF
    frame[l3 + 8] = kind < 13 ? 1 : 64;  // TTL
    frame[l3 + 9] = static_cast<uint8_t>(proto);
    l4 = l3 + 20 + options * 4;
  }
  if (proto == 6) {
    static constexpr uint16_t kPorts[] = {80, 443, 8080, 22, 25, 3306, 5432, 6379};
    put_be16(frame, l4 + 2, kPorts[prng.below(8)]);
    static constexpr uint8_t kFlags[] = {0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14};
    frame[l4 + 13] = kFlags[prng.below(7)];
  } else if (proto == 17) {
    static constexpr uint16_t kPorts[] = {53, 123, 4789, 6081, 443, 5353};
    put_be16(frame, l4 + 2, kPorts[prng.below(6)]);
  } else if (proto == 1 || proto == 58) {
    static constexpr uint8_t kTypes[] = {8, 0, 3, 11, 128, 129, 135};
    frame[l4] = kTypes[prng.below(7)];
  }
  if (kind < 16) frame.resize(prng.below(l4 + 8));  // truncated somewhere
  return frame;
}

void fill_packets(uint8_t* out, size_t size) {
  std::memset(out, 0, size);
  Prng prng(0xfeedfacecafebeefull);
  size_t at = 0;
  for (;;) {
    std::vector<uint8_t> frame = make_frame(prng);
    if (at + 2 + frame.size() > size) break;
    out[at] = static_cast<uint8_t>(frame.size());
    out[at + 1] = static_cast<uint8_t>(frame.size() >> 8);
    std::memcpy(out + at + 2, frame.data(), frame.size());
    at += 2 + frame.size();
  }
  // The rest stays zero: zero-length records, counted as truncated.
}

}  // namespace

std::span<const KernelSpec> all_kernels() { return kKernels; }

const KernelSpec* find_kernel(std::string_view name) {
  for (const auto& kernel : kKernels)
    if (kernel.name == name) return &kernel;
  return nullptr;
}

void KernelInput::Free::operator()(uint8_t* p) const {
  ::operator delete[](p, std::align_val_t{64});
}

KernelInput::KernelInput(const KernelSpec& kernel)
    : bytes_(static_cast<uint8_t*>(::operator new[](kernel.input_size, std::align_val_t{64}))),
      size_(kernel.input_size) {
  switch (kernel.input) {
    case InputKind::kRandomBytes:
      fill_random(bytes_.get(), size_);
      break;
    case InputKind::kPackets:
      fill_packets(bytes_.get(), size_);
      break;
  }
}

std::string kernel_directory() {
  if (const char* dir = std::getenv("SANDBPF_BENCH_KERNEL_DIR"); dir != nullptr && *dir != '\0')
    return dir;
  return SANDBPF_BENCH_KERNEL_DIR;
}

Result<Program> load_kernel_program(const KernelSpec& kernel) {
  const std::string path = kernel_directory() + "/" + std::string(kernel.name) + ".bin";
  std::ifstream file(path, std::ios::binary);
  if (!file) return load_error("cannot open " + path + " (build the bench target first)");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                                   std::istreambuf_iterator<char>());
  auto slots = read_raw_binary(bytes);
  if (!slots) {
    slots.error().where.file = path;
    return std::unexpected(slots.error());
  }
  auto program = Program::decode(*slots);
  if (!program) {
    program.error().where.file = path;
    return std::unexpected(program.error());
  }
  program->name = std::string(kernel.name);
  return program;
}

}  // namespace sandbpf::bench
