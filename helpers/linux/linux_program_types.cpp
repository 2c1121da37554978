// The Linux program types sandbpf knows, with the kernel's context layouts
// (include/uapi/linux/bpf.h on 64-bit hosts) and, for each type, which
// fields its programs may read and write: the rules of the kernel's
// *_is_valid_access functions (net/core/filter.c, kernel/trace/bpf_trace.c).
// Return ranges follow the kernel's check_return_code for the types it
// checks; types it leaves free have none.
#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "helpers/linux/linux_platform.hpp"

namespace sandbpf {
namespace {

using P = ContextPointerKind;

struct Field {
  std::string_view name;
  uint32_t offset;
  uint32_t size;
};

bool listed(std::initializer_list<std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// ---- struct __sk_buff (192 bytes since Linux 5.16: hwtstamp at 184).
// data, data_end and data_meta are u32 fields the kernel rewrites into
// 64-bit pointer loads (width 4); flow_keys and sk are __bpf_md_ptr (8).
constexpr uint32_t kSkBuffSize = 192;
constexpr Field kSkBuffFields[] = {
    {"len", 0, 4},           {"pkt_type", 4, 4},
    {"mark", 8, 4},          {"queue_mapping", 12, 4},
    {"protocol", 16, 4},     {"vlan_present", 20, 4},
    {"vlan_tci", 24, 4},     {"vlan_proto", 28, 4},
    {"priority", 32, 4},     {"ingress_ifindex", 36, 4},
    {"ifindex", 40, 4},      {"tc_index", 44, 4},
    {"cb", 48, 20},          {"hash", 68, 4},
    {"tc_classid", 72, 4},   {"data", 76, 4},
    {"data_end", 80, 4},     {"napi_id", 84, 4},
    {"family", 88, 4},       {"remote_ip4", 92, 4},
    {"local_ip4", 96, 4},    {"remote_ip6", 100, 16},
    {"local_ip6", 116, 16},  {"remote_port", 132, 4},
    {"local_port", 136, 4},  {"data_meta", 140, 4},
    {"flow_keys", 144, 8},   {"tstamp", 152, 8},
    {"wire_len", 160, 4},    {"gso_segs", 164, 4},
    {"sk", 168, 8},          {"gso_size", 176, 4},
    {"tstamp_type", 180, 1}, {"hwtstamp", 184, 8},
};

// The socket-address fields the kernel hides from some skb types.
#define SANDBPF_SKB_SOCKET_FIELDS \
  "family", "remote_ip4", "local_ip4", "remote_ip6", "local_ip6", "remote_port", "local_port"

// An __sk_buff type: every field readable except `hidden`, `writable`
// also writable. flow_keys is never offered (only flow_dissector has it in
// the kernel, and sandbpf has no pointer kind for struct bpf_flow_keys).
ProgramType sk_buff_type(std::string name, std::vector<std::string> sections,
                         std::initializer_list<std::string_view> hidden,
                         std::initializer_list<std::string_view> writable) {
  ProgramTypeBuilder builder(std::move(name), "struct __sk_buff", kSkBuffSize);
  for (const Field& field : kSkBuffFields) {
    if (field.name == "flow_keys" || listed(hidden, field.name)) continue;
    const std::string field_name(field.name);
    if (field.name == "data") {
      builder.pointer(field_name, field.offset, 4, P::kPacketData);
    } else if (field.name == "data_end") {
      builder.pointer(field_name, field.offset, 4, P::kPacketEnd);
    } else if (field.name == "data_meta") {
      builder.pointer(field_name, field.offset, 4, P::kPacketMeta);
    } else if (field.name == "sk") {
      builder.pointer(field_name, field.offset, 8, P::kSocket);
    } else {
      builder.field(
          field_name, field.offset, field.size,
          listed(writable, field.name) ? FieldAccess::kReadWrite : FieldAccess::kReadOnly);
    }
  }
  builder.sections(std::move(sections));
  return builder.build();
}

// ---- struct bpf_sock (80 bytes).
constexpr Field kBpfSockFields[] = {
    {"bound_dev_if", 0, 4}, {"family", 4, 4},
    {"type", 8, 4},         {"protocol", 12, 4},
    {"mark", 16, 4},        {"priority", 20, 4},
    {"src_ip4", 24, 4},     {"src_ip6", 28, 16},
    {"src_port", 44, 4},    {"dst_port", 48, 4},
    {"dst_ip4", 52, 4},     {"dst_ip6", 56, 16},
    {"state", 72, 4},       {"rx_queue_mapping", 76, 4},
};

ProgramType cgroup_sock_type() {
  // sock_filter_is_valid_access: bound_dev_if, mark and priority may be
  // written (at socket creation); everything may be read.
  ProgramTypeBuilder builder("cgroup_sock", "struct bpf_sock", 80);
  for (const Field& field : kBpfSockFields) {
    const bool writable = listed({"bound_dev_if", "mark", "priority"}, field.name);
    builder.field(std::string(field.name), field.offset, field.size,
                  writable ? FieldAccess::kReadWrite : FieldAccess::kReadOnly);
  }
  return builder.sections({"cgroup/sock", "cgroup/post_bind"}).returns(0, 1).build();
}

ProgramType cgroup_sock_addr_type() {
  // struct bpf_sock_addr (72 bytes; sk is a __bpf_md_ptr at 64).
  // sock_addr_is_valid_access: user_ip4/6 and user_port may be written
  // (connect, bind, sendmsg, recvmsg...), msg_src_ip4/6 (sendmsg).
  // The kernel allows [0, 3] for bind4/6 and [1, 1] for recvmsg and
  // get{peer,sock}name; one type cannot tell attach points apart, so the
  // common [0, 1] applies.
  return ProgramTypeBuilder("cgroup_sock_addr", "struct bpf_sock_addr", 72)
      .field("user_family", 0, 4)
      .field("user_ip4", 4, 4, FieldAccess::kReadWrite)
      .field("user_ip6", 8, 16, FieldAccess::kReadWrite)
      .field("user_port", 24, 4, FieldAccess::kReadWrite)
      .field("family", 28, 4)
      .field("type", 32, 4)
      .field("protocol", 36, 4)
      .field("msg_src_ip4", 40, 4, FieldAccess::kReadWrite)
      .field("msg_src_ip6", 44, 16, FieldAccess::kReadWrite)
      .pointer("sk", 64, 8, P::kSocket)
      .sections({"cgroup/bind", "cgroup/connect", "cgroup/sendmsg", "cgroup/recvmsg",
                 "cgroup/getpeername", "cgroup/getsockname"})
      .returns(0, 1)
      .build();
}

ProgramType sock_ops_type() {
  // struct bpf_sock_ops (224 bytes). The program writes its answer in
  // reply / replylong (the union at 4) and may set sk_txhash.
  // skb_data / skb_data_end are __bpf_md_ptr: the header of the packet
  // being processed (for the header-option callbacks).
  ProgramTypeBuilder builder("sock_ops", "struct bpf_sock_ops", 224);
  builder.field("op", 0, 4).field("args", 4, 16, FieldAccess::kReadWrite);
  builder.field("family", 20, 4).field("remote_ip4", 24, 4).field("local_ip4", 28, 4);
  builder.field("remote_ip6", 32, 16).field("local_ip6", 48, 16);
  constexpr Field kCounters[] = {
      {"remote_port", 64, 4},     {"local_port", 68, 4},
      {"is_fullsock", 72, 4},     {"snd_cwnd", 76, 4},
      {"srtt_us", 80, 4},         {"bpf_sock_ops_cb_flags", 84, 4},
      {"state", 88, 4},           {"rtt_min", 92, 4},
      {"snd_ssthresh", 96, 4},    {"rcv_nxt", 100, 4},
      {"snd_nxt", 104, 4},        {"snd_una", 108, 4},
      {"mss_cache", 112, 4},      {"ecn_flags", 116, 4},
      {"rate_delivered", 120, 4}, {"rate_interval_us", 124, 4},
      {"packets_out", 128, 4},    {"retrans_out", 132, 4},
      {"total_retrans", 136, 4},  {"segs_in", 140, 4},
      {"data_segs_in", 144, 4},   {"segs_out", 148, 4},
      {"data_segs_out", 152, 4},  {"lost_out", 156, 4},
      {"sacked_out", 160, 4},     {"bytes_received", 168, 8},
      {"bytes_acked", 176, 8},    {"skb_len", 208, 4},
      {"skb_tcp_flags", 212, 4},  {"skb_hwtstamp", 216, 8},
  };
  for (const Field& field : kCounters)
    builder.field(std::string(field.name), field.offset, field.size);
  builder.field("sk_txhash", 164, 4, FieldAccess::kReadWrite);
  builder.pointer("sk", 184, 8, P::kSocket);
  builder.pointer("skb_data", 192, 8, P::kPacketData);
  builder.pointer("skb_data_end", 200, 8, P::kPacketEnd);
  return builder.sections({"sockops"}).returns(0, 1).build();
}

ProgramType sk_msg_type() {
  // struct sk_msg_md (80 bytes): read only; data/data_end are __bpf_md_ptr.
  return ProgramTypeBuilder("sk_msg", "struct sk_msg_md", 80)
      .pointer("data", 0, 8, P::kPacketData)
      .pointer("data_end", 8, 8, P::kPacketEnd)
      .field("family", 16, 4)
      .field("remote_ip4", 20, 4)
      .field("local_ip4", 24, 4)
      .field("remote_ip6", 28, 16)
      .field("local_ip6", 44, 16)
      .field("remote_port", 60, 4)
      .field("local_port", 64, 4)
      .field("size", 68, 4)
      .pointer("sk", 72, 8, P::kSocket)
      .sections({"sk_msg"})
      .build();
}

ProgramType sk_reuseport_type() {
  // struct sk_reuseport_md (56 bytes), read only.
  return ProgramTypeBuilder("sk_reuseport", "struct sk_reuseport_md", 56)
      .pointer("data", 0, 8, P::kPacketData)
      .pointer("data_end", 8, 8, P::kPacketEnd)
      .field("len", 16, 4)
      .field("eth_protocol", 20, 4)
      .field("ip_protocol", 24, 4)
      .field("bind_inany", 28, 4)
      .field("hash", 32, 4)
      .pointer("sk", 40, 8, P::kSocket)
      .pointer("migrating_sk", 48, 8, P::kSocket)
      .sections({"sk_reuseport"})
      .build();
}

ProgramType xdp_type() {
  // struct xdp_md (24 bytes), read only; data, data_end, data_meta are u32
  // fields rewritten into pointer loads. The kernel does not check XDP
  // return values (unknown actions count as aborted), so no range.
  return ProgramTypeBuilder("xdp", "struct xdp_md", 24)
      .pointer("data", 0, 4, P::kPacketData)
      .pointer("data_end", 4, 4, P::kPacketEnd)
      .pointer("data_meta", 8, 4, P::kPacketMeta)
      .field("ingress_ifindex", 12, 4)
      .field("rx_queue_index", 16, 4)
      .field("egress_ifindex", 20, 4)
      .sections({"xdp"})
      .build();
}

// struct pt_regs of x86-64 (21 registers, 168 bytes).
constexpr std::string_view kPtRegs[] = {"r15", "r14",     "r13", "r12", "bp",    "bx", "r11",
                                        "r10", "r9",      "r8",  "ax",  "cx",    "dx", "si",
                                        "di",  "orig_ax", "ip",  "cs",  "flags", "sp", "ss"};
constexpr uint32_t kPtRegsSize = 168;

ProgramType kprobe_type() {
  // kprobe_prog_is_valid_access: any aligned read inside pt_regs, no write.
  // Uprobes, USDT and syscall probes are kprobe programs too.
  ProgramTypeBuilder builder("kprobe", "struct pt_regs", kPtRegsSize);
  for (uint32_t i = 0; i < std::size(kPtRegs); ++i)
    builder.field(std::string(kPtRegs[i]), i * 8, 8);
  return builder
      .sections({"kprobe", "kretprobe", "uprobe", "uretprobe", "usdt", "ksyscall", "kretsyscall"})
      .build();
}

ProgramType perf_event_type() {
  // struct bpf_perf_event_data: pt_regs, then sample_period and addr.
  ProgramTypeBuilder builder("perf_event", "struct bpf_perf_event_data", kPtRegsSize + 16);
  for (uint32_t i = 0; i < std::size(kPtRegs); ++i)
    builder.field("regs." + std::string(kPtRegs[i]), i * 8, 8);
  return builder.field("sample_period", kPtRegsSize, 8)
      .field("addr", kPtRegsSize + 8, 8)
      .sections({"perf_event"})
      .build();
}

ProgramType tracepoint_type() {
  // The kernel lets a tracepoint program read any aligned offset from 8 to
  // PERF_MAX_TRACE_SIZE (8192): the record's real size is not checked, and
  // the first 8 bytes hold a pointer the kernel stores there. sandbpf
  // needs a size its runtime can back with memory, so it takes 512 bytes:
  // the corpus reads at most 120 bytes of a tracepoint record (syscall
  // records need 64, sched_switch 64), and 512 leaves room for larger
  // records. The runtime passes a 512-byte record, zero-filled past what
  // the host provides.
  return ProgramTypeBuilder("tracepoint", "tracepoint record", kLinuxTracepointContextSize)
      .readable(8, kLinuxTracepointContextSize)
      .sections({"tracepoint/", "tp/"})
      .build();
}

// Raw tracepoints and BTF-typed tracing programs get the probed function's
// arguments as an array of u64, at most MAX_BPF_FUNC_ARGS (12) of them;
// read only. (For fentry/fexit the kernel types pointer arguments by BTF;
// sandbpf treats every argument as a number.)
constexpr uint32_t kFunctionArgsSize = 12 * 8;

ProgramType raw_tracepoint_type() {
  ProgramTypeBuilder builder("raw_tracepoint", "struct bpf_raw_tracepoint_args", kFunctionArgsSize);
  builder.field("args", 0, kFunctionArgsSize);
  return builder.sections({"raw_tracepoint", "raw_tp"}).build();
}

ProgramType tracing_type() {
  // fentry/fexit must return 0 in the kernel, tp_btf may return anything;
  // the type covers both, so no range is enforced.
  ProgramTypeBuilder builder("tracing", "u64 args[]", kFunctionArgsSize);
  builder.field("args", 0, kFunctionArgsSize);
  return builder.sections({"fentry", "fexit", "fmod_ret", "tp_btf"}).build();
}

ProgramType cgroup_device_type() {
  return ProgramTypeBuilder("cgroup_device", "struct bpf_cgroup_dev_ctx", 12)
      .field("access_type", 0, 4)
      .field("major", 4, 4)
      .field("minor", 8, 4)
      .sections({"cgroup/dev"})
      .returns(0, 1)
      .build();
}

ProgramType cgroup_sysctl_type() {
  return ProgramTypeBuilder("cgroup_sysctl", "struct bpf_sysctl", 8)
      .field("write", 0, 4)
      .field("file_pos", 4, 4, FieldAccess::kReadWrite)
      .sections({"cgroup/sysctl"})
      .returns(0, 1)
      .build();
}

ProgramType cgroup_sockopt_type() {
  // struct bpf_sockopt (40 bytes): optval/optval_end bound the option's
  // buffer like a packet. level and optname are writable for setsockopt,
  // retval for getsockopt, optlen for both (one type covers both).
  return ProgramTypeBuilder("cgroup_sockopt", "struct bpf_sockopt", 40)
      .pointer("sk", 0, 8, P::kSocket)
      .pointer("optval", 8, 8, P::kPacketData)
      .pointer("optval_end", 16, 8, P::kPacketEnd)
      .field("level", 24, 4, FieldAccess::kReadWrite)
      .field("optname", 28, 4, FieldAccess::kReadWrite)
      .field("optlen", 32, 4, FieldAccess::kReadWrite)
      .field("retval", 36, 4, FieldAccess::kReadWrite)
      .sections({"cgroup/getsockopt", "cgroup/setsockopt"})
      .returns(0, 1)
      .build();
}

}  // namespace

ContextLayout linux_bpf_sock_layout() {
  ProgramTypeBuilder builder("bpf_sock", "struct bpf_sock", 80);
  for (const Field& field : kBpfSockFields)
    builder.field(std::string(field.name), field.offset, field.size);
  return builder.build().context;
}

std::vector<ProgramType> linux_program_types() {
  std::vector<ProgramType> types;

  // Socket filters (sk_filter_is_valid_access) may only write cb[]; the
  // kernel hides tc_classid, the socket-address fields, tstamp, wire_len
  // and hwtstamp. It also refuses direct packet access (data, data_end,
  // data_meta) for socket filters as a policy, not for safety: sandbpf
  // offers data and data_end (the runtime fills them as for sched_cls), as
  // PREVAIL does, because the corpus' Cilium objects whose sections name no
  // type are checked as socket filters and read them.
  ProgramType socket_filter = sk_buff_type(
      "socket_filter", {"socket"},
      {"tc_classid", "data_meta", SANDBPF_SKB_SOCKET_FIELDS, "tstamp", "wire_len", "hwtstamp"},
      {"cb"});
  socket_filter.legacy_packet_access = true;
  types.push_back(std::move(socket_filter));

  // tc (tc_cls_act_is_valid_access): full access, with writes to mark,
  // queue_mapping, priority, tc_index, cb[], tc_classid and tstamp.
  for (const char* name : {"sched_cls", "sched_act"}) {
    std::vector<std::string> sections;
    if (std::string_view(name) == "sched_cls") {
      sections = {"classifier", "tc", "tcx/", "netkit/"};
    } else {
      sections = {"action"};
    }
    ProgramType tc = sk_buff_type(
        name, std::move(sections), {},
        {"mark", "queue_mapping", "priority", "tc_index", "cb", "tc_classid", "tstamp"});
    tc.legacy_packet_access = true;
    types.push_back(std::move(tc));
  }

  // cgroup_skb (cg_skb_is_valid_access): no tc_classid, data_meta,
  // wire_len; writes to mark, priority, cb[] and tstamp. Egress may return
  // [0, 3] in the kernel (congestion notification); ingress [0, 1], used here.
  ProgramType cgroup_skb =
      sk_buff_type("cgroup_skb", {"cgroup/skb", "cgroup_skb/"},
                   {"tc_classid", "data_meta", "wire_len"}, {"mark", "priority", "cb", "tstamp"});
  cgroup_skb.return_range = std::pair<int64_t, int64_t>{0, 1};
  types.push_back(std::move(cgroup_skb));

  // sk_skb (sk_skb_is_valid_access): no tc_classid, data_meta, tstamp,
  // wire_len, hwtstamp, and no mark at all; writes to tc_index and priority.
  types.push_back(sk_buff_type(
      "sk_skb", {"sk_skb"}, {"tc_classid", "data_meta", "tstamp", "wire_len", "hwtstamp", "mark"},
      {"tc_index", "priority"}));

  // Lightweight tunnels (lwt_is_valid_access): no tc_classid, socket
  // fields, data_meta, tstamp, wire_len, hwtstamp; writes to mark,
  // priority and cb[].
  for (const char* name : {"lwt_in", "lwt_out", "lwt_xmit", "lwt_seg6local"}) {
    types.push_back(sk_buff_type(
        name, {name},
        {"tc_classid", SANDBPF_SKB_SOCKET_FIELDS, "data_meta", "tstamp", "wire_len", "hwtstamp"},
        {"mark", "priority", "cb"}));
  }

  // flow_dissector (flow_dissector_is_valid_access): only data, data_end
  // (and flow_keys, which sandbpf does not offer), read only.
  {
    ProgramTypeBuilder builder("flow_dissector", "struct __sk_buff", kSkBuffSize);
    builder.pointer("data", 76, 4, P::kPacketData).pointer("data_end", 80, 4, P::kPacketEnd);
    types.push_back(builder.sections({"flow_dissector"}).build());
  }

  types.push_back(xdp_type());
  types.push_back(kprobe_type());
  types.push_back(tracepoint_type());
  types.push_back(raw_tracepoint_type());
  types.push_back(perf_event_type());
  types.push_back(tracing_type());
  types.push_back(cgroup_sock_type());
  types.push_back(cgroup_sock_addr_type());
  types.push_back(sock_ops_type());
  types.push_back(sk_msg_type());
  types.push_back(sk_reuseport_type());
  types.push_back(cgroup_device_type());
  types.push_back(cgroup_sysctl_type());
  types.push_back(cgroup_sockopt_type());
  return types;
}

#undef SANDBPF_SKB_SOCKET_FIELDS

}  // namespace sandbpf
