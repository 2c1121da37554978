// load_elf_object: an ELF64 BPF object -> Object (maps and linked programs).
//
// The steps, each on data the previous one validated:
//   1. ElfFile::parse checks the container (headers, names, symbols,
//      relocation tables).
//   2. .BTF and .BTF.ext are parsed (types, line info, CO-RE records).
//   3. collect_maps reads legacy, BTF and global data maps.
//   4. Code sections are cut into functions (function symbols; a section
//      without one is one function), and each code relocation is resolved
//      once: to a map, a global data value, a function address or a call
//      target, or to the reason it cannot be.
//   5. Each program is linked: its entry function, then every function it
//      reaches through calls and function addresses, with offsets patched.
//      A relocation that cannot be resolved makes a load error for the
//      programs that need it, not for the object.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <map>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "loader/btf/btf.hpp"
#include "loader/btf/btf_ext.hpp"
#include "loader/elf/elf_file.hpp"
#include "loader/elf/maps.hpp"
#include "loader/object.hpp"
#include "vm/builtin_functions.hpp"

namespace sandbpf {
namespace {

// The sum of a relocation's terms (symbol value, addend, immediate), or
// nullopt when it leaves int64_t: a corrupt object's values must give an
// error, not an overflow.
std::optional<int64_t> checked_sum(uint64_t symbol_value, std::initializer_list<int64_t> terms) {
  if (symbol_value > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  int64_t sum = static_cast<int64_t>(symbol_value);
  for (int64_t t : terms)
    if (__builtin_add_overflow(sum, t, &sum)) return std::nullopt;
  return sum;
}

// "section+offset" for a slot, or "section, slot N" when the byte offset
// does not fit.
std::string slot_text(const std::string& section, int64_t slot) {
  int64_t bytes;
  if (__builtin_mul_overflow(slot, int64_t{8}, &bytes)) return fmt::format("{}, slot {},", section, slot);
  return fmt::format("{}+{}", section, bytes);
}

using elf::ElfFile;
using elf::Section;
using elf::Symbol;

constexpr uint8_t kOpLddw = kClassLd | kModeImm | kSizeDW;
constexpr uint8_t kOpCall = kClassJmp | kJmpCall;

std::unexpected<Error> fail(const std::string& path, std::string message, std::string section = {}) {
  Location where;
  where.file = path;
  where.section = std::move(section);
  return make_error(ErrorKind::kLoad, std::move(message), std::move(where));
}

// A function: a run of instruction slots of one code section.
struct Function {
  uint32_t section = 0;  // index in CodeSection table
  uint64_t start = 0;    // slot index in the section
  uint64_t end = 0;      // one past the last slot
  std::string name;
  bool is_symbol = false;  // false: the whole section, named after it
};

// What one relocation in code resolves to.
struct Resolution {
  enum class Kind { kMap, kMapValue, kFunctionAddress, kCall, kBuiltin, kIgnored, kError } kind =
      Kind::kError;
  uint32_t map = 0;
  uint32_t builtin = 0;          // kBuiltin: the helper id (vm/builtin_functions.hpp)
  uint64_t value_offset = 0;     // kMapValue
  uint32_t target_section = 0;   // kFunctionAddress, kCall: CodeSection index
  uint64_t target_slot = 0;
  std::string error;
};

struct CodeSection {
  const Section* section = nullptr;
  std::vector<Insn> insns;
  std::vector<uint32_t> functions;  // indices into Linker::functions, by start
  std::map<uint64_t, Resolution> relocations;  // slot -> resolution
  const std::vector<btf::LineRecord>* lines = nullptr;  // sorted by insn_off
  const std::vector<btf::CoreRecord>* core = nullptr;
};

class Linker {
 public:
  Linker(const ElfFile& elf, const std::string& path, const LoadOptions& options,
         const elf::MapTable& maps, const btf::Btf* btf, const btf::BtfExt* ext, Object& object)
      : elf_(elf), path_(path), options_(options), maps_(maps), btf_(btf), ext_(ext),
        object_(object) {}

  Result<void> run() {
    if (auto r = cut_functions(); !r) return r;
    if (auto r = resolve_relocations(); !r) return r;
    for (uint32_t f = 0; f < functions_.size(); ++f)
      if (functions_[f].is_symbol || !has_symbol_functions(functions_[f].section))
        object_.programs.push_back(link(f));
    return {};
  }

 private:
  bool has_symbol_functions(uint32_t code) const {
    for (uint32_t f : code_[code].functions)
      if (functions_[f].is_symbol) return true;
    return false;
  }

  Result<void> cut_functions() {
    for (const Section& section : elf_.sections()) {
      if (!section.executable() || section.size == 0) continue;
      if (section.type != elf::kShtProgbits)
        return fail(path_, fmt::format("the code section has type {}, not PROGBITS", section.type),
                    section.name);
      if (section.size % 8 != 0)
        return fail(path_, fmt::format("the code section's size {} is not a multiple of 8 (the "
                                       "instruction size)",
                                       section.size),
                    section.name);
      CodeSection code;
      code.section = &section;
      const uint64_t slots = section.size / 8;
      code.insns.reserve(slots);
      for (uint64_t i = 0; i < slots; ++i) code.insns.push_back(Insn::from_bytes(&section.data[i * 8]));
      if (ext_ != nullptr) {
        if (auto it = ext_->lines.find(section.name); it != ext_->lines.end()) code.lines = &it->second;
        if (auto it = ext_->core.find(section.name); it != ext_->core.end()) code.core = &it->second;
      }
      section_code_[section.index] = static_cast<uint32_t>(code_.size());
      code_.push_back(std::move(code));
    }

    // Sort each section's line records (they normally are) so a function's
    // lines can be walked in order.
    for (CodeSection& code : code_) {
      if (code.lines == nullptr) continue;
      if (!std::is_sorted(code.lines->begin(), code.lines->end(),
                          [](const auto& a, const auto& b) { return a.insn_off < b.insn_off; })) {
        sorted_lines_.push_back(*code.lines);
        std::sort(sorted_lines_.back().begin(), sorted_lines_.back().end(),
                  [](const btf::LineRecord& a, const btf::LineRecord& b) {
                    return std::tie(a.insn_off, a.line, a.column, a.file) <
                           std::tie(b.insn_off, b.line, b.column, b.file);
                  });
        code.lines = &sorted_lines_.back();
      }
    }

    for (uint32_t c = 0; c < code_.size(); ++c) {
      const Section& section = *code_[c].section;
      const uint64_t slots = code_[c].insns.size();
      std::vector<const Symbol*> symbols;
      for (const Symbol& symbol : elf_.symbols())
        if (symbol.type == elf::kSttFunc && symbol.shndx == section.index) symbols.push_back(&symbol);
      std::sort(symbols.begin(), symbols.end(), [](const Symbol* a, const Symbol* b) {
        return a->value != b->value ? a->value < b->value : a->index < b->index;
      });
      for (size_t i = 0; i < symbols.size(); ++i) {
        const Symbol& symbol = *symbols[i];
        if (symbol.value % 8 != 0 || symbol.value / 8 >= slots)
          return fail(path_, fmt::format("function {} starts at byte offset {}, which is not an "
                                         "instruction of the section ({} bytes)",
                                         symbol.name, symbol.value, section.size),
                      section.name);
        Function f;
        f.section = c;
        f.start = symbol.value / 8;
        uint64_t next = slots;
        for (size_t j = i + 1; j < symbols.size(); ++j)
          if (symbols[j]->value / 8 > f.start) {
            next = symbols[j]->value / 8;
            break;
          }
        f.end = next;
        if (symbol.size != 0 && symbol.size % 8 == 0 && symbol.size / 8 < next - f.start)
          f.end = f.start + symbol.size / 8;
        f.name = symbol.name;
        f.is_symbol = true;
        code_[c].functions.push_back(static_cast<uint32_t>(functions_.size()));
        functions_.push_back(std::move(f));
      }
      if (symbols.empty()) {
        Function f;
        f.section = c;
        f.start = 0;
        f.end = slots;
        f.name = section.name;
        code_[c].functions.push_back(static_cast<uint32_t>(functions_.size()));
        functions_.push_back(std::move(f));
      }
    }
    return {};
  }

  std::string symbol_label(const Symbol& symbol) const {
    return symbol.name.empty() ? fmt::format("symbol {}", symbol.index) : symbol.name;
  }

  std::string section_name(uint16_t shndx) const {
    if (shndx < elf_.sections().size()) return elf_.sections()[shndx].name;
    return fmt::format("section {}", shndx);
  }

  // Resolves one relocation of a code section; the message of an error
  // names the relocation and says why.
  Resolution resolve(const CodeSection& code, uint64_t slot, const elf::Relocation& r,
                     const Symbol& symbol) const {
    Resolution res;
    const Insn& insn = code.insns[slot];
    const std::string where = fmt::format("{} relocation for {} at offset 0x{:x}",
                                          elf::relocation_type_name(r.type), symbol_label(symbol),
                                          r.offset);
    auto error = [&](std::string why) {
      res.kind = Resolution::Kind::kError;
      res.error = where + ": " + why;
      return res;
    };
    uint32_t type = r.type;
    // Objects from LLVM releases older than the EM_BPF machine number use
    // type 0 for what is now R_BPF_64_64.
    if (elf_.machine() == elf::kEmNone && type == elf::kRBpfNone && insn.opcode == kOpLddw)
      type = elf::kRBpf64_64;
    if (type == elf::kRBpfNone) {
      res.kind = Resolution::Kind::kIgnored;
      return res;
    }
    const std::optional<uint32_t> target = symbol.section(elf_.sections().size());
    const int64_t addend = r.has_addend ? r.addend : 0;

    if (type == elf::kRBpf64_64) {
      if (insn.opcode != kOpLddw)
        return error(fmt::format("applies to an instruction with opcode 0x{:02x}, not to lddw "
                                 "(0x18)",
                                 insn.opcode));
      if (slot + 1 >= code.insns.size())
        return error("applies to an lddw without its second slot");
      if (!target) {
        if (symbol.shndx == elf::kShnUndef)
          return error(fmt::format("{} is not defined in the object (an external symbol, which "
                                   "sandbpf cannot resolve)",
                                   symbol_label(symbol)));
        return error(fmt::format("{} is in no section (index 0x{:x})", symbol_label(symbol),
                                 symbol.shndx));
      }
      const Section& sec = elf_.sections()[*target];
      const bool section_symbol = symbol.type == elf::kSttSection;
      if (elf::is_legacy_maps_section(sec) || elf::is_btf_maps_section(sec)) {
        const uint64_t offset = symbol.value + static_cast<uint64_t>(addend) +
                                (section_symbol ? static_cast<uint64_t>(static_cast<int64_t>(insn.imm)) : 0);
        auto it = maps_.by_location.find({sec.index, offset});
        if (it == maps_.by_location.end())
          return error(fmt::format("no map is defined at offset {} of section {}", offset, sec.name));
        res.kind = Resolution::Kind::kMap;
        res.map = it->second;
        return res;
      }
      const std::optional<int64_t> sum = checked_sum(symbol.value, {addend, insn.imm});
      if (auto it = maps_.global_data.find(sec.index); it != maps_.global_data.end()) {
        if (!sum)
          return error(fmt::format("the offset (symbol value {}, addend {}, imm {}) is outside section {} "
                                   "({} bytes)",
                                   symbol.value, addend, insn.imm, sec.name, sec.size));
        const int64_t offset = *sum;
        if (offset < 0 || static_cast<uint64_t>(offset) > sec.size)
          return error(fmt::format("offset {} is outside section {} ({} bytes)", offset, sec.name,
                                   sec.size));
        res.kind = Resolution::Kind::kMapValue;
        res.map = it->second;
        res.value_offset = static_cast<uint64_t>(offset);
        return res;
      }
      if (auto it = section_code_.find(sec.index); it != section_code_.end()) {
        if (!sum)
          return error(fmt::format("the function address (symbol value {}, addend {}, imm {}) is not an "
                                   "instruction of {}",
                                   symbol.value, addend, insn.imm, sec.name));
        const int64_t offset = *sum;
        if (offset < 0 || offset % 8 != 0 || static_cast<uint64_t>(offset) / 8 >= code_[it->second].insns.size())
          return error(fmt::format("the function address {}+{} is not an instruction of {}",
                                   sec.name, offset, sec.name));
        res.kind = Resolution::Kind::kFunctionAddress;
        res.target_section = it->second;
        res.target_slot = static_cast<uint64_t>(offset) / 8;
        return res;
      }
      return error(fmt::format("{} is in section {}, which holds no maps, global data or code",
                               symbol_label(symbol), sec.name));
    }

    if (type == elf::kRBpf64_32) {
      if (insn.opcode != kOpCall || insn.src != kCallLocal)
        return error(fmt::format("applies to an instruction with opcode 0x{:02x} and src {}, not "
                                 "to a call of a function (call with src 1)",
                                 insn.opcode, static_cast<int>(insn.src)));
      if (!target) {
        // memset and friends, which clang calls when it does not expand them
        // inline, are sandbpf's built-ins rather than code of the object.
        if (symbol.shndx == elf::kShnUndef && symbol.type != elf::kSttSection)
          if (const auto id = builtin_function_id(symbol.name)) {
            res.kind = Resolution::Kind::kBuiltin;
            res.builtin = *id;
            return res;
          }
        if (symbol.shndx == elf::kShnUndef)
          return error(fmt::format("calls {}, which the object does not define (an external "
                                   "function, which sandbpf cannot resolve; of the C library it "
                                   "has {})",
                                   symbol_label(symbol), builtin_function_list()));
        return error(fmt::format("calls {}, which is in no section", symbol_label(symbol)));
      }
      auto it = section_code_.find(*target);
      if (it == section_code_.end())
        return error(fmt::format("calls {}, which is in section {}, not in code",
                                 symbol_label(symbol), section_name(symbol.shndx)));
      // The callee is the symbol's instruction plus imm + 1 slots (imm is -1
      // for a call to a function symbol, the offset for a section symbol).
      const std::optional<int64_t> slot_sum = checked_sum(symbol.value / 8, {int64_t{insn.imm}, 1, addend / 8});
      const std::string& target_name = elf_.sections()[*target].name;
      if (!slot_sum)
        return error(fmt::format("the call target (symbol value {}, imm {}, addend {}) is not an instruction "
                                 "of {}",
                                 symbol.value, insn.imm, addend, target_name));
      const int64_t slot_target = *slot_sum;
      if (symbol.value % 8 != 0 || slot_target < 0 ||
          static_cast<uint64_t>(slot_target) >= code_[it->second].insns.size())
        return error(fmt::format("the call target {} is not an instruction of {}",
                                 slot_text(target_name, slot_target), target_name));
      res.kind = Resolution::Kind::kCall;
      res.target_section = it->second;
      res.target_slot = static_cast<uint64_t>(slot_target);
      return res;
    }

    if (type == elf::kRBpf64Abs64 || type == elf::kRBpf64Abs32 || type == elf::kRBpf64Nodyld32)
      return error("this relocation type patches data, not an instruction");
    return error(fmt::format("unknown relocation type {}", type));
  }

  std::string describe(const Resolution& res) const {
    switch (res.kind) {
      case Resolution::Kind::kMap:
        return fmt::format("map {} ({})", res.map, object_.maps[res.map].name);
      case Resolution::Kind::kMapValue:
        return fmt::format("global {}+{} (map {})", object_.maps[res.map].name, res.value_offset,
                           res.map);
      case Resolution::Kind::kFunctionAddress:
        return fmt::format("function address {}", function_label(res.target_section, res.target_slot));
      case Resolution::Kind::kCall:
        return fmt::format("call {}", function_label(res.target_section, res.target_slot));
      case Resolution::Kind::kBuiltin:
        return fmt::format("built-in {} (helper {})", builtin_function_name(res.builtin),
                           res.builtin);
      case Resolution::Kind::kIgnored:
        return "ignored (R_BPF_NONE)";
      case Resolution::Kind::kError:
        return "error: " + res.error;
    }
    return {};
  }

  std::string function_label(uint32_t code, uint64_t slot) const {
    const auto f = function_at(code, slot);
    if (!f) return fmt::format("{}+{}", code_[code].section->name, slot);
    const Function& fn = functions_[*f];
    if (slot == fn.start) return fn.name;
    return fmt::format("{}+{}", fn.name, slot - fn.start);
  }

  // The function that holds this slot.
  std::optional<uint32_t> function_at(uint32_t code, uint64_t slot) const {
    std::optional<uint32_t> found;
    for (uint32_t f : code_[code].functions) {
      const Function& fn = functions_[f];
      if (fn.start <= slot && slot < fn.end) {
        // Prefer the latest start (the innermost when symbols alias).
        if (!found || functions_[*found].start < fn.start) found = f;
      }
    }
    return found;
  }

  Result<void> resolve_relocations() {
    for (const elf::RelocationTable& table : elf_.relocation_tables()) {
      auto it = section_code_.find(table.target);
      // Relocations of data (.BTF, .BTF.ext, debug sections, map-in-map
      // initial values in .maps) do not concern the code: ignored.
      if (it == section_code_.end()) continue;
      CodeSection& code = code_[it->second];
      const Section& rel_section = elf_.sections()[table.section];
      for (const elf::Relocation& r : table.entries) {
        if (r.offset % 8 != 0 || r.offset / 8 >= code.insns.size())
          return fail(path_, fmt::format("relocation at offset 0x{:x} is outside section {} ({} "
                                         "bytes) or not on an instruction boundary",
                                         r.offset, code.section->name, code.section->size),
                      rel_section.name);
        const uint64_t slot = r.offset / 8;
        if (code.relocations.contains(slot))
          return fail(path_, fmt::format("two relocations apply to offset 0x{:x} of section {}",
                                         r.offset, code.section->name),
                      rel_section.name);
        const Symbol& symbol = elf_.symbols()[r.symbol];
        Resolution res = resolve(code, slot, r, symbol);
        RelocationInfo info;
        info.section = code.section->name;
        info.offset = r.offset;
        info.type = r.type;
        info.symbol = symbol_label(symbol);
        info.resolution = describe(res);
        object_.relocations.push_back(std::move(info));
        code.relocations.emplace(slot, std::move(res));
      }
    }
    return {};
  }

  std::optional<SourceLine> line_at(const CodeSection& code, uint64_t slot, uint64_t function_start,
                                    size_t& cursor) const {
    // Records before `cursor` have been passed; the latest record at or
    // before `slot` (and inside the function) gives the line.
    const auto& lines = *code.lines;
    while (cursor < lines.size() && lines[cursor].insn_off / 8 <= slot) ++cursor;
    if (cursor == 0) return std::nullopt;
    const btf::LineRecord& rec = lines[cursor - 1];
    if (rec.insn_off / 8 < function_start) return std::nullopt;
    return SourceLine{rec.file, rec.line, rec.column};
  }

  CoreRelocation core_relocation(const btf::CoreRecord& rec, uint32_t insn) const {
    CoreRelocation out;
    out.insn = insn;
    out.kind = rec.kind;
    out.access = rec.access;
    const btf::Btf& btf = *btf_;
    const uint32_t root = btf.skip_qualifiers(rec.type_id);
    out.type_name = std::string(btf.name(rec.type_id));
    if (out.type_name.empty()) out.type_name = btf.describe(root);
    // Indices of the access string.
    std::vector<uint32_t> indices;
    {
      std::string_view s = rec.access;
      uint64_t value = 0;
      bool digits = false;
      for (char c : s) {
        if (c >= '0' && c <= '9') {
          value = value * 10 + static_cast<uint64_t>(c - '0');
          if (value > UINT32_MAX) return out;
          digits = true;
        } else if (c == ':' && digits) {
          indices.push_back(static_cast<uint32_t>(value));
          value = 0;
          digits = false;
        } else {
          return out;  // not an access string we understand: path unknown
        }
      }
      if (!digits) return out;
      indices.push_back(static_cast<uint32_t>(value));
    }
    std::string root_name(btf.name(root));
    if (root_name.empty()) root_name = btf.describe(root);
    if (rec.kind <= 5) {  // field relocations
      std::string path = root_name;
      if (indices[0] != 0) path += fmt::format("[{}]", indices[0]);
      uint32_t cur = root;
      for (size_t i = 1; i < indices.size(); ++i) {
        cur = btf.skip_qualifiers(cur);
        const btf::Type& t = btf.type(cur);
        if (t.kind == btf::Kind::kStruct || t.kind == btf::Kind::kUnion) {
          if (indices[i] >= t.members.size()) return out;
          const btf::Member& m = t.members[indices[i]];
          const std::string_view name = btf.string(m.name_off);
          if (!name.empty()) path += "." + std::string(name);
          cur = m.type;
        } else if (t.kind == btf::Kind::kArray) {
          path += fmt::format("[{}]", indices[i]);
          cur = t.array_type;
        } else {
          return out;
        }
      }
      out.field_path = std::move(path);
    } else if (rec.kind == 10 || rec.kind == 11) {  // enum value relocations
      const btf::Type& t = btf.type(root);
      if ((t.kind == btf::Kind::kEnum || t.kind == btf::Kind::kEnum64) &&
          indices[0] < t.members.size())
        out.field_path = root_name + "::" + std::string(btf.string(t.members[indices[0]].name_off));
    } else {  // type relocations
      out.field_path = root_name;
    }
    return out;
  }

  ObjectProgram link(uint32_t entry) {
    const Function& entry_fn = functions_[entry];
    ObjectProgram program;
    program.section = code_[entry_fn.section].section->name;
    program.function = entry_fn.name;
    auto program_error = [&](std::string message, std::optional<uint64_t> insn) {
      if (program.load_error) return;  // the first error is the one reported
      Location where;
      where.file = path_;
      where.section = program.section;
      where.function = program.function;
      where.instruction = insn;
      program.load_error = Error{ErrorKind::kLoad, std::move(message), std::move(where)};
    };

    struct Patch {
      size_t at;           // instruction in program.insns
      uint32_t function;   // target function
      uint64_t slot;       // target slot in its section
    };
    std::vector<Patch> patches;
    std::map<uint32_t, size_t> placed;  // function -> its first instruction in program.insns
    std::deque<uint32_t> queue{entry};
    placed[entry] = 0;
    const bool want_lines = std::any_of(code_.begin(), code_.end(),
                                        [](const CodeSection& c) { return c.lines != nullptr; });

    while (!queue.empty()) {
      const uint32_t f = queue.front();
      queue.pop_front();
      const Function& fn = functions_[f];
      const CodeSection& code = code_[fn.section];
      const size_t base = program.insns.size();
      placed[f] = base;
      if (base + (fn.end - fn.start) > options_.max_instructions_per_program) {
        program_error(fmt::format("the program and its subprograms have more than {} "
                                  "instructions",
                                  options_.max_instructions_per_program),
                      std::nullopt);
        break;
      }
      FunctionInfo info;
      info.name = fn.name;
      info.section = code.section->name;
      info.entry = static_cast<uint32_t>(base);
      program.functions.push_back(std::move(info));
      program.insns.insert(program.insns.end(), code.insns.begin() + static_cast<ptrdiff_t>(fn.start),
                           code.insns.begin() + static_cast<ptrdiff_t>(fn.end));
      if (want_lines) {
        size_t cursor = 0;
        if (code.lines != nullptr) {
          cursor = static_cast<size_t>(
              std::lower_bound(code.lines->begin(), code.lines->end(), fn.start * 8,
                               [](const btf::LineRecord& r, uint64_t off) { return r.insn_off < off; }) -
              code.lines->begin());
          // Start from the record just before, so a line that begins before
          // the function's first record (none normally) is not lost.
        }
        for (uint64_t s = fn.start; s < fn.end; ++s)
          program.line_info.push_back(code.lines != nullptr ? line_at(code, s, fn.start, cursor)
                                                            : std::nullopt);
      }
      if (code.core != nullptr)
        for (const btf::CoreRecord& rec : *code.core) {
          const uint64_t slot = rec.insn_off / 8;
          if (slot >= fn.start && slot < fn.end)
            program.core_relocations.push_back(
                core_relocation(rec, static_cast<uint32_t>(base + slot - fn.start)));
        }

      auto call_target = [&](size_t at, uint32_t section, uint64_t slot) {
        const auto target = function_at(section, slot);
        if (!target) {
          program_error(fmt::format("the target of this instruction ({}+{}) is in no function",
                                    code_[section].section->name, slot * 8),
                        at);
          return;
        }
        if (!placed.contains(*target)) {
          placed[*target] = SIZE_MAX;  // queued
          queue.push_back(*target);
        }
        patches.push_back(Patch{at, *target, slot});
      };

      for (uint64_t s = fn.start; s < fn.end; ++s) {
        const size_t at = base + (s - fn.start);
        Insn& insn = program.insns[at];
        const auto rel = code.relocations.find(s);
        const Resolution* res = rel != code.relocations.end() ? &rel->second : nullptr;
        if (res != nullptr && res->kind == Resolution::Kind::kError) {
          program_error(res->error, at);
          continue;
        }
        if (insn.opcode == kOpLddw) {
          if (s + 1 >= fn.end) {
            program_error("lddw: its second slot is missing at the end of the function", at);
            continue;
          }
          Insn& next = program.insns[at + 1];
          if (res != nullptr) {
            switch (res->kind) {
              case Resolution::Kind::kMap:
                insn.src = kLddwMapByIndex;
                insn.imm = static_cast<int32_t>(res->map);
                next.imm = 0;
                break;
              case Resolution::Kind::kMapValue:
                insn.src = kLddwMapValue;
                insn.imm = static_cast<int32_t>(res->map);
                next.imm = static_cast<int32_t>(static_cast<uint32_t>(res->value_offset));
                break;
              case Resolution::Kind::kFunctionAddress:
                insn.src = kLddwFunction;
                next.imm = 0;
                call_target(at, res->target_section, res->target_slot);
                break;
              default: break;
            }
          }
          ++s;  // the second slot
          continue;
        }
        if (insn.opcode == kOpCall && insn.src == kCallLocal) {
          if (res != nullptr && res->kind == Resolution::Kind::kCall) {
            call_target(at, res->target_section, res->target_slot);
          } else if (res != nullptr && res->kind == Resolution::Kind::kBuiltin) {
            insn.src = kCallHelper;
            insn.imm = static_cast<int32_t>(res->builtin);
          } else {
            const int64_t target = static_cast<int64_t>(s) + insn.imm + 1;
            if (target < 0 || static_cast<uint64_t>(target) >= code.insns.size()) {
              program_error(fmt::format("call to slot {}, outside section {} ({} instructions)",
                                        target, code.section->name, code.insns.size()),
                            at);
              continue;
            }
            call_target(at, fn.section, static_cast<uint64_t>(target));
          }
          continue;
        }
        if (res != nullptr && res->kind != Resolution::Kind::kIgnored)
          program_error("a relocation applies to an instruction that is neither lddw nor a call",
                        at);
      }
    }

    if (program.load_error) {
      // Keep what was linked for diagnostics, but the instructions may hold
      // unresolved references: nothing downstream may run them.
      return program;
    }
    for (const Patch& p : patches) {
      const Function& fn = functions_[p.function];
      const int64_t target = static_cast<int64_t>(placed.at(p.function) + (p.slot - fn.start));
      const int64_t rel = target - static_cast<int64_t>(p.at) - 1;
      if (rel < INT32_MIN || rel > INT32_MAX) {
        program_error("the linked program is too large for a call offset", p.at);
        break;
      }
      program.insns[p.at].imm = static_cast<int32_t>(rel);
    }
    return program;
  }

  const ElfFile& elf_;
  const std::string& path_;
  const LoadOptions& options_;
  const elf::MapTable& maps_;
  const btf::Btf* btf_;
  const btf::BtfExt* ext_;
  Object& object_;

  std::vector<CodeSection> code_;
  std::map<uint32_t, uint32_t> section_code_;  // ELF section index -> code_ index
  std::vector<Function> functions_;
  std::deque<std::vector<btf::LineRecord>> sorted_lines_;
};

}  // namespace

Result<Object> load_elf_object(std::span<const uint8_t> bytes, const std::string& path,
                               const LoadOptions& options) {
  auto elf = ElfFile::parse(bytes, path, options);
  if (!elf) return std::unexpected(elf.error());

  Object object;
  object.path = path;

  std::optional<btf::Btf> btf;
  std::optional<btf::BtfExt> ext;
  if (const Section* section = elf->find_section(".BTF")) {
    auto parsed = btf::Btf::parse(section->data);
    if (!parsed) return fail(path, parsed.error().message, section->name);
    btf = std::move(*parsed);
    object.has_btf = true;
    if (const Section* ext_section = elf->find_section(".BTF.ext")) {
      auto parsed_ext = btf::BtfExt::parse(ext_section->data, *btf);
      if (!parsed_ext) return fail(path, parsed_ext.error().message, ext_section->name);
      ext = std::move(*parsed_ext);
    }
  } else if (const Section* ext_section = elf->find_section(".BTF.ext")) {
    return fail(path, "the object has .BTF.ext but no .BTF for it to refer to", ext_section->name);
  }

  // Line info must refer to code sections and instructions that exist.
  if (ext) {
    for (const auto& [name, lines] : ext->lines) {
      const Section* section = elf->find_section(name);
      if (section == nullptr || !section->executable())
        return fail(path, fmt::format("line info for section {}, which is not a code "
                                      "section of the object",
                                      name),
                    ".BTF.ext");
      for (const btf::LineRecord& line : lines)
        if (line.insn_off >= section->size)
          return fail(path, fmt::format("line info for section {} at byte offset {} is "
                                        "past the end of the section ({} bytes)",
                                        name, line.insn_off, section->size),
                      ".BTF.ext");
      if (!lines.empty()) object.has_line_info = true;
    }
    for (const auto& [name, records] : ext->core) {
      const Section* section = elf->find_section(name);
      if (section == nullptr || !section->executable())
        return fail(path, fmt::format("CO-RE relocations for section {}, which is not a "
                                      "code section of the object",
                                      name),
                    ".BTF.ext");
      for (const btf::CoreRecord& record : records)
        if (record.insn_off >= section->size)
          return fail(path, fmt::format("a CO-RE relocation for section {} at byte offset "
                                        "{} is past the end of the section ({} bytes)",
                                        name, record.insn_off, section->size),
                      ".BTF.ext");
    }
  }

  auto maps = elf::collect_maps(*elf, btf ? &*btf : nullptr, path, options);
  if (!maps) return std::unexpected(maps.error());
  object.maps = maps->maps;

  if (const Section* license = elf->find_section("license")) {
    const auto data = license->data;
    const auto end = std::find(data.begin(), data.end(), uint8_t{0});
    object.license.assign(data.begin(), end);
  }

  Linker linker(*elf, path, options, *maps, btf ? &*btf : nullptr, ext ? &*ext : nullptr, object);
  if (auto r = linker.run(); !r) return std::unexpected(r.error());
  return object;
}

}  // namespace sandbpf
