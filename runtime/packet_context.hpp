// Contexts for packet program types, built the way the kernel's
// BPF_PROG_TEST_RUN builds them, so a program gets what it would get from
// `bpftool prog run`: xdp an xdp_md around the packet with 256 bytes of
// headroom; socket_filter, sched_cls, sched_act, cgroup_skb (and the other
// __sk_buff types) an __sk_buff with len, protocol, pkt_type and ifindex
// filled from the packet, and data/data_end around it.
//
// Each slot of an Instance owns one buffer below 4 GiB (low_memory.hpp):
//   [ context (256 bytes) | headroom (256) | packet (max) | tailroom ]
#pragma once

#include <cstdint>
#include <span>

#include "helpers/platform.hpp"
#include "vm/environment.hpp"

namespace sandbpf {

enum class ContextKind : uint8_t {
  kMemory,  // generic: r1 = memory, r2 = length
  kXdp,     // struct xdp_md
  kSkb,     // struct __sk_buff
  kOther,   // a context the host builds (run_context)
};
ContextKind context_kind(const ProgramType& type);

// __sk_buff programs of these types see the frame from its Ethernet header
// (the kernel's test run pushes the link-layer header back for tc); the
// others from the network header.
bool skb_sees_link_layer(const ProgramType& type);

inline constexpr uint32_t kContextArea = 256;
inline constexpr uint32_t kXdpHeadroom = 256;      // XDP_PACKET_HEADROOM
inline constexpr uint32_t kPacketTailroom = 320;   // room the kernel keeps after the data
inline constexpr uint32_t kEthernetHeader = 14;

// Bytes one slot's buffer needs for packets up to max_packet bytes.
size_t packet_slot_bytes(uint32_t max_packet);

struct PacketFrame {
  uint8_t* context = nullptr;
  uint8_t* frame = nullptr;     // the packet as given (the Ethernet header)
  uint8_t* data = nullptr;      // what data points to
  uint8_t* data_end = nullptr;
  // The legacy packet (LD_ABS/LD_IND) is [data, data_end) for skb types
  // and the whole frame for xdp.
  const uint8_t* legacy_packet = nullptr;
  uint64_t legacy_packet_size = 0;
  MemoryRegion regions[2];      // the context (writable) and [frame, data_end)
};

// Copies `packet` into the slot's buffer and fills the context. The packet
// must fit (packet_slot_bytes) and an __sk_buff one must hold at least an
// Ethernet header (the kernel's test run refuses shorter ones too).
PacketFrame prepare_xdp(uint8_t* slot_buffer, std::span<const uint8_t> packet);
PacketFrame prepare_skb(uint8_t* slot_buffer, std::span<const uint8_t> packet, bool link_layer);

// The packet after a run, as the kernel's test run returns it: xdp's
// [data, data_end), the whole frame for __sk_buff types.
std::span<const uint8_t> packet_after_run(const PacketFrame& frame, ContextKind kind);

}  // namespace sandbpf
