// bpf_loop (id 181).
#include "helpers/standard/helper_support.hpp"
#include "helpers/standard/standard_helpers.hpp"

namespace sandbpf {

uint64_t bpf_loop(uint64_t nr_loops, uint64_t callback, uint64_t callback_ctx, uint64_t flags,
                  uint64_t, RunContext& context) {
  using namespace errno_value;
  // The kernel's nr_loops is a u32.
  const uint64_t count = static_cast<uint32_t>(nr_loops);
  if (flags != 0) return helper_error(kEINVAL);
  if (count > kBpfLoopMax) return helper_error(kE2BIG);
  if (!is_function_ref(callback)) {
    context.fail("bpf_loop: r2 is not a program function (lddw src=4)");
    return 0;
  }
  for (uint64_t i = 0; i < count; ++i) {
    const uint64_t stop = context.call_function(callback, i, callback_ctx, 0, 0, 0);
    if (context.failed()) return 0;
    if (stop != 0) return i + 1;
  }
  return count;
}

}  // namespace sandbpf
