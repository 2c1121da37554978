// BTF, the BPF Type Format (the kernel's Documentation/bpf/btf.rst): the
// .BTF section's types and strings, parsed and validated once (every type id
// a type refers to exists, every name is a string of the string section), so
// lookups need no further checks. Used for BTF-defined maps (.maps), line
// info file names and CO-RE relocations' types.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sandbpf/error.hpp"

namespace sandbpf::btf {

enum class Kind : uint8_t {
  kVoid = 0,  // type id 0 only
  kInt = 1,
  kPtr = 2,
  kArray = 3,
  kStruct = 4,
  kUnion = 5,
  kEnum = 6,
  kFwd = 7,
  kTypedef = 8,
  kVolatile = 9,
  kConst = 10,
  kRestrict = 11,
  kFunc = 12,
  kFuncProto = 13,
  kVar = 14,
  kDatasec = 15,
  kFloat = 16,
  kDeclTag = 17,
  kTypeTag = 18,
  kEnum64 = 19,
};

std::string_view kind_name(Kind kind);

// One member of a struct or union (bit offset), a function parameter, an
// enumerator (value in `offset`, and `offset_hi` for ENUM64) or a
// DATASEC's variable (`type`, byte `offset`, `size`).
struct Member {
  uint32_t name_off = 0;
  uint32_t type = 0;
  uint32_t offset = 0;
  uint32_t size = 0;
};

struct Type {
  Kind kind = Kind::kVoid;
  uint32_t name_off = 0;
  uint32_t vlen = 0;
  bool kind_flag = false;
  // size (INT, STRUCT, UNION, ENUM, DATASEC, FLOAT) or referenced type
  // (PTR, TYPEDEF, modifiers, FUNC, FUNC_PROTO's return, VAR, DECL_TAG).
  uint32_t size_or_type = 0;
  // ARRAY
  uint32_t array_type = 0;
  uint32_t array_index_type = 0;
  uint32_t array_nelems = 0;
  std::vector<Member> members;
};

class Btf {
 public:
  // Errors are kind kLoad with a sentence about the .BTF section; the caller
  // adds the file and section.
  static Result<Btf> parse(std::span<const uint8_t> section);

  // Number of type ids, including id 0 (void).
  uint32_t type_count() const { return static_cast<uint32_t>(types_.size()); }
  // The type with this id; id 0 is void. `id` must be < type_count().
  const Type& type(uint32_t id) const { return types_[id]; }
  // A string of the string section; `offset` must have been validated
  // (every offset a parsed type holds has been), or checked with has_string.
  std::string_view string(uint32_t offset) const;
  bool has_string(uint32_t offset) const;
  std::string_view name(uint32_t id) const { return string(types_[id].name_off); }

  // Follows typedefs, const, volatile, restrict and type tags to the type
  // they qualify. Cycles (malformed BTF) stop after a fixed depth and return
  // the id reached.
  uint32_t skip_qualifiers(uint32_t id) const;
  // The size in bytes of a value of this type, or an error naming the type.
  Result<uint64_t> size_of(uint32_t id) const;
  // The DATASEC with this name.
  std::optional<uint32_t> find_datasec(std::string_view name) const;
  // A readable name for diagnostics: "struct foo", "int", "(anon struct)".
  std::string describe(uint32_t id) const;

 private:
  std::vector<Type> types_;
  std::vector<uint8_t> strings_;
};

}  // namespace sandbpf::btf
