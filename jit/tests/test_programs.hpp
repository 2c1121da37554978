// Building programs slot by slot in the JIT's tests.
#pragma once

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "vm/insn_table.hpp"
#include "vm/program.hpp"

namespace sandbpf::test_programs {

inline Insn I(Op op, uint8_t dst = 0, uint8_t src = 0, int16_t off = 0, int32_t imm = 0) {
  return make_insn(op, dst, src, off, imm);
}

// The slots as a Program (a failed test and an empty program when they
// are not one).
inline Program decode(const std::vector<Insn>& slots) {
  auto program = Program::decode(slots);
  EXPECT_TRUE(program) << program.error().to_string();
  return program ? std::move(*program) : Program{};
}

}  // namespace sandbpf::test_programs
