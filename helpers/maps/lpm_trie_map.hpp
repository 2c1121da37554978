// BPF_MAP_TYPE_LPM_TRIE: longest-prefix-match tables (routes, CIDR
// allow-lists). Linux's rules (Documentation/bpf/map_lpm_trie.rst, uapi):
// * The key is struct bpf_lpm_trie_key: a u32 prefixlen in host byte order,
//   then data_size = key_size - 4 bytes (1..256) in network byte order, so
//   the prefix is the first prefixlen bits of data, most significant bit of
//   data[0] first. value_size >= 1. map_flags must include
//   BPF_F_NO_PREALLOC; only BPF_F_NUMA_NODE and the access flags may join it.
// * lookup (program and host side alike): the value of the longest stored
//   prefix that matches the key's data, considering at most the key's own
//   prefixlen bits (programs normally pass the full width); null / ENOENT
//   when none matches.
// * update stores an exact prefix (prefixlen <= 8 * data_size, else
//   -EINVAL): BPF_ANY, BPF_NOEXIST (-EEXIST), BPF_EXIST (-ENOENT); a new
//   prefix when max_entries are stored gives -ENOSPC, replacing one never
//   does (as current kernels; older ones also refused replacements in a
//   full trie). Bits of data past prefixlen are ignored for matching but
//   kept, as Linux keeps them: next_key returns the key as last written.
//   delete removes an exact prefix (-ENOENT).
// * next_key visits keys in Linux's order (a post-order walk of the binary
//   trie, 0-branch first): a prefix after every longer prefix it contains,
//   and prefixes that diverge ordered by the first differing bit, 0 first.
//   No key, a prefixlen above the maximum, or a key not in the map: the
//   first key. Lookup-and-delete is -ENOTSUPP, as in Linux.
//
// Concurrency design (why not a real trie): a lock-free trie whose
// deletions splice out and copy nodes is a lot of delicate code; instead
// every stored prefix is an element of the shared HashTable
// (hash_table.hpp), keyed by its canonical form (prefixlen, data with the
// bits past prefixlen cleared). A lookup walks the prefix lengths in use,
// longest first, and probes the table with the key masked to each length:
// table lookups take no lock and the values they return are retired through
// the EpochDomain, so a program's pointer stays valid for its run and a
// replaced value is never overwritten under it. Which lengths are in use is
// a bitmap of atomic words, so a lookup costs one probe per distinct length
// present (a few for typical IPv4/IPv6 tables), not one per possible length.
// Writers (program or host updates and deletes) serialise on one mutex that
// also guards an ordered index of the stored keys, which gives next_key its
// Linux order in O(log n); lookups never take that mutex (host lookups do,
// to copy a value no writer can retire meanwhile). A reader racing a writer
// sees the table before or after the change, never a torn value.
//
// Memory charged to the budget: the table's buckets at creation (as hash
// maps: a power of two >= max_entries), each element as it is added, and
// for each stored key its ordered-index entry (index_entry_bytes: an
// estimate of the tree node plus the key's copy).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "helpers/maps/hash_table.hpp"
#include "helpers/maps/map.hpp"
#include "helpers/maps/map_support.hpp"

namespace sandbpf {

class LpmTrieMap final : public Map {
 public:
  static Result<std::unique_ptr<Map>> create(const MapDefinition& definition,
                                             const MapEnvironment& environment);
  ~LpmTrieMap() override;

  void* lookup(const void* key, uint32_t slot) override;
  long update(const void* key, const void* value, uint64_t flags, uint32_t slot) override;
  long erase(const void* key, uint32_t slot) override;
  uint64_t memory_used() const override { return account_.used(); }

  uint32_t size();  // prefixes stored now
  uint32_t max_prefixlen() const { return max_prefixlen_; }
  static uint64_t index_entry_bytes(uint32_t key_size);

 protected:
  Result<void> do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) override;
  Result<void> do_host_update(std::span<const uint8_t> key, std::span<const uint8_t> value,
                              uint64_t flags) override;
  Result<void> do_host_delete(std::span<const uint8_t> key) override;
  Result<void> do_host_lookup_and_delete(std::span<const uint8_t> key,
                                         std::span<uint8_t> value_out) override;
  Result<bool> do_host_next_key(std::span<const uint8_t> key, std::span<uint8_t> next_out) override;

 private:
  LpmTrieMap(const MapDefinition& definition, const MapEnvironment& environment);

  // Linux's next_key order on whole keys (prefixlen + data); keys with the
  // same prefix compare equal whatever their bits past prefixlen.
  struct Order {
    bool operator()(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) const;
  };

  uint8_t* longest_match(const uint8_t* key);
  void canonical(const uint8_t* key, uint32_t prefixlen, uint8_t* out) const;
  long insert(const uint8_t* key, const void* value, uint64_t flags);
  long remove(const uint8_t* key);
  void length_added(uint32_t prefixlen);    // under writer_
  void length_removed(uint32_t prefixlen);  // under writer_

  const uint32_t data_size_;
  const uint32_t max_prefixlen_;
  maps_internal::MemoryAccount account_;  // before table_: the table forgets into it
  std::unique_ptr<maps_internal::HashTable> table_;
  // Bit L set: some stored prefix has length L (read by lookups, lock-free).
  std::unique_ptr<std::atomic<uint64_t>[]> lengths_;
  std::vector<uint32_t> length_count_;  // prefixes per length, under writer_
  std::mutex writer_;
  std::set<std::vector<uint8_t>, Order> index_;  // the stored keys as written, under writer_
};

}  // namespace sandbpf
