// The hash table behind hash, percpu_hash, lru_hash, lru_percpu_hash and
// hash_of_maps (HashMapBase). Not a map type of its own.
//
// Design:
// * Buckets: a power of two >= max_entries (as Linux), each an atomic head
//   pointer and a spin lock. Writers (update, delete, eviction, every
//   host-side call) hold the bucket's lock; program-side lookups take no
//   lock at all: they follow the chain with acquire loads, which is safe
//   because a run is inside a RunGuard and nothing it can reach is freed
//   before the run ends.
// * Elements (HashNode) are allocated as they are added (charged to the
//   budget; see map_memory_budget.hpp) and published with a release store
//   after their key and value are written. An update of an existing key
//   builds a new element and swaps it into the chain, as Linux does: a run
//   holding the old value keeps reading the old value. Deletes unlink. The
//   unlinked element keeps its `next`, so a lookup standing on it still
//   finds the rest of the chain; it is then retired to the EpochDomain.
// * Per-CPU variants update an existing element in place (Linux copies into
//   the element's per-CPU area too): the value pointer a run got stays the
//   same and sees the new value.
// * LRU: one list for the whole map (BPF_F_NO_COMMON_LRU is accepted and
//   ignored: sandbpf's slots are not CPUs with local lists), protected by
//   its own lock, always taken inside a bucket lock or alone. A program's
//   lookup only sets the element's `ref` bit (no lock, no list motion, as in
//   Linux). When an update needs room, eviction takes the oldest element
//   from the tail; if its ref bit is set it gets a second chance (bit
//   cleared, moved to the head) and the next oldest is examined. Host-side
//   lookups do not set the bit (Linux's syscall lookup does not either).
//   Eviction removes the element from the list under the LRU lock, then
//   from its chain under its bucket lock; a concurrent delete may do the
//   chain half first. Each element counts its two detachments (chain and
//   list) and whoever completes the second retires it, so no one frees an
//   element another thread is still detaching.
// * The element count is reserved before linking (atomic), so max_entries
//   holds under concurrency: a full table gives -E2BIG (hash) or evicts
//   (LRU; -ENOMEM if nothing can be evicted after repeated tries).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "helpers/maps/epoch.hpp"
#include "helpers/maps/map.hpp"
#include "helpers/maps/map_support.hpp"

namespace sandbpf::maps_internal {

struct HashNode {
  std::atomic<HashNode*> next{nullptr};
  HashNode* lru_prev = nullptr;  // LRU list, under the LRU lock
  HashNode* lru_next = nullptr;
  void (*value_free)(uint8_t* value) = nullptr;  // hash_of_maps: drops the inner map
  uint32_t bytes = 0;                            // allocation size, charged to the budget
  uint32_t value_offset = 0;                     // from key()
  uint32_t hash = 0;
  std::atomic<uint8_t> ref{0};        // LRU: a program looked it up since its last chance
  std::atomic<uint8_t> detaches{0};   // LRU: chain and list detachments done
  bool in_chain = false;              // under the bucket lock
  bool in_lru = false;                // under the LRU lock

  uint8_t* key();  // right after the header; the value(s) follow the key
};
inline constexpr uint64_t kHashNodeHeader = (sizeof(HashNode) + 15) & ~uint64_t{15};
inline uint8_t* HashNode::key() { return reinterpret_cast<uint8_t*>(this) + kHashNodeHeader; }

struct HashTableConfig {
  uint32_t key_size = 0;
  uint32_t value_size = 0;   // bytes of one value
  uint32_t max_entries = 0;
  uint32_t copies = 1;       // values per element: slots for per-CPU tables
  bool percpu = false;       // update existing elements in place (even with one slot)
  bool lru = false;
  bool zero_seed = false;
  void (*value_free)(uint8_t* value) = nullptr;
};

// How an update supplies the value(s) of an element.
struct ValueSource {
  enum class Kind : uint8_t {
    kWhole,    // one value (tables with copies == 1)
    kOneSlot,  // a program's per-CPU update: `slot` gets it, a new element's others are 0
    kAllSlots, // the host's per-CPU layout: copies values, each rounded up to 8 bytes
  };
  Kind kind = Kind::kWhole;
  const uint8_t* data = nullptr;
  uint32_t slot = 0;
};

class HashTable {
 public:
  HashTable(const HashTableConfig& config, EpochDomain* epochs, MemoryAccount* account);
  ~HashTable();
  HashTable(const HashTable&) = delete;
  HashTable& operator=(const HashTable&) = delete;

  static uint64_t bucket_count(uint32_t max_entries);
  static uint64_t bucket_bytes(uint32_t max_entries);

  // Program side (inside a RunGuard). lookup returns the value of `slot`.
  uint8_t* lookup(const void* key, uint32_t slot, bool mark_referenced);
  long update(const void* key, const ValueSource& value, uint64_t flags);
  long erase(const void* key);

  // Host side: under the bucket lock, copying.
  // copy_out writes the host layout (copies values, each rounded up to 8).
  long copy_out(const void* key, uint8_t* out);
  // False at the end. `key` null: the first key.
  bool next_key(const void* key, uint8_t* next_out);

  uint32_t size() const { return count_.load(std::memory_order_relaxed); }
  uint64_t value_stride() const { return stride_; }

 private:
  struct alignas(16) Bucket {
    std::atomic<HashNode*> head{nullptr};
    SpinLock lock;
  };

  uint32_t hash_key(const void* key) const;
  Bucket& bucket_for(uint32_t hash) const { return buckets_[hash & mask_]; }
  HashNode* find(const Bucket& bucket, const void* key, uint32_t hash) const;
  uint8_t* value_of(HashNode* node, uint32_t slot) const {
    return node->key() + key_stride_ + uint64_t{slot} * stride_;
  }
  HashNode* allocate(const void* key, uint32_t hash, const ValueSource& value);
  void write_in_place(HashNode* node, const ValueSource& value);
  static void unlink_from_chain(Bucket& bucket, HashNode* node);
  bool reserve_element();  // one more of max_entries, or false when full
  static void replace_in_chain(Bucket& bucket, HashNode* old, HashNode* node);
  void link_new(Bucket& bucket, HashNode* node);
  void retire(HashNode* node);
  void finish_detach(HashNode* node, uint8_t detaches);
  static void free_node(void* node, void* budget);

  long update_plain(const void* key, uint32_t hash, const ValueSource& value, uint64_t flags);
  long update_lru(const void* key, uint32_t hash, const ValueSource& value, uint64_t flags);
  bool evict_one();
  void lru_push_head(HashNode* node);
  void lru_remove(HashNode* node);

  const HashTableConfig config_;
  EpochDomain* const epochs_;
  MemoryAccount* const account_;
  const uint64_t key_stride_;
  const uint64_t stride_;
  const uint64_t node_bytes_;
  const uint64_t mask_;
  const uint64_t seed_;
  std::unique_ptr<Bucket[]> buckets_;
  std::atomic<uint32_t> count_{0};

  std::mutex lru_lock_;
  HashNode* lru_head_ = nullptr;  // most recently added
  HashNode* lru_tail_ = nullptr;  // eviction candidate
};

}  // namespace sandbpf::maps_internal
