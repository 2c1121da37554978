#include "helpers/helper_registry.hpp"

#include <fmt/format.h>

namespace sandbpf {
namespace {

std::unexpected<Error> bad_prototype(const HelperPrototype& p, std::string_view why) {
  return make_error(ErrorKind::kUsage, fmt::format("helper {} ({}): {}", p.id,
                                                   p.name.empty() ? "unnamed" : p.name, why));
}

bool returns_map_value(ReturnKind kind) {
  return kind == ReturnKind::kMapValueOrNull || kind == ReturnKind::kMapValue;
}

bool is_reference_arg(ArgKind kind) {
  return kind == ArgKind::kSocket || kind == ArgKind::kSocketCommon ||
         kind == ArgKind::kRingbufRecord || kind == ArgKind::kKernelObject;
}

bool is_pointer_return(ReturnKind kind) {
  return kind != ReturnKind::kInteger && kind != ReturnKind::kVoid;
}

}  // namespace

Result<void> HelperRegistry::validate(const HelperPrototype& p) {
  if (p.id == 0) return bad_prototype(p, "id 0 is not a helper (BPF_FUNC_unspec)");
  if (p.id > kMaxId) return bad_prototype(p, fmt::format("the id is above the limit {}", kMaxId));
  if (p.name.empty()) return bad_prototype(p, "the helper has no name");

  bool seen_none = false;
  bool seen_map = false;
  bool seen_alloc_size = false;
  int callbacks = 0;
  for (size_t i = 0; i < p.args.size(); ++i) {
    const ArgKind kind = p.args[i];
    const auto where = [&](std::string_view why) {
      return bad_prototype(p, fmt::format("argument {} ({}): {}", i + 1, arg_kind_name(kind), why));
    };
    if (kind == ArgKind::kNone) {
      seen_none = true;
      if (p.arg_size[i] != 0) return where("a fixed size is given for no argument");
      if (p.size_from[i] != 0) return where("size_from is given for no argument");
      continue;
    }
    if (seen_none) return where("follows an argument of kind none (arguments must be contiguous)");
    const auto is_size = [](ArgKind k) { return k == ArgKind::kSize || k == ArgKind::kSizeOrZero; };
    if (is_size(kind)) {
      // The size of the memory argument before it, or of those that name it.
      bool sizes_memory = i > 0 && arg_kind_is_sized_memory(p.args[i - 1]) && p.size_from[i - 1] == 0;
      for (size_t j = 0; j < p.args.size(); ++j)
        sizes_memory = sizes_memory || (arg_kind_is_sized_memory(p.args[j]) && p.size_from[j] == i + 1);
      if (!sizes_memory) return where("a size must follow a memory argument");
    }
    if (p.size_from[i] != 0) {
      if (!arg_kind_is_sized_memory(kind)) return where("size_from is only for sized memory arguments");
      if (p.size_from[i] > p.args.size() || p.size_from[i] == i + 1 || !is_size(p.args[p.size_from[i] - 1]))
        return where(fmt::format("size_from names argument {}, which is not a size", p.size_from[i]));
    } else if (arg_kind_is_sized_memory(kind) && !(i + 1 < p.args.size() && is_size(p.args[i + 1]))) {
      return where("a memory argument must be followed by its size");
    }
    if (arg_kind_needs_map(kind) && !seen_map) return where("needs a map argument before it");
    const bool fixed =
        kind == ArgKind::kReadableFixedMemory || kind == ArgKind::kWritableFixedMemory;
    if (fixed && p.arg_size[i] == 0)
      return where("a fixed-size memory argument needs its size in arg_size");
    if (!fixed && p.arg_size[i] != 0)
      return where("arg_size is only for fixed-size memory arguments");
    if (kind == ArgKind::kMapPointer) {
      if (seen_map) return where("a helper takes at most one map argument");
      seen_map = true;
    }
    if (kind == ArgKind::kAllocSize) seen_alloc_size = true;
    if (kind == ArgKind::kCallback) ++callbacks;
  }
  if (callbacks > 1) return bad_prototype(p, "a helper takes at most one callback");
  if (callbacks == 1 && (p.callback_args == 0 || p.callback_args > 5))
    return bad_prototype(p, "a callback argument needs callback_args between 1 and 5");
  if (callbacks == 0 && p.callback_args != 0)
    return bad_prototype(p, "callback_args is set but no argument is a callback");
  if (returns_map_value(p.returns) && !seen_map)
    return bad_prototype(p, "returns a map value but takes no map argument");
  if (p.returns == ReturnKind::kRingbufRecordOrNull && !seen_alloc_size)
    return bad_prototype(p, "returns a record but takes no alloc_size argument giving its size");
  if (p.returns == ReturnKind::kFirstArgument && p.args[0] == ArgKind::kNone)
    return bad_prototype(p, "returns its first argument but takes none");
  if (p.acquires_reference && !is_pointer_return(p.returns))
    return bad_prototype(p, "acquires a reference but returns no pointer");
  if (p.releases_reference) {
    bool found = false;
    for (ArgKind kind : p.args) found = found || is_reference_arg(kind);
    if (!found)
      return bad_prototype(p, "releases a reference but takes no socket, record or object");
  }
  return {};
}

HelperRegistry::HelperRegistry(const HelperRegistry& other) { *this = other; }

HelperRegistry& HelperRegistry::operator=(const HelperRegistry& other) {
  if (this == &other) return *this;
  std::map<uint32_t, HelperDefinition> copied;
  std::deque<std::string> names;
  for (const auto& [id, helper] : other.by_id_) {
    names.emplace_back(helper.prototype.name);
    HelperDefinition definition = helper;
    definition.prototype.name = names.back();
    copied.emplace(id, definition);
  }
  by_id_ = std::move(copied);
  names_ = std::move(names);
  return *this;
}

Result<void> HelperRegistry::add(const HelperDefinition& helper) {
  if (auto valid = validate(helper.prototype); !valid) return valid;
  const HelperPrototype& p = helper.prototype;
  for (const auto& [id, existing] : by_id_) {
    if (id != p.id && existing.prototype.name == p.name) {
      return make_error(
          ErrorKind::kUsage,
          fmt::format("helper {} ({}): the name is already used by helper {}", p.id, p.name, id));
    }
  }
  HelperDefinition stored = helper;
  // Keep our own copy of the name: the caller's string may not outlive us.
  auto same_name = by_id_.find(p.id);
  if (same_name != by_id_.end() && same_name->second.prototype.name == p.name) {
    stored.prototype.name = same_name->second.prototype.name;
  } else {
    names_.emplace_back(p.name);
    stored.prototype.name = names_.back();
  }
  by_id_[p.id] = stored;
  return {};
}

Result<void> HelperRegistry::set_function(uint32_t id, HelperFunction function) {
  auto it = by_id_.find(id);
  if (it == by_id_.end())
    return make_error(ErrorKind::kUsage, fmt::format("helper {}: no prototype with this id", id));
  it->second.function = function;
  return {};
}

const HelperDefinition* HelperRegistry::find(uint32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

const HelperDefinition* HelperRegistry::find(std::string_view name) const {
  for (const auto& [id, helper] : by_id_) {
    if (helper.prototype.name == name) return &helper;
  }
  return nullptr;
}

std::vector<const HelperDefinition*> HelperRegistry::all() const {
  std::vector<const HelperDefinition*> result;
  result.reserve(by_id_.size());
  for (const auto& [id, helper] : by_id_) result.push_back(&helper);
  return result;
}

std::vector<HelperFunction> HelperRegistry::function_table() const {
  if (by_id_.empty()) return {};
  std::vector<HelperFunction> table(by_id_.rbegin()->first + 1, nullptr);
  for (const auto& [id, helper] : by_id_) table[id] = helper.function;
  return table;
}

}  // namespace sandbpf
