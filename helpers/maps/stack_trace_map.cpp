// The stack trace map: see stack_trace_map.hpp.
#include "helpers/maps/stack_trace_map.hpp"

#include <bit>
#include <cerrno>
#include <cstring>

namespace sandbpf {

using namespace maps_internal;

namespace {

// Linux's STACK_CREATE_FLAG_MASK.
constexpr uint32_t kStackFlags = kBpfFNumaNode | kBpfFRdonly | kBpfFWronly | kBpfFStackBuildId;
constexpr uint32_t kBuildIdEntrySize = 32;  // sizeof(struct bpf_stack_build_id)
constexpr uint32_t kMaxStackFrames = 127;   // sysctl kernel.perf_event_max_stack, default

}  // namespace

StackTraceMap::StackTraceMap(const MapDefinition& definition, const MapEnvironment& environment)
    : Map(definition), account_(environment.budget) {}

StackTraceMap::~StackTraceMap() = default;

Result<std::unique_ptr<Map>> StackTraceMap::create(const MapDefinition& d,
                                                   const MapEnvironment& environment) {
  if (d.flags & ~kStackFlags)
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for a stack_trace map",
                                           d.flags & ~kStackFlags));
  if (d.max_entries == 0) return definition_error(d, "max_entries must not be 0");
  if (d.key_size != 4)
    return definition_error(d, fmt::format("a stack_trace map's key_size must be 4 (a u32 stack "
                                           "id), not {}",
                                           d.key_size));
  const bool build_id = (d.flags & kBpfFStackBuildId) != 0;
  const uint32_t entry = build_id ? kBuildIdEntrySize : 8;
  if (d.value_size < 8 || d.value_size % entry != 0)
    return definition_error(d, fmt::format("a stack_trace map's value_size must be a non-zero "
                                           "multiple of {} bytes{}, not {}",
                                           entry, build_id ? " (BPF_F_STACK_BUILD_ID)" : "",
                                           d.value_size));
  if (d.value_size / entry > kMaxStackFrames)
    return definition_error(d, fmt::format("value_size {} holds more than Linux's {} stack frames",
                                           d.value_size, kMaxStackFrames));
  if (d.max_entries > (uint32_t{1} << 31))
    return definition_error(d, fmt::format("max_entries {} exceeds Linux's limit of 2^31",
                                           d.max_entries));
  std::unique_ptr<StackTraceMap> map(new StackTraceMap(d, environment));
  const uint64_t buckets = std::bit_ceil(uint64_t{d.max_entries});
  if (auto charged = charge_at_creation(map->account_, d, buckets * sizeof(void*)); !charged)
    return std::unexpected(charged.error());
  map->entries_.resize(buckets);
  return std::unique_ptr<Map>(std::move(map));
}

long StackTraceMap::remove(uint32_t id) {
  std::lock_guard<std::mutex> hold(lock_);
  if (id >= entries_.size()) return -EINVAL;
  if (!entries_[id]) return -ENOENT;
  entries_[id].reset();  // no program holds it: lookup never returns pointers
  --count_;
  account_.release(round_up8(definition().value_size));
  return 0;
}

long StackTraceMap::erase(const void* key, uint32_t) {
  if (definition().flags & kBpfFRdonlyProg) return -EPERM;
  return remove(read_u32(key));
}

Result<void> StackTraceMap::do_host_lookup(std::span<const uint8_t> key,
                                           std::span<uint8_t> value_out) {
  const uint32_t id = read_u32(key.data());
  std::lock_guard<std::mutex> hold(lock_);
  if (id >= entries_.size() || !entries_[id]) return host_error("lookup", -ENOENT);
  std::memcpy(value_out.data(), entries_[id].get(), definition().value_size);
  return {};
}

Result<void> StackTraceMap::do_host_update(std::span<const uint8_t> key,
                                           std::span<const uint8_t> value, uint64_t flags) {
  if (flags > kBpfExist) return host_error("update", -EINVAL);
  const uint32_t id = read_u32(key.data());
  std::lock_guard<std::mutex> hold(lock_);
  if (id >= entries_.size()) return host_error("update", -EINVAL);
  if (entries_[id]) {
    if (flags == kBpfNoExist) return host_error("update", -EEXIST);
    std::memcpy(entries_[id].get(), value.data(), definition().value_size);
    return {};
  }
  if (flags == kBpfExist) return host_error("update", -ENOENT);
  if (count_ >= definition().max_entries) return host_error("update", -ENOMEM);
  const uint64_t bytes = round_up8(definition().value_size);
  if (!account_.charge(bytes)) return host_error("update", -ENOMEM);
  entries_[id] = allocate_zeroed(bytes);
  std::memcpy(entries_[id].get(), value.data(), definition().value_size);
  ++count_;
  return {};
}

Result<void> StackTraceMap::do_host_delete(std::span<const uint8_t> key) {
  if (long err = remove(read_u32(key.data()))) return host_error("delete", err);
  return {};
}

Result<void> StackTraceMap::do_host_lookup_and_delete(std::span<const uint8_t>,
                                                      std::span<uint8_t>) {
  return host_error("lookup and delete", -kENotSupp);
}

Result<bool> StackTraceMap::do_host_next_key(std::span<const uint8_t> key,
                                             std::span<uint8_t> next_out) {
  std::lock_guard<std::mutex> hold(lock_);
  uint64_t id = 0;
  if (!key.empty()) {
    const uint32_t given = read_u32(key.data());
    if (given < entries_.size() && entries_[given]) id = uint64_t{given} + 1;
  }
  while (id < entries_.size() && !entries_[id]) ++id;
  if (id >= entries_.size()) return false;
  const auto next = static_cast<uint32_t>(id);
  std::memcpy(next_out.data(), &next, 4);
  return true;
}

}  // namespace sandbpf
