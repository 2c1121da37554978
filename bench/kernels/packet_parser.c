/* A packet parser with many branches. mem holds a sequence of records,
 * each a 2-byte little-endian length followed by that many bytes of an
 * Ethernet frame (the benchmark generates a mix of IPv4/IPv6, TCP/UDP/ICMP,
 * VLAN-tagged, ARP, fragmented and truncated frames). Each frame is
 * classified as a firewall-style parser would: Ethernet type (with 802.1Q /
 * 802.1ad tags), IPv4 (version, header length, fragments, TTL) or IPv6,
 * then TCP flags and well-known ports, UDP ports, ICMP types. Every read is
 * checked against the record's end first, as a verifier requires.
 * Returns the classification folded into one 64-bit value.
 *
 * Written for a verifier, as BPF code is: headers are located by their
 * offset in mem (l3, l4), and each check compares the offset of a header's
 * end with `off`, the record's end, which is checked against len once per
 * record. The natural form checks lengths within the frame (plen < l4 + 20)
 * and reads pkt[l4 + k] with pkt = mem + off + 2: the read is within len
 * only because off + 2 + plen <= len and l4 + k < plen, a bound on a sum of
 * two variables (the frame's start and the header's offset in it), which
 * sandbpf's zone (difference-bound) domain cannot keep, nor can PREVAIL's
 * or the Linux verifier's. Offsets from mem turn every bound into a
 * difference of two variables (l4 - off, off - len). The comparisons are
 * the same in number and outcome (l3 + 20 > off is plen < l3 - pkt + 20),
 * so the work and the result are the natural form's. */
#include "kernel.h"

#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_IPV6 0x86dd

static inline uint64_t be16(const uint8_t *p) { return ((uint64_t)p[0] << 8) | p[1]; }

BENCH_KERNEL(packet_parser) {
  uint64_t off = 0;
  uint64_t truncated = 0, arp = 0, other = 0, fragments = 0, expired = 0;
  uint64_t syn = 0, rst = 0, web = 0, ssh = 0, dns = 0, ntp = 0, tunnel = 0;
  uint64_t icmp_echo = 0, icmp_other = 0, other_l4 = 0;
  uint64_t flow = 0;

  while (off + 2 <= len) {
    uint64_t plen = (uint64_t)mem[off] | ((uint64_t)mem[off + 1] << 8);
    const uint64_t pkt = off + 2; /* the frame's first byte */
    off = pkt + plen;             /* the record's end, the next record */
    if (off > len)
      break;
    /* From here `off` is the frame's end, within mem: every read below is
     * checked against it (pkt + 14 > off is plen < 14). */

    if (pkt + 14 > off) {
      truncated++;
      continue;
    }
    uint64_t type = be16(mem + pkt + 12);
    uint64_t l3 = pkt + 14;
    if (type == ETH_P_8021Q || type == ETH_P_8021AD) {
      if (pkt + 18 > off) {
        truncated++;
        continue;
      }
      flow += be16(mem + pkt + 14) & 0x0fff; /* VLAN id */
      type = be16(mem + pkt + 16);
      l3 = pkt + 18;
    }

    uint64_t proto;
    uint64_t l4;
    if (type == ETH_P_IP) {
      if (l3 + 20 > off) {
        truncated++;
        continue;
      }
      const uint8_t *ip = mem + l3;
      if ((ip[0] >> 4) != 4) {
        other++;
        continue;
      }
      uint64_t ihl = (uint64_t)(ip[0] & 0x0f) * 4;
      if (ihl < 20 || l3 + ihl > off) {
        truncated++;
        continue;
      }
      if ((be16(ip + 6) & 0x3fff) != 0) { /* more fragments, or an offset */
        fragments++;
        continue;
      }
      if (ip[8] <= 1) {
        expired++;
        continue;
      }
      proto = ip[9];
      flow ^= (be16(ip + 12) << 48) ^ (be16(ip + 14) << 32) ^ (be16(ip + 16) << 16) ^ be16(ip + 18);
      l4 = l3 + ihl;
    } else if (type == ETH_P_IPV6) {
      if (l3 + 40 > off) {
        truncated++;
        continue;
      }
      const uint8_t *ip6 = mem + l3;
      if ((ip6[0] >> 4) != 6) {
        other++;
        continue;
      }
      if (ip6[7] <= 1) {
        expired++;
        continue;
      }
      proto = ip6[6];
      flow ^= (be16(ip6 + 8) << 48) ^ (be16(ip6 + 22) << 32) ^ (be16(ip6 + 24) << 16) ^ be16(ip6 + 38);
      l4 = l3 + 40;
    } else if (type == ETH_P_ARP) {
      arp++;
      continue;
    } else {
      other++;
      continue;
    }

    if (proto == 6) { /* TCP */
      if (l4 + 20 > off) {
        truncated++;
        continue;
      }
      const uint8_t *tcp = mem + l4;
      uint64_t dport = be16(tcp + 2);
      uint64_t flags = tcp[13];
      if (flags & 0x04)
        rst++;
      else if ((flags & 0x12) == 0x02)
        syn++;
      if (dport == 80 || dport == 443 || dport == 8080)
        web++;
      else if (dport == 22)
        ssh++;
      flow += be16(tcp) * 3 + dport;
    } else if (proto == 17) { /* UDP */
      if (l4 + 8 > off) {
        truncated++;
        continue;
      }
      const uint8_t *udp = mem + l4;
      uint64_t dport = be16(udp + 2);
      if (dport == 53)
        dns++;
      else if (dport == 123)
        ntp++;
      else if (dport == 4789 || dport == 6081)
        tunnel++;
      flow += be16(udp) * 5 + dport;
    } else if (proto == 1 || proto == 58) { /* ICMP, ICMPv6 */
      if (l4 + 4 > off) {
        truncated++;
        continue;
      }
      uint64_t icmp_type = mem[l4];
      if (icmp_type == 8 || icmp_type == 0 || icmp_type == 128 || icmp_type == 129)
        icmp_echo++;
      else
        icmp_other++;
    } else {
      other_l4++;
    }
  }

  uint64_t result = flow;
  result = result * 31 + truncated;
  result = result * 31 + arp;
  result = result * 31 + other;
  result = result * 31 + fragments;
  result = result * 31 + expired;
  result = result * 31 + syn;
  result = result * 31 + rst;
  result = result * 31 + web;
  result = result * 31 + ssh;
  result = result * 31 + dns;
  result = result * 31 + ntp;
  result = result * 31 + tunnel;
  result = result * 31 + icmp_echo;
  result = result * 31 + icmp_other;
  result = result * 31 + other_l4;
  return result;
}
