#include "vm/map_definition.hpp"

namespace sandbpf {

std::string_view map_type_name(uint32_t type) {
  switch (type) {
    case kMapUnspec: return "unspec";
    case kMapHash: return "hash";
    case kMapArray: return "array";
    case kMapProgArray: return "prog_array";
    case kMapPerfEventArray: return "perf_event_array";
    case kMapPercpuHash: return "percpu_hash";
    case kMapPercpuArray: return "percpu_array";
    case kMapStackTrace: return "stack_trace";
    case kMapCgroupArray: return "cgroup_array";
    case kMapLruHash: return "lru_hash";
    case kMapLruPercpuHash: return "lru_percpu_hash";
    case kMapLpmTrie: return "lpm_trie";
    case kMapArrayOfMaps: return "array_of_maps";
    case kMapHashOfMaps: return "hash_of_maps";
    case kMapDevmap: return "devmap";
    case kMapSockmap: return "sockmap";
    case kMapCpumap: return "cpumap";
    case kMapXskmap: return "xskmap";
    case kMapSockhash: return "sockhash";
    case kMapCgroupStorage: return "cgroup_storage";
    case kMapReuseportSockarray: return "reuseport_sockarray";
    case kMapPercpuCgroupStorage: return "percpu_cgroup_storage";
    case kMapQueue: return "queue";
    case kMapStack: return "stack";
    case kMapSkStorage: return "sk_storage";
    case kMapDevmapHash: return "devmap_hash";
    case kMapStructOps: return "struct_ops";
    case kMapRingbuf: return "ringbuf";
    case kMapInodeStorage: return "inode_storage";
    case kMapTaskStorage: return "task_storage";
    case kMapBloomFilter: return "bloom_filter";
    case kMapUserRingbuf: return "user_ringbuf";
    case kMapCgrpStorage: return "cgrp_storage";
    case kMapArena: return "arena";
    default: return "unknown";
  }
}

}  // namespace sandbpf
