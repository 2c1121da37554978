#include "loader/btf/btf.hpp"

#include <fmt/format.h>

#include "loader/elf/bytes.hpp"

namespace sandbpf::btf {
namespace {

using elf::fits;
using elf::read_u16;
using elf::read_u32;

constexpr uint16_t kMagic = 0xeb9f;
constexpr uint32_t kHeaderMin = 24;
constexpr int kMaxChain = 64;  // typedef/qualifier/array chains longer than this are cyclic

std::unexpected<Error> fail(std::string message) {
  return make_error(ErrorKind::kLoad, std::move(message));
}

bool is_qualifier(Kind kind) {
  return kind == Kind::kTypedef || kind == Kind::kVolatile || kind == Kind::kConst ||
         kind == Kind::kRestrict || kind == Kind::kTypeTag;
}

}  // namespace

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::kVoid: return "void";
    case Kind::kInt: return "int";
    case Kind::kPtr: return "ptr";
    case Kind::kArray: return "array";
    case Kind::kStruct: return "struct";
    case Kind::kUnion: return "union";
    case Kind::kEnum: return "enum";
    case Kind::kFwd: return "fwd";
    case Kind::kTypedef: return "typedef";
    case Kind::kVolatile: return "volatile";
    case Kind::kConst: return "const";
    case Kind::kRestrict: return "restrict";
    case Kind::kFunc: return "func";
    case Kind::kFuncProto: return "func_proto";
    case Kind::kVar: return "var";
    case Kind::kDatasec: return "datasec";
    case Kind::kFloat: return "float";
    case Kind::kDeclTag: return "decl_tag";
    case Kind::kTypeTag: return "type_tag";
    case Kind::kEnum64: return "enum64";
  }
  return "?";
}

bool Btf::has_string(uint32_t offset) const { return offset < strings_.size(); }

std::string_view Btf::string(uint32_t offset) const {
  // The string section ends with a NUL (checked by parse), so any offset
  // inside it starts a terminated string.
  if (offset >= strings_.size()) return {};
  return std::string_view(reinterpret_cast<const char*>(strings_.data() + offset));
}

Result<Btf> Btf::parse(std::span<const uint8_t> section) {
  if (section.size() < kHeaderMin)
    return fail(fmt::format("the section has {} bytes, less than the {}-byte header",
                            section.size(), kHeaderMin));
  if (read_u16(section, 0) != kMagic)
    return fail(fmt::format("bad magic 0x{:04x} (expected 0xeb9f, little-endian BTF)",
                            read_u16(section, 0)));
  if (section[2] != 1) return fail(fmt::format("unsupported version {}", section[2]));
  const uint32_t hdr_len = read_u32(section, 4);
  const uint32_t type_off = read_u32(section, 8);
  const uint32_t type_len = read_u32(section, 12);
  const uint32_t str_off = read_u32(section, 16);
  const uint32_t str_len = read_u32(section, 20);
  if (hdr_len < kHeaderMin || hdr_len > section.size())
    return fail(fmt::format("header length {} is outside the section (size {})", hdr_len,
                            section.size()));
  const auto body = section.subspan(hdr_len);
  if (!fits(type_off, type_len, body.size()))
    return fail(fmt::format("the type section (offset {}, length {}) extends past the end of the "
                            ".BTF section ({} bytes after the header)",
                            type_off, type_len, body.size()));
  if (!fits(str_off, str_len, body.size()))
    return fail(fmt::format("the string section (offset {}, length {}) extends past the end of "
                            "the .BTF section ({} bytes after the header)",
                            str_off, str_len, body.size()));
  if (str_len == 0 || body[str_off] != 0 || body[str_off + str_len - 1] != 0)
    return fail("the string section must start and end with a NUL byte");

  Btf btf;
  btf.strings_.assign(body.begin() + str_off, body.begin() + str_off + str_len);
  const auto types = body.subspan(type_off, type_len);

  btf.types_.push_back(Type{});  // id 0: void
  uint64_t at = 0;
  while (at < types.size()) {
    const uint32_t id = static_cast<uint32_t>(btf.types_.size());
    if (!fits(at, 12, types.size()))
      return fail(fmt::format("type {} at offset {} is truncated (the type section has {} bytes)",
                              id, at, types.size()));
    Type t;
    t.name_off = read_u32(types, at);
    const uint32_t info = read_u32(types, at + 4);
    t.size_or_type = read_u32(types, at + 8);
    t.vlen = info & 0xffff;
    t.kind_flag = (info >> 31) != 0;
    const uint32_t kind = (info >> 24) & 0x1f;
    if (kind == 0 || kind > static_cast<uint32_t>(Kind::kEnum64))
      return fail(fmt::format("type {} has unknown kind {}", id, kind));
    t.kind = static_cast<Kind>(kind);
    at += 12;

    uint64_t extra = 0;      // bytes after btf_type
    uint64_t per_member = 0; // bytes per vlen entry
    switch (t.kind) {
      case Kind::kInt: extra = 4; break;
      case Kind::kArray: extra = 12; break;
      case Kind::kStruct: case Kind::kUnion: per_member = 12; break;
      case Kind::kEnum: per_member = 8; break;
      case Kind::kFuncProto: per_member = 8; break;
      case Kind::kVar: extra = 4; break;
      case Kind::kDatasec: per_member = 12; break;
      case Kind::kDeclTag: extra = 4; break;
      case Kind::kEnum64: per_member = 12; break;
      default: break;
    }
    const uint64_t need = extra + per_member * t.vlen;
    if (!fits(at, need, types.size()))
      return fail(fmt::format("type {} ({}) needs {} more bytes at offset {}, past the end of the "
                              "type section ({} bytes)",
                              id, kind_name(t.kind), need, at, types.size()));
    if (t.kind == Kind::kArray) {
      t.array_type = read_u32(types, at);
      t.array_index_type = read_u32(types, at + 4);
      t.array_nelems = read_u32(types, at + 8);
    }
    const uint64_t members_at = at + extra;
    for (uint32_t m = 0; m < t.vlen && per_member != 0; ++m) {
      const uint64_t p = members_at + m * per_member;
      Member member;
      switch (t.kind) {
        case Kind::kStruct: case Kind::kUnion:
          member.name_off = read_u32(types, p);
          member.type = read_u32(types, p + 4);
          member.offset = read_u32(types, p + 8);
          break;
        case Kind::kEnum:
          member.name_off = read_u32(types, p);
          member.offset = read_u32(types, p + 4);
          break;
        case Kind::kFuncProto:
          member.name_off = read_u32(types, p);
          member.type = read_u32(types, p + 4);
          break;
        case Kind::kDatasec:
          member.type = read_u32(types, p);
          member.offset = read_u32(types, p + 4);
          member.size = read_u32(types, p + 8);
          break;
        case Kind::kEnum64:
          member.name_off = read_u32(types, p);
          member.offset = read_u32(types, p + 4);
          member.size = read_u32(types, p + 8);  // high 32 bits
          break;
        default: break;
      }
      t.members.push_back(member);
    }
    at += need;
    btf.types_.push_back(std::move(t));
  }

  // Every name is a string, every referenced type exists.
  const uint32_t count = btf.type_count();
  auto check_type = [&](uint32_t id, uint32_t ref, std::string_view what) -> Result<void> {
    if (ref >= count)
      return fail(fmt::format("type {} ({}) refers to type {} as its {}, but there are only {} "
                              "types",
                              id, kind_name(btf.types_[id].kind), ref, what, count - 1));
    return {};
  };
  auto check_name = [&](uint32_t id, uint32_t off) -> Result<void> {
    if (off >= btf.strings_.size())
      return fail(fmt::format("type {} ({})'s name offset {} is outside the string section "
                              "({} bytes)",
                              id, kind_name(btf.types_[id].kind), off, btf.strings_.size()));
    return {};
  };
  for (uint32_t id = 1; id < count; ++id) {
    const Type& t = btf.types_[id];
    if (auto r = check_name(id, t.name_off); !r) return std::unexpected(r.error());
    switch (t.kind) {
      case Kind::kPtr: case Kind::kTypedef: case Kind::kVolatile: case Kind::kConst:
      case Kind::kRestrict: case Kind::kFunc: case Kind::kFuncProto: case Kind::kVar:
      case Kind::kDeclTag: case Kind::kTypeTag:
        if (auto r = check_type(id, t.size_or_type, "type"); !r) return std::unexpected(r.error());
        break;
      case Kind::kArray:
        if (auto r = check_type(id, t.array_type, "element type"); !r)
          return std::unexpected(r.error());
        if (auto r = check_type(id, t.array_index_type, "index type"); !r)
          return std::unexpected(r.error());
        break;
      default: break;
    }
    for (const Member& m : t.members) {
      if (auto r = check_name(id, m.name_off); !r) return std::unexpected(r.error());
      if (t.kind == Kind::kStruct || t.kind == Kind::kUnion || t.kind == Kind::kFuncProto ||
          t.kind == Kind::kDatasec)
        if (auto r = check_type(id, m.type, "member type"); !r) return std::unexpected(r.error());
    }
  }
  return btf;
}

uint32_t Btf::skip_qualifiers(uint32_t id) const {
  for (int depth = 0; depth < kMaxChain && id < types_.size() && is_qualifier(types_[id].kind);
       ++depth)
    id = types_[id].size_or_type;
  return id;
}

Result<uint64_t> Btf::size_of(uint32_t id) const {
  uint64_t multiplier = 1;
  for (int depth = 0; depth < kMaxChain; ++depth) {
    if (id >= types_.size()) return fail(fmt::format("type {} does not exist", id));
    const Type& t = types_[id];
    switch (t.kind) {
      case Kind::kInt: case Kind::kStruct: case Kind::kUnion: case Kind::kEnum:
      case Kind::kEnum64: case Kind::kDatasec: case Kind::kFloat:
        return multiplier * t.size_or_type;
      case Kind::kPtr:
        return multiplier * 8;
      case Kind::kTypedef: case Kind::kVolatile: case Kind::kConst: case Kind::kRestrict:
      case Kind::kTypeTag: case Kind::kVar:
        id = t.size_or_type;
        break;
      case Kind::kArray:
        // Sizes are 32-bit in BTF; anything larger than 4 GiB is nonsense.
        multiplier *= t.array_nelems;
        if (multiplier > 0xffffffffull)
          return fail(fmt::format("array type {} is larger than 4 GiB", id));
        id = t.array_type;
        break;
      default:
        return fail(fmt::format("type {} ({}) has no size", id, describe(id)));
    }
  }
  return fail(fmt::format("type {} is part of a cycle of typedefs, qualifiers or arrays", id));
}

std::optional<uint32_t> Btf::find_datasec(std::string_view name) const {
  for (uint32_t id = 1; id < types_.size(); ++id)
    if (types_[id].kind == Kind::kDatasec && string(types_[id].name_off) == name) return id;
  return std::nullopt;
}

std::string Btf::describe(uint32_t id) const {
  if (id == 0) return "void";
  if (id >= types_.size()) return fmt::format("type {}", id);
  const Type& t = types_[id];
  const std::string_view n = string(t.name_off);
  switch (t.kind) {
    case Kind::kStruct: case Kind::kUnion: case Kind::kEnum: case Kind::kEnum64:
    case Kind::kFwd:
      if (n.empty()) return fmt::format("(anon {})", kind_name(t.kind));
      return fmt::format("{} {}", kind_name(t.kind == Kind::kEnum64 ? Kind::kEnum : t.kind), n);
    default:
      if (n.empty()) return std::string(kind_name(t.kind));
      return std::string(n);
  }
}

}  // namespace sandbpf::btf
