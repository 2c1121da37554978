// The README's embedding example, built and run by the tests: load an XDP
// plugin, verify it, run it on a packet, read one of its maps.
#include <sandbpf/sandbpf.hpp>

#include <cstdio>
#include <vector>

int main(int argc, char** argv) {
  using namespace sandbpf;
  if (argc < 2) return 2;
  auto xdp = Instance::load_file(argv[1], Platform::make_linux());  // loads and verifies
  if (!xdp) return std::puts(xdp.error().to_string().c_str()), 1;
  std::vector<uint8_t> packet(64, 0);                // not IPv4: the program passes it
  auto result = (*xdp)->run_packet(packet);          // r0 and the packet after the run
  if (!result) return std::puts(result.error().to_string().c_str()), 3;
  uint32_t action = 2;                               // XDP_PASS
  uint64_t count = 0;
  (void)(*xdp)->map("action_counts")->host_lookup(bytes_of(action), writable_bytes_of(count));
  std::printf("r0=%llu passed=%llu\n", (unsigned long long)result->r0, (unsigned long long)count);
}
