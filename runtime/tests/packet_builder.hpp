// Ethernet/IPv4/UDP/TCP frames for the packet tests.
#pragma once

#include <cstdint>
#include <vector>

namespace sandbpf::test {

inline uint16_t ipv4_checksum(const uint8_t* header) {
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += static_cast<uint32_t>(header[i] << 8 | header[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// dst MAC 02:00:00:00:00:02, src 02:00:00:00:00:01, then IPv4 (when
// ethertype is 0x0800) from 10.0.0.<src_host> to 10.0.0.2 with the given
// protocol, ttl and L4 ports, then `payload` zero bytes.
inline std::vector<uint8_t> make_frame(uint16_t ethertype, uint8_t protocol, uint16_t dport,
                                       uint8_t ttl = 64, uint8_t src_host = 1,
                                       size_t payload = 8) {
  std::vector<uint8_t> f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01,
                            static_cast<uint8_t>(ethertype >> 8), static_cast<uint8_t>(ethertype)};
  if (ethertype != 0x0800) {
    f.resize(f.size() + 46, 0xab);
    return f;
  }
  const size_t l4 = protocol == 6 ? 20 : 8;
  const size_t total = 20 + l4 + payload;
  const uint8_t ip[20] = {0x45, 0, static_cast<uint8_t>(total >> 8), static_cast<uint8_t>(total),
                          0x12, 0x34, 0x40, 0, ttl, protocol, 0, 0,
                          10, 0, 0, src_host, 10, 0, 0, 2};
  const size_t at = f.size();
  f.insert(f.end(), ip, ip + 20);
  const uint16_t check = ipv4_checksum(&f[at]);
  f[at + 10] = static_cast<uint8_t>(check >> 8);
  f[at + 11] = static_cast<uint8_t>(check);
  const uint8_t ports[4] = {0x30, 0x39, static_cast<uint8_t>(dport >> 8), static_cast<uint8_t>(dport)};
  f.insert(f.end(), ports, ports + 4);
  f.resize(f.size() + (l4 - 4), 0);
  f.resize(f.size() + payload, 0x5a);
  return f;
}

}  // namespace sandbpf::test
