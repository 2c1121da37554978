#include "runtime/packet_context.hpp"

#include <cstring>

namespace sandbpf {

namespace {

// struct xdp_md
constexpr uint32_t kXdpData = 0, kXdpDataEnd = 4, kXdpDataMeta = 8, kXdpIngressIfindex = 12;
// struct __sk_buff
constexpr uint32_t kSkbLen = 0, kSkbPktType = 4, kSkbProtocol = 16, kSkbIngressIfindex = 36,
                   kSkbIfindex = 40, kSkbData = 76, kSkbDataEnd = 80, kSkbDataMeta = 140,
                   kSkbWireLen = 160, kSkbGsoSegs = 164;
// The test run's device is the loopback device: ifindex 1.
constexpr uint32_t kLoopbackIfindex = 1;
// pkt_type as eth_type_trans decides it against the loopback's all-zero address.
constexpr uint32_t kPacketHost = 0, kPacketBroadcast = 1, kPacketMulticast = 2,
                   kPacketOtherHost = 3;

void put_u32(uint8_t* base, uint32_t offset, uint64_t value) {
  const auto v = static_cast<uint32_t>(value);
  std::memcpy(base + offset, &v, 4);
}

uint64_t address(const void* p) { return reinterpret_cast<uint64_t>(p); }

uint32_t packet_type(std::span<const uint8_t> frame) {
  static constexpr uint8_t kBroadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  if (std::memcmp(frame.data(), kBroadcast, 6) == 0) return kPacketBroadcast;
  if (frame[0] & 1) return kPacketMulticast;
  static constexpr uint8_t kZero[6] = {};
  return std::memcmp(frame.data(), kZero, 6) == 0 ? kPacketHost : kPacketOtherHost;
}

}  // namespace

ContextKind context_kind(const ProgramType& type) {
  if (type.entry == EntryConvention::kMemoryAndLength) return ContextKind::kMemory;
  if (type.context.c_type == "struct xdp_md") return ContextKind::kXdp;
  if (type.context.c_type == "struct __sk_buff" && type.name != "flow_dissector")
    return ContextKind::kSkb;
  return ContextKind::kOther;
}

bool skb_sees_link_layer(const ProgramType& type) {
  return type.name == "sched_cls" || type.name == "sched_act" || type.name == "lwt_xmit" ||
         type.name == "sk_skb";
}

size_t packet_slot_bytes(uint32_t max_packet) {
  const size_t bytes = kContextArea + kXdpHeadroom + max_packet + kPacketTailroom;
  return (bytes + 63) / 64 * 64;
}

PacketFrame prepare_xdp(uint8_t* slot_buffer, std::span<const uint8_t> packet) {
  PacketFrame f;
  f.context = slot_buffer;
  std::memset(f.context, 0, 24);  // struct xdp_md
  f.frame = slot_buffer + kContextArea + kXdpHeadroom;
  if (!packet.empty()) std::memcpy(f.frame, packet.data(), packet.size());
  f.data = f.frame;
  f.data_end = f.frame + packet.size();
  put_u32(f.context, kXdpData, address(f.data));
  put_u32(f.context, kXdpDataEnd, address(f.data_end));
  put_u32(f.context, kXdpDataMeta, address(f.data));  // no metadata
  put_u32(f.context, kXdpIngressIfindex, kLoopbackIfindex);
  f.legacy_packet = f.frame;
  f.legacy_packet_size = packet.size();
  f.regions[0] = MemoryRegion{address(f.context), 24, true};
  f.regions[1] = MemoryRegion{address(f.frame), packet.size(), true};
  return f;
}

PacketFrame prepare_skb(uint8_t* slot_buffer, std::span<const uint8_t> packet, bool link_layer) {
  PacketFrame f;
  f.context = slot_buffer;
  std::memset(f.context, 0, 192);  // struct __sk_buff
  f.frame = slot_buffer + kContextArea + kXdpHeadroom;
  std::memcpy(f.frame, packet.data(), packet.size());
  f.data = link_layer ? f.frame : f.frame + kEthernetHeader;
  f.data_end = f.frame + packet.size();
  const uint64_t len = static_cast<uint64_t>(f.data_end - f.data);
  put_u32(f.context, kSkbLen, len);
  put_u32(f.context, kSkbPktType, packet_type(packet));
  // skb->protocol is the Ethernet type in network byte order, read as a
  // native 16-bit value (programs compare it with bpf_htons(ETH_P_IP)).
  uint16_t protocol;
  std::memcpy(&protocol, packet.data() + 12, 2);
  put_u32(f.context, kSkbProtocol, protocol);
  put_u32(f.context, kSkbIngressIfindex, 0);
  put_u32(f.context, kSkbIfindex, kLoopbackIfindex);
  put_u32(f.context, kSkbData, address(f.data));
  put_u32(f.context, kSkbDataEnd, address(f.data_end));
  put_u32(f.context, kSkbDataMeta, address(f.data));
  put_u32(f.context, kSkbWireLen, 0);
  put_u32(f.context, kSkbGsoSegs, 0);
  f.legacy_packet = f.data;
  f.legacy_packet_size = len;
  f.regions[0] = MemoryRegion{address(f.context), 192, true};
  f.regions[1] = MemoryRegion{address(f.frame), packet.size(), true};
  return f;
}

std::span<const uint8_t> packet_after_run(const PacketFrame& frame, ContextKind kind) {
  // The bounds never move: bpf_xdp_adjust_head/tail and bpf_skb_pull_data
  // have no implementation here, so programs calling them do not load.
  if (kind == ContextKind::kXdp)
    return {frame.data, static_cast<size_t>(frame.data_end - frame.data)};
  return {frame.frame, static_cast<size_t>(frame.data_end - frame.frame)};
}

}  // namespace sandbpf
