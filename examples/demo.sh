#!/usr/bin/env bash
# `make demo`: runs the example programs with the sandbpf command.
# Until ELF objects load (the loading issue), the C example is compiled by
# clang-19 at build time and its code extracted as a raw program.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
sandbpf="$build/tools/sandbpf"
program="$build/examples/tcp_syn_port.bin"

section() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@" 2>&1; }

section "examples/tcp_syn_port.c, compiled with clang-19 -target bpf -mcpu=v4 (first lines)"
"$sandbpf" disasm "$program" | head -12
echo "... ($(( $(stat -c %s "$program") / 8 )) instructions)"

section "A TCP SYN to port 443: the program returns the port"
show "$sandbpf" run "$program" --mem "$here/syn_to_443.bin"

section "A SYN-ACK from port 443: not a SYN, the program returns 0"
show "$sandbpf" run "$program" --mem "$here/synack_from_443.bin"

section "One million runs without checks (trusted code), with statistics"
show "$sandbpf" run "$program" --mem "$here/syn_to_443.bin" --no-verify --mode fast \
  --repeat 1000000 --stats

section "A buggy program in checked mode: the out-of-bounds read is stopped"
cat "$here/unchecked_read.s"
set +e
show "$sandbpf" run "$here/unchecked_read.s" --mem "$here/syn_to_443.bin"
echo "(exit code $?)"
set -e
