// Which maps each Linux helper takes: the facts of the kernel's
// check_map_func_compatibility (kernel/bpf/verifier.c, Linux 6.18), which
// checks a call in two directions, each written here as one table:
//
//  - map_type_uses(), from the map's side: a map of one of these types may be
//    passed only to the helpers listed with it (a program array only to
//    bpf_tail_call, a ring buffer only to the ringbuf helpers; lookups are
//    refused on both). Types that are not listed (hash, array, LRU, LPM
//    trie, per-CPU ...) go to any helper the other table lets them;
//  - helper_map_types(), from the helper's side: these helpers take only the
//    map types listed with them (bpf_redirect_map a device, CPU or XSK map;
//    bpf_map_push_elem a queue, stack or bloom filter). Helpers that are not
//    listed (bpf_map_lookup_elem, bpf_for_each_map_elem ...) take any map
//    the first table lets them.
//
// A call is allowed when both tables allow it; linux_helper_map_types()
// folds the two into each prototype's MapTypeSet, which the verifier checks
// (verifier/transfer_call.cpp).
//
// One difference from the kernel: it lets some program types update and
// delete sockmap / sockhash entries with bpf_map_update_elem and
// bpf_map_delete_elem (may_update_sockmap: socket filters, tc, XDP,
// sk_reuseport, flow dissector, sk_lookup; sock_ops deletes only, iterators
// both) and refuses it to others. Prototypes are per helper, not per
// program type, so here those two helpers take sockmaps and sockhashes for
// every program type (sandbpf's runtime has no socket maps: an Instance
// refuses such programs anyway).
#include <algorithm>
#include <vector>

#include "helpers/linux/linux_platform.hpp"

namespace sandbpf {
namespace {

// The helpers the tables name (ids of uapi/linux/bpf.h's __BPF_FUNC_MAPPER).
enum HelperId : uint32_t {
  kMapLookupElem = 1,
  kMapUpdateElem = 2,
  kMapDeleteElem = 3,
  kTailCall = 12,
  kPerfEventRead = 22,
  kPerfEventOutput = 25,
  kGetStackid = 27,
  kSkbUnderCgroup = 33,
  kCurrentTaskUnderCgroup = 37,
  kRedirectMap = 51,
  kSkRedirectMap = 52,
  kSockMapUpdate = 53,
  kPerfEventReadValue = 55,
  kMsgRedirectMap = 60,
  kSockHashUpdate = 70,
  kMsgRedirectHash = 71,
  kSkRedirectHash = 72,
  kGetLocalStorage = 81,
  kSkSelectReuseport = 82,
  kMapPushElem = 87,
  kMapPopElem = 88,
  kMapPeekElem = 89,
  kSkStorageGet = 107,
  kSkStorageDelete = 108,
  kSkbOutput = 111,
  kXdpOutput = 121,
  kRingbufOutput = 130,
  kRingbufReserve = 131,
  kRingbufQuery = 134,
  kInodeStorageGet = 145,
  kInodeStorageDelete = 146,
  kTaskStorageGet = 156,
  kTaskStorageDelete = 157,
  kKptrXchg = 194,
  kMapLookupPercpuElem = 195,
  kRingbufReserveDynptr = 198,
  kRingbufSubmitDynptr = 199,
  kRingbufDiscardDynptr = 200,
  kUserRingbufDrain = 209,
  kCgrpStorageGet = 210,
  kCgrpStorageDelete = 211,
};

// One row of either table: the things it restricts (map types, or
// helpers) and the only partners they may have (helpers, or map types).
struct Only {
  std::vector<uint32_t> these;
  std::vector<uint32_t> with;
};

// Map types and the only helpers they may be passed to.
const std::vector<Only>& map_type_uses() {
  static const std::vector<Only> table = {
      {{kMapProgArray}, {kTailCall}},
      {{kMapPerfEventArray},
       {kPerfEventRead, kPerfEventOutput, kSkbOutput, kPerfEventReadValue, kXdpOutput}},
      {{kMapRingbuf},
       {kRingbufOutput, kRingbufReserve, kRingbufQuery, kRingbufReserveDynptr, kRingbufSubmitDynptr,
        kRingbufDiscardDynptr}},
      {{kMapUserRingbuf}, {kUserRingbufDrain}},
      {{kMapStackTrace}, {kGetStackid}},
      {{kMapCgroupArray}, {kSkbUnderCgroup, kCurrentTaskUnderCgroup}},
      {{kMapCgroupStorage, kMapPercpuCgroupStorage}, {kGetLocalStorage}},
      {{kMapDevmap, kMapDevmapHash}, {kRedirectMap, kMapLookupElem}},
      {{kMapCpumap}, {kRedirectMap}},
      {{kMapXskmap}, {kRedirectMap, kMapLookupElem}},
      {{kMapArrayOfMaps, kMapHashOfMaps}, {kMapLookupElem}},
      // Update and delete: see the note at the top.
      {{kMapSockmap},
       {kSkRedirectMap, kSockMapUpdate, kMsgRedirectMap, kSkSelectReuseport, kMapLookupElem,
        kMapUpdateElem, kMapDeleteElem}},
      {{kMapSockhash},
       {kSkRedirectHash, kSockHashUpdate, kMsgRedirectHash, kSkSelectReuseport, kMapLookupElem,
        kMapUpdateElem, kMapDeleteElem}},
      {{kMapReuseportSockarray}, {kSkSelectReuseport}},
      {{kMapQueue, kMapStack}, {kMapPeekElem, kMapPopElem, kMapPushElem}},
      {{kMapSkStorage}, {kSkStorageGet, kSkStorageDelete, kKptrXchg}},
      {{kMapInodeStorage}, {kInodeStorageGet, kInodeStorageDelete, kKptrXchg}},
      {{kMapTaskStorage}, {kTaskStorageGet, kTaskStorageDelete, kKptrXchg}},
      {{kMapCgrpStorage}, {kCgrpStorageGet, kCgrpStorageDelete, kKptrXchg}},
      {{kMapBloomFilter}, {kMapPeekElem, kMapPushElem}},
  };
  return table;
}

// Helpers and the only map types they take.
const std::vector<Only>& helper_map_types() {
  static const std::vector<Only> table = {
      {{kTailCall}, {kMapProgArray}},
      {{kPerfEventRead, kPerfEventOutput, kPerfEventReadValue, kSkbOutput, kXdpOutput},
       {kMapPerfEventArray}},
      {{kRingbufOutput, kRingbufReserve, kRingbufQuery, kRingbufReserveDynptr, kRingbufSubmitDynptr,
        kRingbufDiscardDynptr},
       {kMapRingbuf}},
      {{kUserRingbufDrain}, {kMapUserRingbuf}},
      {{kGetStackid}, {kMapStackTrace}},
      {{kCurrentTaskUnderCgroup, kSkbUnderCgroup}, {kMapCgroupArray}},
      {{kRedirectMap}, {kMapDevmap, kMapDevmapHash, kMapCpumap, kMapXskmap}},
      {{kSkRedirectMap, kMsgRedirectMap, kSockMapUpdate}, {kMapSockmap}},
      {{kSkRedirectHash, kMsgRedirectHash, kSockHashUpdate}, {kMapSockhash}},
      {{kGetLocalStorage}, {kMapCgroupStorage, kMapPercpuCgroupStorage}},
      {{kSkSelectReuseport}, {kMapReuseportSockarray, kMapSockmap, kMapSockhash}},
      {{kMapPopElem}, {kMapQueue, kMapStack}},
      {{kMapPeekElem, kMapPushElem}, {kMapQueue, kMapStack, kMapBloomFilter}},
      {{kMapLookupPercpuElem}, {kMapPercpuArray, kMapPercpuHash, kMapLruPercpuHash}},
      {{kSkStorageGet, kSkStorageDelete}, {kMapSkStorage}},
      {{kInodeStorageGet, kInodeStorageDelete}, {kMapInodeStorage}},
      {{kTaskStorageGet, kTaskStorageDelete}, {kMapTaskStorage}},
      {{kCgrpStorageGet, kCgrpStorageDelete}, {kMapCgrpStorage}},
  };
  return table;
}

bool listed(const std::vector<uint32_t>& list, uint32_t value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// `one` may go with `other` unless a row restricts it to partners that
// do not include `other`.
bool allowed(const std::vector<Only>& table, uint32_t one, uint32_t other) {
  for (const Only& row : table) {
    if (listed(row.these, one)) return listed(row.with, other);
  }
  return true;
}

}  // namespace

MapTypeSet linux_helper_map_types(uint32_t helper_id) {
  MapTypeSet set = MapTypeSet::none();
  for (uint32_t type = 1; type <= kLinuxLastMapType; ++type) {
    if (allowed(map_type_uses(), type, helper_id) && allowed(helper_map_types(), helper_id, type))
      set.add(type);
  }
  return set;
}

}  // namespace sandbpf
