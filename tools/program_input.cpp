#include "tools/program_input.hpp"

#include <string_view>

#include "loader/assembler.hpp"
#include "loader/program_file.hpp"
#include "loader/raw_program.hpp"

namespace sandbpf::tools {
namespace {

Error named(Error error, const std::string& path) {
  if (error.where.file.empty() && !error.where.source) error.where.file = path;
  if (error.where.source && error.where.source->file.empty()) error.where.source->file = path;
  return error;
}

}  // namespace

Result<std::vector<Insn>> load_program_file(const std::string& path, bool force_raw) {
  auto bytes = read_file_bytes(path);
  if (!bytes) return std::unexpected(named(std::move(bytes.error()), path));

  Result<std::vector<Insn>> insns;
  const ProgramFileKind kind =
      force_raw ? ProgramFileKind::kRaw : detect_program_file_kind(*bytes);
  switch (kind) {
    case ProgramFileKind::kElf: {
      Location where;
      where.file = path;
      return make_error(ErrorKind::kLoad, "ELF objects are not supported yet", std::move(where));
    }
    case ProgramFileKind::kAssembly:
      insns = assemble(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
      break;
    case ProgramFileKind::kRaw:
      insns = read_raw_binary(*bytes);
      break;
  }
  if (!insns) return std::unexpected(named(std::move(insns.error()), path));
  return insns;
}

bool is_elf_file(const std::string& path) {
  const auto bytes = read_file_bytes(path);
  return bytes && detect_program_file_kind(*bytes) == ProgramFileKind::kElf;
}

Result<Object> load_object_file(const std::string& path) {
  auto bytes = read_file_bytes(path);
  if (!bytes) return std::unexpected(named(std::move(bytes.error()), path));
  auto object = load_elf_object(*bytes, path);
  if (!object) return std::unexpected(named(std::move(object.error()), path));
  return object;
}

}  // namespace sandbpf::tools
