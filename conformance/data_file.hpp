// The bpf_conformance `.data` format: one file, one test.
//
//   # comment lines
//   -- asm                 the program in the suite's assembly syntax
//   -- raw                 the program as 64-bit words (`0x...`), one per
//                          line; overrides `-- asm` when both are present
//   -- mem                 input memory, hex bytes separated by whitespace
//   -- result              the expected r0 (`0x` hex, otherwise decimal)
//   -- error               the exact error text expected instead of r0
//   -- c                   ignored (the C source the program came from)
//   -- no register offset  ignored (a hint for other runtimes)
//
// `#` starts a comment in every section but `-- asm` (the assembler reads
// its own comments, so the text reaches it untouched and its line numbers
// stay those of the file) and the ignored ones. A file must hold a program
// and exactly one of `-- result` and `-- error`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/instruction.hpp"

namespace sandbpf::conformance {

struct DataFile {
  std::string path;                    // as given, for messages
  std::vector<Insn> program;           // from `-- raw`, else from `-- asm`
  std::vector<uint8_t> memory;         // `-- mem`, empty when absent
  std::optional<uint64_t> result;      // `-- result`
  std::optional<std::string> error;    // `-- error`
};

// Parses the text of a data file. `path` only names the file in errors,
// which read "<path>:<line>: <what is wrong>" (the line is in
// where.source; where.file is left empty so the path is written once).
Result<DataFile> parse_data_file(std::string_view text, const std::string& path);

// Reads and parses a data file; a file that cannot be read is an error
// naming it.
Result<DataFile> read_data_file(const std::string& path);

}  // namespace sandbpf::conformance
