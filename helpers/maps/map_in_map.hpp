// BPF_MAP_TYPE_ARRAY_OF_MAPS and BPF_MAP_TYPE_HASH_OF_MAPS: values are
// inner maps set by the host. A program's bpf_map_lookup_elem returns the
// inner Map* itself (or null), which it then passes as a map argument, as
// in Linux. Programs cannot change these maps (-EINVAL). key_size (4 for
// the array) and value_size 4 are Linux's; host-side values are a Map*'s
// bytes (host_value_size() == sizeof(void*)).
//
// Every inner map must match the template the map was created with (Linux's
// bpf_map_meta_equal): same type, key_size, value_size and flags, and for
// an array template the same max_entries unless it has BPF_F_INNER_MAP.
// Map-in-map templates (two levels) are refused.
//
// Lifetime: set_inner() takes shared ownership; host_update() with a raw
// Map* does not (the host keeps that map alive while it is in the map and
// while runs may use it). A replaced or deleted inner map is let go
// through the EpochDomain, so runs that looked it up keep a live map.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "helpers/maps/epoch.hpp"
#include "helpers/maps/hash_map_base.hpp"
#include "helpers/maps/map.hpp"

namespace sandbpf {

// Checks an inner map against a template; the error names both.
Result<void> check_inner_map(const MapDefinition& outer, const MapDefinition& inner_template,
                             const Map& inner);

class ArrayOfMaps final : public Map {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment,
                                             const MapDefinition* inner_template);
  ~ArrayOfMaps() override;

  Result<void> set_inner(uint32_t index, std::shared_ptr<Map> inner);
  std::shared_ptr<Map> inner(uint32_t index) const;  // null when empty
  const MapDefinition& inner_template() const { return template_; }

  void* lookup(const void* key, uint32_t slot) override;  // the inner Map*
  long update(const void*, const void*, uint64_t, uint32_t) override { return -EINVAL; }
  long erase(const void*, uint32_t) override { return -EINVAL; }
  uint64_t host_value_size() const override { return sizeof(void*); }
  uint64_t memory_used() const override { return account_.used(); }

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) override;
  Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) override;
  Result<void> do_host_delete(std::span<const uint8_t> key) override;
  Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) override;

 private:
  struct Holder {
    std::shared_ptr<Map> map;
  };
  ArrayOfMaps(const MapDefinition& definition, const MapEnvironment& environment,
              const MapDefinition& inner_template);
  Result<void> store(uint32_t index, std::shared_ptr<Map> inner, std::string_view operation);

  MapDefinition template_;
  EpochDomain* epochs_;
  maps_internal::MemoryAccount account_;
  std::unique_ptr<std::atomic<Holder*>[]> entries_;
  mutable std::mutex host_lock_;  // host-side calls; programs only read
};

class HashOfMaps final : public HashMapBase {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment,
                                             const MapDefinition* inner_template);

  Result<void> set_inner(std::span<const uint8_t> key, std::shared_ptr<Map> inner,
                         uint64_t flags = kBpfAny);
  std::shared_ptr<Map> inner(std::span<const uint8_t> key) const;  // null when absent
  const MapDefinition& inner_template() const { return template_; }

  void* lookup(const void* key, uint32_t slot) override;  // the inner Map*
  long update(const void*, const void*, uint64_t, uint32_t) override { return -EINVAL; }
  long erase(const void*, uint32_t) override { return -EINVAL; }
  uint64_t host_value_size() const override { return sizeof(void*); }

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) override;
  Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) override;
  Result<void> do_host_delete(std::span<const uint8_t> key) override;

 private:
  struct Holder {
    std::shared_ptr<Map> map;
  };
  HashOfMaps(const MapDefinition& definition, const MapEnvironment& environment,
             const MapDefinition& inner_template);
  static void free_holder(uint8_t* value);
  Holder* holder_at(std::span<const uint8_t> key) const;  // under host_lock_

  MapDefinition template_;
  mutable std::mutex host_lock_;  // host-side calls; programs only read
};

}  // namespace sandbpf
