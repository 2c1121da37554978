/* sandbpf's C API: load a BPF ELF object, verify one of its programs, run
 * it on the interpreter or the JIT, and share maps with it. Opaque handles,
 * no C++ types across the boundary, all state in the handles (no globals).
 *
 * Every function that can fail returns a sandbpf_status and, when given a
 * sandbpf_error**, sets it to an error the caller frees with
 * sandbpf_error_free (its message names the file, program, instruction and
 * source line where known).
 *
 *   sandbpf_platform* platform = sandbpf_platform_new("linux");
 *   sandbpf_options* options = sandbpf_options_new();
 *   sandbpf_options_set_program(options, "xdp/count");
 *   sandbpf_instance* instance = NULL;
 *   sandbpf_error* error = NULL;
 *   if (sandbpf_instance_load_file(platform, "prog.o", options, &instance, &error)) {
 *     fprintf(stderr, "%s\n", sandbpf_error_message(error));
 *     sandbpf_error_free(error);
 *   }
 *   uint64_t r0;
 *   sandbpf_instance_run_packet(instance, packet, size, &r0, NULL, 0, NULL, &error);
 *   sandbpf_instance_free(instance);
 *   sandbpf_options_free(options);
 *   sandbpf_platform_free(platform);
 */
#ifndef SANDBPF_SANDBPF_H
#define SANDBPF_SANDBPF_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sandbpf_status {
  SANDBPF_OK = 0,
  SANDBPF_ERROR_USAGE = 1,    /* bad arguments or options */
  SANDBPF_ERROR_LOAD = 2,     /* input that cannot be loaded */
  SANDBPF_ERROR_VERIFY = 3,   /* refused by the verifier */
  SANDBPF_ERROR_RUNTIME = 4,  /* a run stopped (checked mode, budget, busy slots) */
  SANDBPF_ERROR_NOT_FOUND = 5, /* a map key, map or program that does not exist */
  SANDBPF_ERROR_INTERNAL = 6
} sandbpf_status;

typedef struct sandbpf_error sandbpf_error;
typedef struct sandbpf_platform sandbpf_platform;
typedef struct sandbpf_options sandbpf_options;
typedef struct sandbpf_instance sandbpf_instance;
typedef struct sandbpf_map sandbpf_map; /* owned by its instance */
typedef struct sandbpf_run_context sandbpf_run_context; /* valid during a helper call */

/* ---- errors */
sandbpf_status sandbpf_error_status(const sandbpf_error* error);
const char* sandbpf_error_message(const sandbpf_error* error); /* full sentence with location */
void sandbpf_error_free(sandbpf_error* error);

/* ---- platforms: "linux" or "generic". */
sandbpf_platform* sandbpf_platform_new(const char* name); /* NULL for an unknown name */
void sandbpf_platform_free(sandbpf_platform* platform);
/* Adds sandbpf's standard helpers (map helpers, ktime, prandom, bpf_loop,
 * ring buffer, ...) to a generic platform; the linux one has them. */
sandbpf_status sandbpf_platform_add_standard_helpers(sandbpf_platform* platform,
                                                     sandbpf_error** error);

/* A program type whose context is a host structure of `size` bytes: the
 * program may read all of it and write the byte ranges in writable_ranges
 * (writable_range_count pairs {begin, end}). `section` (may be NULL) is an
 * ELF section prefix implying the type. Configure a platform before
 * loading instances with it: each instance takes a copy. */
sandbpf_status sandbpf_platform_add_context_type(sandbpf_platform* platform, const char* name,
                                                 uint32_t size, const char* section,
                                                 const uint32_t* writable_ranges,
                                                 size_t writable_range_count,
                                                 sandbpf_error** error);

/* A host helper: id (> 0, not used yet), name, and up to five argument
 * kinds. The function gets r1..r5 and the run context, returns r0. */
typedef enum sandbpf_arg_kind {
  SANDBPF_ARG_NONE = 0,
  SANDBPF_ARG_ANYTHING = 1,
  SANDBPF_ARG_SCALAR = 2,
  SANDBPF_ARG_READABLE_MEMORY = 3, /* followed by SANDBPF_ARG_SIZE */
  SANDBPF_ARG_WRITABLE_MEMORY = 4, /* followed by SANDBPF_ARG_SIZE */
  SANDBPF_ARG_SIZE = 5,
  SANDBPF_ARG_CONTEXT = 6
} sandbpf_arg_kind;
typedef uint64_t (*sandbpf_helper_fn)(uint64_t r1, uint64_t r2, uint64_t r3, uint64_t r4,
                                      uint64_t r5, sandbpf_run_context* context);
sandbpf_status sandbpf_platform_add_helper(sandbpf_platform* platform, uint32_t id,
                                           const char* name, const sandbpf_arg_kind args[5],
                                           sandbpf_helper_fn function, sandbpf_error** error);
/* Inside a helper: the instance's host data, and stopping the run. */
void* sandbpf_run_context_host_data(sandbpf_run_context* context);
void sandbpf_run_context_fail(sandbpf_run_context* context, const char* message);

/* ---- instance options (defaults: interpreter, verified, slots = hardware threads) */
sandbpf_options* sandbpf_options_new(void);
void sandbpf_options_free(sandbpf_options* options);
void sandbpf_options_set_program(sandbpf_options* options, const char* program); /* "section/function" */
void sandbpf_options_set_type(sandbpf_options* options, const char* type);
void sandbpf_options_set_jit(sandbpf_options* options, int use_jit);
void sandbpf_options_set_verify(sandbpf_options* options, int verify); /* 0: checked mode */
void sandbpf_options_set_budget(sandbpf_options* options, uint64_t instructions);
void sandbpf_options_set_slots(sandbpf_options* options, uint32_t slots);
void sandbpf_options_set_wait_for_slot(sandbpf_options* options, int wait); /* 0: fail when busy */
void sandbpf_options_set_map_memory_limit(sandbpf_options* options, uint64_t bytes);
void sandbpf_options_set_random_seed(sandbpf_options* options, uint64_t seed);
void sandbpf_options_set_host_data(sandbpf_options* options, void* host_data);
/* bpf_trace_printk's lines (without newline); NULL discards them. */
typedef void (*sandbpf_trace_fn)(void* user, const char* line, size_t length);
void sandbpf_options_set_trace(sandbpf_options* options, sandbpf_trace_fn trace, void* user);

/* ---- instances: thread-safe runs */
sandbpf_status sandbpf_instance_load_file(const sandbpf_platform* platform, const char* path,
                                          const sandbpf_options* options,
                                          sandbpf_instance** instance, sandbpf_error** error);
sandbpf_status sandbpf_instance_load_memory(const sandbpf_platform* platform, const void* elf,
                                            size_t size, const sandbpf_options* options,
                                            sandbpf_instance** instance, sandbpf_error** error);
void sandbpf_instance_free(sandbpf_instance* instance);
const char* sandbpf_instance_program_name(const sandbpf_instance* instance);
int sandbpf_instance_verified(const sandbpf_instance* instance);

/* The generic platform's convention: r1 = memory, r2 = size. */
sandbpf_status sandbpf_instance_run_memory(sandbpf_instance* instance, void* memory, size_t size,
                                           uint64_t* r0, sandbpf_error** error);
/* A context the host built (its own type): r1 = context. */
sandbpf_status sandbpf_instance_run_context(sandbpf_instance* instance, void* context,
                                            uint64_t* r0, sandbpf_error** error);
/* Packet types (xdp, sched_cls, socket_filter, ...). packet_out (may be
 * NULL) receives up to packet_out_capacity bytes of the packet after the
 * run; *packet_out_size (may be NULL) its full length. */
sandbpf_status sandbpf_instance_run_packet(sandbpf_instance* instance, const void* packet,
                                           size_t size, uint64_t* r0, void* packet_out,
                                           size_t packet_out_capacity, size_t* packet_out_size,
                                           sandbpf_error** error);

/* Puts program `program` of the same object at `index` of prog_array `map`. */
sandbpf_status sandbpf_instance_set_tail_call(sandbpf_instance* instance, const char* map,
                                              uint32_t index, const char* program,
                                              sandbpf_error** error);

/* ---- maps (host side: copies in and out). Per-CPU maps' values are one
 * value per slot, each rounded up to 8 bytes (sandbpf_map_value_size). */
sandbpf_map* sandbpf_instance_map(sandbpf_instance* instance, const char* name); /* NULL: none */
uint32_t sandbpf_map_key_size(const sandbpf_map* map);
size_t sandbpf_map_value_size(const sandbpf_map* map);
sandbpf_status sandbpf_map_lookup(sandbpf_map* map, const void* key, void* value,
                                  sandbpf_error** error);
sandbpf_status sandbpf_map_update(sandbpf_map* map, const void* key, const void* value,
                                  uint64_t flags, sandbpf_error** error);
sandbpf_status sandbpf_map_delete(sandbpf_map* map, const void* key, sandbpf_error** error);
/* The key after `key` (NULL: the first). SANDBPF_ERROR_NOT_FOUND at the end. */
sandbpf_status sandbpf_map_next_key(sandbpf_map* map, const void* key, void* next_key,
                                    sandbpf_error** error);
/* Ring buffer records, oldest first; the callback returns non-zero to stop.
 * Returns how many were delivered. */
typedef int (*sandbpf_record_fn)(void* user, const void* data, size_t size);
size_t sandbpf_map_consume(sandbpf_map* map, sandbpf_record_fn record, void* user);

#ifdef __cplusplus
}
#endif

#endif /* SANDBPF_SANDBPF_H */
