#!/usr/bin/env bash
# The x86-64 Windows cross build (cmake/toolchain-mingw64.cmake: MinGW-w64,
# static runtime, asmjit built from Debian's source package) and its tests
# under wine64: the whole test suite (ctest runs every test program through
# wine), ../shared/conformance on the interpreter and the JIT, and the
# verifier over ../shared/corpus against verifier/corpus/expectations.tsv
# (the verdicts of the Linux build).
# Usage: .ci/test-windows.sh [all|build|unit|conformance [ENGINE MODE]|corpus]
#   all             everything below, in order (`make test-windows`)
#   build           install, cross-build, make the wine prefix
#   unit            build, then ctest (every test program under wine)
#   conformance     ../shared/conformance on ENGINE (interpreter|jit) in
#                   MODE (fast|checked), or on all four without arguments
#   corpus          the verifier over ../shared/corpus with --expect
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build="$root/${BUILD:-build}-windows"
shared="$root/../shared"
jobs=${JOBS:-$(nproc)}
wine=/usr/lib/wine/wine64
# A prefix of our own (made once, by wineboot), no debug chatter, and no
# offer to install Mono or Gecko (nothing here needs .NET or HTML).
export WINEPREFIX="$build/wine-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

build() {
  .ci/install-deps.sh windows
  # asmjit from Debian's source package (apt-get source; deb-src was added
  # by install-deps.sh), unpacked once into the build directory.
  local asmjit
  asmjit=$(ls -d "$build"/asmjit-src/asmjit-*/ 2>/dev/null | head -1 || true)
  if [ -z "$asmjit" ]; then
    mkdir -p "$build/asmjit-src"
    (cd "$build/asmjit-src" && apt-get source -qq asmjit 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
    asmjit=$(ls -d "$build"/asmjit-src/asmjit-*/ | head -1)
  fi
  if [ ! -f "$build/build.ninja" ]; then
    # Release at -O1 without -g: the cross build's time is what CI pays
    # for here, not the speed of the code.
    cmake -G Ninja -S . -B "$build" -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-mingw64.cmake \
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
      -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" -DSANDBPF_ASMJIT_SOURCE="${asmjit%/}" \
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache >/dev/null
  fi
  cmake --build "$build" -j "$jobs"
  if [ ! -f "$WINEPREFIX/system.reg" ]; then
    echo "making the wine prefix ($WINEPREFIX)"
    "$wine" wineboot --init >/dev/null 2>&1 || true
  fi
}

unit() {
  build
  local status=0
  ctest --test-dir "$build" -j "$jobs" --timeout 600 --output-on-failure || status=1
  # ctest runs each test program once here (starting wine per test case
  # would cost more than the tests), so its count hides the cases
  # GoogleTest skipped: list them with their reasons. They did not pass.
  local log="$build/Testing/Temporary/LastTest.log"
  echo "skipped under wine (not passed):"
  awk '/: Skipped$/ { getline reason; next }
       /^\[  SKIPPED \] [^ ]+ \(/ { print "  " $4 ": " reason }' "$log" | sort -u
  return $status
}

conformance() {
  if [ $# -eq 2 ]; then
    echo "conformance --engine $1 --mode $2 (wine64):"
    "$wine" "$build/tools/sandbpf.exe" conformance "$shared/conformance" --engine "$1" --mode "$2"
    return
  fi
  local status=0
  for engine in interpreter jit; do
    for mode in fast checked; do
      conformance "$engine" "$mode" || status=1
    done
  done
  return $status
}

corpus() {
  "$wine" "$build/verifier/sandbpf_verifier_corpus.exe" "$shared/corpus" \
    --expect "$root/verifier/corpus/expectations.tsv"
}

case "${1:-all}" in
  build) build ;;
  unit) unit ;;
  conformance) shift; conformance "$@" ;;
  corpus) corpus ;;
  all)
    status=0
    unit || status=1
    conformance || status=1
    corpus || status=1
    exit $status
    ;;
  *) echo "usage: $0 [all|build|unit|conformance [ENGINE MODE]|corpus]" >&2; exit 2 ;;
esac
