// The interpreter. Design notes:
//
// * Pre-decoding. Interpreter::create turns each slot into a 16-byte
//   Decoded record holding the address of its handler, so dispatch is one
//   load and one indirect jump ("direct threading", GCC/Clang's labels as
//   values). Handler addresses belong to one instantiation of execute<>, so
//   each variant (fast, counting, budget, checked) has its own copy of the
//   decoded code, made the first time that variant runs.
//
// * Variants are template parameters, so the fast path carries no test for
//   checks it does not make.
//
// * Frames. Each frame has its own stack_per_frame bytes; r10 of frame k is
//   stack_top - k * stack_per_frame. Local calls push a return record and
//   save r6-r9 and r10 without recursion; callbacks from helpers (bpf_loop)
//   re-enter execute<> with a new frame, and return at their own exit.
#include "vm/interpreter.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <limits>
#include <mutex>
#include <optional>

#include "vm/insn_table.hpp"

static_assert(std::endian::native == std::endian::little,
              "the interpreter assumes a little-endian host (x86-64, ARM64, RISC-V 64)");

namespace sandbpf {

namespace {

enum Variant : int { kFast = 0, kFastCounting = 1, kFastBudget = 2, kChecked = 3, kVariantCount = 4 };

struct Decoded {
  const void* handler;
  uint8_t dst;
  uint8_t src;
  int16_t off;
  int32_t imm;
};
static_assert(sizeof(Decoded) == 16);

struct RunState;

}  // namespace

struct PreparedProgram {
  Program program;
  InterpreterOptions options;
  // The full 64-bit immediate of each lddw, indexed by pc (0 elsewhere).
  std::vector<uint64_t> imm64;
  mutable std::once_flag once[kVariantCount];
  mutable std::vector<Decoded> code[kVariantCount];
};

namespace {

struct Frame {
  const Decoded* return_ip;
  uint64_t saved[4];  // r6-r9
  uint64_t saved_r10;
};

class InterpreterContext final : public RunContext {
 public:
  explicit InterpreterContext(RunState& state) : state_(state) {}
  uint64_t call_function(uint64_t function, uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                         uint64_t r5) override;
  void allow_region(const void* address, uint64_t size, bool writable) override;
  void fail(std::string message) override;
  void end_program() override;
  bool failed() const override;
  void* run_data() const override;
  uint64_t accessible_bytes(uint64_t address, uint64_t max, bool write) const override;
  const Environment& environment() const override;

 private:
  RunState& state_;
};

struct RunState {
  const PreparedProgram& prepared;
  const Decoded* code = nullptr;
  const Environment& env;
  const RunInput& input;
  Variant variant;
  uint8_t* stack_top = nullptr;
  uint8_t* stack_bottom = nullptr;
  uint32_t depth = 0;  // frames in use, beyond the entry frame
  uint64_t count = 0;  // instructions executed (or charged, for kFastBudget)
  uint64_t limit = std::numeric_limits<uint64_t>::max();
  std::vector<MemoryRegion> regions;  // checked mode: what the program may touch
  Frame* frames = nullptr;  // max_call_depth records
  std::optional<Error> error;
  bool ended = false;  // the program ends now with r0 = 0 (legacy packet load
                       // out of bounds, or a helper's end_program)
  InterpreterContext context;

  RunState(const PreparedProgram& p, const Environment& e, const RunInput& in, Variant v)
      : prepared(p), env(e), input(in), variant(v), context(*this) {}

  void fail_at(size_t pc, std::string message) {
    if (error) return;
    Location where;
    where.instruction = pc;
    error = Error{ErrorKind::kRuntime, std::move(message), std::move(where)};
  }
};

// Overflow-safe: is [address, address + size) inside one region?
bool region_allows(const std::vector<MemoryRegion>& regions, uint64_t address, uint64_t size,
                   bool write) {
  for (const MemoryRegion& r : regions) {
    if (address >= r.base && size <= r.size && address - r.base <= r.size - size)
      if (!write || r.writable) return true;
  }
  return false;
}

bool region_contains_readonly(const std::vector<MemoryRegion>& regions, uint64_t address,
                              uint64_t size) {
  for (const MemoryRegion& r : regions)
    if (address >= r.base && size <= r.size && address - r.base <= r.size - size && !r.writable)
      return true;
  return false;
}

// The live frames: the current one and its callers'.
bool stack_allows(const RunState& s, uint64_t address, uint64_t size) {
  const uint64_t top = reinterpret_cast<uint64_t>(s.stack_top);
  const uint64_t live = static_cast<uint64_t>(s.depth + 1) * s.prepared.options.stack_per_frame;
  const uint64_t bottom = top - live;
  return address >= bottom && size <= live && address - bottom <= live - size;
}

std::string describe_access(std::string_view mnemonic, std::string_view what, unsigned width,
                            unsigned base_reg, int16_t off) {
  return fmt::format("{}: {} of {} bytes at r{}{:+d}", mnemonic, what, width, base_reg, off);
}

template <typename T>
inline T load(uint64_t address) {
  T value;
  std::memcpy(&value, reinterpret_cast<const void*>(address), sizeof(T));
  return value;
}

template <typename T>
inline void store(uint64_t address, T value) {
  std::memcpy(reinterpret_cast<void*>(address), &value, sizeof(T));
}

inline uint64_t sext32(int32_t imm) { return static_cast<uint64_t>(static_cast<int64_t>(imm)); }

// RFC 9669 division and modulo, with its answers for zero divisors and
// INT_MIN / -1.
inline uint64_t udiv64(uint64_t a, uint64_t b) { return b ? a / b : 0; }
inline uint64_t umod64(uint64_t a, uint64_t b) { return b ? a % b : a; }
inline uint32_t udiv32(uint32_t a, uint32_t b) { return b ? a / b : 0; }
inline uint32_t umod32(uint32_t a, uint32_t b) { return b ? a % b : a; }
inline uint64_t sdiv64(uint64_t a, uint64_t b) {
  const auto x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
  if (y == 0) return 0;
  if (y == -1) return 0 - a;  // INT64_MIN / -1 wraps to INT64_MIN
  return static_cast<uint64_t>(x / y);
}
inline uint64_t smod64(uint64_t a, uint64_t b) {
  const auto x = static_cast<int64_t>(a), y = static_cast<int64_t>(b);
  if (y == 0) return a;
  if (y == -1) return 0;
  return static_cast<uint64_t>(x % y);
}
inline uint32_t sdiv32(uint32_t a, uint32_t b) {
  const auto x = static_cast<int32_t>(a), y = static_cast<int32_t>(b);
  if (y == 0) return 0;
  if (y == -1) return 0u - a;
  return static_cast<uint32_t>(x / y);
}
inline uint32_t smod32(uint32_t a, uint32_t b) {
  const auto x = static_cast<int32_t>(a), y = static_cast<int32_t>(b);
  if (y == 0) return a;
  if (y == -1) return 0;
  return static_cast<uint32_t>(x % y);
}

// Legacy packet loads: bytes from the packet in network order; false when
// the access is outside the packet (the program then ends with r0 = 0).
inline bool packet_load(const RunInput& input, uint32_t offset, unsigned width, uint64_t& out) {
  const auto k = static_cast<int32_t>(offset);
  if (k < 0 || input.packet == nullptr) return false;
  const auto start = static_cast<uint64_t>(k);
  if (width > input.packet_size || start > input.packet_size - width) return false;
  const uint8_t* p = input.packet + start;
  uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i) v = (v << 8) | p[i];
  out = v;
  return true;
}

// Runs the function at entry_pc with r1..r5 in a new frame; returns its r0
// (0 with state.error set when the run failed). With state == nullptr,
// returns the address of the handler table instead (how prepare() learns
// the label addresses of this instantiation).
template <Variant V>
uint64_t execute(RunState* state, uint32_t entry_pc, const uint64_t* args);

template <Variant V>
const void* const* handler_table() {
  return reinterpret_cast<const void* const*>(execute<V>(nullptr, 0, nullptr));
}

template <Variant V>
uint64_t execute(RunState* state, uint32_t entry_pc, const uint64_t* args) {
  constexpr bool kCheck = V == kChecked;
  constexpr bool kCount = V == kFastCounting || V == kChecked;
  constexpr bool kBudget = V == kFastBudget;

  static const void* const kLabels[] = {
#define X(name, opcode, disc, value, mnemonic, form, group, cpu, width) &&L_##name,
#include "vm/insn_table.def"
#undef X
      &&L_LddwTail,
  };
  if (state == nullptr) return reinterpret_cast<uint64_t>(kLabels);

  RunState& s = *state;
  const Decoded* const code = s.code;
  const uint32_t frame_size = s.prepared.options.stack_per_frame;
  const uint32_t base_depth = s.depth;
  const uint64_t* const imm64 = s.prepared.imm64.data();

  uint64_t r[kNumRegisters] = {0};
  for (int i = 0; i < 5; ++i) r[i + 1] = args[i];
  r[10] = reinterpret_cast<uint64_t>(s.stack_top) - static_cast<uint64_t>(s.depth) * frame_size;

  const Decoded* ip = code + entry_pc;
  auto pc_of = [&](const Decoded* p) { return static_cast<size_t>(p - code); };
  auto row_of = [&](const Decoded* p) -> const InsnInfo& {
    return s.prepared.program.row(pc_of(p));
  };

#define DISPATCH()                                                                      \
  do {                                                                                  \
    if constexpr (kCount) {                                                             \
      if (++s.count > s.limit) goto budget_exhausted;                                   \
    }                                                                                   \
    goto* ip->handler;                                                                  \
  } while (0)
#define NEXT() \
  do {         \
    ++ip;      \
    DISPATCH(); \
  } while (0)
#define DST r[ip->dst]
#define SRC r[ip->src]
#define IMM sext32(ip->imm)
#define DST32 static_cast<uint32_t>(r[ip->dst])
#define SRC32 static_cast<uint32_t>(r[ip->src])
#define IMM32 static_cast<uint32_t>(ip->imm)

#define ALU64(name, expr) \
  L_##name : {            \
    DST = (expr);         \
    NEXT();               \
  }
#define ALU32(name, expr)                              \
  L_##name : {                                         \
    DST = static_cast<uint64_t>(static_cast<uint32_t>(expr)); \
    NEXT();                                            \
  }

  // A taken branch; backward ones are charged to the budget.
#define JUMP_BY(delta)                                                         \
  do {                                                                         \
    const int64_t jump_delta = (delta);                                        \
    if constexpr (kBudget) {                                                   \
      if (jump_delta < 0) {                                                    \
        s.count += static_cast<uint64_t>(-jump_delta);                         \
        if (s.count > s.limit) goto budget_exhausted;                          \
      }                                                                        \
    }                                                                          \
    ip += jump_delta + 1;                                                      \
    DISPATCH();                                                                \
  } while (0)
#define COND(name, cond_imm, cond_reg) \
  L_##name##Imm : {                    \
    if (cond_imm) JUMP_BY(ip->off);    \
    NEXT();                            \
  }                                    \
  L_##name##Reg : {                    \
    if (cond_reg) JUMP_BY(ip->off);    \
    NEXT();                            \
  }

  // Memory access. In checked mode the access must fall inside a region.
#define CHECK_ACCESS(addr, width, write, what)                                          \
  do {                                                                                  \
    if constexpr (kCheck) {                                                             \
      if (!stack_allows(s, (addr), (width)) && !region_allows(s.regions, (addr), (width), (write))) { \
        const bool readonly = (write) && region_contains_readonly(s.regions, (addr), (width)); \
        const unsigned base_reg = ((what)[0] == 'r') ? ip->src : ip->dst;              \
        s.fail_at(pc_of(ip), describe_access(row_of(ip).mnemonic, (what), (width), base_reg, ip->off) + \
                                 (readonly ? " is to read-only memory" : " is out of bounds")); \
        return 0;                                                                       \
      }                                                                                 \
    }                                                                                   \
  } while (0)

#define LDX(name, T, R)                          \
  L_##name : {                                   \
    const uint64_t addr = SRC + static_cast<uint64_t>(static_cast<int64_t>(ip->off)); \
    CHECK_ACCESS(addr, sizeof(T), false, "read"); \
    DST = static_cast<uint64_t>(static_cast<R>(load<T>(addr))); \
    NEXT();                                      \
  }
#define ST(name, T, value)                       \
  L_##name : {                                   \
    const uint64_t addr = DST + static_cast<uint64_t>(static_cast<int64_t>(ip->off)); \
    CHECK_ACCESS(addr, sizeof(T), true, "write"); \
    store<T>(addr, static_cast<T>(value));       \
    NEXT();                                      \
  }

#define ATOMIC_ADDR(T)                                                                      \
  const uint64_t addr = DST + static_cast<uint64_t>(static_cast<int64_t>(ip->off));          \
  if constexpr (kCheck) {                                                                   \
    if (addr % sizeof(T) != 0) {                                                            \
      s.fail_at(pc_of(ip), fmt::format("{}: atomic access of {} bytes at r{}{:+d} is not aligned to {} bytes", \
                                       row_of(ip).mnemonic, sizeof(T), ip->dst, ip->off, sizeof(T))); \
      return 0;                                                                             \
    }                                                                                       \
  }                                                                                         \
  CHECK_ACCESS(addr, sizeof(T), true, "write");                                             \
  T* const ptr = reinterpret_cast<T*>(addr)

#define ATOMIC_OP(name, T, builtin)                                  \
  L_Atomic##name : {                                                 \
    ATOMIC_ADDR(T);                                                  \
    builtin(ptr, static_cast<T>(SRC), __ATOMIC_SEQ_CST);             \
    NEXT();                                                          \
  }                                                                  \
  L_AtomicFetch##name : {                                            \
    ATOMIC_ADDR(T);                                                  \
    SRC = static_cast<uint64_t>(builtin(ptr, static_cast<T>(SRC), __ATOMIC_SEQ_CST)); \
    NEXT();                                                          \
  }

  DISPATCH();

  // ALU, 32-bit: results are zero-extended; shift counts are masked.
  ALU32(Add32Imm, DST32 + IMM32)
  ALU32(Add32Reg, DST32 + SRC32)
  ALU32(Sub32Imm, DST32 - IMM32)
  ALU32(Sub32Reg, DST32 - SRC32)
  ALU32(Mul32Imm, DST32 * IMM32)
  ALU32(Mul32Reg, DST32 * SRC32)
  ALU32(Div32Imm, udiv32(DST32, IMM32))
  ALU32(Div32Reg, udiv32(DST32, SRC32))
  ALU32(Or32Imm, DST32 | IMM32)
  ALU32(Or32Reg, DST32 | SRC32)
  ALU32(And32Imm, DST32 & IMM32)
  ALU32(And32Reg, DST32 & SRC32)
  ALU32(Lsh32Imm, DST32 << (IMM32 & 31))
  ALU32(Lsh32Reg, DST32 << (SRC32 & 31))
  ALU32(Rsh32Imm, DST32 >> (IMM32 & 31))
  ALU32(Rsh32Reg, DST32 >> (SRC32 & 31))
  ALU32(Mod32Imm, umod32(DST32, IMM32))
  ALU32(Mod32Reg, umod32(DST32, SRC32))
  ALU32(Xor32Imm, DST32 ^ IMM32)
  ALU32(Xor32Reg, DST32 ^ SRC32)
  ALU32(Mov32Imm, IMM32)
  ALU32(Mov32Reg, SRC32)
  ALU32(Arsh32Imm, static_cast<int32_t>(DST32) >> (IMM32 & 31))
  ALU32(Arsh32Reg, static_cast<int32_t>(DST32) >> (SRC32 & 31))
  ALU32(Sdiv32Imm, sdiv32(DST32, IMM32))
  ALU32(Sdiv32Reg, sdiv32(DST32, SRC32))
  ALU32(Smod32Imm, smod32(DST32, IMM32))
  ALU32(Smod32Reg, smod32(DST32, SRC32))
  ALU32(Neg32, 0u - DST32)
  ALU32(Movsx8To32, static_cast<int32_t>(static_cast<int8_t>(SRC)))
  ALU32(Movsx16To32, static_cast<int32_t>(static_cast<int16_t>(SRC)))

  // ALU, 64-bit: immediates are sign-extended.
  ALU64(Add64Imm, DST + IMM)
  ALU64(Add64Reg, DST + SRC)
  ALU64(Sub64Imm, DST - IMM)
  ALU64(Sub64Reg, DST - SRC)
  ALU64(Mul64Imm, DST * IMM)
  ALU64(Mul64Reg, DST * SRC)
  ALU64(Div64Imm, udiv64(DST, IMM))
  ALU64(Div64Reg, udiv64(DST, SRC))
  ALU64(Or64Imm, DST | IMM)
  ALU64(Or64Reg, DST | SRC)
  ALU64(And64Imm, DST & IMM)
  ALU64(And64Reg, DST & SRC)
  ALU64(Lsh64Imm, DST << (IMM & 63))
  ALU64(Lsh64Reg, DST << (SRC & 63))
  ALU64(Rsh64Imm, DST >> (IMM & 63))
  ALU64(Rsh64Reg, DST >> (SRC & 63))
  ALU64(Mod64Imm, umod64(DST, IMM))
  ALU64(Mod64Reg, umod64(DST, SRC))
  ALU64(Xor64Imm, DST ^ IMM)
  ALU64(Xor64Reg, DST ^ SRC)
  ALU64(Mov64Imm, IMM)
  ALU64(Mov64Reg, SRC)
  ALU64(Arsh64Imm, static_cast<uint64_t>(static_cast<int64_t>(DST) >> (IMM & 63)))
  ALU64(Arsh64Reg, static_cast<uint64_t>(static_cast<int64_t>(DST) >> (SRC & 63)))
  ALU64(Sdiv64Imm, sdiv64(DST, IMM))
  ALU64(Sdiv64Reg, sdiv64(DST, SRC))
  ALU64(Smod64Imm, smod64(DST, IMM))
  ALU64(Smod64Reg, smod64(DST, SRC))
  ALU64(Neg64, 0 - DST)
  ALU64(Movsx8To64, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(SRC))))
  ALU64(Movsx16To64, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(SRC))))
  ALU64(Movsx32To64, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(SRC))))

  // Byte order. The host is little-endian: "le" truncates, "be" and
  // "bswap" swap.
  ALU64(Le16, static_cast<uint16_t>(DST))
  ALU64(Le32, static_cast<uint32_t>(DST))
  ALU64(Le64, DST)
  ALU64(Be16, __builtin_bswap16(static_cast<uint16_t>(DST)))
  ALU64(Be32, __builtin_bswap32(static_cast<uint32_t>(DST)))
  ALU64(Be64, __builtin_bswap64(DST))
  ALU64(Bswap16, __builtin_bswap16(static_cast<uint16_t>(DST)))
  ALU64(Bswap32, __builtin_bswap32(static_cast<uint32_t>(DST)))
  ALU64(Bswap64, __builtin_bswap64(DST))

  // Loads and stores.
  LDX(LdxB, uint8_t, uint8_t)
  LDX(LdxH, uint16_t, uint16_t)
  LDX(LdxW, uint32_t, uint32_t)
  LDX(LdxDW, uint64_t, uint64_t)
  LDX(LdxsB, uint8_t, int8_t)
  LDX(LdxsH, uint16_t, int16_t)
  LDX(LdxsW, uint32_t, int32_t)
  ST(StB, uint8_t, ip->imm)
  ST(StH, uint16_t, ip->imm)
  ST(StW, uint32_t, ip->imm)
  ST(StDW, uint64_t, IMM)
  ST(StxB, uint8_t, SRC)
  ST(StxH, uint16_t, SRC)
  ST(StxW, uint32_t, SRC)
  ST(StxDW, uint64_t, SRC)

  // Atomics. 32-bit fetches zero-extend the old value into the register.
  ATOMIC_OP(Add32, uint32_t, __atomic_fetch_add)
  ATOMIC_OP(Or32, uint32_t, __atomic_fetch_or)
  ATOMIC_OP(And32, uint32_t, __atomic_fetch_and)
  ATOMIC_OP(Xor32, uint32_t, __atomic_fetch_xor)
  ATOMIC_OP(Add64, uint64_t, __atomic_fetch_add)
  ATOMIC_OP(Or64, uint64_t, __atomic_fetch_or)
  ATOMIC_OP(And64, uint64_t, __atomic_fetch_and)
  ATOMIC_OP(Xor64, uint64_t, __atomic_fetch_xor)
L_AtomicXchg32 : {
  ATOMIC_ADDR(uint32_t);
  SRC = __atomic_exchange_n(ptr, static_cast<uint32_t>(SRC), __ATOMIC_SEQ_CST);
  NEXT();
}
L_AtomicXchg64 : {
  ATOMIC_ADDR(uint64_t);
  SRC = __atomic_exchange_n(ptr, SRC, __ATOMIC_SEQ_CST);
  NEXT();
}
L_AtomicCmpxchg32 : {
  ATOMIC_ADDR(uint32_t);
  uint32_t expected = static_cast<uint32_t>(r[0]);
#if defined(__riscv)
  // GCC 12 for riscv64 compares the sign-extended word lr.w loads with a
  // zero-extended `expected`, so the exchange fails whenever bit 31 is set;
  // reloading it through a volatile makes the compiler sign-extend it too.
  volatile uint32_t reloaded = expected;
  expected = reloaded;
#endif
  __atomic_compare_exchange_n(ptr, &expected, static_cast<uint32_t>(SRC), false, __ATOMIC_SEQ_CST,
                              __ATOMIC_SEQ_CST);
  r[0] = expected;  // the old value, success or not
  NEXT();
}
L_AtomicCmpxchg64 : {
  ATOMIC_ADDR(uint64_t);
  uint64_t expected = r[0];
  __atomic_compare_exchange_n(ptr, &expected, SRC, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  r[0] = expected;
  NEXT();
}

  // 64-bit immediates and references resolved through the environment.
L_Lddw : {
  DST = imm64[pc_of(ip)];
  ip += 2;
  DISPATCH();
}
L_LddwMap:
L_LddwMapIdx : {
  const uint64_t index = static_cast<uint32_t>(ip->imm);
  if (index >= s.env.maps.size()) {
    s.fail_at(pc_of(ip), fmt::format("lddw: map {} does not exist (the program has {} maps)", index,
                                     s.env.maps.size()));
    return 0;
  }
  DST = reinterpret_cast<uint64_t>(s.env.maps[index].handle);
  ip += 2;
  DISPATCH();
}
L_LddwMapValue:
L_LddwMapIdxValue : {
  const uint64_t index = static_cast<uint32_t>(ip->imm);
  const uint64_t offset = static_cast<uint32_t>(imm64[pc_of(ip)] >> 32);
  if (index >= s.env.maps.size() || s.env.maps[index].direct_value == nullptr ||
      offset >= s.env.maps[index].value_size) {
    s.fail_at(pc_of(ip), fmt::format("lddw: map {} has no value at offset {} for direct access",
                                     index, offset));
    return 0;
  }
  DST = reinterpret_cast<uint64_t>(s.env.maps[index].direct_value) + offset;
  ip += 2;
  DISPATCH();
}
L_LddwHostVariable : {
  const uint64_t index = static_cast<uint32_t>(ip->imm);
  if (index >= s.env.variables.size()) {
    s.fail_at(pc_of(ip), fmt::format("lddw: host variable {} does not exist", index));
    return 0;
  }
  DST = reinterpret_cast<uint64_t>(s.env.variables[index].address);
  ip += 2;
  DISPATCH();
}
L_LddwFunction : {
  DST = encode_function_ref(static_cast<uint32_t>(pc_of(ip) + 1 + ip->imm));
  ip += 2;
  DISPATCH();
}
L_LddwTail : {
  // Never reached: jumps cannot land here (the decoder refuses it).
  s.fail_at(pc_of(ip), "internal error: executed the second slot of an lddw");
  return 0;
}

  // Legacy packet access (DESIGN.md): r0 = packet bytes in network order;
  // outside the packet, the program ends with r0 = 0.
#define LD_PACKET(name, width, offset_expr)                     \
  L_##name : {                                                  \
    uint64_t value;                                             \
    if (!packet_load(s.input, (offset_expr), width, value)) {   \
      s.depth = base_depth;                                     \
      s.ended = true;                                           \
      return 0;                                                 \
    }                                                           \
    r[0] = value;                                               \
    NEXT();                                                     \
  }
  LD_PACKET(LdAbsB, 1, static_cast<uint32_t>(ip->imm))
  LD_PACKET(LdAbsH, 2, static_cast<uint32_t>(ip->imm))
  LD_PACKET(LdAbsW, 4, static_cast<uint32_t>(ip->imm))
  LD_PACKET(LdIndB, 1, static_cast<uint32_t>(ip->imm) + SRC32)
  LD_PACKET(LdIndH, 2, static_cast<uint32_t>(ip->imm) + SRC32)
  LD_PACKET(LdIndW, 4, static_cast<uint32_t>(ip->imm) + SRC32)

  // Jumps. Immediates compare as sign-extended 64-bit values (JMP) or as
  // their low 32 bits (JMP32).
L_Ja:
  JUMP_BY(ip->off);
L_Ja32:
  JUMP_BY(ip->imm);
  COND(Jeq64, DST == IMM, DST == SRC)
  COND(Jgt64, DST > IMM, DST > SRC)
  COND(Jge64, DST >= IMM, DST >= SRC)
  COND(Jset64, (DST & IMM) != 0, (DST & SRC) != 0)
  COND(Jne64, DST != IMM, DST != SRC)
  COND(Jsgt64, static_cast<int64_t>(DST) > static_cast<int64_t>(IMM),
       static_cast<int64_t>(DST) > static_cast<int64_t>(SRC))
  COND(Jsge64, static_cast<int64_t>(DST) >= static_cast<int64_t>(IMM),
       static_cast<int64_t>(DST) >= static_cast<int64_t>(SRC))
  COND(Jlt64, DST < IMM, DST < SRC)
  COND(Jle64, DST <= IMM, DST <= SRC)
  COND(Jslt64, static_cast<int64_t>(DST) < static_cast<int64_t>(IMM),
       static_cast<int64_t>(DST) < static_cast<int64_t>(SRC))
  COND(Jsle64, static_cast<int64_t>(DST) <= static_cast<int64_t>(IMM),
       static_cast<int64_t>(DST) <= static_cast<int64_t>(SRC))
  COND(Jeq32, DST32 == IMM32, DST32 == SRC32)
  COND(Jgt32, DST32 > IMM32, DST32 > SRC32)
  COND(Jge32, DST32 >= IMM32, DST32 >= SRC32)
  COND(Jset32, (DST32 & IMM32) != 0, (DST32 & SRC32) != 0)
  COND(Jne32, DST32 != IMM32, DST32 != SRC32)
  COND(Jsgt32, static_cast<int32_t>(DST32) > ip->imm,
       static_cast<int32_t>(DST32) > static_cast<int32_t>(SRC32))
  COND(Jsge32, static_cast<int32_t>(DST32) >= ip->imm,
       static_cast<int32_t>(DST32) >= static_cast<int32_t>(SRC32))
  COND(Jlt32, DST32 < IMM32, DST32 < SRC32)
  COND(Jle32, DST32 <= IMM32, DST32 <= SRC32)
  COND(Jslt32, static_cast<int32_t>(DST32) < ip->imm,
       static_cast<int32_t>(DST32) < static_cast<int32_t>(SRC32))
  COND(Jsle32, static_cast<int32_t>(DST32) <= ip->imm,
       static_cast<int32_t>(DST32) <= static_cast<int32_t>(SRC32))

  // Calls.
  {
    uint64_t helper_id;
  L_CallHelper:
    helper_id = static_cast<uint32_t>(ip->imm);
    goto call_helper;
  L_CallReg:
    helper_id = DST;
  call_helper : {
    const HelperFunction fn = s.env.helper(helper_id);
    if (fn == nullptr) {
      const std::string spelled = ip->handler == kLabels[static_cast<size_t>(Op::CallReg)]
                                           ? fmt::format("call %r{}", ip->dst)
                                           : fmt::format("call {}", ip->imm);
      s.fail_at(pc_of(ip), fmt::format("{}: unknown helper id {}", spelled, helper_id));
      return 0;
    }
    if constexpr (kBudget) {
      if (++s.count > s.limit) goto budget_exhausted;
    }
    r[0] = fn(r[1], r[2], r[3], r[4], r[5], s.context);
    if (s.ended) [[unlikely]] {
      s.depth = base_depth;
      return 0;
    }
    if (s.error) [[unlikely]] {
      if (s.error->where.instruction == std::nullopt) s.error->where.instruction = pc_of(ip);
      return 0;
    }
    NEXT();
  }
  }

L_CallLocal : {
  if (s.depth + 1 >= s.prepared.options.max_call_depth) {
    s.fail_at(pc_of(ip), fmt::format("call local: call depth exceeds the limit of {} frames",
                                     s.prepared.options.max_call_depth));
    return 0;
  }
  if constexpr (kBudget) {
    if (++s.count > s.limit) goto budget_exhausted;
  }
  Frame& frame = s.frames[s.depth++];
  frame.return_ip = ip + 1;
  std::memcpy(frame.saved, &r[6], sizeof(frame.saved));
  frame.saved_r10 = r[10];
  r[10] -= frame_size;
  ip += ip->imm + 1;
  DISPATCH();
}

L_Exit : {
  if (s.depth == base_depth) return r[0];
  const Frame& frame = s.frames[--s.depth];
  std::memcpy(&r[6], frame.saved, sizeof(frame.saved));
  r[10] = frame.saved_r10;
  ip = frame.return_ip;
  DISPATCH();
}

budget_exhausted: __attribute__((unused));
  s.fail_at(pc_of(ip), fmt::format("instruction budget of {} exhausted", s.limit));
  return 0;

#undef DISPATCH
#undef NEXT
#undef DST
#undef SRC
#undef IMM
#undef DST32
#undef SRC32
#undef IMM32
#undef ALU64
#undef ALU32
#undef JUMP_BY
#undef COND
#undef CHECK_ACCESS
#undef LDX
#undef ST
#undef ATOMIC_ADDR
#undef ATOMIC_OP
#undef LD_PACKET
}

uint64_t run_function(RunState& s, uint32_t entry_pc, const uint64_t* args) {
  switch (s.variant) {
    case kFast: return execute<kFast>(&s, entry_pc, args);
    case kFastCounting: return execute<kFastCounting>(&s, entry_pc, args);
    case kFastBudget: return execute<kFastBudget>(&s, entry_pc, args);
    case kChecked: return execute<kChecked>(&s, entry_pc, args);
    case kVariantCount: break;
  }
  return 0;
}

uint64_t InterpreterContext::call_function(uint64_t function, uint64_t r1, uint64_t r2,
                                           uint64_t r3, uint64_t r4, uint64_t r5) {
  RunState& s = state_;
  if (s.error || s.ended) return 0;
  const auto entries = s.prepared.program.function_entries();
  if (!is_function_ref(function) ||
      !std::binary_search(entries.begin(), entries.end(), function_ref_pc(function))) {
    s.error = Error{ErrorKind::kRuntime,
                    fmt::format("a helper was given 0x{:x}, which is not a function of the program",
                                function),
                    {}};
    return 0;
  }
  if (s.depth + 1 >= s.prepared.options.max_call_depth) {
    s.error = Error{ErrorKind::kRuntime,
                    fmt::format("callback: call depth exceeds the limit of {} frames",
                                s.prepared.options.max_call_depth),
                    {}};
    return 0;
  }
  const uint64_t args[5] = {r1, r2, r3, r4, r5};
  ++s.depth;
  const uint64_t result = run_function(s, function_ref_pc(function), args);
  --s.depth;
  return result;
}

void InterpreterContext::allow_region(const void* address, uint64_t size, bool writable) {
  if (state_.variant == kChecked)
    state_.regions.push_back({reinterpret_cast<uint64_t>(address), size, writable});
}

void InterpreterContext::fail(std::string message) {
  if (!state_.error) state_.error = Error{ErrorKind::kRuntime, std::move(message), {}};
}

// A run that ended early (legacy packet load out of bounds) looks failed to
// helpers, so that they stop and return at once.
void InterpreterContext::end_program() { state_.ended = true; }

void* InterpreterContext::run_data() const { return state_.input.run_data; }

bool InterpreterContext::failed() const { return state_.error.has_value() || state_.ended; }

const Environment& InterpreterContext::environment() const { return state_.env; }

uint64_t InterpreterContext::accessible_bytes(uint64_t address, uint64_t max, bool write) const {
  const uint64_t top = reinterpret_cast<uint64_t>(state_.stack_top);
  const uint64_t live =
      static_cast<uint64_t>(state_.depth + 1) * state_.prepared.options.stack_per_frame;
  const MemoryRegion stack{top - live, live, true};
  const uint64_t on_stack = bytes_in_regions({&stack, 1}, address, max, write);
  if (on_stack != 0 || state_.variant != kChecked) return on_stack;
  return bytes_in_regions(state_.regions, address, max, write);
}

template <Variant V>
void prepare_variant(const PreparedProgram& p) {
  const void* const* labels = handler_table<V>();
  const Program& program = p.program;
  std::vector<Decoded>& code = p.code[V];
  code.resize(program.size());
  for (size_t pc = 0; pc < program.size(); ++pc) {
    const Insn& insn = program.insns()[pc];
    Decoded& d = code[pc];
    d.handler = program.is_lddw_tail(pc) ? labels[kOpCount] : labels[static_cast<size_t>(program.op(pc))];
    d.dst = insn.dst;
    d.src = insn.src;
    d.off = insn.off;
    d.imm = insn.imm;
  }
}

const Decoded* code_for(const PreparedProgram& p, Variant v) {
  std::call_once(p.once[v], [&] {
    switch (v) {
      case kFast: prepare_variant<kFast>(p); break;
      case kFastCounting: prepare_variant<kFastCounting>(p); break;
      case kFastBudget: prepare_variant<kFastBudget>(p); break;
      case kChecked: prepare_variant<kChecked>(p); break;
      case kVariantCount: break;
    }
  });
  return p.code[v].data();
}

// Stacks up to this size live on the host stack; larger ones on the heap.
constexpr size_t kInlineStackBytes = 16 * 1024;

}  // namespace

Result<void> validate_frame_options(uint32_t stack_per_frame, uint32_t max_call_depth) {
  if (stack_per_frame == 0 || stack_per_frame % 8 != 0 || stack_per_frame > (1u << 20))
    return make_error(ErrorKind::kUsage,
                      fmt::format("stack size per frame must be a multiple of 8 between 8 and "
                                  "1048576 bytes, not {}",
                                  stack_per_frame));
  if (max_call_depth == 0 || max_call_depth > 1024)
    return make_error(ErrorKind::kUsage,
                      fmt::format("the call depth limit must be between 1 and 1024, not {}",
                                  max_call_depth));
  return {};
}

Interpreter::Interpreter(std::unique_ptr<PreparedProgram> prepared) : prepared_(std::move(prepared)) {}
Interpreter::Interpreter(Interpreter&&) noexcept = default;
Interpreter& Interpreter::operator=(Interpreter&&) noexcept = default;
Interpreter::~Interpreter() = default;

Result<Interpreter> Interpreter::create(const Program& program, const InterpreterOptions& options) {
  if (auto valid = validate_frame_options(options.stack_per_frame, options.max_call_depth); !valid)
    return std::unexpected(valid.error());
  auto prepared = std::make_unique<PreparedProgram>();
  prepared->program = program;
  prepared->options = options;
  prepared->imm64.assign(program.size(), 0);
  for (size_t pc = 0; pc < program.size(); ++pc)
    if (!program.is_lddw_tail(pc) && is_lddw_form(program.row(pc).form))
      prepared->imm64[pc] = program.lddw_imm64(pc);
  code_for(*prepared, kFast);
  return Interpreter(std::move(prepared));
}

const Program& Interpreter::program() const { return prepared_->program; }
const InterpreterOptions& Interpreter::options() const { return prepared_->options; }

Result<uint64_t> Interpreter::run(const Environment& environment, const RunInput& input,
                                  ExecMode mode, const RunLimits& limits, RunStats* stats) const {
  const PreparedProgram& p = *prepared_;
  Variant variant = kFast;
  // The counting variant also enforces a budget exactly, so statistics
  // with a budget count every instruction.
  if (mode == ExecMode::kChecked)
    variant = kChecked;
  else if (stats != nullptr)
    variant = kFastCounting;
  else if (limits.instruction_budget != 0)
    variant = kFastBudget;

  RunState state(p, environment, input, variant);
  state.code = code_for(p, variant);
  if (limits.instruction_budget != 0) state.limit = limits.instruction_budget;
  // Frames and stack live on the host stack unless the options make them
  // large: a run allocates nothing on the heap.
  constexpr uint32_t kInlineFrames = 32;
  Frame inline_frames[kInlineFrames];
  std::vector<Frame> heap_frames;
  if (p.options.max_call_depth > kInlineFrames) {
    heap_frames.resize(p.options.max_call_depth);
    state.frames = heap_frames.data();
  } else {
    state.frames = inline_frames;
  }

  const size_t stack_bytes = static_cast<size_t>(p.options.stack_per_frame) * p.options.max_call_depth;
  alignas(16) uint8_t inline_stack[kInlineStackBytes];
  std::vector<uint8_t> heap_stack;
  uint8_t* stack = inline_stack;
  if (stack_bytes > kInlineStackBytes) {
    heap_stack.assign(stack_bytes + 16, 0);
    stack = heap_stack.data() + (16 - reinterpret_cast<uintptr_t>(heap_stack.data()) % 16) % 16;
  }
  state.stack_bottom = stack;
  state.stack_top = stack + stack_bytes;

  if (variant == kChecked) {
    // Zeroed so that unverified programs reading stack they never wrote see
    // zeros, not what an earlier run left. Only live frames are accessible
    // (stack_allows).
    std::memset(stack, 0, stack_bytes);
    state.regions.assign(input.regions.begin(), input.regions.end());
  }

  uint64_t result = run_function(state, 0, input.args);
  if (state.ended) result = 0;
  if (stats != nullptr) stats->instructions = state.count;
  if (state.error) return std::unexpected(std::move(*state.error));
  return result;
}

}  // namespace sandbpf
