// The linux platform's section-name inference against the corpus' types.tsv
// (../shared/corpus/types.tsv: PREVAIL's rule -- section prefix, else
// socket_filter or by Cilium path -- corrected where the section plainly
// names tc). Where a section names a type, the inferred one must equal
// types.tsv's, except for the differences listed and justified below;
// sections that name no type give nullptr (the command line then needs
// --type, which corpus tests pass from types.tsv).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "helpers/platform.hpp"

namespace sandbpf {
namespace {

std::filesystem::path corpus_dir() {
  if (const char* corpus = std::getenv("SANDBPF_CORPUS_DIR")) return corpus;
  const char* source = std::getenv("SANDBPF_SOURCE_DIR");
  return std::filesystem::path(source != nullptr ? source : ".") / ".." / "shared" / "corpus";
}

struct Difference {
  std::string tsv_type;  // what types.tsv says
  std::string our_type;  // what sandbpf infers
  std::string why;
};

// Sections whose inferred type differs from types.tsv, each for a reason.
const std::map<std::string, Difference>& justified_differences() {
  static const std::map<std::string, Difference> differences = {
      // The kernel attaches post_bind hooks (BPF_CGROUP_INET4/6_POST_BIND)
      // to BPF_PROG_TYPE_CGROUP_SOCK programs; their context is a
      // struct bpf_sock, not a struct bpf_sock_addr. types.tsv's
      // cgroup_sock_addr comes from PREVAIL's coarser "cgroup/" rule.
      {"cgroup/post_bind4", {"cgroup_sock_addr", "cgroup_sock", "post_bind is a cgroup_sock hook"}},
      {"cgroup/post_bind6", {"cgroup_sock_addr", "cgroup_sock", "post_bind is a cgroup_sock hook"}},
      // libbpf maps "cgroup_skb/egress" to BPF_PROG_TYPE_CGROUP_SKB; PREVAIL
      // does not know the prefix and fell back to socket_filter.
      {"cgroup_skb/egress", {"socket_filter", "cgroup_skb", "libbpf's cgroup_skb/ prefix"}},
      // Uprobes are BPF_PROG_TYPE_KPROBE programs (context: struct pt_regs);
      // PREVAIL does not know "uretprobe/" and fell back to socket_filter.
      {"uretprobe/bash_readline", {"socket_filter", "kprobe", "uprobes are kprobe programs"}},
  };
  return differences;
}

TEST(SectionInference, AgreesWithTypesTsvWhereTheSectionNamesAType) {
  const auto path = corpus_dir() / "types.tsv";
  std::ifstream in(path);
  if (!in) GTEST_SKIP() << "no corpus at " << path;
  auto platform = Platform::make_linux();
  std::string line;
  std::getline(in, line);  // header
  size_t rows = 0;
  size_t inferred = 0;
  std::set<std::string> unexplained;
  std::set<std::string> used_differences;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string file, section, function, type;
    std::getline(fields, file, '\t');
    std::getline(fields, section, '\t');
    std::getline(fields, function, '\t');
    std::getline(fields, type, '\t');
    ++rows;
    const ProgramType* found = platform->program_type_for_section(section);
    if (found == nullptr) continue;
    ++inferred;
    if (found->name == type) continue;
    auto difference = justified_differences().find(section);
    if (difference != justified_differences().end() && difference->second.tsv_type == type &&
        difference->second.our_type == found->name) {
      used_differences.insert(section);
      continue;
    }
    unexplained.insert(section + ": types.tsv says " + type + ", sandbpf infers " + found->name);
  }
  EXPECT_EQ(rows, 688u);
  EXPECT_GT(inferred, 400u);
  for (const std::string& difference : unexplained) ADD_FAILURE() << difference;
  // Every listed difference still occurs (the list stays honest).
  for (const auto& [section, difference] : justified_differences()) {
    EXPECT_TRUE(used_differences.contains(section)) << section << " no longer differs";
  }
}

TEST(SectionInference, SectionsThatNameNoTypeGiveNull) {
  auto platform = Platform::make_linux();
  for (const char* section :
       {"2/1", "2/7", "1/0x1010", "from-netdev", "from-container", "from-overlay", "bind", "bind/0",
        "test", "filter", ".text", "-", "ingress", "egress", "tail-0", "af_xdp", "loadbalancer",
        "tcp_connect", "socketx", "xdpdrv", "",
        // eBPF for Windows' hook, not a Linux one.
        "cgroup/recv_accept4"}) {
    const ProgramType* type = platform->program_type_for_section(section);
    EXPECT_EQ(type, nullptr) << section << " -> " << (type ? type->name : "");
  }
}

TEST(SectionInference, DesignDocumentPrefixes) {
  auto platform = Platform::make_linux();
  const std::pair<const char*, const char*> cases[] = {
      {"socket", "socket_filter"},
      {"socket1", "socket_filter"},
      {"socket/0", "socket_filter"},
      {"socket_filter", "socket_filter"},
      {"xdp", "xdp"},
      {"xdp_prog", "xdp"},
      {"xdp1", "xdp"},
      {"xdp/entry", "xdp"},
      {"xdp.frags", "xdp"},
      {"classifier", "sched_cls"},
      {"tc", "sched_cls"},
      {"tc/ingress", "sched_cls"},
      {"tc_mark", "sched_cls"},
      {"tcx/egress", "sched_cls"},
      {"action", "sched_act"},
      {"kprobe/sys_write", "kprobe"},
      {"kretprobe/tcp_sendmsg", "kprobe"},
      {"kprobe.multi/tcp_*", "kprobe"},
      {"uprobe/bash:readline", "kprobe"},
      {"usdt/libc:setjmp", "kprobe"},
      {"tracepoint/syscalls/sys_enter_open", "tracepoint"},
      {"tp/sched/sched_switch", "tracepoint"},
      {"raw_tracepoint/sys_enter", "raw_tracepoint"},
      {"raw_tp/sys_enter", "raw_tracepoint"},
      {"cgroup/skb", "cgroup_skb"},
      {"cgroup_skb/ingress", "cgroup_skb"},
      {"cgroup/sock", "cgroup_sock"},
      {"cgroup/sock_create", "cgroup_sock"},
      {"cgroup/sock_release", "cgroup_sock"},
      {"cgroup/post_bind4", "cgroup_sock"},
      {"cgroup/bind4", "cgroup_sock_addr"},
      {"cgroup/connect6", "cgroup_sock_addr"},
      {"cgroup/connect_unix", "cgroup_sock_addr"},
      {"cgroup/sendmsg4", "cgroup_sock_addr"},
      {"cgroup/recvmsg6", "cgroup_sock_addr"},
      {"cgroup/getpeername4", "cgroup_sock_addr"},
      {"cgroup/getsockname6", "cgroup_sock_addr"},
      {"cgroup/dev", "cgroup_device"},
      {"cgroup/sysctl", "cgroup_sysctl"},
      {"cgroup/getsockopt", "cgroup_sockopt"},
      {"cgroup/setsockopt", "cgroup_sockopt"},
      {"sockops", "sock_ops"},
      {"sk_skb", "sk_skb"},
      {"sk_skb/stream_parser", "sk_skb"},
      {"sk_msg", "sk_msg"},
      {"sk_reuseport", "sk_reuseport"},
      {"sk_reuseport/migrate", "sk_reuseport"},
      {"perf_event", "perf_event"},
      {"fentry/tcp_connect", "tracing"},
      {"fexit/tcp_close", "tracing"},
      {"fentry.s/do_sys_open", "tracing"},
      {"fmod_ret/security_x", "tracing"},
      {"tp_btf/sched_switch", "tracing"},
      {"lwt_in", "lwt_in"},
      {"lwt_xmit/encap", "lwt_xmit"},
      {"lwt_seg6local", "lwt_seg6local"},
      {"flow_dissector", "flow_dissector"},
  };
  for (const auto& [section, expected] : cases) {
    const ProgramType* type = platform->program_type_for_section(section);
    ASSERT_NE(type, nullptr) << section;
    EXPECT_EQ(type->name, expected) << section;
  }
}

TEST(SectionInference, PrefixRule) {
  EXPECT_TRUE(section_matches_prefix("tc", "tc"));
  EXPECT_TRUE(section_matches_prefix("tc/x", "tc"));
  EXPECT_TRUE(section_matches_prefix("tc_x", "tc"));
  EXPECT_TRUE(section_matches_prefix("tc1", "tc"));
  EXPECT_FALSE(section_matches_prefix("tcp", "tc"));
  EXPECT_FALSE(section_matches_prefix("t", "tc"));
  EXPECT_TRUE(section_matches_prefix("kprobe/anything", "kprobe/"));
  EXPECT_FALSE(section_matches_prefix("kprobe", "kprobe/"));
  EXPECT_FALSE(section_matches_prefix("anything", ""));
}

TEST(SectionInference, GenericPlatformInfersNothing) {
  auto platform = Platform::make_generic();
  EXPECT_EQ(platform->program_type_for_section("xdp"), nullptr);
  EXPECT_EQ(platform->program_type_for_section(".text"), nullptr);
}

}  // namespace
}  // namespace sandbpf
