#!/usr/bin/env bash
# Installs the Debian packages sandbpf needs, only those missing; runs
# `apt-get update` once, and only when something is missing.
# Usage: .ci/install-deps.sh [build|test|bench|sanitize|all|arm64|riscv64]
# arm64: the aarch64 cross toolchain, qemu-user and Debian's arm64 libraries
# (adds the arm64 architecture to dpkg first).
set -euo pipefail

need=(cmake ninja-build g++ make pkg-config ccache libfmt-dev libcli11-dev libgtest-dev
      libgmock-dev libasmjit-dev clang-19 llvm-19 bpftool)
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
  *) echo "usage: $0 [build|test|bench|sanitize|all|arm64|riscv64]" >&2; exit 2 ;;
esac

missing=()
for pkg in "${need[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
if [ "${1:-build}" = arm64 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
