#include "helpers/platform.hpp"

#include <gtest/gtest.h>

#include <set>

#include "helpers/generic/generic_platform.hpp"
#include "helpers/linux/linux_platform.hpp"
#include "helpers/standard/standard_helpers.hpp"
#include "vm/builtin_functions.hpp"
#include "vm/map_definition.hpp"

namespace sandbpf {
namespace {

bool readable(const ContextLayout& layout, uint32_t begin, uint32_t end) {
  for (const ByteRange& range : layout.readable) {
    if (range.begin <= begin && end <= range.end) return true;
  }
  return false;
}

bool writable(const ContextLayout& layout, uint32_t begin, uint32_t end) {
  for (const ByteRange& range : layout.writable) {
    if (range.begin <= begin && end <= range.end) return true;
  }
  return false;
}

const ContextPointerField* pointer_at(const ContextLayout& layout, uint32_t offset) {
  for (const ContextPointerField& pointer : layout.pointers) {
    if (pointer.offset == offset) return &pointer;
  }
  return nullptr;
}

TEST(GenericPlatform, MemoryAndLengthBudgetAndNoHelpers) {
  auto platform = Platform::make_generic();
  EXPECT_EQ(platform->name(), "generic");
  EXPECT_EQ(platform->default_termination(), TerminationPolicy::kBudget);
  ASSERT_EQ(platform->program_types().size(), 1u);
  const ProgramType* type = platform->find_program_type("generic");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->entry, EntryConvention::kMemoryAndLength);
  EXPECT_TRUE(type->legacy_packet_access);
  // No helpers but the built-in memory functions (vm/builtin_functions.hpp).
  EXPECT_EQ(platform->helpers().size(), std::size(kBuiltinFunctionNames));
  EXPECT_FALSE(platform->stack().whole_chain.has_value());
  EXPECT_EQ(platform->stack().per_frame, 512u);
  EXPECT_TRUE(platform->map_type_allowed(kMapHash));
  EXPECT_TRUE(platform->map_type_allowed(kMapRingbuf));
  EXPECT_FALSE(platform->map_type_allowed(kMapSockmap));
}

TEST(GenericPlatform, HostsAddStandardHelpersByIdOrAll) {
  auto platform = Platform::make_generic();
  const uint32_t wanted[] = {5, 181};
  ASSERT_TRUE(add_standard_helpers(platform->helpers(), wanted));
  EXPECT_EQ(platform->helpers().size(), 2u + std::size(kBuiltinFunctionNames));
  EXPECT_EQ(platform->helpers().find("bpf_loop")->function, &bpf_loop);
  const uint32_t unknown[] = {113};  // probe_read_kernel: no implementation
  auto refused = add_standard_helpers(platform->helpers(), unknown);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "helper 113: sandbpf has no standard implementation of it");
  ASSERT_TRUE(add_standard_helpers(platform->helpers()));
  EXPECT_EQ(platform->helpers().size(),
            standard_helpers().size() + std::size(kBuiltinFunctionNames));
}

// Compilers call memset & co. whatever the platform: each platform, even
// one a host builds from nothing, has them with an implementation, and
// every Linux program type may call them (the kernel's per-type helper
// lists do not name them).
TEST(Platform, EveryPlatformHasTheBuiltinMemoryFunctions) {
  std::vector<std::unique_ptr<Platform>> platforms;
  platforms.push_back(Platform::make_generic());
  platforms.push_back(Platform::make_linux());
  platforms.push_back(std::make_unique<Platform>("host", TerminationPolicy::kNone));
  for (const auto& platform : platforms) {
    for (const BuiltinFunctionName& builtin : kBuiltinFunctionNames) {
      const HelperDefinition* found = platform->helpers().find(builtin.id);
      ASSERT_NE(found, nullptr) << platform->name() << " " << builtin.name;
      EXPECT_EQ(found->prototype.name, builtin.name);
      EXPECT_NE(found->function, nullptr);
      EXPECT_TRUE(HelperRegistry::validate(found->prototype)) << builtin.name;
    }
  }
  const HelperPrototype& memcpy_proto = platforms[0]->helpers().find("memcpy")->prototype;
  EXPECT_EQ(memcpy_proto.args[0], ArgKind::kWritableMemory);
  EXPECT_EQ(memcpy_proto.args[1], ArgKind::kReadableMemory);
  EXPECT_EQ(memcpy_proto.size_arg_of(1), 3u);
  EXPECT_EQ(memcpy_proto.size_arg_of(2), 3u);
  EXPECT_EQ(memcpy_proto.returns, ReturnKind::kFirstArgument);
  const ProgramType* xdp = platforms[1]->find_program_type("xdp");
  ASSERT_NE(xdp, nullptr);
  ASSERT_FALSE(xdp->helpers.empty());
  EXPECT_TRUE(xdp->may_call_helper(kBuiltinMemset));
  EXPECT_TRUE(xdp->may_call_helper(kBuiltinMemcmp));
  EXPECT_FALSE(xdp->may_call_helper(kBuiltinMemset - 1));
}

TEST(Platform, MakeByName) {
  EXPECT_EQ(Platform::make("generic")->name(), "generic");
  EXPECT_EQ(Platform::make("linux")->name(), "linux");
  EXPECT_EQ(Platform::make("windows"), nullptr);
  EXPECT_EQ(termination_policy_name(TerminationPolicy::kProved), "proved");
  EXPECT_EQ(termination_policy_name(TerminationPolicy::kBudget), "budget");
  EXPECT_EQ(termination_policy_name(TerminationPolicy::kNone), "none");
}

TEST(ProgramTypeBuilder, TheHeadersExampleBuildsTheDocumentedLayout) {
  auto platform = Platform::make_generic();
  ProgramType type = ProgramTypeBuilder("request_filter", "struct request", 32)
                         .field("len", 0, 4)
                         .field("verdict", 4, 4, FieldAccess::kReadWrite)
                         .pointer("data", 8, 8, ContextPointerKind::kPacketData)
                         .pointer("data_end", 16, 8, ContextPointerKind::kPacketEnd)
                         .field("scratch", 24, 8, FieldAccess::kReadWrite)
                         .sections({"request"})
                         .returns(0, 1)
                         .build();
  ASSERT_TRUE(platform->add_program_type(type));
  const ProgramType* added = platform->find_program_type("request_filter");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->entry, EntryConvention::kContext);
  ASSERT_EQ(added->context.readable.size(), 1u);  // merged: [0, 32)
  EXPECT_EQ(added->context.readable[0].begin, 0u);
  EXPECT_EQ(added->context.readable[0].end, 32u);
  ASSERT_EQ(added->context.writable.size(), 2u);
  EXPECT_EQ(added->context.writable[0].begin, 4u);
  EXPECT_EQ(added->context.writable[0].end, 8u);
  EXPECT_EQ(added->context.writable[1].begin, 24u);
  ASSERT_EQ(added->context.pointers.size(), 2u);
  EXPECT_EQ(added->context.pointers[1].kind, ContextPointerKind::kPacketEnd);
  EXPECT_EQ(added->context.fields.size(), 5u);
  EXPECT_EQ(added->return_range, (std::pair<int64_t, int64_t>{0, 1}));
  EXPECT_EQ(platform->program_type_for_section("request/v1"), added);
}

TEST(ProgramTypeBuilder, AddProgramTypeRefusesUnsafeOrInconsistentLayouts) {
  auto platform = Platform::make_generic();
  auto writable_pointer = ProgramTypeBuilder("t", "struct t", 16)
                              .pointer("data", 0, 8, ContextPointerKind::kPacketData)
                              .writable(0, 8)
                              .build();
  auto refused = platform->add_program_type(writable_pointer);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "program type 't': the packet data pointer at offset 0 is writable: a program could "
            "forge a pointer");
  EXPECT_FALSE(
      platform->add_program_type(ProgramTypeBuilder("t", "struct t", 8).field("x", 4, 8).build()));
  EXPECT_FALSE(platform->add_program_type(ProgramTypeBuilder("t", "struct t", 8)
                                              .pointer("p", 4, 2, ContextPointerKind::kSocket)
                                              .build()));
  EXPECT_FALSE(
      platform->add_program_type(ProgramTypeBuilder("t", "struct t", 8).returns(1, 0).build()));
  EXPECT_FALSE(
      platform->add_program_type(ProgramTypeBuilder("generic", "", 0).build()));  // duplicate
  EXPECT_FALSE(platform->add_program_type(ProgramTypeBuilder("", "", 0).build()));
}

TEST(LinuxPlatform, ProvedTerminationAndTheKernelsStackRules) {
  auto platform = Platform::make_linux();
  EXPECT_EQ(platform->name(), "linux");
  EXPECT_EQ(platform->default_termination(), TerminationPolicy::kProved);
  const StackRules& stack = platform->stack();
  EXPECT_EQ(stack.per_frame, 512u);
  EXPECT_EQ(stack.whole_chain, 512u);
  EXPECT_EQ(stack.frame_rounding, 32u);
  EXPECT_EQ(stack.max_call_depth, 8u);
  EXPECT_EQ(stack.max_tail_calls, 33u);
  for (uint32_t type = 1; type <= 33; ++type) EXPECT_TRUE(platform->map_type_allowed(type)) << type;
  EXPECT_FALSE(platform->map_type_allowed(0));
}

TEST(LinuxPlatform, HasEveryProgramTypeOfTheCorpusAndMore) {
  auto platform = Platform::make_linux();
  std::set<std::string> names;
  for (const ProgramType& type : platform->program_types()) names.insert(type.name);
  const std::set<std::string> expected = {
      "socket_filter", "sched_cls",     "sched_act",        "cgroup_skb",     "sk_skb",
      "lwt_in",        "lwt_out",       "lwt_xmit",         "lwt_seg6local",  "flow_dissector",
      "xdp",           "kprobe",        "tracepoint",       "raw_tracepoint", "perf_event",
      "tracing",       "cgroup_sock",   "cgroup_sock_addr", "sock_ops",       "sk_msg",
      "sk_reuseport",  "cgroup_device", "cgroup_sysctl",    "cgroup_sockopt"};
  EXPECT_EQ(names, expected);
  for (const ProgramType& type : platform->program_types()) {
    EXPECT_TRUE(validate_program_type(type)) << type.name;
    EXPECT_EQ(type.entry, EntryConvention::kContext) << type.name;
  }
}

TEST(LinuxPlatform, SkBuffLayoutAndPerTypeAccess) {
  auto platform = Platform::make_linux();
  const ProgramType* tc = platform->find_program_type("sched_cls");
  ASSERT_NE(tc, nullptr);
  EXPECT_EQ(tc->context.c_type, "struct __sk_buff");
  EXPECT_EQ(tc->context.size, 192u);
  EXPECT_TRUE(tc->legacy_packet_access);
  EXPECT_FALSE(tc->return_range.has_value());
  // data, data_end, data_meta: u32 fields loaded as pointers; sk: 8 bytes.
  ASSERT_NE(pointer_at(tc->context, 76), nullptr);
  EXPECT_EQ(pointer_at(tc->context, 76)->kind, ContextPointerKind::kPacketData);
  EXPECT_EQ(pointer_at(tc->context, 76)->width, 4);
  EXPECT_EQ(pointer_at(tc->context, 80)->kind, ContextPointerKind::kPacketEnd);
  EXPECT_EQ(pointer_at(tc->context, 140)->kind, ContextPointerKind::kPacketMeta);
  EXPECT_EQ(pointer_at(tc->context, 168)->kind, ContextPointerKind::kSocket);
  EXPECT_EQ(pointer_at(tc->context, 168)->width, 8);
  EXPECT_TRUE(writable(tc->context, 8, 12));      // mark
  EXPECT_TRUE(writable(tc->context, 48, 68));     // cb[5]
  EXPECT_TRUE(writable(tc->context, 72, 76));     // tc_classid
  EXPECT_TRUE(writable(tc->context, 12, 16));     // queue_mapping
  EXPECT_FALSE(writable(tc->context, 0, 4));      // len
  EXPECT_FALSE(writable(tc->context, 76, 80));    // data
  EXPECT_FALSE(readable(tc->context, 144, 152));  // flow_keys
  EXPECT_TRUE(readable(tc->context, 184, 192));   // hwtstamp

  const ProgramType* filter = platform->find_program_type("socket_filter");
  ASSERT_NE(filter, nullptr);
  EXPECT_TRUE(filter->legacy_packet_access);
  ASSERT_EQ(filter->context.writable.size(), 1u);  // cb[] only
  EXPECT_EQ(filter->context.writable[0].begin, 48u);
  EXPECT_EQ(filter->context.writable[0].end, 68u);
  EXPECT_FALSE(readable(filter->context, 72, 76));      // tc_classid
  EXPECT_FALSE(readable(filter->context, 88, 92));      // family
  EXPECT_FALSE(readable(filter->context, 140, 144));    // data_meta
  EXPECT_NE(pointer_at(filter->context, 76), nullptr);  // data: see linux_program_types.cpp
  EXPECT_EQ(pointer_at(filter->context, 140), nullptr);

  const ProgramType* cgroup_skb = platform->find_program_type("cgroup_skb");
  EXPECT_FALSE(cgroup_skb->legacy_packet_access);
  EXPECT_EQ(cgroup_skb->return_range, (std::pair<int64_t, int64_t>{0, 1}));
  EXPECT_TRUE(writable(cgroup_skb->context, 8, 12));    // mark
  EXPECT_FALSE(writable(cgroup_skb->context, 44, 48));  // tc_index

  const ProgramType* sk_skb = platform->find_program_type("sk_skb");
  EXPECT_FALSE(readable(sk_skb->context, 8, 12));  // mark: not at all
  EXPECT_TRUE(writable(sk_skb->context, 44, 48));  // tc_index
  EXPECT_TRUE(writable(sk_skb->context, 32, 36));  // priority

  const ProgramType* dissector = platform->find_program_type("flow_dissector");
  ASSERT_EQ(dissector->context.readable.size(), 1u);
  EXPECT_EQ(dissector->context.readable[0].begin, 76u);
  EXPECT_EQ(dissector->context.readable[0].end, 84u);
}

TEST(LinuxPlatform, XdpMdLayout) {
  auto platform = Platform::make_linux();
  const ProgramType* xdp = platform->find_program_type("xdp");
  ASSERT_NE(xdp, nullptr);
  EXPECT_EQ(xdp->context.c_type, "struct xdp_md");
  EXPECT_EQ(xdp->context.size, 24u);
  EXPECT_TRUE(xdp->context.writable.empty());
  EXPECT_TRUE(readable(xdp->context, 0, 24));
  ASSERT_EQ(xdp->context.pointers.size(), 3u);
  EXPECT_EQ(xdp->context.pointers[0].kind, ContextPointerKind::kPacketData);
  EXPECT_EQ(xdp->context.pointers[1].kind, ContextPointerKind::kPacketEnd);
  EXPECT_EQ(xdp->context.pointers[1].offset, 4u);
  EXPECT_EQ(xdp->context.pointers[2].kind, ContextPointerKind::kPacketMeta);
  EXPECT_EQ(xdp->context.pointers[2].width, 4);
  EXPECT_FALSE(xdp->return_range.has_value());
  EXPECT_FALSE(xdp->legacy_packet_access);
}

TEST(LinuxPlatform, TracingContexts) {
  auto platform = Platform::make_linux();
  const ProgramType* kprobe = platform->find_program_type("kprobe");
  EXPECT_EQ(kprobe->context.size, 168u);
  EXPECT_TRUE(readable(kprobe->context, 0, 168));
  EXPECT_TRUE(kprobe->context.writable.empty());
  EXPECT_TRUE(kprobe->context.pointers.empty());
  const ProgramType* tracepoint = platform->find_program_type("tracepoint");
  EXPECT_EQ(tracepoint->context.size, kLinuxTracepointContextSize);
  EXPECT_FALSE(readable(tracepoint->context, 0, 8));
  EXPECT_TRUE(readable(tracepoint->context, 8, kLinuxTracepointContextSize));
  EXPECT_EQ(platform->find_program_type("raw_tracepoint")->context.size, 96u);
  EXPECT_EQ(platform->find_program_type("tracing")->context.size, 96u);
  const ProgramType* perf = platform->find_program_type("perf_event");
  EXPECT_EQ(perf->context.size, 184u);
  EXPECT_TRUE(readable(perf->context, 168, 184));
}

TEST(LinuxPlatform, SocketContexts) {
  auto platform = Platform::make_linux();
  const ProgramType* sock = platform->find_program_type("cgroup_sock");
  EXPECT_EQ(sock->context.size, 80u);
  EXPECT_TRUE(writable(sock->context, 0, 4));    // bound_dev_if
  EXPECT_TRUE(writable(sock->context, 16, 24));  // mark, priority
  EXPECT_FALSE(writable(sock->context, 4, 8));   // family
  EXPECT_EQ(sock->return_range, (std::pair<int64_t, int64_t>{0, 1}));

  const ProgramType* addr = platform->find_program_type("cgroup_sock_addr");
  EXPECT_EQ(addr->context.size, 72u);
  EXPECT_TRUE(writable(addr->context, 4, 28));  // user_ip4, user_ip6, user_port
  EXPECT_FALSE(writable(addr->context, 0, 4));
  ASSERT_NE(pointer_at(addr->context, 64), nullptr);
  EXPECT_EQ(pointer_at(addr->context, 64)->kind, ContextPointerKind::kSocket);

  const ProgramType* ops = platform->find_program_type("sock_ops");
  EXPECT_EQ(ops->context.size, 224u);
  EXPECT_TRUE(writable(ops->context, 4, 20));     // reply / replylong
  EXPECT_TRUE(writable(ops->context, 164, 168));  // sk_txhash
  EXPECT_FALSE(writable(ops->context, 0, 4));
  EXPECT_EQ(pointer_at(ops->context, 192)->kind, ContextPointerKind::kPacketData);
  EXPECT_EQ(pointer_at(ops->context, 200)->kind, ContextPointerKind::kPacketEnd);
  EXPECT_EQ(ops->return_range, (std::pair<int64_t, int64_t>{0, 1}));

  const ContextLayout& socket = platform->socket_layout();
  EXPECT_EQ(socket.c_type, "struct bpf_sock");
  EXPECT_EQ(socket.size, 80u);
  EXPECT_TRUE(readable(socket, 0, 80));
  EXPECT_TRUE(socket.writable.empty());
  EXPECT_EQ(Platform::make_generic()->socket_layout().size, 0u);

  const ProgramType* msg = platform->find_program_type("sk_msg");
  EXPECT_EQ(msg->context.size, 80u);
  EXPECT_EQ(pointer_at(msg->context, 0)->width, 8);
  EXPECT_TRUE(msg->context.writable.empty());
}

// Every helper the corpus calls (a scan of `call N` with src=0 in the
// executable sections of ../shared/corpus, llvm-objdump-19 -d) has a
// prototype with its kernel name.
TEST(LinuxHelpers, EveryHelperTheCorpusCallsHasAPrototype) {
  auto platform = Platform::make_linux();
  const uint32_t corpus_ids[] = {1,   2,   3,   4,   5,   6,   7,   8,   9,   10, 11, 12, 13, 14,
                                 15,  16,  18,  20,  21,  22,  23,  25,  26,  27, 28, 29, 30, 31,
                                 32,  33,  34,  35,  36,  37,  38,  39,  43,  44, 45, 46, 49, 50,
                                 51,  53,  54,  55,  56,  57,  58,  59,  65,  69, 85, 86, 99, 113,
                                 118, 122, 124, 130, 131, 132, 137, 152, 155, 164};
  for (uint32_t id : corpus_ids) EXPECT_NE(platform->helpers().find(id), nullptr) << id;
}

TEST(LinuxHelpers, AllKernelHelpersUpTo211WithTheirNames) {
  auto platform = Platform::make_linux();
  EXPECT_EQ(linux_helper_prototypes().size(), 211u);
  for (uint32_t id = 1; id <= 211; ++id) {
    const HelperDefinition* helper = platform->helpers().find(id);
    ASSERT_NE(helper, nullptr) << id;
    EXPECT_TRUE(helper->prototype.name.starts_with("bpf_")) << id;
  }
  EXPECT_EQ(platform->helpers().find(1)->prototype.name, "bpf_map_lookup_elem");
  EXPECT_EQ(platform->helpers().find(12)->prototype.name, "bpf_tail_call");
  EXPECT_EQ(platform->helpers().find(113)->prototype.name, "bpf_probe_read_kernel");
  EXPECT_EQ(platform->helpers().find(181)->prototype.name, "bpf_loop");
  EXPECT_EQ(platform->helpers().find(211)->prototype.name, "bpf_cgrp_storage_delete");
}

TEST(LinuxHelpers, PrototypesFollowTheKernel) {
  auto platform = Platform::make_linux();
  const auto& helpers = platform->helpers();
  using A = ArgKind;
  const HelperPrototype& lookup = helpers.find("bpf_map_lookup_elem")->prototype;
  EXPECT_EQ(lookup.returns, ReturnKind::kMapValueOrNull);
  EXPECT_EQ(lookup.args[0], A::kMapPointer);
  EXPECT_EQ(lookup.args[1], A::kMapKey);
  EXPECT_EQ(lookup.arg_count(), 2u);
  const HelperPrototype& load = helpers.find("bpf_skb_load_bytes")->prototype;
  EXPECT_EQ(load.args[2], A::kWritableMemory);
  EXPECT_EQ(load.args[3], A::kSize);
  EXPECT_TRUE(helpers.find("bpf_xdp_adjust_head")->prototype.changes_packet_data);
  EXPECT_TRUE(helpers.find("bpf_skb_store_bytes")->prototype.changes_packet_data);
  EXPECT_FALSE(helpers.find("bpf_skb_load_bytes")->prototype.changes_packet_data);
  const HelperPrototype& loop = helpers.find("bpf_loop")->prototype;
  EXPECT_EQ(loop.args[1], A::kCallback);
  EXPECT_EQ(loop.args[2], A::kCallbackContext);
  EXPECT_EQ(loop.callback_args, 2);
  const HelperPrototype& reserve = helpers.find("bpf_ringbuf_reserve")->prototype;
  EXPECT_EQ(reserve.returns, ReturnKind::kRingbufRecordOrNull);
  EXPECT_TRUE(reserve.acquires_reference);
  EXPECT_TRUE(helpers.find("bpf_ringbuf_submit")->prototype.releases_reference);
  EXPECT_TRUE(helpers.find("bpf_sk_lookup_tcp")->prototype.acquires_reference);
  EXPECT_TRUE(helpers.find("bpf_sk_release")->prototype.releases_reference);
  EXPECT_EQ(helpers.find("bpf_strtol")->prototype.args[3], A::kWritableU64);
  EXPECT_EQ(helpers.find("bpf_snprintf")->prototype.args[2], A::kConstString);
  EXPECT_EQ(helpers.find("bpf_check_mtu")->prototype.arg_size[2], 4u);
  EXPECT_TRUE(helpers.find("bpf_probe_read_kernel")->prototype.privileged);
  EXPECT_EQ(helpers.find("bpf_tail_call")->prototype.returns, ReturnKind::kVoid);
}

TEST(LinuxHelpers, KernelMemoryHelpersAreKnownByPrototypeOnly) {
  auto platform = Platform::make_linux();
  for (const char* name : {"bpf_probe_read", "bpf_probe_read_kernel", "bpf_probe_read_user_str",
                           "bpf_get_current_task", "bpf_skb_store_bytes", "bpf_redirect"}) {
    const HelperDefinition* helper = platform->helpers().find(name);
    ASSERT_NE(helper, nullptr) << name;
    EXPECT_EQ(helper->function, nullptr) << name;
  }
}

TEST(LinuxHelpers, StandardImplementationsAreAttached) {
  auto platform = Platform::make_linux();
  for (const StandardHelper& helper : standard_helpers()) {
    ASSERT_NE(platform->helpers().find(helper.id), nullptr) << helper.id;
    EXPECT_EQ(platform->helpers().find(helper.id)->function, helper.function) << helper.id;
  }
  const auto table = platform->helpers().function_table();
  // Linux's ids end at 211; the built-ins' (1024-1028) make the table longer.
  ASSERT_EQ(table.size(), size_t{kBuiltinBcmp} + 1);
  EXPECT_EQ(table[211 + 1], nullptr);
  EXPECT_NE(table[kBuiltinMemset], nullptr);
  EXPECT_EQ(table[181], &bpf_loop);
  EXPECT_EQ(table[5], &bpf_ktime_get_ns);
  EXPECT_EQ(table[113], nullptr);
}

}  // namespace
}  // namespace sandbpf
