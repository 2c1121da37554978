#!/usr/bin/env bash
# `make demo`: an XDP program compiled with clang-19 (examples/plugins/
# xdp_firewall.c, BTF maps) verified and run on packets with the sandbpf
# command, then the host application and a buggy program in checked mode.
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
sandbpf="$build/tools/sandbpf"
object="$build/examples/plugins/xdp_firewall.o"
packets="$here/packets"

section() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@" 2>&1; }

section "examples/plugins/xdp_firewall.c, compiled with clang-19 -target bpf -mcpu=v4 -g"
show "$sandbpf" inspect "$object"

section "The verifier's verdict"
show "$sandbpf" verify "$object"

section "A UDP echo request (port 7): sent back (XDP_TX = 3), addresses swapped"
out=$(mktemp)
show "$sandbpf" run "$object" --packet "$packets/udp_echo.bin" --packet-out "$out"
printf 'packet in : '; od -An -tx1 -w64 -N 42 "$packets/udp_echo.bin"
printf 'packet out: '; od -An -tx1 -w64 -N 42 "$out"
rm -f "$out"

section "A telnet SYN: dropped (XDP_DROP = 1); the maps afterwards"
show "$sandbpf" run "$object" --packet "$packets/tcp_telnet.bin" --dump-maps

section "A DNS query, one million times on the JIT: passed (XDP_PASS = 2), with statistics"
show "$sandbpf" run "$object" --packet "$packets/udp_dns.bin" --engine jit --repeat 1000000 --stats

section "A host application: its own context type and helper, 4 threads, a map it reads"
show "$build/examples/request_filter_host" "$build/examples/plugins/request_filter.o" --jit

section "A buggy program, refused by the verifier"
cat "$here/unchecked_read.s"
set +e
show "$sandbpf" run "$here/unchecked_read.s" --mem "$packets/udp_echo.bin"
echo "(exit code $?)"

section "The same program unverified, in checked mode: the out-of-bounds read is stopped"
show "$sandbpf" run "$here/unchecked_read.s" --mem "$packets/udp_echo.bin" --no-verify
echo "(exit code $?)"
set -e
