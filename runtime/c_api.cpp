// The C API (include/sandbpf/sandbpf.h) over the C++ one: handles own C++
// objects, errors become sandbpf_error values, nothing throws across.
#include "sandbpf/sandbpf.h"

#include <array>
#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "helpers/maps/ring_buffer_map.hpp"
#include "helpers/standard/standard_helpers.hpp"
#include "runtime/instance.hpp"

struct sandbpf_error {
  sandbpf_status status;
  std::string message;
};

struct sandbpf_platform {
  std::shared_ptr<sandbpf::Platform> platform;
};

struct sandbpf_options {
  sandbpf::InstanceOptions options;
  sandbpf_trace_fn trace = nullptr;
  void* trace_user = nullptr;
};

struct sandbpf_instance {
  std::unique_ptr<sandbpf::Instance> instance;
};

namespace {

using namespace sandbpf;

sandbpf_status status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return SANDBPF_ERROR_USAGE;
    case ErrorKind::kLoad: return SANDBPF_ERROR_LOAD;
    case ErrorKind::kVerify: return SANDBPF_ERROR_VERIFY;
    case ErrorKind::kRuntime: return SANDBPF_ERROR_RUNTIME;
    case ErrorKind::kInternal: return SANDBPF_ERROR_INTERNAL;
  }
  return SANDBPF_ERROR_INTERNAL;
}

sandbpf_status fail(sandbpf_error** out, sandbpf_status status, std::string message) {
  if (out != nullptr) *out = new (std::nothrow) sandbpf_error{status, std::move(message)};
  return status;
}

sandbpf_status fail(sandbpf_error** out, const Error& error) {
  return fail(out, status_of(error.kind), error.to_string());
}

Map* as_map(sandbpf_map* map) { return reinterpret_cast<Map*>(map); }
uint32_t map_key_size(sandbpf_map* map) { return as_map(map)->definition().key_size; }
const Map* as_map(const sandbpf_map* map) { return reinterpret_cast<const Map*>(map); }

// C helpers are called through one of these trampolines, which turn the
// RunContext& into the opaque sandbpf_run_context*. Each registered C
// function takes a trampoline index for the process's life (the same
// function reuses its index).
constexpr size_t kMaxCHelpers = 256;
std::array<std::atomic<sandbpf_helper_fn>, kMaxCHelpers> c_helpers{};
std::mutex c_helpers_lock;

template <size_t N>
uint64_t c_trampoline(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4, uint64_t r5,
                      RunContext& context) {
  const sandbpf_helper_fn fn = c_helpers[N].load(std::memory_order_acquire);
  return fn(r1, r2, r3, r4, r5, reinterpret_cast<sandbpf_run_context*>(&context));
}

template <size_t... N>
constexpr std::array<HelperFunction, sizeof...(N)> make_trampolines(std::index_sequence<N...>) {
  return {&c_trampoline<N>...};
}
constexpr auto kTrampolines = make_trampolines(std::make_index_sequence<kMaxCHelpers>{});

HelperFunction trampoline_for(sandbpf_helper_fn fn) {
  std::lock_guard<std::mutex> hold(c_helpers_lock);
  for (size_t i = 0; i < kMaxCHelpers; ++i) {
    const sandbpf_helper_fn current = c_helpers[i].load(std::memory_order_relaxed);
    if (current == fn) return kTrampolines[i];
    if (current == nullptr) {
      c_helpers[i].store(fn, std::memory_order_release);
      return kTrampolines[i];
    }
  }
  return nullptr;
}

ArgKind arg_kind(sandbpf_arg_kind kind, bool& known) {
  known = true;
  switch (kind) {
    case SANDBPF_ARG_NONE: return ArgKind::kNone;
    case SANDBPF_ARG_ANYTHING: return ArgKind::kAnything;
    case SANDBPF_ARG_SCALAR: return ArgKind::kScalar;
    case SANDBPF_ARG_READABLE_MEMORY: return ArgKind::kReadableMemory;
    case SANDBPF_ARG_WRITABLE_MEMORY: return ArgKind::kWritableMemory;
    case SANDBPF_ARG_SIZE: return ArgKind::kSize;
    case SANDBPF_ARG_CONTEXT: return ArgKind::kContext;
  }
  known = false;
  return ArgKind::kNone;
}

sandbpf_status load(const sandbpf_platform* platform, const sandbpf_options* options,
                    sandbpf_instance** out, sandbpf_error** error,
                    const std::function<Result<std::unique_ptr<Instance>>(
                        std::shared_ptr<const Platform>, const InstanceOptions&)>& make) {
  if (platform == nullptr || out == nullptr)
    return fail(error, SANDBPF_ERROR_USAGE, "a platform and an instance pointer are needed");
  InstanceOptions instance_options = options != nullptr ? options->options : InstanceOptions{};
  if (options != nullptr && options->trace != nullptr) {
    const sandbpf_trace_fn trace = options->trace;
    void* user = options->trace_user;
    instance_options.host.trace = [trace, user](std::string_view line) {
      trace(user, line.data(), line.size());
    };
  }
  // Each instance takes a copy: later changes to the platform do not
  // reach instances already running.
  auto copy = std::make_shared<const Platform>(*platform->platform);
  auto made = make(std::move(copy), instance_options);
  if (!made) return fail(error, made.error());
  *out = new (std::nothrow) sandbpf_instance{std::move(*made)};
  if (*out == nullptr) return fail(error, SANDBPF_ERROR_INTERNAL, "out of memory");
  return SANDBPF_OK;
}

}  // namespace

extern "C" {

sandbpf_status sandbpf_error_status(const sandbpf_error* error) {
  return error == nullptr ? SANDBPF_OK : error->status;
}
const char* sandbpf_error_message(const sandbpf_error* error) {
  return error == nullptr ? "" : error->message.c_str();
}
void sandbpf_error_free(sandbpf_error* error) { delete error; }

sandbpf_platform* sandbpf_platform_new(const char* name) {
  if (name == nullptr) return nullptr;
  std::unique_ptr<Platform> platform = Platform::make(name);
  if (!platform) return nullptr;
  return new (std::nothrow) sandbpf_platform{std::shared_ptr<Platform>(std::move(platform))};
}
void sandbpf_platform_free(sandbpf_platform* platform) { delete platform; }

sandbpf_status sandbpf_platform_add_standard_helpers(sandbpf_platform* platform,
                                                     sandbpf_error** error) {
  if (platform == nullptr) return fail(error, SANDBPF_ERROR_USAGE, "no platform");
  if (platform->platform->name() == "linux") return SANDBPF_OK;  // it has them
  auto added = add_standard_helpers(platform->platform->helpers());
  return added ? SANDBPF_OK : fail(error, added.error());
}

sandbpf_status sandbpf_platform_add_context_type(sandbpf_platform* platform, const char* name,
                                                 uint32_t size, const char* section,
                                                 const uint32_t* writable_ranges,
                                                 size_t writable_range_count,
                                                 sandbpf_error** error) {
  if (platform == nullptr || name == nullptr)
    return fail(error, SANDBPF_ERROR_USAGE, "a platform and a type name are needed");
  if (writable_range_count != 0 && writable_ranges == nullptr)
    return fail(error, SANDBPF_ERROR_USAGE, "writable ranges are missing");
  ProgramTypeBuilder builder(name, std::string("struct ") + name, size);
  if (size != 0) builder.readable(0, size);
  for (size_t i = 0; i < writable_range_count; ++i)
    builder.writable(writable_ranges[2 * i], writable_ranges[2 * i + 1]);
  if (section != nullptr) builder.sections({section});
  auto added = platform->platform->add_program_type(builder.build());
  return added ? SANDBPF_OK : fail(error, added.error());
}

sandbpf_status sandbpf_platform_add_helper(sandbpf_platform* platform, uint32_t id,
                                           const char* name, const sandbpf_arg_kind args[5],
                                           sandbpf_helper_fn function, sandbpf_error** error) {
  if (platform == nullptr || name == nullptr || function == nullptr)
    return fail(error, SANDBPF_ERROR_USAGE, "a platform, a name and a function are needed");
  HelperDefinition helper;
  helper.prototype.id = id;
  // The registry keeps its own copy of the name (helper_registry.hpp).
  const std::string owned_name(name);
  helper.prototype.name = owned_name;
  for (size_t i = 0; args != nullptr && i < 5; ++i) {
    bool known = false;
    helper.prototype.args[i] = arg_kind(args[i], known);
    if (!known) return fail(error, SANDBPF_ERROR_USAGE, "unknown argument kind");
  }
  helper.function = trampoline_for(function);
  if (helper.function == nullptr)
    return fail(error, SANDBPF_ERROR_USAGE, "too many distinct C helper functions (256)");
  auto added = platform->platform->helpers().add(helper);
  return added ? SANDBPF_OK : fail(error, added.error());
}

void* sandbpf_run_context_host_data(sandbpf_run_context* context) {
  if (context == nullptr) return nullptr;
  return reinterpret_cast<RunContext*>(context)->host_data();
}
void sandbpf_run_context_fail(sandbpf_run_context* context, const char* message) {
  if (context == nullptr) return;
  reinterpret_cast<RunContext*>(context)->fail(message != nullptr ? message : "a helper failed");
}

sandbpf_options* sandbpf_options_new(void) { return new (std::nothrow) sandbpf_options{}; }
void sandbpf_options_free(sandbpf_options* options) { delete options; }
// Setters on a null options handle do nothing.
void sandbpf_options_set_program(sandbpf_options* o, const char* program) {
  if (o == nullptr) return;
  o->options.program = program != nullptr ? program : "";
}
void sandbpf_options_set_type(sandbpf_options* o, const char* type) {
  if (o == nullptr) return;
  o->options.type = type != nullptr ? type : "";
}
void sandbpf_options_set_jit(sandbpf_options* o, int use_jit) {
  if (o == nullptr) return;
  o->options.engine = use_jit ? Engine::kJit : Engine::kInterpreter;
}
void sandbpf_options_set_verify(sandbpf_options* o, int verify) {
  if (o == nullptr) return;
  o->options.verify = verify != 0;
}
void sandbpf_options_set_budget(sandbpf_options* o, uint64_t instructions) {
  if (o == nullptr) return;
  o->options.instruction_budget = instructions;
}
void sandbpf_options_set_slots(sandbpf_options* o, uint32_t slots) {
  if (o == nullptr) return;
  o->options.slots = slots;
}
void sandbpf_options_set_wait_for_slot(sandbpf_options* o, int wait) {
  if (o == nullptr) return;
  o->options.when_busy = wait ? SlotPolicy::kWait : SlotPolicy::kError;
}
void sandbpf_options_set_map_memory_limit(sandbpf_options* o, uint64_t bytes) {
  if (o == nullptr) return;
  o->options.map_memory_limit = bytes;
}
void sandbpf_options_set_random_seed(sandbpf_options* o, uint64_t seed) {
  if (o == nullptr) return;
  o->options.random_seed = seed;
}
void sandbpf_options_set_host_data(sandbpf_options* o, void* host_data) {
  if (o == nullptr) return;
  o->options.host_data = host_data;
}
void sandbpf_options_set_trace(sandbpf_options* o, sandbpf_trace_fn trace, void* user) {
  if (o == nullptr) return;
  o->trace = trace;
  o->trace_user = user;
}

sandbpf_status sandbpf_instance_load_file(const sandbpf_platform* platform, const char* path,
                                          const sandbpf_options* options,
                                          sandbpf_instance** instance, sandbpf_error** error) {
  if (path == nullptr) return fail(error, SANDBPF_ERROR_USAGE, "no path");
  const std::string file(path);
  return load(platform, options, instance, error,
              [&](std::shared_ptr<const Platform> p, const InstanceOptions& o) {
                return Instance::load_file(file, std::move(p), o);
              });
}

sandbpf_status sandbpf_instance_load_memory(const sandbpf_platform* platform, const void* elf,
                                            size_t size, const sandbpf_options* options,
                                            sandbpf_instance** instance, sandbpf_error** error) {
  if (elf == nullptr && size != 0) return fail(error, SANDBPF_ERROR_USAGE, "no object bytes");
  const std::span<const uint8_t> bytes(static_cast<const uint8_t*>(elf), size);
  return load(platform, options, instance, error,
              [&](std::shared_ptr<const Platform> p, const InstanceOptions& o) {
                return Instance::load_elf(bytes, "<memory>", std::move(p), o);
              });
}

void sandbpf_instance_free(sandbpf_instance* instance) { delete instance; }

const char* sandbpf_instance_program_name(const sandbpf_instance* instance) {
  return instance == nullptr ? "" : instance->instance->program_name().c_str();
}
int sandbpf_instance_verified(const sandbpf_instance* instance) {
  return instance != nullptr && instance->instance->verified() ? 1 : 0;
}

sandbpf_status sandbpf_instance_run_memory(sandbpf_instance* instance, void* memory, size_t size,
                                           uint64_t* r0, sandbpf_error** error) {
  if (instance == nullptr || (memory == nullptr && size != 0))
    return fail(error, SANDBPF_ERROR_USAGE, "an instance and memory are needed");
  auto result = instance->instance->run_memory({static_cast<uint8_t*>(memory), size});
  if (!result) return fail(error, result.error());
  if (r0 != nullptr) *r0 = *result;
  return SANDBPF_OK;
}

sandbpf_status sandbpf_instance_run_context(sandbpf_instance* instance, void* context,
                                            uint64_t* r0, sandbpf_error** error) {
  if (instance == nullptr) return fail(error, SANDBPF_ERROR_USAGE, "no instance");
  auto result = instance->instance->run_context(context);
  if (!result) return fail(error, result.error());
  if (r0 != nullptr) *r0 = *result;
  return SANDBPF_OK;
}

sandbpf_status sandbpf_instance_run_packet(sandbpf_instance* instance, const void* packet,
                                           size_t size, uint64_t* r0, void* packet_out,
                                           size_t packet_out_capacity, size_t* packet_out_size,
                                           sandbpf_error** error) {
  if (instance == nullptr || (packet == nullptr && size != 0))
    return fail(error, SANDBPF_ERROR_USAGE, "an instance and a packet are needed");
  auto result = instance->instance->run_packet({static_cast<const uint8_t*>(packet), size});
  if (!result) return fail(error, result.error());
  if (r0 != nullptr) *r0 = result->r0;
  if (packet_out != nullptr)
    std::memcpy(packet_out, result->packet.data(),
                std::min(packet_out_capacity, result->packet.size()));
  if (packet_out_size != nullptr) *packet_out_size = result->packet.size();
  return SANDBPF_OK;
}

sandbpf_status sandbpf_instance_set_tail_call(sandbpf_instance* instance, const char* map,
                                              uint32_t index, const char* program,
                                              sandbpf_error** error) {
  if (instance == nullptr || map == nullptr || program == nullptr)
    return fail(error, SANDBPF_ERROR_USAGE, "an instance, a map and a program are needed");
  auto set = instance->instance->set_tail_call(map, index, program);
  return set ? SANDBPF_OK : fail(error, set.error());
}

sandbpf_map* sandbpf_instance_map(sandbpf_instance* instance, const char* name) {
  if (instance == nullptr || name == nullptr) return nullptr;
  return reinterpret_cast<sandbpf_map*>(instance->instance->map(name));
}

uint32_t sandbpf_map_key_size(const sandbpf_map* map) {
  return map == nullptr ? 0 : as_map(map)->definition().key_size;
}
size_t sandbpf_map_value_size(const sandbpf_map* map) {
  return map == nullptr ? 0 : as_map(map)->host_value_size();
}

sandbpf_status sandbpf_map_lookup(sandbpf_map* map, const void* key, void* value,
                                  sandbpf_error** error) {
  if (map == nullptr || value == nullptr || (key == nullptr && map_key_size(map) != 0))
    return fail(error, SANDBPF_ERROR_USAGE, "a map, a key and a value buffer are needed");
  Map* m = as_map(map);
  const uint32_t key_size = m->definition().key_size;
  auto found = m->host_lookup({static_cast<const uint8_t*>(key), key_size},
                              {static_cast<uint8_t*>(value), m->host_value_size()});
  if (found) return SANDBPF_OK;
  const bool missing = found.error().message.find("(ENOENT)") != std::string::npos;
  return fail(error, missing ? SANDBPF_ERROR_NOT_FOUND : status_of(found.error().kind),
              found.error().to_string());
}

sandbpf_status sandbpf_map_update(sandbpf_map* map, const void* key, const void* value,
                                  uint64_t flags, sandbpf_error** error) {
  if (map == nullptr || value == nullptr || (key == nullptr && map_key_size(map) != 0))
    return fail(error, SANDBPF_ERROR_USAGE, "a map, a key and a value are needed");
  Map* m = as_map(map);
  auto set = m->host_update({static_cast<const uint8_t*>(key), m->definition().key_size},
                            {static_cast<const uint8_t*>(value), m->host_value_size()}, flags);
  return set ? SANDBPF_OK : fail(error, set.error());
}

sandbpf_status sandbpf_map_delete(sandbpf_map* map, const void* key, sandbpf_error** error) {
  if (map == nullptr || (key == nullptr && map_key_size(map) != 0))
    return fail(error, SANDBPF_ERROR_USAGE, "a map and a key are needed");
  Map* m = as_map(map);
  auto erased = m->host_delete({static_cast<const uint8_t*>(key), m->definition().key_size});
  if (erased) return SANDBPF_OK;
  const bool missing = erased.error().message.find("(ENOENT)") != std::string::npos;
  return fail(error, missing ? SANDBPF_ERROR_NOT_FOUND : status_of(erased.error().kind),
              erased.error().to_string());
}

sandbpf_status sandbpf_map_next_key(sandbpf_map* map, const void* key, void* next_key,
                                    sandbpf_error** error) {
  if (map == nullptr || next_key == nullptr)
    return fail(error, SANDBPF_ERROR_USAGE, "a map and a buffer for the next key are needed");
  Map* m = as_map(map);
  const uint32_t key_size = m->definition().key_size;
  auto more = m->host_next_key(
      key == nullptr ? std::span<const uint8_t>{}
                     : std::span<const uint8_t>(static_cast<const uint8_t*>(key), key_size),
      {static_cast<uint8_t*>(next_key), key_size});
  if (!more) return fail(error, more.error());
  return *more ? SANDBPF_OK : SANDBPF_ERROR_NOT_FOUND;
}

size_t sandbpf_map_consume(sandbpf_map* map, sandbpf_record_fn record, void* user) {
  if (map == nullptr) return 0;
  Map* m = as_map(map);
  if (m->definition().type != kMapRingbuf || record == nullptr) return 0;
  return static_cast<RingBufferMap*>(m)->consume([&](std::span<const uint8_t> data) {
    return record(user, data.data(), data.size());
  });
}

}  // extern "C"
