// The decoder accepts exactly the instructions of the table, with reserved
// fields zero, and refuses everything else with the instruction index and a
// sentence.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "vm/program.hpp"

namespace sandbpf {
namespace {

Insn raw(uint8_t opcode, uint8_t dst = 0, uint8_t src = 0, int16_t off = 0, int32_t imm = 0) {
  Insn insn;
  insn.opcode = opcode;
  insn.dst = dst;
  insn.src = src;
  insn.off = off;
  insn.imm = imm;
  return insn;
}

const Insn kExit = raw(0x95);

std::string decode_error(const std::vector<Insn>& slots, DecodeOptions options = {}) {
  auto program = Program::decode(slots, options);
  if (program) return "(accepted)";
  return program.error().to_string();
}

// Every opcode byte RFC 9669 (plus v4 and callx) defines, written out from
// the RFC's tables independently of insn_table.def.
const std::set<int> kRfcOpcodes = {
    // ALU (32-bit): add sub mul div or and lsh rsh (K, X), neg, mod, xor, mov, arsh, le/be
    0x04, 0x0c, 0x14, 0x1c, 0x24, 0x2c, 0x34, 0x3c, 0x44, 0x4c, 0x54, 0x5c, 0x64, 0x6c, 0x74,
    0x7c, 0x84, 0x94, 0x9c, 0xa4, 0xac, 0xb4, 0xbc, 0xc4, 0xcc, 0xd4, 0xdc,
    // ALU64, with bswap (0xd7)
    0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x6f, 0x77,
    0x7f, 0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0xcf, 0xd7,
    // JMP: ja, conditional (K, X), call, callx, exit
    0x05, 0x15, 0x1d, 0x25, 0x2d, 0x35, 0x3d, 0x45, 0x4d, 0x55, 0x5d, 0x65, 0x6d, 0x75, 0x7d,
    0x85, 0x8d, 0x95, 0xa5, 0xad, 0xb5, 0xbd, 0xc5, 0xcd, 0xd5, 0xdd,
    // JMP32: gotol (ja32) and conditional
    0x06, 0x16, 0x1e, 0x26, 0x2e, 0x36, 0x3e, 0x46, 0x4e, 0x56, 0x5e, 0x66, 0x6e, 0x76, 0x7e,
    0xa6, 0xae, 0xb6, 0xbe, 0xc6, 0xce, 0xd6, 0xde,
    // LD: lddw, legacy ABS/IND (W, H, B)
    0x18, 0x20, 0x28, 0x30, 0x40, 0x48, 0x50,
    // LDX (MEM, MEMSX), ST, STX (MEM, ATOMIC)
    0x61, 0x69, 0x71, 0x79, 0x81, 0x89, 0x91, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b,
    0xc3, 0xdb};

TEST(Decoder, EveryOpcodeByteWithEveryVariantIsARowOrRefused) {
  // The values of src, offset and imm that tell instructions apart in the
  // RFC (call kinds, lddw kinds, sdiv/smod, movsx widths, byte-swap widths,
  // atomic operations), plus values no instruction uses.
  const std::vector<uint8_t> srcs = {0, 1, 2, 3, 4, 5, 6, 7, 15};
  const std::vector<int16_t> offs = {0, 1, 2, 8, 16, 32, 64, -1};
  const std::vector<int32_t> imms = {0,    1,    2,    16,   32,   64,   8,    0x40, 0x41,
                                     0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1, 0xe0, 0xf0, -1};
  std::set<int> accepted_opcodes;
  size_t accepted = 0, refused = 0;
  for (int opcode = 0; opcode < 256; ++opcode) {
    for (uint8_t src : srcs) {
      for (int16_t off : offs) {
        for (int32_t imm : imms) {
          // dst r1: legal for every form that has a dst; reserved elsewhere.
          for (uint8_t dst : {uint8_t{0}, uint8_t{1}}) {
            const Insn insn = raw(static_cast<uint8_t>(opcode), dst, src, off, imm);
            // An lddw needs its second slot; jumps need a target in range.
            std::vector<Insn> slots = {insn, kExit, kExit, kExit, kExit};
            if (opcode == 0x18) slots[1] = raw(0);
            auto program = Program::decode(slots);
            if (program) {
              ++accepted;
              accepted_opcodes.insert(opcode);
              const InsnInfo* row = find_row(insn);
              ASSERT_NE(row, nullptr);
              EXPECT_EQ(program->op(0), row->op);
              EXPECT_EQ(program->row(0).opcode, opcode);
            } else {
              ++refused;
              const Error& error = program.error();
              EXPECT_EQ(error.kind, ErrorKind::kLoad);
              EXPECT_FALSE(error.message.empty());
              ASSERT_TRUE(error.where.instruction.has_value()) << error.message;
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(accepted_opcodes, kRfcOpcodes);
  EXPECT_GT(accepted, 0u);
  EXPECT_GT(refused, 0u);
}

TEST(Decoder, EveryRowOfTheTableDecodes) {
  for (const InsnInfo& row : all_instructions()) {
    if (row.form == Form::CallLocal || is_jump(row.form) || row.form == Form::LddwFunction) continue;
    const uint8_t dst = uses_dst_register(row.form) ? 1 : 0;
    const uint8_t src = uses_src_register(row.form) ? 2 : 0;
    std::vector<Insn> slots = {make_insn(row.op, dst, src)};
    if (is_lddw_form(row.form)) slots.push_back(raw(0));
    slots.push_back(kExit);
    auto program = Program::decode(slots);
    ASSERT_TRUE(program) << row.mnemonic << ": " << program.error().to_string();
    EXPECT_EQ(program->op(0), row.op);
  }
}

TEST(Decoder, RefusesAnEmptyProgram) { EXPECT_EQ(decode_error({}), "the program is empty"); }

TEST(Decoder, RefusesUnknownOpcodes) {
  EXPECT_EQ(decode_error({raw(0xb7), raw(0xff), kExit}), "insn 1: unknown opcode 0xff");
  EXPECT_EQ(decode_error({raw(0x8c), kExit}), "insn 0: unknown opcode 0x8c");  // neg with X source
  EXPECT_EQ(decode_error({raw(0x38), kExit}), "insn 0: unknown opcode 0x38");  // LD_ABS DW
}

TEST(Decoder, RefusesUnknownVariants) {
  EXPECT_EQ(decode_error({raw(0x37, 0, 0, 5, 1), kExit}),
            "insn 0: opcode 0x37 with offset 5 is not an instruction (offset must be 0 for div, 1 "
            "for sdiv)");
  EXPECT_EQ(decode_error({raw(0xd7, 1, 0, 0, 8), kExit}),
            "insn 0: opcode 0xd7 with imm 8 is not an instruction (imm must be 16 for bswap16, 32 "
            "for bswap32, 64 for bswap64)");
  EXPECT_EQ(decode_error({raw(0xbc, 1, 2, 32), kExit}),
            "insn 0: opcode 0xbc with offset 32 is not an instruction (offset must be 0 for mov32, "
            "8 for movsx832, 16 for movsx1632)");
  EXPECT_EQ(decode_error({raw(0x18, 1, 7), raw(0), kExit}),
            "insn 0: opcode 0x18 with src_reg 7 is not an instruction (src_reg must be 0 for lddw, "
            "1 for lddw, 2 for lddw, 3 for lddw, 4 for lddw, 5 for lddw, 6 for lddw)");
}

TEST(Decoder, RefusesKernelFunctionCalls) {
  EXPECT_EQ(decode_error({raw(0x85, 0, 2, 0, 1234), kExit}),
            "insn 0: call with src_reg 2 (a kernel function by BTF id) is not supported");
}

TEST(Decoder, RefusesNonZeroReservedFields) {
  EXPECT_EQ(decode_error({raw(0x04, 0, 0, 3, 1), kExit}),
            "insn 0: add32: reserved field offset must be 0, not 3");
  EXPECT_EQ(decode_error({raw(0x0c, 0, 1, 0, 9), kExit}),
            "insn 0: add32: reserved field imm must be 0, not 9");
  EXPECT_EQ(decode_error({raw(0x07, 0, 4, 0, 1), kExit}),
            "insn 0: add: reserved field src_reg must be 0, not 4");
  EXPECT_EQ(decode_error({raw(0x95, 1), }),
            "insn 0: exit: reserved field dst_reg must be 0, not 1");
  EXPECT_EQ(decode_error({raw(0x05, 0, 0, 0, 1), kExit}),
            "insn 0: ja: reserved field imm must be 0, not 1");
  EXPECT_EQ(decode_error({raw(0x06, 0, 0, 1, 0), kExit}),
            "insn 0: ja32: reserved field offset must be 0, not 1");
  EXPECT_EQ(decode_error({raw(0x61, 0, 1, 0, 5), kExit}),
            "insn 0: ldxw: reserved field imm must be 0, not 5");
}

TEST(Decoder, RefusesBadRegisters) {
  EXPECT_EQ(decode_error({raw(0xb7, 11, 0, 0, 1), kExit}),
            "insn 0: mov: invalid register r11 (registers are r0 to r10)");
  EXPECT_EQ(decode_error({raw(0xbf, 1, 12), kExit}),
            "insn 0: mov: invalid register r12 (registers are r0 to r10)");
  EXPECT_EQ(decode_error({raw(0x8d, 15), kExit}),
            "insn 0: call: invalid register r15 (registers are r0 to r10)");
}

TEST(Decoder, RefusesWritesToTheFramePointer) {
  EXPECT_EQ(decode_error({raw(0xb7, 10, 0, 0, 1), kExit}),
            "insn 0: mov: r10 is the read-only frame pointer and cannot be written");
  EXPECT_EQ(decode_error({raw(0x79, 10, 1), kExit}),
            "insn 0: ldxdw: r10 is the read-only frame pointer and cannot be written");
  EXPECT_EQ(decode_error({raw(0x18, 10), raw(0), kExit}),
            "insn 0: lddw: r10 is the read-only frame pointer and cannot be written");
  // A fetching atomic writes its source register.
  EXPECT_EQ(decode_error({raw(0xdb, 1, 10, 0, 0x01), kExit}),
            "insn 0: lock fetch add: r10 is the read-only frame pointer and cannot be written");
  // Storing through r10 and reading it are fine.
  EXPECT_EQ(decode_error({raw(0x7b, 10, 1, -8), raw(0xbf, 1, 10), kExit}), "(accepted)");
  EXPECT_EQ(decode_error({raw(0xdb, 10, 1, -8, 0x00), kExit}), "(accepted)");
}

TEST(Decoder, RefusesTruncatedAndMalformedLddw) {
  EXPECT_EQ(decode_error({kExit, raw(0x18, 1, 0, 0, 5)}),
            "insn 1: lddw: its second slot is missing at the end of the program");
  EXPECT_EQ(decode_error({raw(0x18, 1, 0, 0, 5), raw(0x95), kExit}),
            "insn 1: lddw: the second slot must be zero except for its imm (the upper 32 bits)");
  EXPECT_EQ(decode_error({raw(0x18, 1, 1, 0, 0), raw(0, 0, 0, 0, 3), kExit}),
            "insn 1: lddw: the second slot's imm must be 0 for LddwMap");
}

TEST(Decoder, RefusesJumpsOutOfRangeOrIntoLddw) {
  EXPECT_EQ(decode_error({raw(0x05, 0, 0, 3), kExit}),
            "insn 0: ja: target 4 is outside the program (0 to 1)");
  EXPECT_EQ(decode_error({raw(0x05, 0, 0, -2), kExit}),
            "insn 0: ja: target -1 is outside the program (0 to 1)");
  EXPECT_EQ(decode_error({raw(0x06, 0, 0, 0, 100), kExit}),
            "insn 0: ja32: target 101 is outside the program (0 to 1)");
  EXPECT_EQ(decode_error({raw(0x05, 0, 0, 1), raw(0x18, 1), raw(0), kExit}),
            "insn 0: ja: target 2 is the second slot of an lddw");
  EXPECT_EQ(decode_error({raw(0x15, 1, 0, 1, 0), raw(0x18, 1), raw(0), kExit}),
            "insn 0: jeq: target 2 is the second slot of an lddw");
  EXPECT_EQ(decode_error({raw(0x85, 0, 1, 0, 5), kExit}),
            "insn 0: call local: target 6 is outside the program (0 to 1)");
}

TEST(Decoder, RefusesProgramsThatRunPastTheirEnd) {
  EXPECT_EQ(decode_error({raw(0xb7, 0, 0, 0, 1)}),
            "insn 0: execution can run past the end of the program: the last instruction must be "
            "exit or ja");
  // A conditional jump as the last instruction can fall through.
  EXPECT_EQ(decode_error({raw(0x15, 0, 0, -1, 0)}),
            "insn 0: execution can run past the end of the program: the last instruction must be "
            "exit or ja");
  // A function that falls into the next one.
  EXPECT_EQ(decode_error({raw(0x85, 0, 1, 0, 1), kExit, raw(0xb7, 0, 0, 0, 1), raw(0x85, 0, 1, 0, 0),
                          kExit}),
            "insn 3: execution can run from the function at insn 2 into the function at insn 4: "
            "its last instruction must be exit or ja");
}

TEST(Decoder, RefusesJumpsBetweenFunctions) {
  // call local +1 makes insn 2 a function; ja from 0's function into it.
  EXPECT_EQ(decode_error({raw(0x85, 0, 1, 0, 2), raw(0x05, 0, 0, 1), kExit, kExit}),
            "insn 1: ja: target 3 is in another function (functions are entered only by calls)");
}

TEST(Decoder, FindsFunctionsFromCallsAndFunctionReferences) {
  const std::vector<Insn> slots = {raw(0x85, 0, 1, 0, 3), raw(0x18, 2, 4, 0, 4), raw(0), kExit,
                                   raw(0xb7, 0, 0, 0, 1), kExit, kExit};
  auto program = Program::decode(slots);
  ASSERT_TRUE(program) << program.error().to_string();
  EXPECT_EQ(std::vector<uint32_t>(program->function_entries().begin(),
                                  program->function_entries().end()),
            (std::vector<uint32_t>{0, 4, 6}));
  EXPECT_EQ(program->function_of(5), 1u);
}

TEST(Decoder, RefusesInstructionsNewerThanTheSelectedCpu) {
  DecodeOptions v3;
  v3.cpu_version = 3;
  EXPECT_EQ(decode_error({raw(0x3f, 1, 2, 1), kExit}, v3),
            "insn 0: sdiv needs cpu v4, but cpu v3 was selected");
  DecodeOptions v1;
  v1.cpu_version = 1;
  EXPECT_EQ(decode_error({raw(0xad, 1, 2, 0), kExit}, v1),
            "insn 0: jlt needs cpu v2, but cpu v1 was selected");
}

TEST(Decoder, RefusesProgramsOverTheSizeLimit) {
  DecodeOptions small;
  small.max_instructions = 2;
  EXPECT_EQ(decode_error({kExit, kExit, kExit}, small),
            "the program has 3 instructions, more than the limit of 2");
}

}  // namespace
}  // namespace sandbpf
