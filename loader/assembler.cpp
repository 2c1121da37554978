#include "loader/assembler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "loader/asm_syntax.hpp"
#include "vm/insn_table.hpp"

namespace sandbpf {
namespace {

// A parse step fails with a sentence; the caller adds the line number.
template <typename T>
using Parse = std::expected<T, std::string>;

std::unexpected<std::string> fail(std::string message) {
  return std::unexpected<std::string>(std::move(message));
}

// ---------------------------------------------------------------- lexing

constexpr bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_ident_start(char c) { return is_alpha(c) || c == '_' || c == '.'; }
constexpr bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !is_ident_start(s.front())) return false;
  for (char c : s)
    if (!is_ident_char(c)) return false;
  return true;
}

// ---------------------------------------------------------------- numbers

// A number as written: an optional sign, then decimal digits or 0x and hex
// digits. The magnitude is kept apart from the sign so that every range
// check is exact (-2^63 and 2^64-1 are both representable).
struct Number {
  bool negative = false;
  uint64_t magnitude = 0;
};

enum class NumberError { kNotANumber, kTooLarge };

int digit_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

std::expected<Number, NumberError> parse_number(std::string_view s) {
  Number n;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    n.negative = s.front() == '-';
    s.remove_prefix(1);
  }
  unsigned base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return std::unexpected(NumberError::kNotANumber);
  for (char c : s)
    if (static_cast<unsigned>(digit_value(c)) >= base) return std::unexpected(NumberError::kNotANumber);
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (char c : s) {
    const auto d = static_cast<uint64_t>(digit_value(c));
    if (n.magnitude > (kMax - d) / base) return std::unexpected(NumberError::kTooLarge);
    n.magnitude = n.magnitude * base + d;
  }
  return n;
}

constexpr uint64_t kTwo31 = uint64_t{1} << 31;
constexpr uint64_t kTwo32 = uint64_t{1} << 32;
constexpr uint64_t kTwo63 = uint64_t{1} << 63;

// A 32-bit immediate: -2^31 .. 2^32-1, stored as its low 32 bits.
Parse<int32_t> parse_imm32(std::string_view token) {
  const auto n = parse_number(token);
  if (!n) {
    if (n.error() == NumberError::kNotANumber)
      return fail(fmt::format("expected an immediate, got '{}'", token));
    return fail(fmt::format("immediate {} does not fit in 32 bits", token));
  }
  if (n->negative ? n->magnitude > kTwo31 : n->magnitude >= kTwo32)
    return fail(fmt::format("immediate {} does not fit in 32 bits", token));
  const uint64_t bits = n->negative ? 0 - n->magnitude : n->magnitude;
  return static_cast<int32_t>(static_cast<uint32_t>(bits));
}

// A 64-bit immediate: -2^63 .. 2^64-1.
Parse<uint64_t> parse_imm64(std::string_view token) {
  const auto n = parse_number(token);
  if (!n) {
    if (n.error() == NumberError::kNotANumber)
      return fail(fmt::format("expected a 64-bit immediate, got '{}'", token));
    return fail(fmt::format("immediate {} does not fit in 64 bits", token));
  }
  if (n->negative && n->magnitude > kTwo63)
    return fail(fmt::format("immediate {} does not fit in 64 bits", token));
  return n->negative ? 0 - n->magnitude : n->magnitude;
}

// ---------------------------------------------------------------- operands

bool looks_like_register(std::string_view token) {
  if (token.empty()) return false;
  if (token.front() == '%') return true;
  // r1 without the %: a register written the wrong way, not a number.
  if (token.front() != 'r' || token.size() < 2) return false;
  for (char c : token.substr(1))
    if (!is_digit(c)) return false;
  return true;
}

Parse<uint8_t> parse_register(std::string_view token) {
  if (token.size() >= 3 && token[0] == '%' && token[1] == 'r') {
    const std::string_view digits = token.substr(2);
    bool all_digits = true;
    for (char c : digits) all_digits = all_digits && is_digit(c);
    if (all_digits) {
      const bool canonical = digits.size() <= 2 && (digits.size() == 1 || digits[0] != '0');
      unsigned value = 0;
      for (char c : digits.substr(0, 2)) value = value * 10 + static_cast<unsigned>(c - '0');
      if (canonical && value < kNumRegisters) return static_cast<uint8_t>(value);
      return fail(fmt::format("invalid register '{}' (registers are %r0 to %r10)", token));
    }
  }
  return fail(fmt::format("expected a register, got '{}'", token));
}

struct MemoryOperand {
  uint8_t reg = 0;
  int16_t off = 0;
};

// [%rN], [%rN+off], [%rN-off]; off decimal or 0x hex, -32768..32767.
Parse<MemoryOperand> parse_memory(std::string_view token) {
  if (token.size() < 2 || token.front() != '[' || token.back() != ']')
    return fail(fmt::format("expected a memory operand such as [%r1+8], got '{}'", token));
  const std::string_view inner = trim(token.substr(1, token.size() - 2));
  const size_t sign_at = inner.find_first_of("+-");
  MemoryOperand mem;
  auto reg = parse_register(trim(inner.substr(0, sign_at)));
  if (!reg) return std::unexpected(reg.error());
  mem.reg = *reg;
  if (sign_at == std::string_view::npos) return mem;

  const char sign = inner[sign_at];
  const std::string_view digits = trim(inner.substr(sign_at + 1));
  const bool signed_again = !digits.empty() && (digits.front() == '+' || digits.front() == '-');
  const auto n = parse_number(digits);
  if (signed_again || (!n && n.error() == NumberError::kNotANumber))
    return fail(fmt::format("expected an offset after '{}' in '{}', got '{}'", sign, token, digits));
  const uint64_t limit = sign == '-' ? 32768 : 32767;
  if (!n || n->magnitude > limit)
    return fail(fmt::format("offset {}{} in '{}' does not fit in 16 bits (-32768 to 32767)", sign,
                            digits, token));
  const auto magnitude = static_cast<int32_t>(n->magnitude);
  mem.off = static_cast<int16_t>(sign == '-' ? -magnitude : magnitude);
  return mem;
}

// A jump or call target: a label, or an offset in slots from the next
// slot (+N, -N, or N).
struct Target {
  std::string label;  // empty for an offset
  int64_t offset = 0;
};

Parse<Target> parse_target(std::string_view token) {
  if (is_identifier(token)) return Target{std::string(token), 0};
  if (!token.empty() && (token.front() == '+' || token.front() == '-' || is_digit(token.front()))) {
    const auto n = parse_number(token);
    if (n) {
      if (n->magnitude > kTwo63 - 1)
        return fail(fmt::format("jump offset {} out of range", token));
      const auto magnitude = static_cast<int64_t>(n->magnitude);
      return Target{{}, n->negative ? -magnitude : magnitude};
    }
    if (n.error() == NumberError::kTooLarge)
      return fail(fmt::format("jump offset {} out of range", token));
  }
  return fail(fmt::format("expected a label or a relative offset (+N or -N), got '{}'", token));
}

// The field a target is stored in: the offset (ja, conditional jumps) or
// the immediate (ja32, call local, lddw func).
bool target_in_imm(Form form) {
  return form == Form::Ja32 || form == Form::CallLocal || form == Form::LddwFunction;
}

Parse<int32_t> check_target_range(Form form, int64_t delta) {
  const bool in_imm = target_in_imm(form);
  const int64_t lo = in_imm ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int16_t>::min();
  const int64_t hi = in_imm ? std::numeric_limits<int32_t>::max() : std::numeric_limits<int16_t>::max();
  if (delta < lo || delta > hi)
    return fail(fmt::format("{} offset {} out of range ({} to {})",
                            is_jump(form) ? "jump" : "call", delta, lo, hi));
  return static_cast<int32_t>(delta);
}

// lddw's pseudo forms start their second operand with a keyword.
std::string_view leading_keyword(std::string_view token) {
  size_t i = 0;
  while (i < token.size() && ((token[i] >= 'a' && token[i] <= 'z') || token[i] == '_')) ++i;
  return token.substr(0, i);
}

bool is_lddw_keyword(std::string_view word) {
  for (const InsnInfo& row : all_instructions())
    if (is_lddw_form(row.form) && !word.empty() && asm_syntax::lddw_keyword(row.form) == word)
      return true;
  return false;
}

std::string_view lddw_keyword_of(std::string_view operand) {
  const std::string_view word = leading_keyword(operand);
  return is_lddw_keyword(word) ? word : std::string_view{};
}

// Whether the operands have the shape of a form; picks between rows that
// share a mnemonic (add32 imm / add32 reg, call N / call %rN, the lddws).
bool shape_matches(Form form, std::span<const std::string_view> ops) {
  switch (form) {
    case Form::AluImm:
    case Form::JumpImm: return ops.size() >= 2 && !looks_like_register(ops[1]);
    case Form::AluReg:
    case Form::JumpReg: return ops.size() >= 2 && looks_like_register(ops[1]);
    case Form::CallHelper: return !ops.empty() && !looks_like_register(ops[0]);
    case Form::CallReg: return !ops.empty() && looks_like_register(ops[0]);
    default:
      if (is_lddw_form(form))
        return ops.size() >= 2 && lddw_keyword_of(ops[1]) == asm_syntax::lddw_keyword(form);
      return true;
  }
}

// ---------------------------------------------------------------- mnemonics

// Mnemonic (and alias) -> the table rows spelled that way. Aliases are
// other spellings of table mnemonics, never other opcodes.
struct MnemonicIndex {
  std::unordered_map<std::string, std::vector<const InsnInfo*>> rows;
  size_t max_words = 1;

  MnemonicIndex() {
    for (const InsnInfo& row : all_instructions()) {
      rows[std::string(row.mnemonic)].push_back(&row);
      size_t words = 1;
      for (char c : row.mnemonic) words += c == ' ' ? 1 : 0;
      max_words = std::max(max_words, words);
    }
    // 64-bit ALU operations may be written with a 64 suffix (add64); the
    // suffix is only added to mnemonics that carry no width already.
    for (const InsnInfo& row : all_instructions()) {
      const bool alu = row.form == Form::AluImm || row.form == Form::AluReg || row.form == Form::AluNeg;
      if (alu && opcode_class(row.opcode) == kClassAlu64 && !is_digit(row.mnemonic.back()))
        add_alias(std::string(row.mnemonic) + "64", row.mnemonic);
    }
    add_alias("gotol", "ja32");
    add_alias("swap16", "bswap16");
    add_alias("swap32", "bswap32");
    add_alias("swap64", "bswap64");
  }

  void add_alias(std::string alias, std::string_view target) {
    if (rows.contains(alias)) return;
    const auto it = rows.find(std::string(target));
    if (it == rows.end()) return;
    std::vector<const InsnInfo*> copy = it->second;
    rows.emplace(std::move(alias), std::move(copy));
  }

  const std::vector<const InsnInfo*>* find(const std::string& name) const {
    const auto it = rows.find(name);
    return it == rows.end() ? nullptr : &it->second;
  }
};

const MnemonicIndex& mnemonic_index() {
  static const MnemonicIndex index;
  return index;
}

// "add32 %rD, imm or add32 %rD, %rS": how a mnemonic is used.
std::string usage(std::string_view spelled, const std::vector<const InsnInfo*>& rows) {
  std::string out;
  std::vector<Form> seen;
  for (const InsnInfo* row : rows) {
    if (std::find(seen.begin(), seen.end(), row->form) != seen.end()) continue;
    seen.push_back(row->form);
    if (!out.empty()) out += " or ";
    out += spelled;
    const std::string_view ops = asm_syntax::form_operands(row->form);
    if (!ops.empty()) {
      out += ' ';
      out += ops;
    }
  }
  return out;
}

// ---------------------------------------------------------------- encoding

struct Encoded {
  Insn insn;
  std::optional<Insn> tail;           // lddw's second slot
  std::optional<std::string> label;   // target still to resolve
};

// Sets the target field now when it is a number, or leaves the label.
Parse<void> encode_target(Form form, std::string_view token, int32_t& field, Encoded& out) {
  auto target = parse_target(token);
  if (!target) return std::unexpected(target.error());
  if (!target->label.empty()) {
    out.label = std::move(target->label);
    return {};
  }
  auto value = check_target_range(form, target->offset);
  if (!value) return std::unexpected(value.error());
  field = *value;
  return {};
}

#define TRY_ASSIGN(var, expr)                                      \
  do {                                                             \
    auto try_result_ = (expr);                                     \
    if (!try_result_) return std::unexpected(try_result_.error()); \
    var = *try_result_;                                            \
  } while (0)

#define TRY(expr)                                                  \
  do {                                                             \
    auto try_result_ = (expr);                                     \
    if (!try_result_) return std::unexpected(try_result_.error()); \
  } while (0)

Parse<Encoded> encode(const InsnInfo& row, std::span<const std::string_view> ops) {
  Encoded out;
  uint8_t dst = 0, src = 0;
  int32_t off = 0, imm = 0, tail_imm = 0;
  MemoryOperand mem;
  const Form form = row.form;
  switch (form) {
    case Form::AluImm:
      TRY_ASSIGN(dst, parse_register(ops[0]));
      TRY_ASSIGN(imm, parse_imm32(ops[1]));
      break;
    case Form::AluReg:
      TRY_ASSIGN(dst, parse_register(ops[0]));
      TRY_ASSIGN(src, parse_register(ops[1]));
      break;
    case Form::AluNeg:
    case Form::Endian:
    case Form::CallReg: TRY_ASSIGN(dst, parse_register(ops[0])); break;
    case Form::Load:
      TRY_ASSIGN(dst, parse_register(ops[0]));
      TRY_ASSIGN(mem, parse_memory(ops[1]));
      src = mem.reg;
      off = mem.off;
      break;
    case Form::StoreImm:
      TRY_ASSIGN(mem, parse_memory(ops[0]));
      TRY_ASSIGN(imm, parse_imm32(ops[1]));
      dst = mem.reg;
      off = mem.off;
      break;
    case Form::StoreReg:
    case Form::Atomic:
      TRY_ASSIGN(mem, parse_memory(ops[0]));
      TRY_ASSIGN(src, parse_register(ops[1]));
      dst = mem.reg;
      off = mem.off;
      break;
    case Form::Lddw: {
      TRY_ASSIGN(dst, parse_register(ops[0]));
      uint64_t value = 0;
      TRY_ASSIGN(value, parse_imm64(ops[1]));
      imm = static_cast<int32_t>(static_cast<uint32_t>(value));
      tail_imm = static_cast<int32_t>(static_cast<uint32_t>(value >> 32));
      break;
    }
    case Form::LddwMap:
    case Form::LddwMapValue:
    case Form::LddwHostVariable:
    case Form::LddwFunction:
    case Form::LddwMapIdx:
    case Form::LddwMapIdxValue: {
      TRY_ASSIGN(dst, parse_register(ops[0]));
      const std::string_view keyword = asm_syntax::lddw_keyword(form);
      const std::string_view rest = trim(ops[1].substr(leading_keyword(ops[1]).size()));
      if (rest.empty())
        return fail(fmt::format("expected a {} after '{}'",
                                form == Form::LddwFunction ? "target" : "number", keyword));
      if (form == Form::LddwFunction) {
        TRY(encode_target(form, rest, imm, out));
      } else if (asm_syntax::lddw_has_second_imm(form)) {
        // N+K: the '+' that separates them is not a sign of N.
        const size_t plus = rest.find('+', 1);
        TRY_ASSIGN(imm, parse_imm32(trim(rest.substr(0, plus))));
        if (plus != std::string_view::npos) {
          const std::string_view k = trim(rest.substr(plus + 1));
          if (k.empty()) return fail(fmt::format("expected a number after '+' in '{}'", ops[1]));
          TRY_ASSIGN(tail_imm, parse_imm32(k));
        }
      } else {
        TRY_ASSIGN(imm, parse_imm32(rest));
      }
      break;
    }
    case Form::LoadAbs: TRY_ASSIGN(imm, parse_imm32(ops[0])); break;
    case Form::LoadInd:
      TRY_ASSIGN(src, parse_register(ops[0]));
      TRY_ASSIGN(imm, parse_imm32(ops[1]));
      break;
    case Form::Ja: TRY(encode_target(form, ops[0], off, out)); break;
    case Form::Ja32:
    case Form::CallLocal: TRY(encode_target(form, ops[0], imm, out)); break;
    case Form::JumpImm:
      TRY_ASSIGN(dst, parse_register(ops[0]));
      TRY_ASSIGN(imm, parse_imm32(ops[1]));
      TRY(encode_target(form, ops[2], off, out));
      break;
    case Form::JumpReg:
      TRY_ASSIGN(dst, parse_register(ops[0]));
      TRY_ASSIGN(src, parse_register(ops[1]));
      TRY(encode_target(form, ops[2], off, out));
      break;
    case Form::CallHelper: TRY_ASSIGN(imm, parse_imm32(ops[0])); break;
    case Form::Exit: break;
  }
  out.insn = make_insn(row.op, dst, src, static_cast<int16_t>(off), imm);
  if (is_lddw_form(form)) {
    Insn tail;
    tail.imm = tail_imm;
    out.tail = tail;
  }
  return out;
}

#undef TRY
#undef TRY_ASSIGN

// ---------------------------------------------------------------- driver

std::unexpected<Error> line_error(uint32_t line, std::string message) {
  Location where;
  where.source = SourceLine{"", line, 0};
  return make_error(ErrorKind::kLoad, std::move(message), std::move(where));
}

class Assembler {
 public:
  Result<std::vector<Insn>> run(std::string_view text) {
    uint32_t line_no = 0;
    while (!text.empty() || line_no == 0) {
      const size_t end = text.find('\n');
      const std::string_view line = text.substr(0, end);
      text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
      if (line_no < std::numeric_limits<uint32_t>::max()) ++line_no;
      if (auto ok = assemble_line(line, line_no); !ok) return std::unexpected(ok.error());
    }
    if (auto ok = resolve(); !ok) return std::unexpected(ok.error());
    return std::move(slots_);
  }

 private:
  struct Label {
    size_t slot;
    uint32_t line;
  };
  struct Fixup {
    size_t slot;
    Form form;
    std::string label;
    uint32_t line;
  };

  std::vector<Insn> slots_;
  std::unordered_map<std::string, Label> labels_;
  std::vector<Fixup> fixups_;
  std::optional<size_t> first_exit_;

  Result<void> assemble_line(std::string_view line, uint32_t line_no) {
    if (const size_t hash = line.find('#'); hash != std::string_view::npos)
      line = line.substr(0, hash);
    line = trim(line);

    // Labels: "name:" at the start of the line, possibly followed by an
    // instruction.
    while (!line.empty() && is_ident_start(line.front())) {
      size_t i = 0;
      while (i < line.size() && is_ident_char(line[i])) ++i;
      if (i >= line.size() || line[i] != ':') break;
      const std::string name(line.substr(0, i));
      const auto [it, inserted] = labels_.try_emplace(name, Label{slots_.size(), line_no});
      if (!inserted)
        return line_error(line_no, fmt::format("duplicate label '{}' (first defined on line {})",
                                               name, it->second.line));
      line = trim(line.substr(i + 1));
    }
    if (line.empty()) return {};

    // The mnemonic: the longest run of leading words that the table (or an
    // alias) spells.
    const MnemonicIndex& index = mnemonic_index();
    std::vector<std::pair<size_t, size_t>> words;
    for (size_t pos = 0; words.size() < index.max_words;) {
      while (pos < line.size() && is_space(line[pos])) ++pos;
      if (pos >= line.size()) break;
      const size_t start = pos;
      while (pos < line.size() && !is_space(line[pos])) ++pos;
      words.emplace_back(start, pos);
    }
    const std::vector<const InsnInfo*>* rows = nullptr;
    std::string spelled;
    std::string_view rest;
    for (size_t k = words.size(); k >= 1 && rows == nullptr; --k) {
      spelled.clear();
      for (size_t w = 0; w < k; ++w) {
        if (w > 0) spelled += ' ';
        spelled += line.substr(words[w].first, words[w].second - words[w].first);
      }
      rows = index.find(spelled);
      rest = line.substr(words[k - 1].second);
    }
    const std::string_view first = line.substr(0, words.front().second);

    std::vector<std::string_view> ops;
    if (rows == nullptr && first == ".word") rest = line.substr(words.front().second);
    if (const std::string_view args = trim(rest); !args.empty()) {
      for (std::string_view remaining = args;;) {
        const size_t comma = remaining.find(',');
        const std::string_view op = trim(remaining.substr(0, comma));
        if (op.empty())
          return line_error(line_no, fmt::format("empty operand in '{}'", line));
        ops.push_back(op);
        if (comma == std::string_view::npos) break;
        remaining = remaining.substr(comma + 1);
      }
    }

    if (rows == nullptr) {
      if (first == ".word") return raw_word(ops, line_no);
      std::string name(first);
      // "lock foo": name the words that were meant as the mnemonic.
      if (first == "lock" && words.size() > 1)
        name = fmt::format("{} {}", first, line.substr(words[1].first, words[1].second - words[1].first));
      return line_error(line_no, fmt::format("unknown mnemonic '{}'", name));
    }

    const InsnInfo* row = rows->front();
    for (const InsnInfo* candidate : *rows) {
      if (shape_matches(candidate->form, ops)) {
        row = candidate;
        break;
      }
    }
    const size_t expected = asm_syntax::form_operand_count(row->form);
    if (ops.size() != expected)
      return line_error(line_no, fmt::format("'{}' takes {} operand{} ({}), got {}", spelled,
                                             expected, expected == 1 ? "" : "s",
                                             usage(spelled, *rows), ops.size()));

    auto encoded = encode(*row, ops);
    if (!encoded) return line_error(line_no, std::move(encoded.error()));
    if (encoded->label)
      fixups_.push_back(Fixup{slots_.size(), row->form, std::move(*encoded->label), line_no});
    if (row->form == Form::Exit && !first_exit_) first_exit_ = slots_.size();
    slots_.push_back(encoded->insn);
    if (encoded->tail) slots_.push_back(*encoded->tail);
    return {};
  }

  Result<void> raw_word(std::span<const std::string_view> ops, uint32_t line_no) {
    if (ops.size() != 1)
      return line_error(line_no, fmt::format("'.word' takes 1 operand (.word 0x<64-bit word>), got {}",
                                             ops.size()));
    auto value = parse_imm64(ops[0]);
    if (!value) return line_error(line_no, std::move(value.error()));
    slots_.push_back(Insn::from_word(*value));
    return {};
  }

  // Labels become offsets from the slot after the instruction. A target
  // named `exit` that is no label is the first exit instruction, as in the
  // conformance suite's programs (`jne %r0, 0, exit`).
  Result<void> resolve() {
    for (const Fixup& fixup : fixups_) {
      size_t target = 0;
      if (const auto it = labels_.find(fixup.label); it != labels_.end()) {
        target = it->second.slot;
      } else if (fixup.label == "exit" && first_exit_) {
        target = *first_exit_;
      } else {
        return line_error(fixup.line, fmt::format("undefined label '{}'", fixup.label));
      }
      const int64_t delta = static_cast<int64_t>(target) - static_cast<int64_t>(fixup.slot) - 1;
      auto value = check_target_range(fixup.form, delta);
      if (!value) return line_error(fixup.line, std::move(value.error()));
      Insn& insn = slots_[fixup.slot];
      if (target_in_imm(fixup.form))
        insn.imm = *value;
      else
        insn.off = static_cast<int16_t>(*value);
    }
    return {};
  }
};

}  // namespace

Result<std::vector<Insn>> assemble(std::string_view text) { return Assembler{}.run(text); }

}  // namespace sandbpf
