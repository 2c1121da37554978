/* The C API (sandbpf.h): load an XDP plugin, run it on packets, read its
 * maps. Built as C11 and run by the tests.
 *   c_host XDP_PLUGIN.o */
#include <sandbpf/sandbpf.h>

#include <stdio.h>
#include <string.h>

static int report(sandbpf_error* error) {
  fprintf(stderr, "error %d: %s\n", (int)sandbpf_error_status(error), sandbpf_error_message(error));
  sandbpf_error_free(error);
  return 1;
}

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  sandbpf_platform* platform = sandbpf_platform_new("linux");
  sandbpf_options* options = sandbpf_options_new();
  sandbpf_options_set_slots(options, 2);
  sandbpf_instance* instance = NULL;
  sandbpf_error* error = NULL;
  if (sandbpf_instance_load_file(platform, argv[1], options, &instance, &error) != SANDBPF_OK)
    return report(error);
  printf("loaded %s (%s)\n", sandbpf_instance_program_name(instance),
         sandbpf_instance_verified(instance) ? "verified" : "unverified");

  /* Ten frames that are not IPv4: each passes (XDP_PASS = 2) untouched. */
  unsigned char packet[60], out[128];
  memset(packet, 0xab, sizeof packet);
  for (int i = 0; i < 10; i++) {
    uint64_t r0 = 0;
    size_t out_size = 0;
    if (sandbpf_instance_run_packet(instance, packet, sizeof packet, &r0, out, sizeof out,
                                    &out_size, &error) != SANDBPF_OK)
      return report(error);
    if (r0 != 2 || out_size != sizeof packet || memcmp(out, packet, sizeof packet) != 0) {
      fprintf(stderr, "unexpected result: r0=%llu size=%zu\n", (unsigned long long)r0, out_size);
      return 1;
    }
  }

  sandbpf_map* counts = sandbpf_instance_map(instance, "action_counts");
  uint32_t key = 2;
  uint64_t passed = 0;
  if (!counts || sandbpf_map_lookup(counts, &key, &passed, &error) != SANDBPF_OK)
    return counts ? report(error) : 1;
  printf("passed=%llu\n", (unsigned long long)passed);

  /* Bad calls give error values, not crashes: a null map, a null key. */
  if (sandbpf_map_lookup(NULL, &key, &passed, &error) != SANDBPF_ERROR_USAGE) return 1;
  sandbpf_error_free(error);
  if (sandbpf_map_lookup(counts, NULL, &passed, &error) != SANDBPF_ERROR_USAGE) return 1;
  sandbpf_error_free(error);
  if (sandbpf_instance_run_packet(NULL, packet, sizeof packet, NULL, NULL, 0, NULL, &error) !=
      SANDBPF_ERROR_USAGE)
    return 1;
  sandbpf_error_free(error);
  /* Memory for a packet program: refused with a sentence. */
  if (sandbpf_instance_run_memory(instance, packet, sizeof packet, NULL, &error) == SANDBPF_OK)
    return 1;
  printf("as expected: %s\n", sandbpf_error_message(error));
  sandbpf_error_free(error);

  sandbpf_instance_free(instance);
  sandbpf_options_free(options);
  sandbpf_platform_free(platform);
  return passed == 10 ? 0 : 1;
}
