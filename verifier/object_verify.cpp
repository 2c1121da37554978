#include "verifier/object_verify.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "vm/program.hpp"

namespace sandbpf {
namespace {

// BPF_CORE_FIELD_BYTE_OFFSET, _BYTE_SIZE and _EXISTS in the kernel's enum
// bpf_core_relo_kind.
constexpr uint32_t kCoreFieldByteOffset = 0;
constexpr uint32_t kCoreFieldByteSize = 1;
constexpr uint32_t kCoreFieldExists = 2;

ProgramVerification load_failure(const Error& error, ErrorKind kind, uint64_t instructions) {
  ProgramVerification v;
  v.verdict = ProgramVerdict::kLoadError;
  v.load_error_kind = kind;
  v.instructions = instructions;
  v.load_error_has_insn = error.where.instruction.has_value();
  VerifierDiagnostic d;
  d.insn = error.where.instruction.value_or(0);
  d.source = error.where.source;
  d.message = error.message;
  v.errors.push_back(std::move(d));
  return v;
}

// CPU time of the calling thread: on a loaded machine, what the
// verification itself cost.
std::chrono::microseconds thread_cpu_time() {
  timespec ts{};
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return std::chrono::microseconds(0);
  return std::chrono::microseconds(static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000);
}

ProgramVerification run_verifier(const Program& program, const Platform& platform, const ProgramType& type,
                                 std::span<const MapDefinition> maps, const VerifyOptions& options) {
  ProgramVerification v;
  v.type = &type;
  v.instructions = program.size();
  const auto start = std::chrono::steady_clock::now();
  const auto cpu_start = thread_cpu_time();
  auto result = verify(VerifierInput{&program, &platform, &type, maps}, options);
  v.cpu_time = thread_cpu_time() - cpu_start;
  v.time = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  if (!result) {
    ProgramVerification failed = load_failure(result.error(), result.error().kind, program.size());
    failed.type = &type;
    failed.time = v.time;
    failed.cpu_time = v.cpu_time;
    return failed;
  }
  v.verdict = result->accepted ? ProgramVerdict::kAccepted : ProgramVerdict::kRejected;
  v.states = result->states_explored;
  v.errors = std::move(result->errors);
  return v;
}

// "__sk_buff.cb[2]" -> "cb"; "" when the path has no field.
std::string_view first_field(std::string_view path) {
  const auto dot = path.find('.');
  if (dot == std::string_view::npos) return {};
  std::string_view rest = path.substr(dot + 1);
  const auto end = rest.find_first_of(".[");
  return end == std::string_view::npos ? rest : rest.substr(0, end);
}

}  // namespace

std::string_view program_verdict_name(ProgramVerdict verdict) {
  switch (verdict) {
    case ProgramVerdict::kAccepted: return "accepted";
    case ProgramVerdict::kRejected: return "rejected";
    case ProgramVerdict::kLoadError: return "load_error";
  }
  return "load_error";
}

Result<const ProgramType*> choose_program_type(const Platform& platform, std::string_view section,
                                               std::optional<std::string_view> type_name) {
  if (type_name) {
    if (const ProgramType* t = platform.find_program_type(*type_name)) return t;
    std::string names;
    for (const ProgramType& t : platform.program_types()) {
      if (!names.empty()) names += ", ";
      names += t.name;
    }
    return make_error(ErrorKind::kUsage, fmt::format("unknown program type '{}': the {} platform has {}",
                                                     *type_name, platform.name(), names));
  }
  if (const ProgramType* t = platform.program_type_for_section(section)) return t;
  if (platform.program_types().size() == 1) return &platform.program_types().front();
  return make_error(ErrorKind::kUsage,
                    fmt::format("the section name '{}' implies no program type: give one with --type "
                                "(e.g. --type sched_cls)",
                                section));
}

Result<std::vector<Insn>> resolve_core_relocations(const ObjectProgram& program, const ProgramType& type) {
  std::vector<Insn> insns = program.insns;
  const std::string& c_type = type.context.c_type;
  for (const CoreRelocation& relo : program.core_relocations) {
    const bool on_context = !relo.type_name.empty() &&
                            (c_type == relo.type_name || c_type == "struct " + relo.type_name);
    if (!on_context) continue;  // kernel-internal type: a number to the verifier
    if (relo.kind != kCoreFieldByteOffset && relo.kind != kCoreFieldByteSize && relo.kind != kCoreFieldExists)
      continue;  // signedness, shifts, type facts: as compiled
    Location where;
    where.section = program.section;
    where.function = program.function;
    where.instruction = relo.insn;
    if (relo.insn < program.line_info.size()) where.source = program.line_info[relo.insn];
    const std::string path = relo.field_path.empty() ? relo.type_name + " access " + relo.access : relo.field_path;
    const std::string_view name = first_field(relo.field_path);
    const ContextLayout::Field* field = nullptr;
    for (const auto& f : type.context.fields)
      if (f.name == name) field = &f;
    if (relo.insn >= insns.size()) continue;
    Insn& insn = insns[relo.insn];
    if (relo.kind == kCoreFieldExists) {
      insn.imm = field != nullptr ? 1 : 0;
      continue;
    }
    if (field == nullptr)
      return make_error(ErrorKind::kLoad,
                        fmt::format("CO-RE relocation for {} cannot be resolved: the {} platform's {} has no "
                                    "such field",
                                    path, type.name, c_type),
                        std::move(where));
    const bool whole_field = relo.field_path.find('[') == std::string::npos &&
                             relo.field_path.find('.', relo.field_path.find('.') + 1) == std::string::npos;
    if (relo.kind == kCoreFieldByteSize) {
      if (whole_field) insn.imm = static_cast<int32_t>(field->size);
      continue;
    }
    const uint8_t cls = insn.cls();
    const bool memory = cls == 0x01 || cls == 0x02 || cls == 0x03;  // ldx, st, stx: the offset field
    const int64_t compiled = memory ? insn.off : insn.imm;
    if (whole_field) {
      if (memory) insn.off = static_cast<int16_t>(field->offset);
      else insn.imm = static_cast<int32_t>(field->offset);
      continue;
    }
    if (compiled < field->offset || compiled >= static_cast<int64_t>(field->offset) + field->size)
      return make_error(ErrorKind::kLoad,
                        fmt::format("CO-RE relocation for {} cannot be resolved: the object was compiled with "
                                    "offset {}, outside the platform's {} (offset {}, {} bytes)",
                                    path, compiled, name, field->offset, field->size),
                        std::move(where));
  }
  return insns;
}

ProgramVerification verify_object_program(const Object& object, const ObjectProgram& program,
                                          const Platform& platform, const Result<const ProgramType*>& type,
                                          const VerifyOptions& options) {
  const uint64_t size = program.insns.size();
  if (program.load_error) return load_failure(*program.load_error, ErrorKind::kLoad, size);
  if (!type) return load_failure(type.error(), type.error().kind, size);
  auto insns = resolve_core_relocations(program, **type);
  if (!insns) {
    ProgramVerification v = load_failure(insns.error(), ErrorKind::kLoad, size);
    v.type = *type;
    return v;
  }
  auto decoded = Program::decode(*insns);
  if (!decoded) {
    ProgramVerification v = load_failure(decoded.error(), ErrorKind::kLoad, size);
    v.type = *type;
    return v;
  }
  decoded->name = program.name();
  decoded->line_info = program.line_info;
  return run_verifier(*decoded, platform, **type, object.maps, options);
}

ProgramVerification verify_instructions(std::span<const Insn> insns, const Platform& platform,
                                        const Result<const ProgramType*>& type, const VerifyOptions& options) {
  if (!type) return load_failure(type.error(), type.error().kind, insns.size());
  auto decoded = Program::decode(insns);
  if (!decoded) {
    ProgramVerification v = load_failure(decoded.error(), ErrorKind::kLoad, insns.size());
    v.type = *type;
    return v;
  }
  return run_verifier(*decoded, platform, **type, {}, options);
}

}  // namespace sandbpf
