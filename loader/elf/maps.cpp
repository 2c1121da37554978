#include "loader/elf/maps.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "loader/elf/bytes.hpp"

namespace sandbpf::elf {
namespace {

using btf::Btf;
using btf::Kind;

std::unexpected<Error> fail(const std::string& path, const std::string& section,
                            std::string message) {
  Location where;
  where.file = path;
  where.section = section;
  return make_error(ErrorKind::kLoad, std::move(message), std::move(where));
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The smallest legacy record: type, key_size, value_size, max_entries.
constexpr uint64_t kLegacyMinRecord = 16;
// Cilium's struct bpf_elf_map (iproute2's): ..., flags, id, pinning,
// inner_id, inner_idx.
constexpr uint64_t kCiliumRecord = 36;

// How a legacy map-of-maps names its inner map's template: by index among
// the object's legacy maps (the kernel samples' inner_map_idx), or, in
// iproute2's records, by an id that the template carries in its own `id`
// field (the outer map's inner_id; its inner_idx says where iproute2
// inserts the template into the outer map, not which map it is).
struct LegacyInnerLink {
  uint32_t inner_idx = UINT32_MAX;
  uint32_t id = 0;
  uint32_t inner_id = 0;
};

Result<void> collect_legacy(const ElfFile& elf, const Section& section, const std::string& path,
                            MapTable& table, std::vector<LegacyInnerLink>& links) {
  std::vector<const Symbol*> symbols;
  for (const Symbol& symbol : elf.symbols())
    if (symbol.shndx == section.index && symbol.type != kSttSection && symbol.type != kSttFile)
      symbols.push_back(&symbol);
  std::sort(symbols.begin(), symbols.end(), [](const Symbol* a, const Symbol* b) {
    return a->value != b->value ? a->value < b->value : a->index < b->index;
  });
  // Aliases (two names for one definition) define one map.
  symbols.erase(std::unique(symbols.begin(), symbols.end(),
                            [](const Symbol* a, const Symbol* b) { return a->value == b->value; }),
                symbols.end());
  if (symbols.empty()) return {};
  if (section.type != kShtProgbits)
    return fail(path, section.name,
                fmt::format("a maps section must hold map definitions (PROGBITS), not be of type {}",
                            section.type));

  const bool sized = std::all_of(symbols.begin(), symbols.end(),
                                 [](const Symbol* s) { return s->size != 0; });
  uint64_t equal_size = 0;
  if (!sized) {
    if (section.size % symbols.size() != 0)
      return fail(path, section.name,
                  fmt::format("the maps section has {} bytes, which cannot hold {} map "
                              "definitions of one size (its symbols have no sizes)",
                              section.size, symbols.size()));
    equal_size = section.size / symbols.size();
  }
  for (const Symbol* symbol : symbols) {
    const uint64_t record = sized ? symbol->size : equal_size;
    if (record < kLegacyMinRecord)
      return fail(path, section.name,
                  fmt::format("map {} is {} bytes, less than the {} bytes of type, key_size, "
                              "value_size and max_entries",
                              symbol->name, record, kLegacyMinRecord));
    if (!fits(symbol->value, record, section.size))
      return fail(path, section.name,
                  fmt::format("map {} at offset {} with {} bytes extends past the end of the "
                              "section ({} bytes)",
                              symbol->name, symbol->value, record, section.size));
    const auto bytes = section.data.subspan(symbol->value, record);
    MapDefinition map;
    map.name = symbol->name;
    map.origin = MapOrigin::kLegacySection;
    map.section = section.name;
    map.type = read_u32(bytes, 0);
    map.key_size = read_u32(bytes, 4);
    map.value_size = read_u32(bytes, 8);
    map.max_entries = read_u32(bytes, 12);
    if (record >= 20) map.flags = read_u32(bytes, 16);
    LegacyInnerLink link;
    if (record >= kCiliumRecord) {
      link.id = read_u32(bytes, 20);
      map.pinning = read_u32(bytes, 24);
      link.inner_id = read_u32(bytes, 28);
    } else if (record >= 24) {
      // The kernel samples' bpf_map_def: ..., map_flags, inner_map_idx,
      // numa_node. inner_map_idx indexes the object's legacy maps.
      link.inner_idx = read_u32(bytes, 20);
    }
    const auto index = static_cast<uint32_t>(table.maps.size());
    table.by_location[{section.index, symbol->value}] = index;
    table.maps.push_back(std::move(map));
    links.push_back(link);
  }
  return {};
}

struct BtfMapFields {
  std::optional<uint32_t> type, key_size, value_size, max_entries, flags, pinning;
  std::optional<uint32_t> inner;  // the inner map template's struct type id
};

// __uint(name, N) is `int (*name)[N]`: a pointer to an array of N elements.
std::optional<uint32_t> uint_member(const Btf& btf, uint32_t type) {
  const btf::Type& ptr = btf.type(btf.skip_qualifiers(type));
  if (ptr.kind != Kind::kPtr) return std::nullopt;
  const btf::Type& array = btf.type(btf.skip_qualifiers(ptr.size_or_type));
  if (array.kind != Kind::kArray) return std::nullopt;
  return array.array_nelems;
}

Result<BtfMapFields> parse_btf_map(const Btf& btf, uint32_t struct_id, const std::string& name,
                                   const std::string& path, const std::string& section) {
  BtfMapFields fields;
  const btf::Type& def = btf.type(struct_id);
  for (const btf::Member& member : def.members) {
    const std::string_view field = btf.string(member.name_off);
    auto need_uint = [&]() -> Result<uint32_t> {
      const auto value = uint_member(btf, member.type);
      if (!value)
        return fail(path, section,
                    fmt::format("map {}: member {} must be __uint({}, N) (a pointer to an array "
                                "of N), not {}",
                                name, field, field, btf.describe(member.type)));
      return *value;
    };
    auto type_size = [&]() -> Result<uint32_t> {
      const btf::Type& ptr = btf.type(btf.skip_qualifiers(member.type));
      if (ptr.kind != Kind::kPtr)
        return fail(path, section,
                    fmt::format("map {}: member {} must be __type({}, T) (a pointer to T), not {}",
                                name, field, field, btf.describe(member.type)));
      auto size = btf.size_of(ptr.size_or_type);
      if (!size)
        return fail(path, section, fmt::format("map {}: {}: {}", name, field, size.error().message));
      if (*size > UINT32_MAX)
        return fail(path, section, fmt::format("map {}: {} is larger than 4 GiB", name, field));
      return static_cast<uint32_t>(*size);
    };
    if (field == "type" || field == "max_entries" || field == "map_flags" || field == "key_size" ||
        field == "value_size" || field == "pinning") {
      auto value = need_uint();
      if (!value) return std::unexpected(value.error());
      if (field == "type") fields.type = *value;
      if (field == "max_entries") fields.max_entries = *value;
      if (field == "map_flags") fields.flags = *value;
      if (field == "key_size") fields.key_size = *value;
      if (field == "value_size") fields.value_size = *value;
      if (field == "pinning") fields.pinning = *value;
    } else if (field == "key" || field == "value") {
      auto size = type_size();
      if (!size) return std::unexpected(size.error());
      if (field == "key") {
        if (fields.key_size && *fields.key_size != *size)
          return fail(path, section,
                      fmt::format("map {}: key_size {} disagrees with the key type's size {}",
                                  name, *fields.key_size, *size));
        fields.key_size = *size;
      } else {
        if (fields.value_size && *fields.value_size != *size)
          return fail(path, section,
                      fmt::format("map {}: value_size {} disagrees with the value type's size {}",
                                  name, *fields.value_size, *size));
        fields.value_size = *size;
      }
    } else if (field == "values") {
      // __array(values, struct inner) is `struct inner *values[]`; for a
      // program array it points to a function prototype instead.
      const btf::Type& array = btf.type(btf.skip_qualifiers(member.type));
      if (array.kind != Kind::kArray)
        return fail(path, section,
                    fmt::format("map {}: member values must be __array(values, T), not {}", name,
                                btf.describe(member.type)));
      const btf::Type& ptr = btf.type(btf.skip_qualifiers(array.array_type));
      if (ptr.kind != Kind::kPtr)
        return fail(path, section,
                    fmt::format("map {}: member values must be an array of pointers, not of {}",
                                name, btf.describe(array.array_type)));
      const uint32_t pointee = btf.skip_qualifiers(ptr.size_or_type);
      if (btf.type(pointee).kind == Kind::kStruct) fields.inner = pointee;
    }
    // Other members (numa_node, map_extra, ...) do not change what a map is here.
  }
  return fields;
}

MapDefinition btf_map(const BtfMapFields& fields, std::string name, const std::string& section) {
  MapDefinition map;
  map.name = std::move(name);
  map.origin = MapOrigin::kBtf;
  map.section = section;
  map.type = fields.type.value_or(kMapUnspec);
  map.key_size = fields.key_size.value_or(0);
  map.value_size = fields.value_size.value_or(0);
  map.max_entries = fields.max_entries.value_or(0);
  map.flags = fields.flags.value_or(0);
  map.pinning = fields.pinning.value_or(0);
  // Map-in-map and program arrays declare `values`, not a value type: their
  // values are 4-byte map or program references (as libbpf sets them).
  if (!fields.value_size && (map.type == kMapArrayOfMaps || map.type == kMapHashOfMaps ||
                             map.type == kMapProgArray))
    map.value_size = 4;
  return map;
}

bool is_map_of_maps(uint32_t type) { return type == kMapArrayOfMaps || type == kMapHashOfMaps; }

Result<void> collect_btf(const ElfFile& elf, const Section& section, const Btf* btf,
                         const std::string& path, MapTable& table) {
  if (btf == nullptr)
    return fail(path, section.name, "the object has a .maps section but no .BTF to describe it");
  const auto datasec = btf->find_datasec(section.name);
  if (!datasec)
    return fail(path, section.name, "the BTF has no DATASEC describing the .maps section");
  // In a relocatable object the DATASEC's offsets may still be zero (the
  // compiler leaves them for the loader, as libbpf fills them in): the map
  // variable's symbol, found by name, says where it is.
  struct Var {
    uint32_t type;
    uint64_t offset;
    uint64_t size;
    const Symbol* symbol;
    size_t order;  // in the DATASEC
  };
  std::vector<Var> vars;
  for (const btf::Member& member : btf->type(*datasec).members) {
    const btf::Type& v = btf->type(member.type);
    if (v.kind != Kind::kVar)
      return fail(path, section.name,
                  fmt::format("the .maps DATASEC holds {} where a map variable belongs",
                              btf->describe(member.type)));
    const std::string_view name = btf->string(v.name_off);
    const Symbol* symbol = nullptr;
    for (const Symbol& s : elf.symbols())
      if (s.shndx == section.index && s.type != kSttSection && s.name == name) symbol = &s;
    vars.push_back(Var{member.type, symbol != nullptr ? symbol->value : member.offset, member.size,
                       symbol, vars.size()});
  }
  std::sort(vars.begin(), vars.end(), [](const Var& a, const Var& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.order < b.order;
  });
  std::vector<std::pair<uint32_t, uint32_t>> inner_templates;  // outer map index, struct id
  for (const Var& var : vars) {
    const btf::Type& v = btf->type(var.type);
    const std::string name(btf->string(v.name_off));
    const uint32_t struct_id = btf->skip_qualifiers(v.size_or_type);
    if (btf->type(struct_id).kind != Kind::kStruct)
      return fail(path, section.name,
                  fmt::format("map {} is a {}, not a struct of map attributes", name,
                              btf->describe(struct_id)));
    auto size = btf->size_of(struct_id);
    if (!size) return fail(path, section.name, fmt::format("map {}: {}", name, size.error().message));
    // The variable may be larger than its type: initial values of a
    // map-in-map's `values` array follow the struct.
    const uint64_t var_size = var.symbol != nullptr && var.symbol->size != 0 ? var.symbol->size
                              : var.size != 0                               ? var.size
                                                                            : *size;
    if (var_size < *size)
      return fail(path, section.name,
                  fmt::format("map {} is {} bytes, but its type {} is {} bytes", name, var_size,
                              btf->describe(struct_id), *size));
    if (var.size != 0 && var.symbol != nullptr && var.symbol->size != 0 &&
        var.size != var.symbol->size)
      return fail(path, section.name,
                  fmt::format("map {} is {} bytes in the BTF, but its symbol is {} bytes", name,
                              var.size, var.symbol->size));
    if (!fits(var.offset, var_size, section.size))
      return fail(path, section.name,
                  fmt::format("map {} at offset {} with {} bytes extends past the end of the "
                              "section ({} bytes)",
                              name, var.offset, var_size, section.size));
    auto fields = parse_btf_map(*btf, struct_id, name, path, section.name);
    if (!fields) return std::unexpected(fields.error());
    const auto index = static_cast<uint32_t>(table.maps.size());
    table.by_location[{section.index, var.offset}] = index;
    table.maps.push_back(btf_map(*fields, name, section.name));
    if (fields->inner && is_map_of_maps(table.maps.back().type))
      inner_templates.emplace_back(index, *fields->inner);
  }
  // Inner map templates follow the maps they belong to.
  for (const auto& [outer, struct_id] : inner_templates) {
    const std::string name = table.maps[outer].name + ".inner";
    auto fields = parse_btf_map(*btf, struct_id, name, path, section.name);
    if (!fields) return std::unexpected(fields.error());
    const auto index = static_cast<uint32_t>(table.maps.size());
    table.maps.push_back(btf_map(*fields, name, section.name));
    table.maps[outer].inner_map = index;
  }
  return {};
}

}  // namespace

bool is_legacy_maps_section(const Section& section) {
  return !section.executable() && (section.name == "maps" || starts_with(section.name, "maps/"));
}

bool is_btf_maps_section(const Section& section) {
  return !section.executable() && section.name == ".maps";
}

bool is_global_data_section(const Section& section) {
  if (section.executable()) return false;
  if (section.type != kShtProgbits && section.type != kShtNobits) return false;
  const std::string_view n = section.name;
  return n == ".data" || starts_with(n, ".data.") || n == ".rodata" || starts_with(n, ".rodata.") ||
         n == ".bss" || starts_with(n, ".bss.");
}

Result<MapTable> collect_maps(const ElfFile& elf, const btf::Btf* btf, const std::string& path,
                              const LoadOptions& options) {
  MapTable table;
  std::vector<LegacyInnerLink> links;
  for (const Section& section : elf.sections())
    if (is_legacy_maps_section(section))
      if (auto r = collect_legacy(elf, section, path, table, links); !r)
        return std::unexpected(r.error());
  const size_t legacy_count = table.maps.size();
  for (size_t i = 0; i < legacy_count; ++i) {
    if (!is_map_of_maps(table.maps[i].type)) continue;
    if (links[i].inner_idx < legacy_count) {
      table.maps[i].inner_map = links[i].inner_idx;
    } else if (links[i].inner_id != 0) {
      // The template is the other map whose id is inner_id (no match: no
      // template, as before: lookups in the outer map then give plain
      // values, and the verifier refuses using them as maps).
      for (size_t j = 0; j < legacy_count; ++j) {
        if (j != i && links[j].id == links[i].inner_id) {
          table.maps[i].inner_map = static_cast<uint32_t>(j);
          break;
        }
      }
    }
  }

  for (const Section& section : elf.sections())
    if (is_btf_maps_section(section))
      if (auto r = collect_btf(elf, section, btf, path, table); !r) return std::unexpected(r.error());

  for (const Section& section : elf.sections()) {
    if (!is_global_data_section(section) || section.size == 0) continue;
    if (section.size > UINT32_MAX || section.size > options.max_object_bytes)
      return fail(path, section.name,
                  fmt::format("the global data section is {} bytes, more than a map value can hold",
                              section.size));
    MapDefinition map;
    map.name = section.name;
    map.origin = MapOrigin::kGlobalData;
    map.section = section.name;
    map.type = kMapArray;
    map.key_size = 4;
    map.value_size = static_cast<uint32_t>(section.size);
    map.max_entries = 1;
    map.readonly = section.name == ".rodata" || starts_with(section.name, ".rodata.");
    // .bss (SHT_NOBITS) has no bytes in the file: its value starts as zeros,
    // which the array map gives every value, so nothing is copied. Its size
    // comes from the header alone, so materializing it here would let a
    // few header bytes make the loader allocate gigabytes (a fuzz finding).
    if (section.type != kShtNobits)
      map.initial_value.assign(section.data.begin(), section.data.end());
    table.global_data[section.index] = static_cast<uint32_t>(table.maps.size());
    table.maps.push_back(std::move(map));
  }
  return table;
}

}  // namespace sandbpf::elf
