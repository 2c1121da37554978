#include "conformance/data_file.hpp"

#include <charconv>
#include <fmt/format.h>

#include "loader/assembler.hpp"
#include "loader/program_file.hpp"
#include "loader/raw_program.hpp"

namespace sandbpf::conformance {
namespace {

enum class Section { kNone, kAsm, kRaw, kMem, kResult, kError, kIgnored };

struct SectionName {
  std::string_view name;
  Section section;
};

constexpr SectionName kSections[] = {
    {"asm", Section::kAsm},       {"raw", Section::kRaw},
    {"mem", Section::kMem},       {"result", Section::kResult},
    {"error", Section::kError},   {"c", Section::kIgnored},
    {"no register offset", Section::kIgnored},
};

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n\v\f");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n\v\f");
  return s.substr(first, last - first + 1);
}

std::string_view strip_comment(std::string_view line) {
  const auto hash = line.find('#');
  return hash == std::string_view::npos ? line : line.substr(0, hash);
}

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// One byte of `-- mem`: one or two hex digits, optionally after 0x.
std::optional<uint8_t> parse_mem_byte(std::string_view token) {
  if (token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X'))
    token.remove_prefix(2);
  if (token.empty() || token.size() > 2) return std::nullopt;
  for (char c : token)
    if (!is_hex_digit(c)) return std::nullopt;
  unsigned value = 0;
  std::from_chars(token.data(), token.data() + token.size(), value, 16);
  return static_cast<uint8_t>(value);
}

// `-- result`: 0x hex or decimal (a leading minus sign wraps to 64 bits).
std::optional<uint64_t> parse_result(std::string_view text) {
  bool negative = false;
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  } else if (!text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  if (negative) {
    if (value > (uint64_t{1} << 63)) return std::nullopt;
    value = ~value + 1;
  }
  return value;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  Result<DataFile> parse() {
    DataFile file;
    file.path = path_;
    std::string asm_text;
    uint32_t asm_first_line = 0;
    bool have_asm = false;
    bool have_raw = false;
    std::vector<Insn> raw;
    Section section = Section::kNone;
    std::vector<bool> seen(static_cast<size_t>(Section::kIgnored) + 1, false);

    uint32_t line_number = 0;
    size_t pos = 0;
    while (pos < text_.size()) {
      const auto newline = text_.find('\n', pos);
      std::string_view line = text_.substr(
          pos, newline == std::string_view::npos ? std::string_view::npos : newline - pos);
      pos = newline == std::string_view::npos ? text_.size() : newline + 1;
      ++line_number;
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

      const std::string_view trimmed = trim(line);
      if (trimmed.starts_with("--")) {
        const std::string_view name = trim(trimmed.substr(2));
        section = Section::kNone;
        for (const SectionName& known : kSections)
          if (known.name == name) section = known.section;
        if (section == Section::kNone)
          return error(line_number, fmt::format("unknown section '-- {}'", name));
        if (section != Section::kIgnored) {
          if (seen[static_cast<size_t>(section)])
            return error(line_number, fmt::format("a second '-- {}' section", name));
          seen[static_cast<size_t>(section)] = true;
        }
        if (section == Section::kAsm) {
          have_asm = true;
          asm_first_line = line_number + 1;
        }
        if (section == Section::kRaw) have_raw = true;
        continue;
      }

      switch (section) {
        case Section::kNone:
          if (!trim(strip_comment(line)).empty())
            return error(line_number, "text before the first section (a line '-- asm' starts one)");
          break;
        case Section::kIgnored:
          break;
        case Section::kAsm:
          // Untouched: the assembler handles its own comments, and every
          // line is kept so its line numbers are the file's.
          asm_text.append(line);
          asm_text.push_back('\n');
          break;
        case Section::kRaw: {
          const std::string_view word = trim(strip_comment(line));
          if (word.empty()) break;
          auto insns = parse_raw_words(word);
          if (!insns) return error(line_number, insns.error().message);
          raw.insert(raw.end(), insns->begin(), insns->end());
          break;
        }
        case Section::kMem: {
          std::string_view rest = strip_comment(line);
          while (true) {
            rest = trim(rest);
            if (rest.empty()) break;
            const auto end = rest.find_first_of(" \t\v\f");
            const std::string_view token = rest.substr(0, end);
            rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
            const auto byte = parse_mem_byte(token);
            if (!byte)
              return error(line_number,
                           fmt::format("'{}' is not a memory byte (two hex digits)", token));
            file.memory.push_back(*byte);
          }
          break;
        }
        case Section::kResult: {
          const std::string_view value = trim(strip_comment(line));
          if (value.empty()) break;
          if (file.result) return error(line_number, "a second value in '-- result'");
          const auto parsed = parse_result(value);
          if (!parsed)
            return error(line_number,
                         fmt::format("'{}' is not a 64-bit result (0x hex or decimal)", value));
          file.result = *parsed;
          break;
        }
        case Section::kError: {
          // The text is exact; only whole-line comments are skipped.
          const std::string_view text = trim(line);
          if (text.empty() || text.starts_with('#')) break;
          if (file.error) return error(line_number, "a second line in '-- error'");
          file.error = std::string(text);
          break;
        }
      }
    }

    const uint32_t end_line = line_number == 0 ? 1 : line_number;
    if (seen[static_cast<size_t>(Section::kResult)] && !file.result)
      return error(end_line, "the '-- result' section holds no value");
    if (seen[static_cast<size_t>(Section::kError)] && !file.error)
      return error(end_line, "the '-- error' section holds no text");
    if (file.result && file.error)
      return error(end_line, "both '-- result' and '-- error' are given; a test expects one");
    if (!file.result && !file.error)
      return error(end_line, "no '-- result' or '-- error' section says what to expect");

    if (have_raw) {
      if (raw.empty()) return error(end_line, "the '-- raw' section holds no instruction");
      file.program = std::move(raw);
    } else if (have_asm) {
      auto insns = assemble(asm_text);
      if (!insns) {
        const Error& failure = insns.error();
        const uint32_t line = failure.where.source && failure.where.source->line > 0
                                  ? asm_first_line + failure.where.source->line - 1
                                  : asm_first_line - 1;
        return error(line, failure.message);
      }
      if (insns->empty()) return error(asm_first_line - 1, "the '-- asm' section holds no instruction");
      file.program = std::move(*insns);
    } else {
      return error(end_line, "no '-- asm' or '-- raw' section holds the program");
    }
    return file;
  }

 private:
  std::unexpected<Error> error(uint32_t line, std::string message) const {
    Location where;
    where.source = SourceLine{path_, line, 0};
    return make_error(ErrorKind::kLoad, std::move(message), std::move(where));
  }

  std::string_view text_;
  const std::string& path_;
};

}  // namespace

Result<DataFile> parse_data_file(std::string_view text, const std::string& path) {
  return Parser(text, path).parse();
}

Result<DataFile> read_data_file(const std::string& path) {
  auto bytes = read_file_bytes(path);
  if (!bytes) return std::unexpected(std::move(bytes.error()));
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  return parse_data_file(text, path);
}

}  // namespace sandbpf::conformance
