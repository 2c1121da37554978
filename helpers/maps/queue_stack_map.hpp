// BPF_MAP_TYPE_QUEUE (first in, first out) and BPF_MAP_TYPE_STACK (last in,
// first out): key_size 0, up to max_entries values of value_size bytes,
// preallocated. bpf_map_push_elem with BPF_EXIST on a full map drops the
// oldest value to make room (for both kinds, as in Linux); without it a
// full map gives -E2BIG. pop/peek on an empty map give -ENOENT.
// Host side (as Linux's syscalls): lookup = peek, update = push (flags
// passed on), lookup_and_delete = pop; delete and next_key are -EINVAL.
#pragma once

#include "helpers/maps/map.hpp"
#include "helpers/maps/map_support.hpp"

namespace sandbpf {

class QueueStackMap final : public Map {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);
  ~QueueStackMap() override;

  long push(const void* value, uint64_t flags, uint32_t slot) override;
  long pop(void* value_out, uint32_t slot) override;
  long peek(void* value_out, uint32_t slot) override;
  void* lookup(const void*, uint32_t) override { return nullptr; }
  long update(const void* key, const void* value, uint64_t flags, uint32_t slot) override;
  long erase(const void*, uint32_t) override { return -EINVAL; }
  uint64_t memory_used() const override { return account_.used(); }
  uint32_t size() const;

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) override;
  Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) override;
  Result<void> do_host_delete(std::span<const uint8_t> key) override;
  Result<void> do_host_lookup_and_delete(std::span<const uint8_t> key,
                                         std::span<uint8_t> value_out) override;
  Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) override;

 private:
  QueueStackMap(const MapDefinition& definition, const MapEnvironment& environment);
  bool is_stack() const { return definition().type == kMapStack; }
  long take(void* value_out, bool remove);
  uint8_t* at(uint32_t position) const {
    return storage_.get() + uint64_t{position % definition().max_entries} * stride_;
  }

  const uint64_t stride_;
  maps_internal::MemoryAccount account_;
  maps_internal::RawStorage storage_;
  mutable maps_internal::SpinLock lock_;
  uint32_t oldest_ = 0;  // position of the oldest value
  uint32_t count_ = 0;
};

}  // namespace sandbpf
