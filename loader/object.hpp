// What the ELF loader makes of a BPF object: its maps (legacy `maps`
// sections, BTF `.maps`, global data sections) and its programs, each with
// its subprograms linked in, map references resolved to indices into
// Object::maps, and BTF line info per instruction. Nothing here executes or
// allocates maps: the runtime turns MapDefinitions into maps, the verifier
// and engines take the programs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sandbpf/error.hpp"
#include "vm/instruction.hpp"
#include "vm/map_definition.hpp"

namespace sandbpf {

// A CO-RE relocation (BTF.ext core_relo), recorded at load and resolved
// against the platform's context layouts when the program is verified or
// instantiated (loading never fails because of one).
struct CoreRelocation {
  uint32_t insn = 0;          // index in ObjectProgram::insns
  uint32_t kind = 0;          // BPF_CORE_FIELD_BYTE_OFFSET, ... (bpf_core_relo_kind)
  std::string type_name;      // the root type's name in the object's BTF
  std::string access;         // the access string, e.g. "0:1:2"
  std::string field_path;     // resolved names, e.g. "task_struct.pid", when known
};

// Where a program's function came from, for diagnostics.
struct FunctionInfo {
  std::string name;
  std::string section;
  uint32_t entry = 0;         // index of its first instruction in ObjectProgram::insns
};

struct ObjectProgram {
  std::string section;        // ELF section of the entry function
  std::string function;       // symbol name; the section name when there is none
  // The entry function first, then every subprogram it calls (transitively),
  // with call and lddw src=4 offsets adjusted. lddw src=1 holds an index
  // into Object::maps, src=2 an index plus the offset in next_imm.
  std::vector<Insn> insns;
  std::vector<FunctionInfo> functions;  // entry first
  // Per instruction slot: source file, line and column from .BTF.ext (empty
  // when the object has no line info).
  std::vector<std::optional<SourceLine>> line_info;
  std::vector<CoreRelocation> core_relocations;
  // Set when this program cannot be loaded (e.g. it calls a function the
  // object does not define, or a relocation it needs cannot be resolved);
  // the rest of the object still loads. `insns` may then hold unresolved
  // references: nothing may run or verify them.
  std::optional<Error> load_error;

  std::string name() const { return section + "/" + function; }
};

// One relocation as found in the object, for `sandbpf inspect`.
struct RelocationInfo {
  std::string section;        // the section patched (e.g. "xdp")
  uint64_t offset = 0;        // byte offset in it
  uint32_t type = 0;          // R_BPF_*
  std::string symbol;
  // What it became: "map 2 (name)", "global .data+8 (map 3)", "call func",
  // "function address func", "ignored (R_BPF_NONE)", or "error: <why>".
  std::string resolution;
};

struct Object {
  std::string path;
  std::vector<MapDefinition> maps;
  std::vector<ObjectProgram> programs;  // in ELF order (see load_elf_object)
  // Every relocation of a code section (relocations of .BTF, .BTF.ext, debug
  // sections and .maps patch data, not code, and are not listed).
  std::vector<RelocationInfo> relocations;
  std::string license;
  bool has_btf = false;
  bool has_line_info = false;
};

struct LoadOptions {
  uint64_t max_object_bytes = 256ull << 20;
  uint32_t max_sections = 65536;
  uint64_t max_instructions_per_program = 1000000;
};

// Parses a little-endian EM_BPF relocatable ELF64 object. Programs are
// listed as ../shared/corpus/prevail-results.csv lists them: one per
// function symbol in an executable section (.text functions included), in
// section order then symbol offset order; a section with code but no
// function symbol is one program named after its section. Every offset,
// size, index and string is bounds-checked: a malformed object gives an
// error naming the file and what is wrong, never an out-of-bounds read.
Result<Object> load_elf_object(std::span<const uint8_t> bytes, const std::string& path,
                               const LoadOptions& options = {});

}  // namespace sandbpf
