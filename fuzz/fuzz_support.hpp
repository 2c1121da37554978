// What every fuzz target shares: reading choices out of the fuzzer's bytes,
// a program listing for reports, stopping the process on a finding, and a
// counter of the instruction table's rows that a target reached (printed
// when the process exits, so a libFuzzer run ends with it).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vm/insn_table.hpp"
#include "vm/instruction.hpp"
#include "vm/program.hpp"

namespace sandbpf::fuzz {

// Consumes the fuzzer's bytes front to back; once they run out every read
// gives 0, so any input is a complete sequence of choices.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
  uint8_t byte() { return pos_ < bytes_.size() ? bytes_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(byte() | (byte() << 8)); }
  uint32_t u32() { return static_cast<uint32_t>(u16()) | (static_cast<uint32_t>(u16()) << 16); }
  uint64_t u64() { return static_cast<uint64_t>(u32()) | (static_cast<uint64_t>(u32()) << 32); }
  // A number in [0, n); n > 0.
  uint32_t below(uint32_t n) { return n <= 256 ? byte() % n : u32() % n; }
  bool chance(uint8_t in_256) { return byte() < in_256; }
  std::span<const uint8_t> take(size_t n) {
    n = std::min(n, remaining());
    auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  std::span<const uint8_t> rest() { return take(remaining()); }
  size_t remaining() const { return bytes_.size() - pos_; }

 private:
  std::span<const uint8_t> bytes_;
  size_t pos_ = 0;
};

// 8-byte little-endian slots; a trailing partial slot is dropped.
std::vector<Insn> slots_of(std::span<const uint8_t> bytes);

// "pc: word  disassembly" per slot, for reports.
std::string listing(std::span<const Insn> insns);

// Prints the finding (what went wrong, the program) to stderr and aborts:
// libFuzzer saves the input, the replay test fails.
[[noreturn]] void finding(std::string_view what, std::span<const Insn> insns = {});

// Which rows of the instruction table a target's programs used. Counts
// are per process; report() prints them (called at exit when enabled).
class OpCounter {
 public:
  explicit OpCounter(std::string label) : label_(std::move(label)), counts_(kOpCount, 0) {}
  void add(const Program& program);
  void report() const;  // to stderr: "<label>: N of 170 rows; not reached: ..."
  size_t distinct() const;

 private:
  std::string label_;
  std::vector<uint64_t> counts_;
};

// Registers counters and "<label>: N" tallies to be printed when the
// process exits (only in libFuzzer builds: the replay tests stay quiet).
void report_at_exit(const OpCounter* counter);
void report_tally_at_exit(std::string label, const uint64_t* numerator, const uint64_t* denominator);

}  // namespace sandbpf::fuzz
