// The Linux helpers, ids 1..211 of the kernel's ___BPF_FUNC_MAPPER list,
// with the argument and return kinds of the kernel's verifier prototypes
// (net/core/filter.c, kernel/bpf/helpers.c, kernel/trace/bpf_trace.c,
// kernel/bpf/ringbuf.c ...) expressed as sandbpf ArgKinds. Where the kernel
// has several prototypes for one id (per program type), the table holds
// the one most programs see; DESIGN.md's Platform note applies: these are
// prototypes only, implementations are attached by helpers/standard/.
#include "helpers/linux/linux_platform.hpp"

#include <algorithm>

namespace sandbpf {
namespace {

using A = ArgKind;
using R = ReturnKind;

// Flags for the table rows.
enum : uint32_t {
  kPkt = 1u << 0,   // changes packet data
  kPriv = 1u << 1,  // privileged (CAP_BPF / CAP_PERFMON in the kernel)
  kAcq = 1u << 2,   // returns a reference to release
  kRel = 1u << 3,   // releases its reference argument
};

struct Row {
  uint32_t id;
  std::string_view name;
  ReturnKind returns;
  std::array<ArgKind, 5> args;
  uint32_t flags = 0;
  uint8_t callback_args = 0;
  std::array<uint32_t, 5> arg_size{};
};

// Shorthands, to keep one helper per line.
constexpr auto N = A::kNone;
constexpr auto ANY = A::kAnything;
constexpr auto CTX = A::kContext;
constexpr auto MAP = A::kMapPointer;
constexpr auto KEY = A::kMapKey;
constexpr auto VAL = A::kMapValue;
constexpr auto RMEM = A::kReadableMemory;
constexpr auto RMEM0 = A::kReadableMemoryOrNull;
constexpr auto WMEM = A::kWritableMemory;
constexpr auto WMEM0 = A::kWritableMemoryOrNull;
constexpr auto SZ = A::kSize;
constexpr auto SZ0 = A::kSizeOrZero;
constexpr auto BTF = A::kKernelObject;
constexpr auto SKC = A::kSocketCommon;
constexpr auto FN = A::kCallback;
constexpr auto CBCTX = A::kCallbackContext;
constexpr auto LONG = A::kWritableU64;
constexpr auto DYN = A::kDynptr;
constexpr auto TIMER = A::kTimer;

constexpr std::array<ArgKind, 5> args(ArgKind a = N, ArgKind b = N, ArgKind c = N, ArgKind d = N,
                                      ArgKind e = N) {
  return {a, b, c, d, e};
}

// clang-format off
const Row kRows[] = {
    {1, "bpf_map_lookup_elem", R::kMapValueOrNull, args(MAP, KEY)},
    {2, "bpf_map_update_elem", R::kInteger, args(MAP, KEY, VAL, ANY)},
    {3, "bpf_map_delete_elem", R::kInteger, args(MAP, KEY)},
    {4, "bpf_probe_read", R::kInteger, args(WMEM, SZ0, ANY), kPriv},
    {5, "bpf_ktime_get_ns", R::kInteger, args()},
    // The kernel checks only fmt and its size; r3..r5 are read unchecked.
    {6, "bpf_trace_printk", R::kInteger, args(RMEM, SZ), kPriv},
    {7, "bpf_get_prandom_u32", R::kInteger, args()},
    {8, "bpf_get_smp_processor_id", R::kInteger, args()},
    {9, "bpf_skb_store_bytes", R::kInteger, args(CTX, ANY, RMEM, SZ, ANY), kPkt},
    {10, "bpf_l3_csum_replace", R::kInteger, args(CTX, ANY, ANY, ANY, ANY), kPkt},
    {11, "bpf_l4_csum_replace", R::kInteger, args(CTX, ANY, ANY, ANY, ANY), kPkt},
    {12, "bpf_tail_call", R::kVoid, args(CTX, MAP, ANY)},
    {13, "bpf_clone_redirect", R::kInteger, args(CTX, ANY, ANY)},
    {14, "bpf_get_current_pid_tgid", R::kInteger, args()},
    {15, "bpf_get_current_uid_gid", R::kInteger, args()},
    {16, "bpf_get_current_comm", R::kInteger, args(WMEM, SZ)},
    {17, "bpf_get_cgroup_classid", R::kInteger, args(CTX)},
    {18, "bpf_skb_vlan_push", R::kInteger, args(CTX, ANY, ANY), kPkt},
    {19, "bpf_skb_vlan_pop", R::kInteger, args(CTX), kPkt},
    {20, "bpf_skb_get_tunnel_key", R::kInteger, args(CTX, WMEM, SZ, ANY)},
    {21, "bpf_skb_set_tunnel_key", R::kInteger, args(CTX, RMEM, SZ, ANY)},
    {22, "bpf_perf_event_read", R::kInteger, args(MAP, ANY)},
    {23, "bpf_redirect", R::kInteger, args(ANY, ANY)},
    {24, "bpf_get_route_realm", R::kInteger, args(CTX)},
    {25, "bpf_perf_event_output", R::kInteger, args(CTX, MAP, ANY, RMEM, SZ0)},
    {26, "bpf_skb_load_bytes", R::kInteger, args(CTX, ANY, WMEM, SZ)},
    {27, "bpf_get_stackid", R::kInteger, args(CTX, MAP, ANY)},
    {28, "bpf_csum_diff", R::kInteger, args(RMEM0, SZ0, RMEM0, SZ0, ANY)},
    {29, "bpf_skb_get_tunnel_opt", R::kInteger, args(CTX, WMEM, SZ)},
    {30, "bpf_skb_set_tunnel_opt", R::kInteger, args(CTX, RMEM, SZ)},
    {31, "bpf_skb_change_proto", R::kInteger, args(CTX, ANY, ANY), kPkt},
    {32, "bpf_skb_change_type", R::kInteger, args(CTX, ANY)},
    {33, "bpf_skb_under_cgroup", R::kInteger, args(CTX, MAP, ANY)},
    {34, "bpf_get_hash_recalc", R::kInteger, args(CTX)},
    {35, "bpf_get_current_task", R::kInteger, args(), kPriv},
    {36, "bpf_probe_write_user", R::kInteger, args(ANY, RMEM, SZ), kPriv},
    {37, "bpf_current_task_under_cgroup", R::kInteger, args(MAP, ANY)},
    {38, "bpf_skb_change_tail", R::kInteger, args(CTX, ANY, ANY), kPkt},
    {39, "bpf_skb_pull_data", R::kInteger, args(CTX, ANY), kPkt},
    {40, "bpf_csum_update", R::kInteger, args(CTX, ANY)},
    {41, "bpf_set_hash_invalid", R::kVoid, args(CTX)},
    {42, "bpf_get_numa_node_id", R::kInteger, args()},
    {43, "bpf_skb_change_head", R::kInteger, args(CTX, ANY, ANY), kPkt},
    {44, "bpf_xdp_adjust_head", R::kInteger, args(CTX, ANY), kPkt},
    {45, "bpf_probe_read_str", R::kInteger, args(WMEM, SZ0, ANY), kPriv},
    {46, "bpf_get_socket_cookie", R::kInteger, args(CTX)},
    {47, "bpf_get_socket_uid", R::kInteger, args(CTX)},
    {48, "bpf_set_hash", R::kInteger, args(CTX, ANY)},
    {49, "bpf_setsockopt", R::kInteger, args(CTX, ANY, ANY, RMEM, SZ)},
    {50, "bpf_skb_adjust_room", R::kInteger, args(CTX, ANY, ANY, ANY), kPkt},
    {51, "bpf_redirect_map", R::kInteger, args(MAP, ANY, ANY)},
    {52, "bpf_sk_redirect_map", R::kInteger, args(CTX, MAP, ANY, ANY)},
    {53, "bpf_sock_map_update", R::kInteger, args(CTX, MAP, KEY, ANY)},
    {54, "bpf_xdp_adjust_meta", R::kInteger, args(CTX, ANY), kPkt},
    {55, "bpf_perf_event_read_value", R::kInteger, args(MAP, ANY, WMEM, SZ)},
    {56, "bpf_perf_prog_read_value", R::kInteger, args(CTX, WMEM, SZ)},
    {57, "bpf_getsockopt", R::kInteger, args(CTX, ANY, ANY, WMEM, SZ)},
    {58, "bpf_override_return", R::kInteger, args(CTX, ANY), kPriv},
    {59, "bpf_sock_ops_cb_flags_set", R::kInteger, args(CTX, ANY)},
    {60, "bpf_msg_redirect_map", R::kInteger, args(CTX, MAP, ANY, ANY)},
    {61, "bpf_msg_apply_bytes", R::kInteger, args(CTX, ANY)},
    {62, "bpf_msg_cork_bytes", R::kInteger, args(CTX, ANY)},
    {63, "bpf_msg_pull_data", R::kInteger, args(CTX, ANY, ANY, ANY), kPkt},
    {64, "bpf_bind", R::kInteger, args(CTX, RMEM, SZ)},
    {65, "bpf_xdp_adjust_tail", R::kInteger, args(CTX, ANY), kPkt},
    {66, "bpf_skb_get_xfrm_state", R::kInteger, args(CTX, ANY, WMEM, SZ, ANY)},
    {67, "bpf_get_stack", R::kInteger, args(CTX, WMEM, SZ0, ANY)},
    {68, "bpf_skb_load_bytes_relative", R::kInteger, args(CTX, ANY, WMEM, SZ, ANY)},
    // The kernel reads and writes the params (ARG_PTR_TO_MEM without RDONLY):
    // they must be initialized, so readable memory.
    {69, "bpf_fib_lookup", R::kInteger, args(CTX, RMEM, SZ, ANY)},
    {70, "bpf_sock_hash_update", R::kInteger, args(CTX, MAP, KEY, ANY)},
    {71, "bpf_msg_redirect_hash", R::kInteger, args(CTX, MAP, KEY, ANY)},
    {72, "bpf_sk_redirect_hash", R::kInteger, args(CTX, MAP, KEY, ANY)},
    {73, "bpf_lwt_push_encap", R::kInteger, args(CTX, ANY, RMEM, SZ), kPkt},
    {74, "bpf_lwt_seg6_store_bytes", R::kInteger, args(CTX, ANY, RMEM, SZ), kPkt},
    {75, "bpf_lwt_seg6_adjust_srh", R::kInteger, args(CTX, ANY, ANY), kPkt},
    {76, "bpf_lwt_seg6_action", R::kInteger, args(CTX, ANY, RMEM, SZ), kPkt},
    {77, "bpf_rc_repeat", R::kInteger, args(CTX)},
    {78, "bpf_rc_keydown", R::kInteger, args(CTX, ANY, ANY, ANY)},
    {79, "bpf_skb_cgroup_id", R::kInteger, args(CTX)},
    {80, "bpf_get_current_cgroup_id", R::kInteger, args()},
    {81, "bpf_get_local_storage", R::kMapValue, args(MAP, ANY)},
    {82, "bpf_sk_select_reuseport", R::kInteger, args(CTX, MAP, KEY, ANY)},
    {83, "bpf_skb_ancestor_cgroup_id", R::kInteger, args(CTX, ANY)},
    {84, "bpf_sk_lookup_tcp", R::kSocketOrNull, args(CTX, RMEM, SZ, ANY, ANY), kAcq},
    {85, "bpf_sk_lookup_udp", R::kSocketOrNull, args(CTX, RMEM, SZ, ANY, ANY), kAcq},
    {86, "bpf_sk_release", R::kInteger, args(SKC), kRel},
    {87, "bpf_map_push_elem", R::kInteger, args(MAP, VAL, ANY)},
    {88, "bpf_map_pop_elem", R::kInteger, args(MAP, A::kMapValueUninit)},
    {89, "bpf_map_peek_elem", R::kInteger, args(MAP, A::kMapValueUninit)},
    {90, "bpf_msg_push_data", R::kInteger, args(CTX, ANY, ANY, ANY), kPkt},
    {91, "bpf_msg_pop_data", R::kInteger, args(CTX, ANY, ANY, ANY), kPkt},
    {92, "bpf_rc_pointer_rel", R::kInteger, args(CTX, ANY, ANY)},
    {93, "bpf_spin_lock", R::kVoid, args(A::kSpinLock), kPriv},
    {94, "bpf_spin_unlock", R::kVoid, args(A::kSpinLock), kPriv},
    {95, "bpf_sk_fullsock", R::kSocketOrNull, args(SKC)},
    {96, "bpf_tcp_sock", R::kTcpSockOrNull, args(SKC)},
    {97, "bpf_skb_ecn_set_ce", R::kInteger, args(CTX)},
    {98, "bpf_get_listener_sock", R::kSocketOrNull, args(SKC)},
    {99, "bpf_skc_lookup_tcp", R::kSocketCommonOrNull, args(CTX, RMEM, SZ, ANY, ANY), kAcq},
    {100, "bpf_tcp_check_syncookie", R::kInteger, args(SKC, RMEM, SZ, RMEM, SZ)},
    {101, "bpf_sysctl_get_name", R::kInteger, args(CTX, WMEM, SZ, ANY)},
    {102, "bpf_sysctl_get_current_value", R::kInteger, args(CTX, WMEM, SZ)},
    {103, "bpf_sysctl_get_new_value", R::kInteger, args(CTX, WMEM, SZ)},
    {104, "bpf_sysctl_set_new_value", R::kInteger, args(CTX, RMEM, SZ)},
    {105, "bpf_strtol", R::kInteger, args(RMEM, SZ, ANY, LONG)},
    {106, "bpf_strtoul", R::kInteger, args(RMEM, SZ, ANY, LONG)},
    {107, "bpf_sk_storage_get", R::kMapValueOrNull, args(MAP, SKC, A::kMapValueOrNull, ANY)},
    {108, "bpf_sk_storage_delete", R::kInteger, args(MAP, SKC)},
    {109, "bpf_send_signal", R::kInteger, args(ANY), kPriv},
    {110, "bpf_tcp_gen_syncookie", R::kInteger, args(SKC, RMEM, SZ, RMEM, SZ)},
    {111, "bpf_skb_output", R::kInteger, args(BTF, MAP, ANY, RMEM, SZ0), kPriv},
    {112, "bpf_probe_read_user", R::kInteger, args(WMEM, SZ0, ANY), kPriv},
    {113, "bpf_probe_read_kernel", R::kInteger, args(WMEM, SZ0, ANY), kPriv},
    {114, "bpf_probe_read_user_str", R::kInteger, args(WMEM, SZ0, ANY), kPriv},
    {115, "bpf_probe_read_kernel_str", R::kInteger, args(WMEM, SZ0, ANY), kPriv},
    {116, "bpf_tcp_send_ack", R::kInteger, args(BTF, ANY)},
    {117, "bpf_send_signal_thread", R::kInteger, args(ANY), kPriv},
    {118, "bpf_jiffies64", R::kInteger, args(), kPriv},
    {119, "bpf_read_branch_records", R::kInteger, args(CTX, WMEM0, SZ0, ANY), kPriv},
    {120, "bpf_get_ns_current_pid_tgid", R::kInteger, args(ANY, ANY, WMEM, SZ), kPriv},
    {121, "bpf_xdp_output", R::kInteger, args(BTF, MAP, ANY, RMEM, SZ0), kPriv},
    {122, "bpf_get_netns_cookie", R::kInteger, args(A::kContextOrNull)},
    {123, "bpf_get_current_ancestor_cgroup_id", R::kInteger, args(ANY)},
    {124, "bpf_sk_assign", R::kInteger, args(CTX, SKC, ANY)},
    {125, "bpf_ktime_get_boot_ns", R::kInteger, args()},
    {126, "bpf_seq_printf", R::kInteger, args(BTF, RMEM, SZ, RMEM0, SZ0), kPriv},
    {127, "bpf_seq_write", R::kInteger, args(BTF, RMEM, SZ0), kPriv},
    {128, "bpf_sk_cgroup_id", R::kInteger, args(SKC)},
    {129, "bpf_sk_ancestor_cgroup_id", R::kInteger, args(SKC, ANY)},
    {130, "bpf_ringbuf_output", R::kInteger, args(MAP, RMEM, SZ0, ANY)},
    {131, "bpf_ringbuf_reserve", R::kRingbufRecordOrNull, args(MAP, A::kAllocSize, ANY), kAcq},
    {132, "bpf_ringbuf_submit", R::kVoid, args(A::kRingbufRecord, ANY), kRel},
    {133, "bpf_ringbuf_discard", R::kVoid, args(A::kRingbufRecord, ANY), kRel},
    {134, "bpf_ringbuf_query", R::kInteger, args(MAP, ANY)},
    {135, "bpf_csum_level", R::kInteger, args(CTX, ANY)},
    {136, "bpf_skc_to_tcp6_sock", R::kKernelObjectOrNull, args(SKC)},
    {137, "bpf_skc_to_tcp_sock", R::kKernelObjectOrNull, args(SKC)},
    {138, "bpf_skc_to_tcp_timewait_sock", R::kKernelObjectOrNull, args(SKC)},
    {139, "bpf_skc_to_tcp_request_sock", R::kKernelObjectOrNull, args(SKC)},
    {140, "bpf_skc_to_udp6_sock", R::kKernelObjectOrNull, args(SKC)},
    {141, "bpf_get_task_stack", R::kInteger, args(BTF, WMEM, SZ0, ANY), kPriv},
    {142, "bpf_load_hdr_opt", R::kInteger, args(CTX, WMEM, SZ, ANY)},
    {143, "bpf_store_hdr_opt", R::kInteger, args(CTX, RMEM, SZ, ANY)},
    {144, "bpf_reserve_hdr_opt", R::kInteger, args(CTX, ANY, ANY)},
    {145, "bpf_inode_storage_get", R::kMapValueOrNull, args(MAP, BTF, A::kMapValueOrNull, ANY)},
    {146, "bpf_inode_storage_delete", R::kInteger, args(MAP, BTF)},
    {147, "bpf_d_path", R::kInteger, args(BTF, WMEM, SZ0), kPriv},
    {148, "bpf_copy_from_user", R::kInteger, args(WMEM, SZ0, ANY), kPriv},
    {149, "bpf_snprintf_btf", R::kInteger, args(WMEM, SZ, RMEM, SZ, ANY), kPriv},
    {150, "bpf_seq_printf_btf", R::kInteger, args(BTF, RMEM, SZ0, ANY), kPriv},
    {151, "bpf_skb_cgroup_classid", R::kInteger, args(CTX)},
    {152, "bpf_redirect_neigh", R::kInteger, args(ANY, RMEM0, SZ0, ANY)},
    {153, "bpf_per_cpu_ptr", R::kKernelObjectOrNull, args(BTF, ANY), kPriv},
    {154, "bpf_this_cpu_ptr", R::kKernelObject, args(BTF), kPriv},
    {155, "bpf_redirect_peer", R::kInteger, args(ANY, ANY)},
    {156, "bpf_task_storage_get", R::kMapValueOrNull, args(MAP, BTF, A::kMapValueOrNull, ANY)},
    {157, "bpf_task_storage_delete", R::kInteger, args(MAP, BTF)},
    {158, "bpf_get_current_task_btf", R::kKernelObject, args(), kPriv},
    {159, "bpf_bprm_opts_set", R::kInteger, args(BTF, ANY)},
    {160, "bpf_ktime_get_coarse_ns", R::kInteger, args()},
    {161, "bpf_ima_inode_hash", R::kInteger, args(BTF, WMEM, SZ)},
    {162, "bpf_sock_from_file", R::kKernelObjectOrNull, args(BTF)},
    {163, "bpf_check_mtu", R::kInteger, args(CTX, ANY, A::kWritableFixedMemory, ANY, ANY), 0, 0, {0, 0, 4, 0, 0}},
    {164, "bpf_for_each_map_elem", R::kInteger, args(MAP, FN, CBCTX, ANY), 0, 4},
    {165, "bpf_snprintf", R::kInteger, args(WMEM0, SZ0, A::kConstString, RMEM0, SZ0), kPriv},
    {166, "bpf_sys_bpf", R::kInteger, args(ANY, RMEM, SZ), kPriv},
    {167, "bpf_btf_find_by_name_kind", R::kInteger, args(RMEM, SZ, ANY, ANY), kPriv},
    {168, "bpf_sys_close", R::kInteger, args(ANY), kPriv},
    {169, "bpf_timer_init", R::kInteger, args(TIMER, MAP, ANY), kPriv},
    {170, "bpf_timer_set_callback", R::kInteger, args(TIMER, FN), kPriv, 3},
    {171, "bpf_timer_start", R::kInteger, args(TIMER, ANY, ANY), kPriv},
    {172, "bpf_timer_cancel", R::kInteger, args(TIMER), kPriv},
    {173, "bpf_get_func_ip", R::kInteger, args(CTX)},
    {174, "bpf_get_attach_cookie", R::kInteger, args(CTX)},
    {175, "bpf_task_pt_regs", R::kKernelObject, args(BTF), kPriv},
    {176, "bpf_get_branch_snapshot", R::kInteger, args(WMEM0, SZ0, ANY), kPriv},
    {177, "bpf_trace_vprintk", R::kInteger, args(RMEM, SZ, RMEM0, SZ0), kPriv},
    {178, "bpf_skc_to_unix_sock", R::kKernelObjectOrNull, args(SKC)},
    {179, "bpf_kallsyms_lookup_name", R::kInteger, args(RMEM, SZ, ANY, LONG), kPriv},
    {180, "bpf_find_vma", R::kInteger, args(BTF, ANY, FN, CBCTX, ANY), 0, 3},
    {181, "bpf_loop", R::kInteger, args(ANY, FN, CBCTX, ANY), 0, 2},
    {182, "bpf_strncmp", R::kInteger, args(RMEM, SZ, A::kConstString)},
    {183, "bpf_get_func_arg", R::kInteger, args(CTX, ANY, LONG)},
    {184, "bpf_get_func_ret", R::kInteger, args(CTX, LONG)},
    {185, "bpf_get_func_arg_cnt", R::kInteger, args(CTX)},
    {186, "bpf_get_retval", R::kInteger, args()},
    {187, "bpf_set_retval", R::kInteger, args(ANY)},
    {188, "bpf_xdp_get_buff_len", R::kInteger, args(CTX)},
    {189, "bpf_xdp_load_bytes", R::kInteger, args(CTX, ANY, WMEM, SZ)},
    {190, "bpf_xdp_store_bytes", R::kInteger, args(CTX, ANY, RMEM, SZ)},
    {191, "bpf_copy_from_user_task", R::kInteger, args(WMEM, SZ0, ANY, BTF, ANY), kPriv},
    {192, "bpf_skb_set_tstamp", R::kInteger, args(CTX, ANY, ANY)},
    {193, "bpf_ima_file_hash", R::kInteger, args(BTF, WMEM, SZ)},
    {194, "bpf_kptr_xchg", R::kKernelObjectOrNull, args(BTF, BTF), kPriv | kAcq | kRel},
    {195, "bpf_map_lookup_percpu_elem", R::kMapValueOrNull, args(MAP, KEY, ANY)},
    {196, "bpf_skc_to_mptcp_sock", R::kKernelObjectOrNull, args(SKC)},
    {197, "bpf_dynptr_from_mem", R::kInteger, args(WMEM, SZ0, ANY, DYN), kPriv},
    {198, "bpf_ringbuf_reserve_dynptr", R::kInteger, args(MAP, ANY, ANY, DYN), kPriv},
    {199, "bpf_ringbuf_submit_dynptr", R::kVoid, args(DYN, ANY), kPriv},
    {200, "bpf_ringbuf_discard_dynptr", R::kVoid, args(DYN, ANY), kPriv},
    {201, "bpf_dynptr_read", R::kInteger, args(WMEM, SZ0, DYN, ANY, ANY), kPriv},
    {202, "bpf_dynptr_write", R::kInteger, args(DYN, ANY, RMEM, SZ0, ANY), kPriv},
    {203, "bpf_dynptr_data", R::kKernelObjectOrNull, args(DYN, ANY, ANY), kPriv},
    // iphdr (20 bytes) / ipv6hdr (40 bytes) at fixed size, then the TCP header.
    {204, "bpf_tcp_raw_gen_syncookie_ipv4", R::kInteger, args(A::kReadableFixedMemory, RMEM, SZ), 0, 0,
     {20, 0, 0, 0, 0}},
    {205, "bpf_tcp_raw_gen_syncookie_ipv6", R::kInteger, args(A::kReadableFixedMemory, RMEM, SZ), 0, 0,
     {40, 0, 0, 0, 0}},
    {206, "bpf_tcp_raw_check_syncookie_ipv4", R::kInteger,
     args(A::kReadableFixedMemory, A::kReadableFixedMemory), 0, 0, {20, 20, 0, 0, 0}},
    {207, "bpf_tcp_raw_check_syncookie_ipv6", R::kInteger,
     args(A::kReadableFixedMemory, A::kReadableFixedMemory), 0, 0, {40, 20, 0, 0, 0}},
    {208, "bpf_ktime_get_tai_ns", R::kInteger, args()},
    {209, "bpf_user_ringbuf_drain", R::kInteger, args(MAP, FN, CBCTX, ANY), kPriv, 2},
    {210, "bpf_cgrp_storage_get", R::kMapValueOrNull, args(MAP, BTF, A::kMapValueOrNull, ANY), kPriv},
    {211, "bpf_cgrp_storage_delete", R::kInteger, args(MAP, BTF), kPriv},
};
// clang-format on

HelperPrototype to_prototype(const Row& row) {
  HelperPrototype p;
  p.id = row.id;
  p.name = row.name;
  p.returns = row.returns;
  p.args = row.args;
  p.arg_size = row.arg_size;
  p.changes_packet_data = (row.flags & kPkt) != 0;
  p.privileged = (row.flags & kPriv) != 0;
  p.acquires_reference = (row.flags & kAcq) != 0;
  p.releases_reference = (row.flags & kRel) != 0;
  p.callback_args = row.callback_args;
  if (std::find(row.args.begin(), row.args.end(), A::kMapPointer) != row.args.end())
    p.map_types = linux_helper_map_types(row.id);
  return p;
}

}  // namespace

const std::vector<HelperPrototype>& linux_helper_prototypes() {
  static const std::vector<HelperPrototype> prototypes = [] {
    std::vector<HelperPrototype> result;
    for (const Row& row : kRows) result.push_back(to_prototype(row));
    return result;
  }();
  return prototypes;
}

// ---- Which helpers each program type may call.
//
// The kernel hands each program type its own list of helpers (a per-type
// func_proto callback): networking types get the packet helpers that fit
// their hook, tracing types the probe and stack helpers, cgroup types the
// cgroup storage, and all of them a common base (map access, time, random
// numbers, ring buffers, tail calls, loops...). The sets below record which
// ids each type's list offers on a recent kernel (`bpftool feature probe`
// reports the same facts), built from shared groups. Privileged helpers
// stay marked as such in the table above.

namespace {

using Ids = std::vector<uint32_t>;

// Offered to every program type.
const Ids kBase = {1,   2,   3,   5,   6,   7,   8,   12,  35,  42,  87,  88,  89,  93,  94,  105,
                   106, 112, 113, 114, 115, 118, 120, 125, 130, 131, 132, 133, 134, 149, 153, 154,
                   158, 160, 164, 165, 169, 170, 171, 172, 175, 177, 181, 182, 194, 195, 197, 198,
                   199, 200, 201, 202, 203, 208, 209, 210, 211};
// The socket casts (bpf_skc_to_*), offered to networking and tracing types.
const Ids kSocketCasts = {136, 137, 138, 139, 140, 178, 196};
// Tracing: probe reads, the current task's ids, perf counters, signals,
// stacks, task storage.
const Ids kTracing = {4,   14,  15,  16,  22,  36,  37,  45,  46,  55,  80,  109, 117,
                      123, 141, 148, 156, 157, 162, 173, 176, 180, 191};
// perf_event_output, get_stackid, get_stack: every tracing type.
const Ids kTraceOutput = {25, 27, 67};
// A cgroup program's own helpers: local storage, the current task's ids
// and cgroup, its classid, return values, perf output.
const Ids kCgroup = {14, 15, 16, 17, 25, 80, 81, 123, 186, 187};
// Lightweight tunnels, every variant: loads, pulls, checksums, routing facts.
const Ids kLwt = {8, 17, 24, 25, 26, 28, 33, 34, 39};
// Socket filters: loads, the socket's cookie and uid, perf output.
const Ids kSocketFilter = {25, 26, 46, 47, 68};
// tc (sched_cls, sched_act): packet rewriting, checksums, VLANs, tunnels,
// redirects, hashes, routing and MTU lookups, socket lookups and
// assignment, cgroup ids, SYN cookies, timestamps.
const Ids kTc = {9,   10,  11,  13,  17,  18,  19,  20,  21,  23,  24,  25,  26,  28,  29,  30,
                 31,  32,  33,  34,  38,  39,  40,  41,  43,  46,  47,  48,  50,  66,  68,  69,
                 79,  83,  84,  85,  86,  95,  96,  97,  98,  99,  100, 107, 108, 110, 122, 124,
                 135, 151, 152, 155, 163, 192, 204, 205, 206, 207};
// XDP: head/tail/meta adjustment, redirects, loads and stores through the
// context, routing and MTU lookups, socket lookups, SYN cookies.
const Ids kXdp = {23,  25,  28,  44,  51,  54,  65,  69,  84,  85,  86,  99,
                  100, 110, 163, 188, 189, 190, 204, 205, 206, 207};

struct TypeHelpers {
  std::string_view type;
  std::vector<const Ids*> groups;
  Ids own;
};

const std::vector<TypeHelpers>& type_helpers() {
  static const std::vector<TypeHelpers> table = {
      // The kernel offers socket filters only kSocketFilter. sandbpf's
      // socket_filter also offers the tc helpers, as its context also
      // offers data/data_end (linux_program_types.cpp): it is the type
      // PREVAIL's convention (and ../shared/corpus/types.tsv) gives to
      // sections that name none, which in the corpus are tc programs
      // (Cilium's "2/1", "from-netdev", OVS's "tail-N"). Give --type
      // sched_cls to check those as what they are.
      {"socket_filter", {&kSocketCasts, &kSocketFilter, &kTc}, {}},
      {"sched_cls", {&kSocketCasts, &kTc}, {}},
      {"sched_act", {&kSocketCasts, &kTc}, {}},
      {"xdp", {&kSocketCasts, &kXdp}, {}},
      {"cgroup_skb", {&kSocketCasts, &kSocketFilter, &kCgroup},
       {79, 83, 84, 85, 86, 95, 96, 97, 98, 99, 107, 108, 128, 129}},
      {"sk_skb", {&kSocketCasts}, {9, 25, 26, 38, 39, 43, 46, 47, 50, 52, 72, 84, 85, 86, 99}},
      {"sk_msg", {&kSocketCasts}, {14, 15, 16, 17, 25, 46, 60, 61, 62, 63, 71, 80, 90, 91, 107, 108, 122, 123}},
      {"sk_reuseport", {&kSocketCasts}, {26, 46, 68, 82}},
      {"flow_dissector", {&kSocketCasts}, {26}},
      {"lwt_in", {&kSocketCasts, &kLwt}, {73}},
      {"lwt_out", {&kSocketCasts, &kLwt}, {}},
      {"lwt_xmit", {&kSocketCasts, &kLwt}, {9, 10, 11, 13, 20, 21, 23, 29, 30, 38, 40, 41, 43, 73, 135}},
      {"lwt_seg6local", {&kSocketCasts, &kLwt}, {74, 75, 76}},
      {"cgroup_sock", {&kSocketCasts, &kCgroup}, {46, 107, 108, 122}},
      {"cgroup_sock_addr", {&kSocketCasts, &kCgroup}, {46, 49, 57, 64, 84, 85, 86, 99, 107, 108, 122}},
      {"sock_ops", {&kSocketCasts, &kCgroup}, {46, 49, 53, 57, 59, 70, 96, 107, 108, 122, 142, 143, 144}},
      {"cgroup_device", {&kCgroup}, {}},
      {"cgroup_sysctl", {&kCgroup}, {101, 102, 103, 104}},
      {"cgroup_sockopt", {&kSocketCasts, &kCgroup}, {49, 57, 96, 107, 108, 122}},
      {"kprobe", {&kSocketCasts, &kTracing, &kTraceOutput}, {58, 174}},
      {"tracepoint", {&kSocketCasts, &kTracing, &kTraceOutput}, {174}},
      {"raw_tracepoint", {&kSocketCasts, &kTracing, &kTraceOutput}, {}},
      {"perf_event", {&kSocketCasts, &kTracing, &kTraceOutput}, {56, 119, 174}},
      // fentry/fexit/fmod_ret/tp_btf: the raw tracepoint's, plus function
      // arguments, skb/xdp output, seq files, d_path, socket, inode storage
      // and the LSM-style hashes.
      {"tracing", {&kSocketCasts, &kTracing, &kTraceOutput},
       {107, 108, 111, 121, 126, 127, 145, 146, 147, 150, 159, 161, 174, 183, 184, 185, 193}},
  };
  return table;
}

}  // namespace

std::vector<uint32_t> linux_helpers_for_program_type(std::string_view type) {
  for (const TypeHelpers& t : type_helpers()) {
    if (t.type != type) continue;
    Ids out = kBase;
    for (const Ids* g : t.groups) out.insert(out.end(), g->begin(), g->end());
    out.insert(out.end(), t.own.begin(), t.own.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }
  return {};  // a type this table does not know: every helper
}

}  // namespace sandbpf
