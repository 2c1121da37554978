#include "sandbpf/error.hpp"

#include <fmt/format.h>

namespace sandbpf {

std::string Error::to_string() const {
  std::string out;
  auto add = [&out](const std::string& part) {
    if (!out.empty()) out += ": ";
    out += part;
  };
  if (!where.file.empty()) add(where.file);
  if (!where.section.empty() || !where.function.empty()) {
    if (where.section.empty() || where.function.empty() || where.section == where.function)
      add(where.section.empty() ? where.function : where.section);
    else
      add(where.section + "/" + where.function);
  }
  if (where.source) {
    // Text inputs (assembly) know the line but not always the file.
    add(where.source->file.empty() ? fmt::format("line {}", where.source->line)
                                   : fmt::format("{}:{}", where.source->file, where.source->line));
  }
  if (where.instruction) add(fmt::format("insn {}", *where.instruction));
  add(message);
  return out;
}

}  // namespace sandbpf
