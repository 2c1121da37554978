#!/usr/bin/env bash
# Runs every libFuzzer target of a SANDBPF_FUZZ build for a set time each
# (`make fuzz`, .ci/run's fuzz stage). Usage: run_fuzzers.sh BUILD_DIR [SECONDS]
#
# Seeds are generated into BUILD_DIR/fuzz/corpus/seeds (conformance tests,
# generator inputs, the loader's test programs compiled with clang-19 and
# small objects of ../shared/corpus); each target's own corpus grows in
# BUILD_DIR/fuzz/corpus/<target> across runs. Per target it prints
# execs/s, coverage (libFuzzer's cov and ft), the table rows the target's
# programs reached and, for the verifier, the share of programs accepted.
# A crash (any finding) fails the target; its input is kept in
# BUILD_DIR/fuzz/artifacts/<target>/ to be fixed and added to
# fuzz/regressions/<target>/. Last line: "N passed, N failed".
set -uo pipefail
build=$(cd "${1:?usage: run_fuzzers.sh BUILD_DIR [SECONDS]}" && pwd)
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared"
bin="$build/fuzz"
corpus="$bin/corpus"
seeds="$corpus/seeds"
logs="$bin/logs"
mkdir -p "$seeds/loader" "$logs"

conformance_dirs=("$root/conformance/tests")
[ -d "$shared/conformance" ] && conformance_dirs+=("$shared/conformance")
"$bin/sandbpf_fuzz_seeds" --out "$seeds" "${conformance_dirs[@]}" || exit 1
for src in "$root"/loader/tests/programs/*.c; do
  obj="$seeds/loader/$(basename "${src%.c}").o"
  [ "$obj" -nt "$src" ] || clang-19 -target bpf -mcpu=v4 -O2 -g -c "$src" -o "$obj" 2>/dev/null
done
if [ -d "$shared/corpus" ]; then
  # Small objects only (libFuzzer mutates large inputs slowly).
  find "$shared/corpus" -name '*.o' -size -16k | sort | head -80 | while read -r obj; do
    cp -f "$obj" "$seeds/loader/$(echo "${obj#"$shared/corpus/"}" | tr / _)"
  done
fi

declare -A dict=([loader]=elf [assembler]=asm [decoder]=raw [verifier]=raw [differential]=raw)
declare -A max_len=([loader]=65536 [assembler]=4096 [decoder]=4096 [verifier]=2048 [differential]=4096)
# run_target T: one target for `seconds`, its exit status in $logs/T.status.
run_target() {
  local t=$1
  local work="$corpus/$t" artifacts="$bin/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  local start=$SECONDS
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$bin/sandbpf_fuzz_$t" "$work" "$seeds/$t" "$root/fuzz/regressions/$t" \
    -dict="$root/fuzz/dictionaries/${dict[$t]}.dict" -max_len="${max_len[$t]}" \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" >"$logs/$t.log" 2>&1
  echo "$? $((SECONDS - start))" >"$logs/$t.status"
}

# A libFuzzer process uses one core: run as many targets at once as there
# are cores (each still gets its full time), so the stage takes
# ceil(5 / cores) rounds instead of 5.
targets=(loader assembler decoder verifier differential)
parallel=${FUZZ_JOBS:-$(nproc)}
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n; done
  run_target "$t" &
done
wait

passed=0
failed=0
for t in "${targets[@]}"; do
  log="$logs/$t.log"
  artifacts="$bin/artifacts/$t"
  read -r status took <"$logs/$t.status" || { status=1; took=0; }
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | sed -nE 's/.*cov: ([0-9]+).*/\1/p')
  ft=$(echo "$last" | sed -nE 's/.*ft: ([0-9]+).*/\1/p')
  corp=$(echo "$last" | sed -nE 's/.*corp: ([0-9]+).*/\1/p')
  execs=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -1)
  runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    verdict=passed
  else
    failed=$((failed + 1))
    verdict=FAILED
  fi
  echo "fuzz $t: $verdict in $took s: ${runs:-?} runs, ${execs:-?} execs/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
  grep -E '^#sandbpf ' "$log" | sed 's/^#sandbpf /  /'
  if [ "$status" -ne 0 ]; then
    echo "  exit status $status; log: $log; inputs kept in $artifacts:"
    ls "$artifacts" | sed 's/^/    /'
    # The finding first (what and where), then the stack, without
    # libFuzzer's closing statistics.
    grep -E -A40 'sandbpf fuzz finding|ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|libFuzzer|LeakSanitizer)|runtime error' "$log" \
      | grep -v '^stat::' | head -60
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
