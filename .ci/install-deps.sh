#!/usr/bin/env bash
# Installs the Debian packages sandbpf needs, only those missing; runs
# `apt-get update` once, and only when something is missing.
# Usage: .ci/install-deps.sh [build|test|bench|sanitize|all|arm64|riscv64|windows]
# arm64: the aarch64 cross toolchain, qemu-user and Debian's arm64 libraries
# (adds the arm64 architecture to dpkg first).
set -euo pipefail

# libbenchmark-dev in every mode: `make test` builds the benchmark kernels
# too, so their soundness test (bench/kernel_soundness_test.cpp) runs.
need=(cmake ninja-build g++ make pkg-config ccache libfmt-dev libcli11-dev libgtest-dev
      libgmock-dev libasmjit-dev clang-19 llvm-19 bpftool libbenchmark-dev)
case "${1:-build}" in
  build|test|demo) ;;
  bench) need+=(libbenchmark-dev valgrind) ;;
  sanitize) need+=(libclang-rt-19-dev) ;;
  all) need+=(libbenchmark-dev valgrind libclang-rt-19-dev) ;;
  arm64) need+=(g++-aarch64-linux-gnu qemu-user binutils-aarch64-linux-gnu libasmjit-dev:arm64
                libgtest-dev:arm64 libgmock-dev:arm64 libfmt-dev:arm64) ;;
  # riscv64: the cross toolchain, qemu-user, objdump for the golden tests and
  # GoogleTest's sources (Debian 12 has no riscv64 library packages).
  riscv64) need+=(g++-riscv64-linux-gnu qemu-user binutils-riscv64-linux-gnu googletest) ;;
  # windows: MinGW-w64 with the posix thread model (std::thread), wine64 to
  # run the programs, GoogleTest's sources, and dpkg-dev for `apt-get
  # source asmjit` (asmjit is not packaged for MinGW; .ci/test-windows.sh
  # builds it from Debian's source package, which needs deb-src below).
  windows) need+=(g++-mingw-w64-x86-64-posix wine64 googletest dpkg-dev) ;;
  *) echo "usage: $0 [build|test|bench|sanitize|all|arm64|riscv64|windows]" >&2; exit 2 ;;
esac

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# windows: Debian's source packages (for asmjit), bookworm main only.
deb_src=/etc/apt/sources.list.d/sandbpf-deb-src.sources
if [ "${1:-build}" = windows ] && [ ! -f "$deb_src" ]; then
  printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: bookworm" \
    "Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
    $SUDO tee "$deb_src" >/dev/null
  $SUDO apt-get update -qq
fi

missing=()
for pkg in "${need[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
if [ "${1:-build}" = arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
