// The LPM trie map: see lpm_trie_map.hpp for Linux's rules and the design.
#include "helpers/maps/lpm_trie_map.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

namespace sandbpf {

using namespace maps_internal;

namespace {

// Linux's LPM_CREATE_FLAG_MASK.
constexpr uint32_t kLpmFlags = kBpfFNoPrealloc | kBpfFNumaNode | kBpfFAccessMask;
constexpr uint32_t kLpmDataSizeMin = 1;    // LPM_DATA_SIZE_MIN
constexpr uint32_t kLpmDataSizeMax = 256;  // LPM_DATA_SIZE_MAX
constexpr uint32_t kLpmKeyMax = 4 + kLpmDataSizeMax;
// Linux's LPM_VAL_SIZE_MAX with sandbpf's element header in place of the
// kernel's node header.
constexpr uint64_t kLpmValueSizeMax = kKmallocMaxSize - kMaxBpfStack - kHashNodeHeader - kLpmDataSizeMax;

uint64_t length_words(uint32_t max_prefixlen) { return (uint64_t{max_prefixlen} + 1 + 63) / 64; }

}  // namespace

uint64_t LpmTrieMap::index_entry_bytes(uint32_t key_size) {
  // A red-black tree node (three pointers and a colour) holding a vector
  // (three pointers), plus the key's own heap block.
  return 64 + ((uint64_t{key_size} + 15) & ~uint64_t{15});
}

LpmTrieMap::LpmTrieMap(const MapDefinition& definition, const MapEnvironment& environment)
    : Map(definition),
      data_size_(definition.key_size - 4),
      max_prefixlen_(8 * (definition.key_size - 4)),
      account_(environment.budget),
      lengths_(new std::atomic<uint64_t>[length_words(8 * (definition.key_size - 4))]),
      length_count_(uint64_t{8} * (definition.key_size - 4) + 1, 0) {
  for (uint64_t w = 0; w < length_words(max_prefixlen_); ++w)
    lengths_[w].store(0, std::memory_order_relaxed);
}

LpmTrieMap::~LpmTrieMap() = default;

Result<std::unique_ptr<Map>> LpmTrieMap::create(const MapDefinition& d,
                                                const MapEnvironment& environment) {
  if (d.max_entries == 0) return definition_error(d, "max_entries must not be 0");
  if (!(d.flags & kBpfFNoPrealloc))
    return definition_error(d, "an lpm_trie map must be created with BPF_F_NO_PREALLOC");
  if (d.flags & ~kLpmFlags)
    return definition_error(d, fmt::format("flags 0x{:x} are not valid for an lpm_trie map",
                                           d.flags & ~kLpmFlags));
  if (d.key_size < 4 + kLpmDataSizeMin || d.key_size > kLpmKeyMax)
    return definition_error(d, fmt::format("an lpm_trie map's key_size must be 4 (prefixlen) + 1 to "
                                           "256 data bytes, not {}",
                                           d.key_size));
  if (d.value_size == 0) return definition_error(d, "value_size must not be 0");
  if (d.value_size > kLpmValueSizeMax)
    return definition_error(d, fmt::format("value_size {} exceeds Linux's limit of {} bytes",
                                           d.value_size, kLpmValueSizeMax));
  if (!environment.epochs)
    return definition_error(d, "an lpm_trie map needs an EpochDomain (MapEnvironment::epochs) to "
                               "free elements safely");
  std::unique_ptr<LpmTrieMap> map(new LpmTrieMap(d, environment));
  const uint64_t bytes = HashTable::bucket_bytes(d.max_entries) +
                         length_words(map->max_prefixlen_) * 8 +
                         map->length_count_.size() * sizeof(uint32_t);
  if (auto charged = charge_at_creation(map->account_, d, bytes); !charged)
    return std::unexpected(charged.error());
  HashTableConfig config;
  config.key_size = d.key_size;
  config.value_size = d.value_size;
  config.max_entries = d.max_entries;
  map->table_ = std::make_unique<HashTable>(config, environment.epochs, &map->account_);
  return std::unique_ptr<Map>(std::move(map));
}

bool LpmTrieMap::Order::operator()(const std::vector<uint8_t>& a,
                                   const std::vector<uint8_t>& b) const {
  const uint32_t la = read_u32(a.data()), lb = read_u32(b.data());
  const uint32_t common = std::min(la, lb);
  const uint8_t* da = a.data() + 4;
  const uint8_t* db = b.data() + 4;
  // The first bit where the two prefixes differ decides: in the trie the
  // 0-branch is walked first. Within a byte, the highest differing bit is
  // the first, so comparing the (masked) bytes as numbers gives it.
  const uint32_t full = common / 8;
  for (uint32_t i = 0; i < full; ++i)
    if (da[i] != db[i]) return da[i] < db[i];
  if (const uint32_t rest = common % 8) {
    const auto mask = static_cast<uint8_t>(0xff00u >> rest);
    if ((da[full] & mask) != (db[full] & mask)) return (da[full] & mask) < (db[full] & mask);
  }
  // One contains the other: post-order puts the longer (the descendant) first.
  return la > lb;
}

void LpmTrieMap::canonical(const uint8_t* key, uint32_t prefixlen, uint8_t* out) const {
  std::memcpy(out, &prefixlen, 4);
  const uint32_t full = prefixlen / 8;
  std::memcpy(out + 4, key + 4, full);
  uint32_t at = full;
  if (const uint32_t rest = prefixlen % 8) {
    out[4 + at] = static_cast<uint8_t>(key[4 + at] & (0xff00u >> rest));
    ++at;
  }
  std::memset(out + 4 + at, 0, data_size_ - at);
}

uint8_t* LpmTrieMap::longest_match(const uint8_t* key) {
  const uint32_t cap = std::min(read_u32(key), max_prefixlen_);
  uint8_t probe[kLpmKeyMax];
  for (int64_t w = cap / 64; w >= 0; --w) {
    uint64_t bits = lengths_[w].load(std::memory_order_acquire);
    if (static_cast<uint32_t>(w) == cap / 64 && cap % 64 != 63)
      bits &= (uint64_t{2} << (cap % 64)) - 1;  // no length above the key's own
    while (bits) {
      const uint32_t bit = 63 - static_cast<uint32_t>(std::countl_zero(bits));
      bits &= ~(uint64_t{1} << bit);
      canonical(key, static_cast<uint32_t>(w) * 64 + bit, probe);
      if (uint8_t* value = table_->lookup(probe, 0, /*mark_referenced=*/false)) return value;
    }
  }
  return nullptr;
}

void LpmTrieMap::length_added(uint32_t prefixlen) {
  if (length_count_[prefixlen]++ == 0)
    lengths_[prefixlen / 64].fetch_or(uint64_t{1} << (prefixlen % 64), std::memory_order_release);
}

void LpmTrieMap::length_removed(uint32_t prefixlen) {
  if (--length_count_[prefixlen] == 0)
    lengths_[prefixlen / 64].fetch_and(~(uint64_t{1} << (prefixlen % 64)), std::memory_order_release);
}

long LpmTrieMap::insert(const uint8_t* key, const void* value, uint64_t flags) {
  if (flags > kBpfExist) return -EINVAL;  // BPF_F_LOCK too: LPM values hold no spin lock
  const uint32_t prefixlen = read_u32(key);
  if (prefixlen > max_prefixlen_) return -EINVAL;
  std::vector<uint8_t> written(key, key + definition().key_size);
  uint8_t stored[kLpmKeyMax];
  canonical(key, prefixlen, stored);
  const uint64_t index_bytes = index_entry_bytes(definition().key_size);

  std::lock_guard<std::mutex> hold(writer_);
  const auto found = index_.find(written);
  const bool exists = found != index_.end();
  if (exists && flags == kBpfNoExist) return -EEXIST;
  if (!exists && flags == kBpfExist) return -ENOENT;
  if (!exists) {
    if (index_.size() >= definition().max_entries) return -ENOSPC;
    if (!account_.charge(index_bytes)) return -ENOMEM;
    length_added(prefixlen);  // before the element is visible: lookups then probe this length
  }
  ValueSource source;
  source.data = static_cast<const uint8_t*>(value);
  // A replacement swaps in a new element; the old one is retired, so a run
  // holding the old value keeps reading it intact.
  if (long err = table_->update(stored, source, exists ? kBpfExist : kBpfNoExist)) {
    if (!exists) {
      length_removed(prefixlen);
      account_.release(index_bytes);
    }
    return err == -E2BIG ? -ENOSPC : err;
  }
  if (exists) {
    // Same prefix, possibly other bits past it: keep the key as written.
    auto node = index_.extract(found);
    node.value() = std::move(written);
    index_.insert(std::move(node));
  } else {
    index_.insert(std::move(written));
  }
  return 0;
}

long LpmTrieMap::remove(const uint8_t* key) {
  const uint32_t prefixlen = read_u32(key);
  if (prefixlen > max_prefixlen_) return -EINVAL;
  std::vector<uint8_t> wanted(key, key + definition().key_size);
  uint8_t stored[kLpmKeyMax];
  canonical(key, prefixlen, stored);
  std::lock_guard<std::mutex> hold(writer_);
  const auto found = index_.find(wanted);
  if (found == index_.end()) return -ENOENT;
  if (long err = table_->erase(stored)) return err;  // cannot happen: the index and table agree
  index_.erase(found);
  account_.release(index_entry_bytes(definition().key_size));
  length_removed(prefixlen);
  return 0;
}

void* LpmTrieMap::lookup(const void* key, uint32_t) {
  return longest_match(static_cast<const uint8_t*>(key));
}

long LpmTrieMap::update(const void* key, const void* value, uint64_t flags, uint32_t) {
  if (definition().flags & kBpfFRdonlyProg) return -EPERM;
  return insert(static_cast<const uint8_t*>(key), value, flags);
}

long LpmTrieMap::erase(const void* key, uint32_t) {
  if (definition().flags & kBpfFRdonlyProg) return -EPERM;
  return remove(static_cast<const uint8_t*>(key));
}

uint32_t LpmTrieMap::size() {
  std::lock_guard<std::mutex> hold(writer_);
  return static_cast<uint32_t>(index_.size());
}

Result<void> LpmTrieMap::do_host_lookup(std::span<const uint8_t> key, std::span<uint8_t> value_out) {
  // Under the writer lock no element can be unlinked, so the value found
  // stays allocated while it is copied (the host is not inside a RunGuard).
  std::lock_guard<std::mutex> hold(writer_);
  const uint8_t* value = longest_match(key.data());
  if (!value) return host_error("lookup", -ENOENT);
  copy_from_shared(value_out.data(), value, definition().value_size);
  return {};
}

Result<void> LpmTrieMap::do_host_update(std::span<const uint8_t> key,
                                        std::span<const uint8_t> value, uint64_t flags) {
  if (long err = insert(key.data(), value.data(), flags)) return host_error("update", err);
  return {};
}

Result<void> LpmTrieMap::do_host_delete(std::span<const uint8_t> key) {
  if (long err = remove(key.data())) return host_error("delete", err);
  return {};
}

Result<void> LpmTrieMap::do_host_lookup_and_delete(std::span<const uint8_t>, std::span<uint8_t>) {
  return host_error("lookup and delete", -kENotSupp);
}

Result<bool> LpmTrieMap::do_host_next_key(std::span<const uint8_t> key,
                                          std::span<uint8_t> next_out) {
  std::lock_guard<std::mutex> hold(writer_);
  auto next = index_.begin();
  if (next == index_.end()) return false;
  if (!key.empty() && read_u32(key.data()) <= max_prefixlen_) {
    const auto found = index_.find(std::vector<uint8_t>(key.begin(), key.end()));
    if (found != index_.end()) {
      next = std::next(found);
      if (next == index_.end()) return false;
    }
  }
  std::memcpy(next_out.data(), next->data(), definition().key_size);
  return true;
}

}  // namespace sandbpf
