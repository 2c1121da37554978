// The BPF instruction encoding (RFC 9669 section 3): one 64-bit slot holds an
// 8-bit opcode, two 4-bit registers, a signed 16-bit offset and a signed
// 32-bit immediate. lddw takes two slots; the second holds the upper 32 bits
// of the immediate. Only the encoding lives here; what each opcode means is
// in the instruction table (insn_table.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

namespace sandbpf {

// Instruction classes (the low 3 bits of the opcode).
inline constexpr uint8_t kClassLd = 0x00;
inline constexpr uint8_t kClassLdx = 0x01;
inline constexpr uint8_t kClassSt = 0x02;
inline constexpr uint8_t kClassStx = 0x03;
inline constexpr uint8_t kClassAlu = 0x04;
inline constexpr uint8_t kClassJmp = 0x05;
inline constexpr uint8_t kClassJmp32 = 0x06;
inline constexpr uint8_t kClassAlu64 = 0x07;

// Arithmetic and jump operations (the high 4 bits) and the source bit.
inline constexpr uint8_t kSrcK = 0x00;
inline constexpr uint8_t kSrcX = 0x08;

inline constexpr uint8_t kAluAdd = 0x00;
inline constexpr uint8_t kAluSub = 0x10;
inline constexpr uint8_t kAluMul = 0x20;
inline constexpr uint8_t kAluDiv = 0x30;
inline constexpr uint8_t kAluOr = 0x40;
inline constexpr uint8_t kAluAnd = 0x50;
inline constexpr uint8_t kAluLsh = 0x60;
inline constexpr uint8_t kAluRsh = 0x70;
inline constexpr uint8_t kAluNeg = 0x80;
inline constexpr uint8_t kAluMod = 0x90;
inline constexpr uint8_t kAluXor = 0xa0;
inline constexpr uint8_t kAluMov = 0xb0;
inline constexpr uint8_t kAluArsh = 0xc0;
inline constexpr uint8_t kAluEnd = 0xd0;

inline constexpr uint8_t kJmpJa = 0x00;
inline constexpr uint8_t kJmpJeq = 0x10;
inline constexpr uint8_t kJmpJgt = 0x20;
inline constexpr uint8_t kJmpJge = 0x30;
inline constexpr uint8_t kJmpJset = 0x40;
inline constexpr uint8_t kJmpJne = 0x50;
inline constexpr uint8_t kJmpJsgt = 0x60;
inline constexpr uint8_t kJmpJsge = 0x70;
inline constexpr uint8_t kJmpCall = 0x80;
inline constexpr uint8_t kJmpExit = 0x90;
inline constexpr uint8_t kJmpJlt = 0xa0;
inline constexpr uint8_t kJmpJle = 0xb0;
inline constexpr uint8_t kJmpJslt = 0xc0;
inline constexpr uint8_t kJmpJsle = 0xd0;

// Load/store sizes and modes.
inline constexpr uint8_t kSizeW = 0x00;
inline constexpr uint8_t kSizeH = 0x08;
inline constexpr uint8_t kSizeB = 0x10;
inline constexpr uint8_t kSizeDW = 0x18;
inline constexpr uint8_t kModeImm = 0x00;
inline constexpr uint8_t kModeAbs = 0x20;
inline constexpr uint8_t kModeInd = 0x40;
inline constexpr uint8_t kModeMem = 0x60;
inline constexpr uint8_t kModeMemsx = 0x80;
inline constexpr uint8_t kModeAtomic = 0xc0;

// Atomic operations (in imm) and the fetch flag.
inline constexpr int32_t kAtomicAdd = 0x00;
inline constexpr int32_t kAtomicOr = 0x40;
inline constexpr int32_t kAtomicAnd = 0x50;
inline constexpr int32_t kAtomicXor = 0xa0;
inline constexpr int32_t kAtomicFetch = 0x01;
inline constexpr int32_t kAtomicXchg = 0xe0 | 0x01;
inline constexpr int32_t kAtomicCmpxchg = 0xf0 | 0x01;

// src_reg values that give lddw and call their meaning.
inline constexpr uint8_t kLddwImm64 = 0;  // plain 64-bit immediate
inline constexpr uint8_t kLddwMapByIndex =
    1;  // BPF_PSEUDO_MAP_FD: map by index in the object's map table
inline constexpr uint8_t kLddwMapValue =
    2;  // BPF_PSEUDO_MAP_VALUE: a map value's address + next_imm
inline constexpr uint8_t kLddwHostVariable = 3;  // BPF_PSEUDO_BTF_ID: a host variable's address
inline constexpr uint8_t kLddwFunction = 4;      // BPF_PSEUDO_FUNC: a subprogram's address
inline constexpr uint8_t kLddwMapIdx = 5;        // BPF_PSEUDO_MAP_IDX: same as 1 here (no fds)
inline constexpr uint8_t kLddwMapIdxValue = 6;   // BPF_PSEUDO_MAP_IDX_VALUE: same as 2 here

inline constexpr uint8_t kCallHelper = 0;  // imm = helper id
inline constexpr uint8_t kCallLocal = 1;   // imm = offset of the callee from the next insn
inline constexpr uint8_t kCallKfunc = 2;   // kernel function by BTF id: refused

inline constexpr int kNumRegisters = 11;  // r0..r10
inline constexpr int kFramePointer = 10;

constexpr uint8_t opcode_class(uint8_t opcode) { return opcode & 0x07; }

struct Insn {
  uint8_t opcode = 0;
  uint8_t dst : 4 = 0;
  uint8_t src : 4 = 0;
  int16_t off = 0;
  int32_t imm = 0;

  constexpr uint8_t cls() const { return opcode_class(opcode); }

  // The 64-bit little-endian word as the conformance suite's raw form
  // writes it (opcode in the lowest byte).
  uint64_t to_word() const {
    uint8_t bytes[8];
    bytes[0] = opcode;
    bytes[1] = static_cast<uint8_t>(dst | (src << 4));
    const auto uoff = static_cast<uint16_t>(off);
    bytes[2] = static_cast<uint8_t>(uoff);
    bytes[3] = static_cast<uint8_t>(uoff >> 8);
    const auto uimm = static_cast<uint32_t>(imm);
    for (int i = 0; i < 4; ++i) bytes[4 + i] = static_cast<uint8_t>(uimm >> (8 * i));
    uint64_t word = 0;
    for (int i = 7; i >= 0; --i) word = (word << 8) | bytes[i];
    return word;
  }

  static Insn from_word(uint64_t word) {
    Insn insn;
    insn.opcode = static_cast<uint8_t>(word);
    insn.dst = static_cast<uint8_t>((word >> 8) & 0x0f);
    insn.src = static_cast<uint8_t>((word >> 12) & 0x0f);
    insn.off = static_cast<int16_t>(static_cast<uint16_t>(word >> 16));
    insn.imm = static_cast<int32_t>(static_cast<uint32_t>(word >> 32));
    return insn;
  }

  static Insn from_bytes(const uint8_t* bytes) {
    uint64_t word = 0;
    for (int i = 7; i >= 0; --i) word = (word << 8) | bytes[i];
    return from_word(word);
  }

  friend constexpr bool operator==(const Insn& a, const Insn& b) {
    return a.opcode == b.opcode && a.dst == b.dst && a.src == b.src && a.off == b.off &&
           a.imm == b.imm;
  }
};
static_assert(sizeof(Insn) == 8, "an instruction is one 64-bit slot");

constexpr bool is_lddw(const Insn& insn) { return insn.opcode == (kClassLd | kModeImm | kSizeDW); }

}  // namespace sandbpf
