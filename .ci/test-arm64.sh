#!/usr/bin/env bash
# The aarch64 cross build (cmake/toolchain-aarch64.cmake) and its tests under
# qemu-aarch64: the whole test suite on an ARMv8.0 CPU without LSE (qemu
# -cpu cortex-a53: the JIT emits load/store-exclusive loops), the JIT's and
# conformance tests again on a CPU with LSE (-cpu max), and the external
# conformance suite through the cross-built `sandbpf conformance` (the
# conformance test program already runs it in process; `all` also runs it
# through the command).
# Usage: .ci/test-arm64.sh [all|unit CPU|conformance ENGINE MODE]
#   all                   everything below, in order (`make test-arm64`)
#   unit cortex-a53|max   install, cross-build, run ctest (max: the JIT and
#                         conformance tests only)
#   conformance E M       ../shared/conformance on engine E in mode M
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build="$root/${BUILD:-build}-arm64"
shared="$root/../shared"
jobs=${JOBS:-$(nproc)}

build() {
  .ci/install-deps.sh arm64
  if [ ! -f "$build/build.ninja" ]; then
    cmake -G Ninja -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
      -DCMAKE_C_COMPILER_LAUNCHER=ccache >/dev/null
  fi
  cmake --build "$build" -j "$jobs"
}

unit() {
  local cpu=$1
  build
  local filter=()
  [ "$cpu" = max ] && filter=(-R 'jit|conformance')
  # qemu-user reads the CPU model from QEMU_CPU (ctest runs every test
  # program through CMAKE_CROSSCOMPILING_EMULATOR). The executables are
  # static (cmake/toolchain-aarch64.cmake), so the threaded tests and the
  # CLI tests' child processes run under qemu-aarch64 too.
  QEMU_CPU=$cpu ctest --test-dir "$build" -j "$jobs" --timeout 900 --output-on-failure \
    "${filter[@]}"
}

conformance() {
  QEMU_CPU=cortex-a53 qemu-aarch64 -L /usr/aarch64-linux-gnu "$build/tools/sandbpf" conformance \
    "$shared/conformance" --engine "$1" --mode "$2"
}

case "${1:-all}" in
  unit) unit "${2:?cpu}" ;;
  conformance) conformance "${2:?engine}" "${3:?mode}" ;;
  all)
    unit cortex-a53
    unit max
    for engine in interpreter jit; do
      for mode in fast checked; do
        echo "conformance --engine $engine --mode $mode (qemu-aarch64):"
        conformance "$engine" "$mode"
      done
    done
    ;;
  *) echo "usage: $0 [all|unit cortex-a53|unit max|conformance ENGINE MODE]" >&2; exit 2 ;;
esac
