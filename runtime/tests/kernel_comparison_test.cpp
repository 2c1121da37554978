// The Linux kernel as the reference: the XDP example plugin
// (examples/plugins/xdp_firewall.c, BTF maps) is loaded into the kernel
// with bpftool and test-run on the same packets as sandbpf, in the same
// order, with fresh maps on both sides; return values, output packets and
// the maps' contents afterwards must be equal, on every engine.
//
// Needs root, bpftool and a kernel that allows BPF_PROG_TEST_RUN; without
// them the test says which is missing and skips (it is never counted as
// passed then).
#include <gtest/gtest.h>
#if !defined(_WIN32)
#include <sys/stat.h>
#include <unistd.h>
#endif

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "conformance/tests/subprocess.hpp"
#include "jit/jit.hpp"
#include "runtime/instance.hpp"
#include "runtime/tests/packet_builder.hpp"

namespace sandbpf {
namespace {

#if defined(_WIN32)
// Windows has no BPF in its kernel, nor bpftool: nothing to compare with.
TEST(KernelComparison, XdpFirewallAgreesWithTheKernel) {
  GTEST_SKIP() << "kernel comparison skipped: a Windows build has no Linux kernel to compare with";
}
#else
using sandbpf::testing::run_process;
using test::make_frame;

const std::string kFirewall = std::string(SANDBPF_EXAMPLE_PLUGINS) + "/xdp_firewall.o";

std::string find_bpftool() {
  for (const char* candidate : {"/usr/sbin/bpftool", "/usr/bin/bpftool", "/sbin/bpftool"})
    if (::access(candidate, X_OK) == 0) return candidate;
  return {};
}

std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// "["0x0a","0x00"]" -> bytes
std::vector<uint8_t> hex_array(const std::string& text) {
  std::vector<uint8_t> out;
  static const std::regex byte("0x([0-9a-f]{2})");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), byte); it != std::sregex_iterator();
       ++it)
    out.push_back(static_cast<uint8_t>(std::stoul((*it)[1].str(), nullptr, 16)));
  return out;
}

using MapContents = std::map<std::vector<uint8_t>, std::vector<uint8_t>>;

// bpftool map dump -j: [{"key":["0x.."...],"value":[...],"formatted":...}, ...]
MapContents parse_dump(const std::string& json) {
  MapContents contents;
  static const std::regex entry(R"re("key":\[([^\]]*)\],"value":\[([^\]]*)\])re");
  for (auto it = std::sregex_iterator(json.begin(), json.end(), entry); it != std::sregex_iterator();
       ++it)
    contents[hex_array((*it)[1].str())] = hex_array((*it)[2].str());
  return contents;
}

MapContents sandbpf_contents(Map& map) {
  MapContents contents;
  auto entries = map.host_entries();
  EXPECT_TRUE(entries.has_value());
  if (entries)
    for (const Map::Entry& e : *entries) contents[e.key] = e.value;
  return contents;
}

// The kernel side: the program pinned in bpffs, removed at the end.
class KernelProgram {
 public:
  ~KernelProgram() {
    if (!pin_.empty()) std::filesystem::remove(pin_);
  }

  // Empty on success; otherwise why the kernel cannot be used.
  std::string load(const std::string& bpftool, const std::string& object) {
    bpftool_ = bpftool;
    pin_ = "/sys/fs/bpf/sandbpf_test_" + std::to_string(::getpid());
    const auto loaded = run_process({bpftool_, "prog", "load", object, pin_, "type", "xdp"});
    if (loaded.exit_code != 0) {
      pin_.clear();
      return "bpftool prog load failed: " + loaded.err;
    }
    const auto shown = run_process({bpftool_, "prog", "show", "pinned", pin_, "-j"});
    std::smatch ids;
    if (!std::regex_search(shown.out, ids, std::regex(R"re("map_ids":\[([0-9,]*)\])re")))
      return "bpftool prog show gave no map ids: " + shown.out;
    std::string list = ids[1].str();
    for (size_t at = 0; at < list.size();) {
      const size_t comma = list.find(',', at);
      map_ids_.push_back(list.substr(at, comma - at));
      at = comma == std::string::npos ? list.size() : comma + 1;
    }
    return {};
  }

  // r0 and the output packet, or nullopt with `why` set.
  std::optional<std::pair<uint64_t, std::vector<uint8_t>>> run(const std::vector<uint8_t>& packet,
                                                               std::string& why) {
    const std::string dir = std::filesystem::temp_directory_path();
    const std::string in = dir + "/sandbpf_kin_" + std::to_string(::getpid());
    const std::string out = dir + "/sandbpf_kout_" + std::to_string(::getpid());
    write_bytes(in, packet);
    std::filesystem::remove(out);
    const auto ran = run_process(
        {bpftool_, "prog", "run", "pinned", pin_, "data_in", in, "data_out", out, "repeat", "1"});
    std::smatch value;
    const std::string text = ran.out + ran.err;
    if (ran.exit_code != 0 || !std::regex_search(text, value, std::regex("Return value: ([0-9]+)"))) {
      why = "bpftool prog run failed: " + text;
      return std::nullopt;
    }
    auto bytes = read_bytes(out);
    std::filesystem::remove(in);
    std::filesystem::remove(out);
    return std::make_pair(std::stoull(value[1].str()), std::move(bytes));
  }

  // Map name -> contents.
  std::map<std::string, MapContents> maps() {
    std::map<std::string, MapContents> all;
    for (const std::string& id : map_ids_) {
      const auto shown = run_process({bpftool_, "map", "show", "id", id, "-j"});
      std::smatch name;
      if (!std::regex_search(shown.out, name, std::regex(R"re("name":"([^"]*)")re"))) continue;
      all[name[1].str()] = parse_dump(run_process({bpftool_, "map", "dump", "id", id, "-j"}).out);
    }
    return all;
  }

 private:
  std::string bpftool_;
  std::string pin_;
  std::vector<std::string> map_ids_;
};

struct Mode {
  Engine engine;
  bool verify;
};

class KernelComparison : public ::testing::TestWithParam<Mode> {};

TEST_P(KernelComparison, XdpFirewallAgreesWithTheKernel) {
  if (GetParam().engine == Engine::kJit && !jit_available()) GTEST_SKIP() << "no JIT here";
  if (::geteuid() != 0) GTEST_SKIP() << "kernel comparison skipped: not root";
  const std::string bpftool = find_bpftool();
  if (bpftool.empty()) GTEST_SKIP() << "kernel comparison skipped: bpftool is not installed";
  struct stat st {};
  if (::stat("/sys/fs/bpf", &st) != 0) GTEST_SKIP() << "kernel comparison skipped: no bpffs";
  KernelProgram kernel;
  if (const std::string why = kernel.load(bpftool, kFirewall); !why.empty())
    GTEST_SKIP() << "kernel comparison skipped: " << why;

  InstanceOptions options;
  options.engine = GetParam().engine;
  options.verify = GetParam().verify;
  auto made = Instance::load_file(kFirewall, std::shared_ptr<Platform>(Platform::make_linux()),
                                  options);
  ASSERT_TRUE(made.has_value()) << made.error().to_string();
  Instance& ours = **made;

  // Every branch of the program, some sources twice.
  const std::vector<std::vector<uint8_t>> packets = {
      make_frame(0x0800, 17, 7),            make_frame(0x0800, 6, 23),
      make_frame(0x0800, 17, 53, 64, 9),    make_frame(0x0800, 17, 53, 1, 9),
      make_frame(0x86dd, 0, 0),             make_frame(0x0800, 6, 80, 2, 3),
      make_frame(0x0800, 17, 7, 64, 3, 200), std::vector<uint8_t>(20, 0x11),
  };
  for (size_t i = 0; i < packets.size(); ++i) {
    std::string why;
    auto reference = kernel.run(packets[i], why);
    if (!reference) GTEST_SKIP() << "kernel comparison skipped: " << why;
    auto result = ours.run_packet(packets[i]);
    ASSERT_TRUE(result.has_value()) << result.error().to_string();
    EXPECT_EQ(result->r0, reference->first) << "packet " << i;
    EXPECT_EQ(result->packet, reference->second) << "packet " << i;
  }
  const auto kernel_maps = kernel.maps();
  ASSERT_EQ(kernel_maps.size(), 2u);
  for (const auto& [name, contents] : kernel_maps) {
    Map* map = ours.map(name);
    ASSERT_NE(map, nullptr) << name;
    EXPECT_EQ(sandbpf_contents(*map), contents) << "map " << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, KernelComparison,
                         ::testing::Values(Mode{Engine::kInterpreter, true},
                                           Mode{Engine::kInterpreter, false},
                                           Mode{Engine::kJit, true}, Mode{Engine::kJit, false}),
                         [](const auto& param_info) {
                           return std::string(engine_name(param_info.param.engine)) +
                                  (param_info.param.verify ? "_verified" : "_checked");
                         });
#endif  // !_WIN32

}  // namespace
}  // namespace sandbpf
