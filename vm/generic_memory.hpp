// The generic platform's entry (DESIGN.md): r1 points to the memory, r2
// holds its length, and the packet of LD_ABS/LD_IND is the memory. This
// class owns an 8-byte aligned working copy (so atomics on the memory are
// aligned whenever their offsets are), the regions checked mode may touch
// (the copy plus any extra ones, e.g. map values), and the RunInput that
// describes them; restore() puts the initial bytes back before a run.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "vm/interpreter.hpp"

namespace sandbpf {

class GenericMemory {
 public:
  explicit GenericMemory(std::span<const uint8_t> initial,
                         std::span<const MemoryRegion> extra_regions = {})
      : initial_(initial.begin(), initial.end()), storage_((initial.size() + 7) / 8) {
    uint8_t* bytes = data();
    restore();
    if (!initial_.empty())
      regions_.push_back(MemoryRegion{reinterpret_cast<uint64_t>(bytes), initial_.size(), true});
    regions_.insert(regions_.end(), extra_regions.begin(), extra_regions.end());
    input_.args[0] = initial_.empty() ? 0 : reinterpret_cast<uint64_t>(bytes);
    input_.args[1] = initial_.size();
    input_.regions = regions_;
    input_.packet = initial_.empty() ? nullptr : bytes;
    input_.packet_size = initial_.size();
  }
  // input() points into this object.
  GenericMemory(const GenericMemory&) = delete;
  GenericMemory& operator=(const GenericMemory&) = delete;

  void restore() {
    if (!initial_.empty()) std::memcpy(data(), initial_.data(), initial_.size());
  }
  uint8_t* data() { return reinterpret_cast<uint8_t*>(storage_.data()); }
  size_t size() const { return initial_.size(); }
  const RunInput& input() const { return input_; }

 private:
  std::vector<uint8_t> initial_;
  std::vector<uint64_t> storage_;
  std::vector<MemoryRegion> regions_;
  RunInput input_;
};

}  // namespace sandbpf
