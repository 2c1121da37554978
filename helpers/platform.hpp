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
  kPacketData,     // start of the packet (xdp_md.data, __sk_buff.data)
  kPacketEnd,      // one past its end (data_end)
  kPacketMeta,     // start of the metadata (data_meta)
  kSocket,         // a struct bpf_sock (__sk_buff.sk, bpf_sock_addr.sk)
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
  std::string c_type;                   // "struct xdp_md", for messages
  uint32_t size = 0;                    // bytes; accesses beyond are refused
  std::vector<ByteRange> readable;      // what loads may touch
  std::vector<ByteRange> writable;      // what stores may touch
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
  std::string name;                      // Linux's BPF_PROG_TYPE_* in lower case
  std::vector<std::string> section_prefixes;  // "xdp", "kprobe/", ...
  EntryConvention entry = EntryConvention::kContext;
  ContextLayout context;
  // The values r0 may hold at exit, when the type restricts them.
  std::optional<std::pair<int64_t, int64_t>> return_range;
  bool legacy_packet_access = false;     // LD_ABS/LD_IND allowed
  bool privileged = true;                // may store pointers, call privileged helpers
};

struct StackRules {
  uint32_t per_frame = 512;              // bytes each frame may use
  std::optional<uint32_t> whole_chain;   // linux: 512 for the whole call chain
  uint32_t frame_rounding = 32;          // each frame's depth rounded up first
  uint32_t max_call_depth = 8;
  uint32_t max_tail_calls = 33;
};

class Platform {
 public:
  Platform(std::string name, TerminationPolicy default_termination);

  // The two standard platforms.
  static std::unique_ptr<Platform> make_generic();
  static std::unique_ptr<Platform> make_linux();

  const std::string& name() const { return name_; }
  TerminationPolicy default_termination() const { return termination_; }

  // Program types.
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

  StackRules& stack() { return stack_; }
  const StackRules& stack() const { return stack_; }

 private:
  std::string name_;
  TerminationPolicy termination_;
  std::vector<ProgramType> types_;
  HelperRegistry helpers_;
  std::vector<uint32_t> map_types_;
  StackRules stack_;
};

}  // namespace sandbpf
