// A Platform is what a program runs against, handed to both the verifier and
// the runtime so that what was proven is what runs (DESIGN.md): the program
// types with their context layouts, the helpers (prototypes and
// implementations), the map types, the stack rules and the default
// termination policy. `generic` and `linux` are two platforms; a host can
// build its own or extend one (add a context type, register helpers).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "helpers/helper_registry.hpp"
#include "sandbpf/error.hpp"

namespace sandbpf {

enum class TerminationPolicy : uint8_t {
  kProved,  // every loop bounded by proof; instructions per path limited
  kBudget,  // a runtime instruction budget, checked by every engine
  kNone,    // trusted code
};
std::string_view termination_policy_name(TerminationPolicy policy);

struct ByteRange {
  uint32_t begin = 0;  // [begin, end)
  uint32_t end = 0;
};

// A field of the context that holds a pointer the program may follow.
enum class ContextPointerKind : uint8_t {
  kPacketData,  // start of the packet (xdp_md.data, __sk_buff.data)
  kPacketEnd,   // one past its end (data_end)
  kPacketMeta,  // start of the metadata (data_meta)
  // A struct bpf_sock (__sk_buff.sk, bpf_sock_addr.sk), laid out as
  // Platform::socket_layout(). Always possibly null: a host may have no
  // socket to give, so programs must check it before use (the kernel does
  // not ask that for bpf_sock_addr.sk and sk_msg_md.sk).
  kSocket,
};

struct ContextPointerField {
  uint32_t offset = 0;
  uint8_t width = 8;  // bytes the program loads (4 for the kernel's u32 fields)
  ContextPointerKind kind = ContextPointerKind::kPacketData;
};

// How r1 (and r2) look at entry.
enum class EntryConvention : uint8_t {
  kContext,          // r1 = the context (Linux program types)
  kMemoryAndLength,  // r1 = memory, r2 = its length (generic; DESIGN.md)
};

struct ContextLayout {
  std::string c_type;               // "struct xdp_md", for messages
  uint32_t size = 0;                // bytes; accesses beyond are refused
  std::vector<ByteRange> readable;  // what loads may touch
  std::vector<ByteRange> writable;  // what stores may touch
  std::vector<ContextPointerField> pointers;
  // Named fields for CO-RE relocations and diagnostics: name -> (offset, size).
  struct Field {
    std::string name;
    uint32_t offset = 0;
    uint32_t size = 0;
  };
  std::vector<Field> fields;
};

struct ProgramType {
  std::string name;  // Linux's BPF_PROG_TYPE_* in lower case
  // ELF section names that imply this type. Each entry is a prefix that
  // matches a section equal to it, or continuing with a character that is
  // not a lower-case letter: "tc" matches "tc", "tc/ingress" and "tc_mark"
  // but not "tcp_x"; "kprobe/" matches every "kprobe/..."; "xdp" matches
  // "xdp", "xdp1", "xdp_prog/0". The longest matching entry of all types wins.
  std::vector<std::string> section_prefixes;
  EntryConvention entry = EntryConvention::kContext;
  ContextLayout context;
  // The values r0 may hold at exit, when the type restricts them.
  std::optional<std::pair<int64_t, int64_t>> return_range;
  bool legacy_packet_access = false;  // LD_ABS/LD_IND allowed
  bool privileged = true;             // may store pointers, call privileged helpers
  // The helpers programs of this type may call, by id, sorted (Linux: the
  // kernel offers each program type its own set); empty: every helper of
  // the platform.
  std::vector<uint32_t> helpers;

  bool may_call_helper(uint32_t id) const;
};

// Does `section` match the section prefix `prefix` (rule above)?
bool section_matches_prefix(std::string_view section, std::string_view prefix);

// Access to a context field, for ProgramTypeBuilder.
enum class FieldAccess : uint8_t { kReadOnly, kReadWrite, kWriteOnly, kNone };

// Builds a ProgramType with its context layout in a few lines: fields add
// themselves to the readable / writable ranges, pointer fields to the
// pointers too. Adjacent and overlapping ranges are merged by build().
//
// Example: a host whose plugins get a pointer to
//
//   struct request {          // 32 bytes
//     uint32_t len;           // 0: readable
//     uint32_t verdict;       // 4: the plugin writes its answer here
//     uint64_t data;          // 8: start of the request body
//     uint64_t data_end;      // 16: one past its end
//     uint64_t scratch;       // 24: free for the plugin
//   };
//
//   ProgramType type = ProgramTypeBuilder("request_filter", "struct request", 32)
//                          .field("len", 0, 4)
//                          .field("verdict", 4, 4, FieldAccess::kReadWrite)
//                          .pointer("data", 8, 8, ContextPointerKind::kPacketData)
//                          .pointer("data_end", 16, 8, ContextPointerKind::kPacketEnd)
//                          .field("scratch", 24, 8, FieldAccess::kReadWrite)
//                          .sections({"request"})  // ELF sections implying it (optional)
//                          .returns(0, 1)          // r0 at exit (optional)
//                          .build();
//   if (auto added = platform.add_program_type(std::move(type)); !added) ...
//
// The verifier then lets programs of that type read len, read and write
// verdict and scratch, follow data up to data_end after a bounds check, and
// nothing else; the host passes a struct request* as r1.
class ProgramTypeBuilder {
 public:
  ProgramTypeBuilder(std::string name, std::string c_type, uint32_t size);

  // A named field: readable unless access says otherwise.
  ProgramTypeBuilder& field(std::string name, uint32_t offset, uint32_t size,
                            FieldAccess access = FieldAccess::kReadOnly);
  // A field holding a pointer the program may follow: readable (never
  // writable), `width` bytes wide (8 for a real pointer; 4 for Linux's u32
  // fields that the kernel rewrites into pointer loads).
  ProgramTypeBuilder& pointer(std::string name, uint32_t offset, uint8_t width,
                              ContextPointerKind kind);
  // Unnamed ranges [begin, end).
  ProgramTypeBuilder& readable(uint32_t begin, uint32_t end);
  ProgramTypeBuilder& writable(uint32_t begin, uint32_t end);
  ProgramTypeBuilder& sections(std::vector<std::string> prefixes);
  ProgramTypeBuilder& returns(int64_t min, int64_t max);
  ProgramTypeBuilder& entry(EntryConvention convention);
  ProgramTypeBuilder& legacy_packet_access(bool allowed = true);
  ProgramTypeBuilder& privileged(bool is_privileged);

  ProgramType build() const;

 private:
  ProgramType type_;
};

// Checks a layout: ranges inside the size and not empty, pointer fields
// readable, not writable, and inside the size.
Result<void> validate_program_type(const ProgramType& type);

struct StackRules {
  uint32_t per_frame = 512;             // bytes each frame may use
  std::optional<uint32_t> whole_chain;  // linux: 512 for the whole call chain
  uint32_t frame_rounding = 32;         // each frame's depth rounded up first
  uint32_t max_call_depth = 8;
  uint32_t max_tail_calls = 33;
};

class Platform {
 public:
  Platform(std::string name, TerminationPolicy default_termination);

  // The two standard platforms (helpers/generic/, helpers/linux/).
  static std::unique_ptr<Platform> make_generic();
  static std::unique_ptr<Platform> make_linux();
  // By name ("generic", "linux"), for --platform; null for other names.
  static std::unique_ptr<Platform> make(std::string_view name);

  const std::string& name() const { return name_; }
  TerminationPolicy default_termination() const { return termination_; }

  // Program types. add_program_type refuses a duplicate name or an invalid
  // layout (validate_program_type).
  Result<void> add_program_type(ProgramType type);
  const ProgramType* find_program_type(std::string_view name) const;
  // The type a section name implies by prefix (DESIGN.md's list for linux),
  // or nullptr when it names none (Cilium's "2/1", "from-netdev", ...).
  const ProgramType* program_type_for_section(std::string_view section) const;
  const std::vector<ProgramType>& program_types() const { return types_; }

  HelperRegistry& helpers() { return helpers_; }
  const HelperRegistry& helpers() const { return helpers_; }

  // Map types (BPF_MAP_TYPE_* numbers) programs of this platform may use.
  void allow_map_type(uint32_t type);
  bool map_type_allowed(uint32_t type) const;
  const std::vector<uint32_t>& map_types() const { return map_types_; }

  StackRules& stack() { return stack_; }
  const StackRules& stack() const { return stack_; }

  // What a program may read through a socket pointer (a kSocket context
  // field, or a socket a helper returns): struct bpf_sock on linux (read
  // only), nothing (size 0) on generic.
  const ContextLayout& socket_layout() const { return socket_layout_; }
  void set_socket_layout(ContextLayout layout) { socket_layout_ = std::move(layout); }

 private:
  std::string name_;
  TerminationPolicy termination_;
  std::vector<ProgramType> types_;
  HelperRegistry helpers_;
  std::vector<uint32_t> map_types_;
  StackRules stack_;
  ContextLayout socket_layout_;
};

}  // namespace sandbpf
