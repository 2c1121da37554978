#include "helpers/platform.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "helpers/standard/builtin_functions.hpp"
#include "vm/builtin_functions.hpp"

namespace sandbpf {
namespace {

// Sorts ranges and merges those that touch or overlap.
std::vector<ByteRange> merged(std::vector<ByteRange> ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.begin < b.begin; });
  std::vector<ByteRange> result;
  for (const ByteRange& range : ranges) {
    if (!result.empty() && range.begin <= result.back().end) {
      result.back().end = std::max(result.back().end, range.end);
    } else {
      result.push_back(range);
    }
  }
  return result;
}

bool covered(const std::vector<ByteRange>& ranges, uint32_t begin, uint32_t end) {
  for (const ByteRange& range : merged(ranges)) {
    if (range.begin <= begin && end <= range.end) return true;
  }
  return false;
}

bool overlaps(const std::vector<ByteRange>& ranges, uint32_t begin, uint32_t end) {
  for (const ByteRange& range : ranges) {
    if (range.begin < end && begin < range.end) return true;
  }
  return false;
}

std::string_view pointer_kind_name(ContextPointerKind kind) {
  switch (kind) {
    case ContextPointerKind::kPacketData: return "packet data";
    case ContextPointerKind::kPacketEnd: return "packet end";
    case ContextPointerKind::kPacketMeta: return "packet metadata";
    case ContextPointerKind::kSocket: return "socket";
  }
  return "pointer";
}

}  // namespace

std::string_view termination_policy_name(TerminationPolicy policy) {
  switch (policy) {
    case TerminationPolicy::kProved: return "proved";
    case TerminationPolicy::kBudget: return "budget";
    case TerminationPolicy::kNone: return "none";
  }
  return "unknown";
}

bool section_matches_prefix(std::string_view section, std::string_view prefix) {
  if (prefix.empty() || !section.starts_with(prefix)) return false;
  if (section.size() == prefix.size()) return true;
  const char last = prefix.back();
  if (!(last >= 'a' && last <= 'z')) return true;  // "kprobe/", "cgroup_skb/"
  const char next = section[prefix.size()];
  return !(next >= 'a' && next <= 'z');
}

bool ProgramType::may_call_helper(uint32_t id) const {
  // The built-in memory functions are the C library's, part of the program
  // rather than a service of the kernel: every program type has them.
  if (!builtin_function_name(id).empty()) return true;
  return helpers.empty() || std::binary_search(helpers.begin(), helpers.end(), id);
}

// ---- ProgramTypeBuilder

ProgramTypeBuilder::ProgramTypeBuilder(std::string name, std::string c_type, uint32_t size) {
  type_.name = std::move(name);
  type_.context.c_type = std::move(c_type);
  type_.context.size = size;
}

ProgramTypeBuilder& ProgramTypeBuilder::field(std::string name, uint32_t offset, uint32_t size,
                                              FieldAccess access) {
  if (access == FieldAccess::kReadOnly || access == FieldAccess::kReadWrite)
    readable(offset, offset + size);
  if (access == FieldAccess::kWriteOnly || access == FieldAccess::kReadWrite)
    writable(offset, offset + size);
  type_.context.fields.push_back({std::move(name), offset, size});
  return *this;
}

ProgramTypeBuilder& ProgramTypeBuilder::pointer(std::string name, uint32_t offset, uint8_t width,
                                                ContextPointerKind kind) {
  field(std::move(name), offset, width, FieldAccess::kReadOnly);
  type_.context.pointers.push_back({offset, width, kind});
  return *this;
}

ProgramTypeBuilder& ProgramTypeBuilder::readable(uint32_t begin, uint32_t end) {
  type_.context.readable.push_back({begin, end});
  return *this;
}

ProgramTypeBuilder& ProgramTypeBuilder::writable(uint32_t begin, uint32_t end) {
  type_.context.writable.push_back({begin, end});
  return *this;
}

ProgramTypeBuilder& ProgramTypeBuilder::sections(std::vector<std::string> prefixes) {
  type_.section_prefixes = std::move(prefixes);
  return *this;
}

ProgramTypeBuilder& ProgramTypeBuilder::returns(int64_t min, int64_t max) {
  type_.return_range = std::pair{min, max};
  return *this;
}

ProgramTypeBuilder& ProgramTypeBuilder::entry(EntryConvention convention) {
  type_.entry = convention;
  return *this;
}

ProgramTypeBuilder& ProgramTypeBuilder::legacy_packet_access(bool allowed) {
  type_.legacy_packet_access = allowed;
  return *this;
}

ProgramTypeBuilder& ProgramTypeBuilder::privileged(bool is_privileged) {
  type_.privileged = is_privileged;
  return *this;
}

ProgramType ProgramTypeBuilder::build() const {
  ProgramType type = type_;
  type.context.readable = merged(std::move(type.context.readable));
  type.context.writable = merged(std::move(type.context.writable));
  std::sort(type.context.pointers.begin(), type.context.pointers.end(),
            [](const ContextPointerField& a, const ContextPointerField& b) {
              return a.offset < b.offset;
            });
  std::sort(type.context.fields.begin(), type.context.fields.end(),
            [](const ContextLayout::Field& a, const ContextLayout::Field& b) {
              return a.offset < b.offset;
            });
  return type;
}

Result<void> validate_program_type(const ProgramType& type) {
  const auto bad = [&](std::string why) {
    return make_error(ErrorKind::kUsage, fmt::format("program type '{}': {}", type.name, why));
  };
  if (type.name.empty()) return make_error(ErrorKind::kUsage, "a program type needs a name");
  const ContextLayout& context = type.context;
  for (const auto* list : {&context.readable, &context.writable}) {
    for (const ByteRange& range : *list) {
      if (range.begin >= range.end)
        return bad(fmt::format("empty range [{}, {})", range.begin, range.end));
      if (range.end > context.size)
        return bad(fmt::format("range [{}, {}) goes beyond the context's {} bytes", range.begin,
                               range.end, context.size));
    }
  }
  for (const ContextPointerField& pointer : context.pointers) {
    const uint32_t end = pointer.offset + pointer.width;
    if (pointer.width != 4 && pointer.width != 8)
      return bad(fmt::format("the {} pointer at offset {} is {} bytes wide (4 or 8)",
                             pointer_kind_name(pointer.kind), pointer.offset, pointer.width));
    if (end > context.size)
      return bad(fmt::format("the {} pointer at offset {} goes beyond the context",
                             pointer_kind_name(pointer.kind), pointer.offset));
    if (!covered(context.readable, pointer.offset, end))
      return bad(fmt::format("the {} pointer at offset {} is not readable",
                             pointer_kind_name(pointer.kind), pointer.offset));
    if (overlaps(context.writable, pointer.offset, end))
      return bad(
          fmt::format("the {} pointer at offset {} is writable: a program could forge a pointer",
                      pointer_kind_name(pointer.kind), pointer.offset));
  }
  for (const ContextLayout::Field& field : context.fields) {
    if (field.offset + field.size > context.size)
      return bad(fmt::format("field '{}' goes beyond the context", field.name));
  }
  if (type.return_range && type.return_range->first > type.return_range->second)
    return bad("the return range is empty");
  if (type.entry == EntryConvention::kMemoryAndLength && context.size != 0)
    return bad(
        "a memory-and-length type has no context layout (its memory is the program's input)");
  return {};
}

// ---- Platform

Platform::Platform(std::string name, TerminationPolicy default_termination)
    : name_(std::move(name)), termination_(default_termination) {
  // Compilers call memset, memcpy, memmove and memcmp whatever the host, so
  // every platform has them (vm/builtin_functions.hpp).
  add_builtin_functions(helpers_);
}

std::unique_ptr<Platform> Platform::make(std::string_view name) {
  if (name == "generic") return make_generic();
  if (name == "linux") return make_linux();
  return nullptr;
}

Result<void> Platform::add_program_type(ProgramType type) {
  if (auto valid = validate_program_type(type); !valid) return valid;
  if (find_program_type(type.name) != nullptr)
    return make_error(
        ErrorKind::kUsage,
        fmt::format("platform '{}' already has a program type '{}'", name_, type.name));
  types_.push_back(std::move(type));
  return {};
}

const ProgramType* Platform::find_program_type(std::string_view name) const {
  for (const ProgramType& type : types_) {
    if (type.name == name) return &type;
  }
  return nullptr;
}

const ProgramType* Platform::program_type_for_section(std::string_view section) const {
  const ProgramType* best = nullptr;
  size_t best_length = 0;
  for (const ProgramType& type : types_) {
    for (const std::string& prefix : type.section_prefixes) {
      if (prefix.size() > best_length && section_matches_prefix(section, prefix)) {
        best = &type;
        best_length = prefix.size();
      }
    }
  }
  return best;
}

void Platform::allow_map_type(uint32_t type) {
  if (!map_type_allowed(type)) map_types_.push_back(type);
}

bool Platform::map_type_allowed(uint32_t type) const {
  return std::find(map_types_.begin(), map_types_.end(), type) != map_types_.end();
}

}  // namespace sandbpf
