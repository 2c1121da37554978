#!/usr/bin/env bash
# Installs the Debian packages sandbpf needs, only those missing; runs
# `apt-get update` once, and only when something is missing.
# Usage: .ci/install-deps.sh [build|test|bench|sanitize|all]
set -euo pipefail

need=(cmake ninja-build g++ make pkg-config ccache libfmt-dev libcli11-dev libgtest-dev
      libgmock-dev libasmjit-dev clang-19 llvm-19)
case "${1:-build}" in
  build|test|demo) ;;
  bench) need+=(libbenchmark-dev valgrind) ;;
  sanitize) need+=(libclang-rt-19-dev) ;;
  all) need+=(libbenchmark-dev valgrind libclang-rt-19-dev) ;;
  *) echo "usage: $0 [build|test|bench|sanitize|all]" >&2; exit 2 ;;
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
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
