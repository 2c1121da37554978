// The platform the benchmark kernels are verified on: the generic platform
// (r1 = memory, r2 = its size) with the prototypes of the benchmark helpers
// (helper 1, bench_mix: a number in, a number out; helper 2,
// bpf_map_lookup_elem) and the kernels' map (bench_helpers.hpp).
// Shared by the JIT benchmark, which reports figures only for kernels that
// verify, and by the kernels' soundness test.
#pragma once

#include <string>

#include "helpers/platform.hpp"
#include "verifier/verifier.hpp"
#include "vm/program.hpp"

namespace sandbpf::bench {

const Platform& bench_platform();

// The kernel's verdict on bench_platform() under `termination` (the
// kernels' loops depend on their input's size: budget or none).
Result<VerifyResult> verify_kernel_program(const Program& program, TerminationPolicy termination);

// "yes", or "no: " and why (the first diagnostic).
std::string kernel_verdict(const Program& program, TerminationPolicy termination);

}  // namespace sandbpf::bench
