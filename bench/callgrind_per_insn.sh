#!/bin/sh
# Host instructions per executed BPF instruction, measured with callgrind.
#
#   bench/callgrind_per_insn.sh [--bench PATH] [--runs N] [--engine interpreter|native]
#                               [--annotate] [KERNEL...]
#
# For each kernel (all of them by default) the benchmark binary is run twice
# under `valgrind --tool=callgrind` in its callgrind mode: once running the
# kernel N times, once 0 times. Both runs do the same setup (loading,
# the counting run, the check against the native result), so the difference
# in total host instructions (Ir) is the cost of N runs, and
#     host insns per BPF insn = (Ir(N) - Ir(0)) / (N * executed BPF insns per run).
# With --engine native the same is done for the native build of the kernel
# (host instructions per BPF instruction of the BPF build, for comparison).
# --annotate prints callgrind_annotate's top functions for each kernel.
set -eu

script_dir=$(cd "$(dirname "$0")" && pwd)
bench="$script_dir/../build-bench/bench/sandbpf_interpreter_bench"
runs=10
engine=interpreter
annotate=0
kernels=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bench) bench=$2; shift 2 ;;
    --bench=*) bench=${1#--bench=}; shift ;;
    --runs) runs=$2; shift 2 ;;
    --runs=*) runs=${1#--runs=}; shift ;;
    --engine) engine=$2; shift 2 ;;
    --engine=*) engine=${1#--engine=}; shift ;;
    --annotate) annotate=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "callgrind_per_insn.sh: unknown option $1" >&2; exit 2 ;;
    *) kernels="$kernels $1"; shift ;;
  esac
done
if [ ! -x "$bench" ]; then
  echo "callgrind_per_insn.sh: no benchmark binary at $bench (build sandbpf_interpreter_bench, or pass --bench)" >&2
  exit 2
fi
if [ -z "$kernels" ]; then
  kernels=$("$bench" --list-kernels | awk '{print $1}')
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Total Ir of a callgrind output file.
total_ir() {
  awk '/^(totals|summary):/ {print $2; exit}' "$1"
}

# run_callgrind KERNEL RUNS OUT: runs the kernel under callgrind, prints the
# benchmark's report line.
run_callgrind() {
  valgrind --tool=callgrind --callgrind-out-file="$3" \
    "$bench" --callgrind-kernel="$1" --runs="$2" --engine="$engine" 2>"$work/valgrind.log" ||
    { cat "$work/valgrind.log" >&2; exit 1; }
}

printf '%-14s %-11s %12s %16s %18s\n' kernel engine insns/run "host Ir/run" "host/BPF insn"
for kernel in $kernels; do
  line=$(run_callgrind "$kernel" "$runs" "$work/$kernel.n.out")
  run_callgrind "$kernel" 0 "$work/$kernel.0.out" >/dev/null
  insns=$(echo "$line" | sed -n 's/.*insns_per_run=\([0-9]*\).*/\1/p')
  ir_n=$(total_ir "$work/$kernel.n.out")
  ir_0=$(total_ir "$work/$kernel.0.out")
  awk -v k="$kernel" -v e="$engine" -v n="$runs" -v i="$insns" -v a="$ir_n" -v b="$ir_0" 'BEGIN {
    per_run = (a - b) / n
    printf "%-14s %-11s %12d %16.0f %18.2f\n", k, e, i, per_run, per_run / i
  }'
  if [ "$annotate" = 1 ]; then
    callgrind_annotate --threshold=99 "$work/$kernel.n.out" 2>/dev/null |
      awk '/^-+$/ {sep++} sep >= 3 && NF > 0 && !/^-+$/ {print "    " $0; if (++shown == 12) exit}'
  fi
done
