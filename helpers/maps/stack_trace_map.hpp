// BPF_MAP_TYPE_STACK_TRACE: stack id (u32 key) -> a stack of u64
// instruction pointers (value_size a multiple of 8, at most 127 frames, as
// Linux's default perf_event_max_stack; with BPF_F_STACK_BUILD_ID a
// multiple of the 32-byte struct bpf_stack_build_id instead).
//
// In Linux the entries come from bpf_get_stackid, a kernel helper sandbpf
// does not implement, so here they come from the host: host_update stores
// a stack under an id (a sandbpf extension: Linux's syscall update gives
// EINVAL), with BPF_ANY / BPF_NOEXIST (EEXIST) / BPF_EXIST (ENOENT); at most
// max_entries stacks (ENOMEM beyond, as bpf_get_stackid when its
// preallocated elements run out). Valid ids are below max_entries rounded up
// to a power of two (Linux's bucket count); others give EINVAL on update
// and delete, ENOENT on lookup.
//
// As Linux: programs cannot look stacks up (lookup gives null: the kernel's
// op returns an error pointer and its verifier only allows bpf_get_stackid
// on this map) nor update them (-EINVAL); a delete (program or host) frees
// an id (-ENOENT when empty). Host lookup copies the stack; next_key visits
// the ids in use in increasing order (the first for no key, an id out of
// range or not in use); lookup-and-delete is ENOTSUPP.
//
// No program ever holds a pointer into this map, so a mutex guards
// everything and a deleted stack is freed at once. Memory: a pointer per
// bucket at creation, each stack as it is stored.
#pragma once

#include <mutex>
#include <vector>

#include "helpers/maps/map.hpp"
#include "helpers/maps/map_support.hpp"

namespace sandbpf {

inline constexpr uint32_t kBpfFStackBuildId = 1u << 5;

class StackTraceMap final : public Map {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);
  ~StackTraceMap() override;

  void* lookup(const void*, uint32_t) override { return nullptr; }
  long update(const void*, const void*, uint64_t, uint32_t) override { return -EINVAL; }
  long erase(const void* key, uint32_t slot) override;
  uint64_t memory_used() const override { return account_.used(); }
  uint32_t buckets() const { return static_cast<uint32_t>(entries_.size()); }

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) override;
  Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) override;
  Result<void> do_host_delete(std::span<const uint8_t> key) override;
  Result<void> do_host_lookup_and_delete(std::span<const uint8_t> key,
                                         std::span<uint8_t> value_out) override;
  Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) override;

 private:
  StackTraceMap(const MapDefinition& definition, const MapEnvironment& environment);
  long remove(uint32_t id);

  maps_internal::MemoryAccount account_;
  std::mutex lock_;
  std::vector<maps_internal::RawStorage> entries_;  // one per bucket, null when empty
  uint32_t count_ = 0;
};

}  // namespace sandbpf
