/* The C library's memory functions as clang calls them when it does not
 * expand them inline (compiled with -fno-builtin, which makes every call
 * one, as Falco's probe has them): `call memset` with an R_BPF_64_32
 * relocation to the undefined symbol. On the generic platform (r1 =
 * memory, r2 = its length); runtime/tests/builtin_functions_test.cpp runs
 * each program on every engine and compares the memory with libc's
 * results. Sizes and offsets come from the input, so the calls take
 * variable, bounded sizes. */
#include "sandbpf_bpf.h"

void *memset(void *s, int c, unsigned long n);
void *memcpy(void *dest, const void *src, unsigned long n);
void *memmove(void *dest, const void *src, unsigned long n);
int memcmp(const void *a, const void *b, unsigned long n);

#define NEED 192

/* memset(m + 64, m[1], m[0] & 63); then the returned pointer's first byte
 * is flipped, which shows the call returned its destination. */
SEC("generic") int set_bytes(__u8 *m, __u64 len) {
  if (len < NEED) return -1;
  __u8 *r = memset(m + 64, m[1], m[0] & 63);
  r[0] ^= 0x5a;
  return 0;
}

/* memcpy(m + 128, m + (m[2] & 63), m[0] & 63), returned pointer flipped. */
SEC("generic") int copy_bytes(__u8 *m, __u64 len) {
  if (len < NEED) return -1;
  __u8 *r = memcpy(m + 128, m + (m[2] & 63), m[0] & 63);
  r[0] ^= 0x5a;
  return 0;
}

/* memmove within m[64..190]: the ranges may overlap either way. */
SEC("generic") int move_bytes(__u8 *m, __u64 len) {
  if (len < NEED) return -1;
  __u8 *r = memmove(m + 64 + (m[2] & 63), m + 64 + (m[3] & 63), m[0] & 63);
  r[0] ^= 0x5a;
  return 0;
}

/* memcmp(m + 64, m + 128, m[0] & 63): its sign is what the test checks. */
SEC("generic") int compare_bytes(__u8 *m, __u64 len) {
  if (len < NEED) return -2;
  return memcmp(m + 64, m + 128, m[0] & 63);
}

/* A stack buffer that only memset and memcpy write before it is read:
 * the verifier must count those writes as initializing it. */
SEC("generic") int stack_buffer(__u8 *m, __u64 len) {
  __u8 buffer[48];
  if (len < NEED) return -2;
  memset(buffer, m[1], sizeof(buffer));
  memcpy(buffer + 8, m + 64, 16);
  memcpy(m + 128, buffer, sizeof(buffer));
  return memcmp(buffer + 8, m + 64, 16) + buffer[47];
}
