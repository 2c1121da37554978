// BPF_MAP_TYPE_DEVMAP, BPF_MAP_TYPE_CPUMAP and BPF_MAP_TYPE_XSKMAP: the XDP
// redirect targets, as arrays the host fills (sandbpf has no net devices,
// CPUs' packet queues or AF_XDP sockets; what a redirect does with an entry
// is the host's business). Linux's rules (kernel/bpf/devmap.c, cpumap.c,
// net/xdp/xskmap.c, uapi struct bpf_devmap_val / bpf_cpumap_val):
// * key_size 4 (an index below max_entries), max_entries >= 1.
//   devmap: value_size 4 (ifindex) or 8 (+ a program fd); flags NUMA_NODE,
//   RDONLY, WRONLY. cpumap: value_size 4 (qsize) or 8 (+ a program fd);
//   flag NUMA_NODE only. xskmap: value_size 4 (a socket fd); flags
//   NUMA_NODE, RDONLY, WRONLY.
// * Host update: flags > BPF_EXIST give EINVAL and an index past the end
//   E2BIG. devmap and cpumap are arrays whose entries always exist:
//   BPF_NOEXIST gives EEXIST; ifindex 0 (devmap) or qsize 0 (cpumap)
//   empties the entry. cpumap: qsize above 16384 gives EOVERFLOW, an index
//   that is no CPU (here: not below MapEnvironment::slots) ENODEV. A
//   program fd > 0 (a program to run on redirected frames) gives EINVAL:
//   sandbpf cannot attach one; the stored program id reads 0, as Linux's
//   when none is attached. xskmap: BPF_NOEXIST on a used entry gives
//   EEXIST, BPF_EXIST on an empty one ENOENT; the fd is stored as given.
// * Host delete empties an entry (0 even if it was empty; EINVAL past the
//   end). Host lookup: devmap and cpumap copy the entry (ENOENT when
//   empty); xskmap's is EOPNOTSUPP, as in Linux. next_key: every index, as
//   array maps. Lookup-and-delete: ENOTSUPP.
// * Programs: a devmap lookup returns the entry's value (null when empty or
//   out of range), valid for the run: replaced and emptied entries are
//   retired through the EpochDomain. cpumap and xskmap lookups give null
//   (Linux offers programs no cpumap lookup; its xskmap lookup returns a
//   kernel socket, which sandbpf does not have). Program updates and
//   deletes give -EINVAL: Linux's verifier allows only bpf_redirect_map
//   and (devmap, xskmap) lookups on these maps.
// Writers serialise on a mutex; program lookups load the entry pointer
// without a lock. Memory: a pointer per entry at creation, each stored
// value as it is stored.
#pragma once

#include <atomic>
#include <mutex>

#include "helpers/maps/epoch.hpp"
#include "helpers/maps/map.hpp"
#include "helpers/maps/map_support.hpp"

namespace sandbpf {

class DeviceArrayMap final : public Map {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);
  ~DeviceArrayMap() override;

  void* lookup(const void* key, uint32_t slot) override;
  long update(const void*, const void*, uint64_t, uint32_t) override { return -EINVAL; }
  long erase(const void*, uint32_t) override { return -EINVAL; }
  uint64_t memory_used() const override { return account_.used(); }

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) override;
  Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) override;
  Result<void> do_host_delete(std::span<const uint8_t> key) override;
  Result<void> do_host_lookup_and_delete(std::span<const uint8_t> key,
                                         std::span<uint8_t> value_out) override;
  Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) override;

 private:
  DeviceArrayMap(const MapDefinition& definition, const MapEnvironment& environment);
  long store(uint32_t index, const uint8_t* value, uint64_t flags);
  void replace(uint32_t index, uint8_t* entry);  // under lock_; entry may be null

  EpochDomain* const epochs_;
  const uint32_t cpus_;  // cpumap: indexes below this are CPUs
  const uint64_t stride_;
  maps_internal::MemoryAccount account_;
  std::unique_ptr<std::atomic<uint8_t*>[]> entries_;
  std::mutex lock_;
};

}  // namespace sandbpf
