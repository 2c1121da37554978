// The hash table core: see hash_table.hpp for the design.
#include "helpers/maps/hash_table.hpp"

#include <bit>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <new>
#include <thread>

namespace sandbpf::maps_internal {

namespace {

uint64_t mix64(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h;
}

uint64_t make_seed(const void* table) {
  static std::atomic<uint64_t> counter{0};
  const auto now = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  return mix64(now ^ reinterpret_cast<uintptr_t>(table) ^
               (counter.fetch_add(0x9e3779b97f4a7c15ull, std::memory_order_relaxed)));
}

// Tries of "make room, then insert" before an LRU update gives up.
constexpr int kLruAttempts = 64;

}  // namespace

uint64_t HashTable::bucket_count(uint32_t max_entries) {
  return std::bit_ceil(uint64_t{max_entries == 0 ? 1 : max_entries});
}

uint64_t HashTable::bucket_bytes(uint32_t max_entries) {
  return bucket_count(max_entries) * sizeof(Bucket);
}

HashTable::HashTable(const HashTableConfig& config, EpochDomain* epochs, MemoryAccount* account)
    : config_(config),
      epochs_(epochs),
      account_(account),
      key_stride_(round_up8(config.key_size)),
      stride_(round_up8(config.value_size)),
      node_bytes_(kHashNodeHeader + round_up8(config.key_size) +
                  round_up8(config.value_size) * config.copies),
      mask_(bucket_count(config.max_entries) - 1),
      seed_(config.zero_seed ? 0 : make_seed(this)),
      buckets_(new Bucket[bucket_count(config.max_entries)]) {}

HashTable::~HashTable() {
  // No run uses the map any more: free what is still linked.
  for (uint64_t i = 0; i <= mask_; ++i) {
    HashNode* node = buckets_[i].head.load(std::memory_order_relaxed);
    while (node) {
      HashNode* next = node->next.load(std::memory_order_relaxed);
      account_->forget(node->bytes);
      free_node(node, account_->budget());
      node = next;
    }
  }
}

uint32_t HashTable::hash_key(const void* key) const {
  const auto* p = static_cast<const uint8_t*>(key);
  uint64_t n = config_.key_size;
  uint64_t h = seed_ ^ (n * 0x9e3779b97f4a7c15ull);
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    h = std::rotl((h ^ word) * 0x9e3779b97f4a7c15ull, 29);
  }
  if (n) {
    uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = std::rotl((h ^ word) * 0x9e3779b97f4a7c15ull, 29);
  }
  return static_cast<uint32_t>(mix64(h));
}

HashNode* HashTable::find(const Bucket& bucket, const void* key, uint32_t hash) const {
  for (HashNode* node = bucket.head.load(std::memory_order_acquire); node;
       node = node->next.load(std::memory_order_acquire)) {
    if (node->hash == hash && std::memcmp(node->key(), key, config_.key_size) == 0) return node;
  }
  return nullptr;
}

uint8_t* HashTable::lookup(const void* key, uint32_t slot, bool mark_referenced) {
  if (slot >= config_.copies) return nullptr;
  const uint32_t hash = hash_key(key);
  HashNode* node = find(bucket_for(hash), key, hash);
  if (!node) return nullptr;
  if (config_.lru && mark_referenced && !node->ref.load(std::memory_order_relaxed))
    node->ref.store(1, std::memory_order_relaxed);
  return value_of(node, slot);
}

HashNode* HashTable::allocate(const void* key, uint32_t hash, const ValueSource& value) {
  if (!account_->charge(node_bytes_)) return nullptr;
  void* memory = ::operator new(node_bytes_, std::nothrow);
  if (!memory) {
    account_->release(node_bytes_);
    return nullptr;
  }
  auto* node = new (memory) HashNode;
  node->bytes = static_cast<uint32_t>(node_bytes_);
  node->value_offset = static_cast<uint32_t>(key_stride_);
  node->hash = hash;
  node->value_free = config_.value_free;
  std::memset(node->key(), 0, node_bytes_ - kHashNodeHeader);
  std::memcpy(node->key(), key, config_.key_size);
  // Not yet published: plain copies.
  switch (value.kind) {
    case ValueSource::Kind::kWhole:
      std::memcpy(value_of(node, 0), value.data, config_.value_size);
      break;
    case ValueSource::Kind::kOneSlot:
      std::memcpy(value_of(node, value.slot), value.data, config_.value_size);
      break;
    case ValueSource::Kind::kAllSlots:
      for (uint32_t s = 0; s < config_.copies; ++s)
        std::memcpy(value_of(node, s), value.data + s * stride_, config_.value_size);
      break;
  }
  return node;
}

void HashTable::free_node(void* object, void* budget) {
  auto* node = static_cast<HashNode*>(object);
  if (node->value_free) node->value_free(node->key() + node->value_offset);
  const uint64_t bytes = node->bytes;
  node->~HashNode();
  ::operator delete(object);
  MemoryAccount::release_budget(static_cast<MapMemoryBudget*>(budget), bytes);
}

void HashTable::write_in_place(HashNode* node, const ValueSource& value) {
  switch (value.kind) {
    case ValueSource::Kind::kWhole:
    case ValueSource::Kind::kOneSlot:
      copy_into_shared(value_of(node, value.kind == ValueSource::Kind::kWhole ? 0 : value.slot),
                       value.data, config_.value_size);
      break;
    case ValueSource::Kind::kAllSlots:
      for (uint32_t s = 0; s < config_.copies; ++s)
        copy_into_shared(value_of(node, s), value.data + s * stride_, config_.value_size);
      break;
  }
}

void HashTable::unlink_from_chain(Bucket& bucket, HashNode* node) {
  std::atomic<HashNode*>* link = &bucket.head;
  for (HashNode* at = link->load(std::memory_order_relaxed); at != node;
       at = link->load(std::memory_order_relaxed))
    link = &at->next;
  // The node keeps its `next`: a lookup standing on it goes on to the rest.
  link->store(node->next.load(std::memory_order_relaxed), std::memory_order_release);
  node->in_chain = false;
}

bool HashTable::reserve_element() {
  // Never above max_entries, even for a moment (size() is exact).
  uint32_t n = count_.load(std::memory_order_relaxed);
  do {
    if (n >= config_.max_entries) return false;
  } while (!count_.compare_exchange_weak(n, n + 1, std::memory_order_relaxed));
  return true;
}

void HashTable::replace_in_chain(Bucket& bucket, HashNode* old, HashNode* node) {
  // The new element takes the old one's place: a lookup sees one or the
  // other, and one standing on the old one still reaches the rest.
  node->next.store(old->next.load(std::memory_order_relaxed), std::memory_order_relaxed);
  node->in_chain = true;
  std::atomic<HashNode*>* link = &bucket.head;
  for (HashNode* at = link->load(std::memory_order_relaxed); at != old;
       at = link->load(std::memory_order_relaxed))
    link = &at->next;
  link->store(node, std::memory_order_release);
  old->in_chain = false;
}

void HashTable::link_new(Bucket& bucket, HashNode* node) {
  node->next.store(bucket.head.load(std::memory_order_relaxed), std::memory_order_relaxed);
  node->in_chain = true;
  bucket.head.store(node, std::memory_order_release);
}

void HashTable::retire(HashNode* node) {
  epochs_->retire(&HashTable::free_node, node, account_->budget());
}

void HashTable::finish_detach(HashNode* node, uint8_t detaches) {
  if (node->detaches.fetch_add(detaches, std::memory_order_acq_rel) + detaches == 2) retire(node);
}

long HashTable::update(const void* key, const ValueSource& value, uint64_t flags) {
  if ((flags & ~kBpfFLock) > kBpfExist) return -EINVAL;
  if (flags & kBpfFLock) return -EINVAL;  // no bpf_spin_lock in sandbpf's values
  if (value.kind == ValueSource::Kind::kOneSlot && value.slot >= config_.copies) return -EINVAL;
  const uint32_t hash = hash_key(key);
  return config_.lru ? update_lru(key, hash, value, flags) : update_plain(key, hash, value, flags);
}

long HashTable::update_plain(const void* key, uint32_t hash, const ValueSource& value,
                             uint64_t flags) {
  Bucket& bucket = bucket_for(hash);
  HashNode* old = nullptr;
  {
    std::lock_guard<SpinLock> hold(bucket.lock);
    old = find(bucket, key, hash);
    if (old && flags == kBpfNoExist) return -EEXIST;
    if (!old && flags == kBpfExist) return -ENOENT;
    if (old && config_.percpu) {
      write_in_place(old, value);
      return 0;
    }
    if (!old && !reserve_element()) return -E2BIG;
    HashNode* node = allocate(key, hash, value);
    if (!node) {
      if (!old) count_.fetch_sub(1, std::memory_order_relaxed);
      return -ENOMEM;
    }
    if (old)
      replace_in_chain(bucket, old, node);
    else
      link_new(bucket, node);
  }
  if (old) {
    account_->forget(old->bytes);
    retire(old);
  }
  return 0;
}

long HashTable::update_lru(const void* key, uint32_t hash, const ValueSource& value,
                           uint64_t flags) {
  Bucket& bucket = bucket_for(hash);
  for (int attempt = 0; attempt < kLruAttempts; ++attempt) {
    HashNode* old = nullptr;
    uint8_t old_detaches = 1;
    bool full = false;
    {
      std::lock_guard<SpinLock> hold(bucket.lock);
      old = find(bucket, key, hash);
      if (old && flags == kBpfNoExist) return -EEXIST;
      if (!old && flags == kBpfExist) return -ENOENT;
      if (old && config_.percpu) {
        write_in_place(old, value);
        old->ref.store(1, std::memory_order_relaxed);  // as Linux's bpf_lru_node_set_ref
        return 0;
      }
      if (!old && !reserve_element()) {
        full = true;  // make room outside the bucket lock, then try again
      } else {
        HashNode* node = allocate(key, hash, value);
        if (!node) {
          if (!old) count_.fetch_sub(1, std::memory_order_relaxed);
          return -ENOMEM;
        }
        if (old)
          replace_in_chain(bucket, old, node);
        else
          link_new(bucket, node);
        std::lock_guard<std::mutex> list(lru_lock_);
        lru_push_head(node);
        if (old && old->in_lru) {
          lru_remove(old);
          old_detaches = 2;
        }
      }
    }
    if (!full) {
      if (old) {
        account_->forget(old->bytes);
        finish_detach(old, old_detaches);
      }
      return 0;
    }
    if (!evict_one()) std::this_thread::yield();
  }
  return -ENOMEM;
}

void HashTable::lru_push_head(HashNode* node) {
  node->lru_prev = nullptr;
  node->lru_next = lru_head_;
  if (lru_head_) lru_head_->lru_prev = node;
  lru_head_ = node;
  if (!lru_tail_) lru_tail_ = node;
  node->in_lru = true;
}

void HashTable::lru_remove(HashNode* node) {
  if (node->lru_prev) node->lru_prev->lru_next = node->lru_next;
  else lru_head_ = node->lru_next;
  if (node->lru_next) node->lru_next->lru_prev = node->lru_prev;
  else lru_tail_ = node->lru_prev;
  node->lru_prev = node->lru_next = nullptr;
  node->in_lru = false;
}

bool HashTable::evict_one() {
  HashNode* victim = nullptr;
  {
    std::lock_guard<std::mutex> list(lru_lock_);
    // Second chance: each rotation clears a bit, so this ends; programs
    // setting bits meanwhile cannot keep it going past max_entries turns.
    for (uint32_t turns = 0; lru_tail_; ++turns) {
      HashNode* oldest = lru_tail_;
      if (turns <= config_.max_entries && oldest->ref.load(std::memory_order_relaxed)) {
        oldest->ref.store(0, std::memory_order_relaxed);
        lru_remove(oldest);
        lru_push_head(oldest);
        continue;
      }
      victim = oldest;
      lru_remove(victim);
      break;
    }
  }
  if (!victim) return false;
  uint8_t detaches = 1;
  {
    Bucket& bucket = bucket_for(victim->hash);
    std::lock_guard<SpinLock> hold(bucket.lock);
    if (victim->in_chain) {
      unlink_from_chain(bucket, victim);
      count_.fetch_sub(1, std::memory_order_relaxed);
      account_->forget(victim->bytes);
      detaches = 2;
    }
  }
  finish_detach(victim, detaches);
  return true;
}

long HashTable::erase(const void* key) {
  const uint32_t hash = hash_key(key);
  Bucket& bucket = bucket_for(hash);
  HashNode* node = nullptr;
  uint8_t detaches = 1;
  {
    std::lock_guard<SpinLock> hold(bucket.lock);
    node = find(bucket, key, hash);
    if (!node) return -ENOENT;
    unlink_from_chain(bucket, node);
    count_.fetch_sub(1, std::memory_order_relaxed);
    account_->forget(node->bytes);
    if (config_.lru) {
      std::lock_guard<std::mutex> list(lru_lock_);
      if (node->in_lru) {
        lru_remove(node);
        detaches = 2;
      }
    }
  }
  if (config_.lru)
    finish_detach(node, detaches);
  else
    retire(node);
  return 0;
}

long HashTable::copy_out(const void* key, uint8_t* out) {
  const uint32_t hash = hash_key(key);
  Bucket& bucket = bucket_for(hash);
  std::lock_guard<SpinLock> hold(bucket.lock);
  HashNode* node = find(bucket, key, hash);
  if (!node) return -ENOENT;
  if (!config_.percpu) {
    copy_from_shared(out, value_of(node, 0), config_.value_size);
  } else {
    std::memset(out, 0, stride_ * config_.copies);
    for (uint32_t s = 0; s < config_.copies; ++s)
      copy_from_shared(out + s * stride_, value_of(node, s), config_.value_size);
  }
  return 0;
}

bool HashTable::next_key(const void* key, uint8_t* next_out) {
  uint64_t start = 0;
  if (key) {
    const uint32_t hash = hash_key(key);
    Bucket& bucket = bucket_for(hash);
    std::lock_guard<SpinLock> hold(bucket.lock);
    if (HashNode* node = find(bucket, key, hash)) {
      if (HashNode* next = node->next.load(std::memory_order_relaxed)) {
        std::memcpy(next_out, next->key(), config_.key_size);
        return true;
      }
      start = (hash & mask_) + 1;
    }
    // A key not in the map: start over from the first (Linux does the same).
  }
  for (uint64_t i = start; i <= mask_; ++i) {
    Bucket& bucket = buckets_[i];
    std::lock_guard<SpinLock> hold(bucket.lock);
    if (HashNode* first = bucket.head.load(std::memory_order_relaxed)) {
      std::memcpy(next_out, first->key(), config_.key_size);
      return true;
    }
  }
  return false;
}

}  // namespace sandbpf::maps_internal
