/* Bubble sort of n = min(256, len / 8) signed 32-bit integers. The first n
 * words of mem are the input; they are copied (xored with their index, so
 * the copy is not a memcpy call) into the next n words, which are sorted in
 * place. Every run therefore sorts the same data, and
 * the input is never modified. No early exit: n(n-1)/2 compare steps, with
 * data-dependent swaps. Returns a position-weighted sum of the sorted
 * values, which is only right if the sort is.
 *
 * The buffer is checked once against the largest footprint, 2 * SORT_MAX
 * words, the way BPF code bounds its accesses with one comparison against
 * the end: a[j + 1] lies at mem + 4n + 4(j + 1), and a verifier that keeps
 * intervals and differences (not sums of two variables, 4n + 4j + 8 <= len)
 * can bound it by 2048 but not by len. Shorter buffers sort nothing. */
#include "kernel.h"

#define SORT_MAX 256

BENCH_KERNEL(bubble_sort) {
  if (len < 2 * SORT_MAX * 4)
    return 0;
  uint64_t n = len / 8;  /* the input and the work area must both fit */
  if (n > SORT_MAX)
    n = SORT_MAX;
  const bench_u32 *input = (const bench_u32 *)mem;
  bench_s32 *a = (bench_s32 *)(mem + n * 4);

  for (uint64_t i = 0; i < n; i++)
    a[i] = (int32_t)(input[i] ^ (uint32_t)i);

  for (uint64_t end = n; end > 1; end--) {
    for (uint64_t j = 0; j + 1 < end; j++) {
      int32_t x = a[j];
      int32_t y = a[j + 1];
      if (x > y) {
        a[j] = y;
        a[j + 1] = x;
      }
    }
  }

  uint64_t result = 0;
  for (uint64_t i = 0; i < n; i++)
    result += (uint64_t)(int64_t)a[i] * (i + 1);
  return result;
}
