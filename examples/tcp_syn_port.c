// Example plugin for the generic platform: r1 points to a packet, r2 holds
// its length. Returns the TCP destination port when the packet is an
// Ethernet + IPv4 + TCP SYN (without ACK), and 0 otherwise. Every read is
// checked against the length first, as a verifier will demand.
//
// Built by examples/demo.sh with clang-19 -target bpf -mcpu=v4.
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define IPPROTO_TCP 6
#define TCP_SYN 0x02
#define TCP_ACK 0x10

static inline u16 load_be16(const u8 *p) { return (u16)((p[0] << 8) | p[1]); }

u64 tcp_syn_port(const u8 *packet, u64 length) {
  if (length < ETH_HLEN + 20) return 0;
  if (load_be16(packet + 12) != ETH_P_IP) return 0;

  const u8 *ip = packet + ETH_HLEN;
  if ((ip[0] >> 4) != 4) return 0;
  u64 ip_header_length = (u64)(ip[0] & 0x0f) * 4;
  if (ip_header_length < 20) return 0;
  if (ip[9] != IPPROTO_TCP) return 0;
  // Fragments other than the first carry no TCP header.
  if ((load_be16(ip + 6) & 0x1fff) != 0) return 0;

  if (length < ETH_HLEN + ip_header_length + 20) return 0;
  const u8 *tcp = ip + ip_header_length;
  u8 flags = tcp[13];
  if ((flags & (TCP_SYN | TCP_ACK)) != TCP_SYN) return 0;
  return load_be16(tcp + 2);
}
