// A RunContext for calling helpers directly in tests: callbacks are C++
// functions, failures and regions are recorded.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "helpers/run_services.hpp"
#include "vm/environment.hpp"

namespace sandbpf::testing {

class FakeRunContext : public RunContext {
 public:
  using Callback = std::function<uint64_t(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t)>;

  explicit FakeRunContext(RunServices* services = nullptr) : services_(services) {}

  uint64_t call_function(uint64_t function, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                         uint64_t r5) override {
    calls.push_back(function);
    if (!callback) return 0;
    return callback(r1, r2, r3, r4, r5);
  }
  void allow_region(const void* address, uint64_t size, bool writable) override {
    regions.push_back({reinterpret_cast<uint64_t>(address), size, writable});
  }
  void fail(std::string message) override {
    failure = std::move(message);
    stopped = true;
  }
  void end_program() override {
    ended = true;
    stopped = true;
  }
  bool failed() const override { return stopped; }
  void* run_data() const override { return services_; }
  const Environment& environment() const override { return env; }

  Environment env;
  Callback callback;
  std::vector<uint64_t> calls;
  std::vector<MemoryRegion> regions;
  std::string failure;
  bool ended = false;
  bool stopped = false;

 private:
  RunServices* services_;
};

// A MemoryProbe over a list of regions (what a runtime would build).
struct RegionProbe {
  std::vector<MemoryRegion> regions;

  static uint64_t accessible(const void* data, uint64_t address, uint64_t max, bool write) {
    const auto* self = static_cast<const RegionProbe*>(data);
    for (const MemoryRegion& region : self->regions) {
      if (address >= region.base && address < region.base + region.size &&
          (!write || region.writable)) {
        const uint64_t left = region.base + region.size - address;
        return left < max ? left : max;
      }
    }
    return 0;
  }
  MemoryProbe probe() const { return MemoryProbe{&RegionProbe::accessible, this}; }
  void add(const void* base, uint64_t size, bool writable) {
    regions.push_back({reinterpret_cast<uint64_t>(base), size, writable});
  }
};

inline uint64_t addr(const void* pointer) { return reinterpret_cast<uint64_t>(pointer); }

}  // namespace sandbpf::testing
