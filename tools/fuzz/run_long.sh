#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz at once, each for SECONDS in one process of its own, then minimizes
# each corpus (-merge=1). ./build_wasm.sh test runs it for 20 s (the smoke step); the long runs of issue 14 for 600+.
#
#   tools/fuzz/run_long.sh SECONDS OUT [CORPUS [BIN]]
#     SECONDS  run time of each fuzzer (they run in parallel: give each a core, e.g. FUZZ_TARGETS="a b" two at a
#              time on 2 cores; the report gives each one's CPU time)
#     OUT      output folder: OUT/<target>.log (libFuzzer's log), OUT/crashes/<target>-* (inputs that crashed, leaked,
#              timed out or ran out of memory), OUT/new/<target>/ (inputs found in this run),
#              OUT/minimized/<target>/ (the corpus and the new inputs, minimized: copy it over CORPUS/<target>)
#     CORPUS   seed corpus root, one folder per target (default: tests/fuzz/corpus next to this script); read only
#     BIN      folder of the fuzz binaries (default: build-asan/fuzz next to this script)
# The binaries are plain executables (build-asan/fuzz/*): they read nothing of the source tree, so BIN may be a
# copy on another machine. Exits 1 when any fuzzer found something (its log says what, OUT/crashes holds the input).
# FUZZ_TARGETS="fuzz_image fuzz_idx" runs only those targets (default: all five).
set -euo pipefail

# shellcheck disable=SC2206  # target names are single words
readonly TARGETS=(${FUZZ_TARGETS:-fuzz_safetensors fuzz_idx fuzz_image fuzz_link fuzz_cli_args})
# Per-input limits: a parser taking 10 s, a single allocation of 512 MB, or 2 GB of memory for one input is a
# finding (decode_image's own limit is 64 Mpixel; fuzz_image skips images declaring more than 1 Mpixel).
readonly LIMITS=(-timeout=10 -malloc_limit_mb=512 -rss_limit_mb=2048)

if (($# < 2)); then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
readonly seconds=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
readonly corpus=${3:-$here/../../tests/fuzz/corpus} bin=${4:-$here/../../build-asan/fuzz}

mkdir -p "$out/crashes" "$out/new" "$out/minimized"
pids=()
for t in "${TARGETS[@]}"; do
  [[ -x $bin/$t ]] || { echo "run_long.sh: $bin/$t missing (cmake --build build-asan --target fuzzers)" >&2; exit 2; }
  [[ -d $corpus/$t ]] || { echo "run_long.sh: no corpus folder $corpus/$t" >&2; exit 2; }
  mkdir -p "$out/new/$t"
  # New inputs go to the first folder (OUT/new/<target>); the committed corpus is only read. The subshell's `times`
  # gives the fuzzer's CPU time (its second line: children's user and system time).
  (
    status=0
    "$bin/$t" -max_total_time="$seconds" "${LIMITS[@]}" -print_final_stats=1 \
      -artifact_prefix="$out/crashes/$t-" "$out/new/$t" "$corpus/$t" >"$out/$t.log" 2>&1 || status=$?
    times >"$out/$t.cpu"
    exit "$status"
  ) &
  pids+=($!)
done

failed=0
for i in "${!TARGETS[@]}"; do
  t=${TARGETS[$i]}
  if wait "${pids[$i]}"; then
    status=ok
  else
    status="FOUND SOMETHING (see $out/$t.log)"
    failed=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$t.log" | grep -o '[0-9]*$' || true)
  printf '%-18s %ss  CPU (user sys) %s  %s executions  %s\n' "$t" "$seconds" "$(sed -n 2p "$out/$t.cpu")" "${runs:-?}" \
    "$status"
done

# Minimize, all targets at once: the smallest set of inputs (committed corpus + new ones) that keeps all the coverage.
pids=()
for t in "${TARGETS[@]}"; do
  rm -rf "$out/minimized/$t" && mkdir -p "$out/minimized/$t"
  "$bin/$t" -merge=1 "${LIMITS[@]}" "$out/minimized/$t" "$corpus/$t" "$out/new/$t" >"$out/$t.merge.log" 2>&1 &
  pids+=($!)
done
for i in "${!TARGETS[@]}"; do
  t=${TARGETS[$i]}
  wait "${pids[$i]}" || { echo "$t: merge failed (see $out/$t.merge.log)"; failed=1; }
  printf '%-18s minimized corpus: %s files, %s bytes\n' "$t" "$(find "$out/minimized/$t" -type f | wc -l)" \
    "$(du -sb --apparent-size "$out/minimized/$t" | cut -f1)"
done
exit "$failed"
