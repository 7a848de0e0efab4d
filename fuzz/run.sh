#!/usr/bin/env bash
# Builds the fuzz targets and runs each for a given time, one after the
# other, then prints one summary line per target.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     (default: 600 s, every target)
#
# New corpus entries go to $FUZZ_OUT/corpus/<target> (default
# /tmp/kg-fuzz), so that the seeds committed under fuzz/corpus stay small;
# logs go to $FUZZ_OUT/logs/<target>.log and crashes to
# fuzz/artifacts/<target>/. The build keeps debug assertions (integer
# overflow panics) and uses no sanitizer unless FUZZ_SANITIZER names one
# (e.g. address). Exits non-zero when a target crashed, timed out or ran
# out of memory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
all=(parse_query roundtrip_query load_graph load_graph_structured eval_query
     import_csv import_ftm import_bods)

seconds=${1:-600}
if ! [[ $seconds =~ ^[0-9]+$ ]]; then
    echo "usage: fuzz/run.sh [SECONDS] [TARGET...]  (SECONDS is a whole number, got '$seconds')" >&2
    exit 2
fi
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for t in "${targets[@]}"; do
    if ! printf '%s\n' "${all[@]}" | grep -qx -- "$t"; then
        echo "unknown target '$t': use one of ${all[*]}" >&2
        exit 2
    fi
done

export RUSTC_BOOTSTRAP=1
out=${FUZZ_OUT:-/tmp/kg-fuzz}
sanitizer=${FUZZ_SANITIZER:-none}
mkdir -p "$out/logs"
cd "$here"

build=(cargo fuzz build --release --debug-assertions --sanitizer "$sanitizer")
if [ ${#targets[@]} -eq ${#all[@]} ]; then
    "${build[@]}" >&2
else
    for t in "${targets[@]}"; do "${build[@]}" "$t" >&2; done
fi
# The targets run from where cargo fuzz built them (so that nothing is
# rebuilt between targets).
triple=$(rustc -vV | sed -n 's/^host: //p')
bin=${CARGO_TARGET_DIR:-$here/target}/$triple/release

status=0
for t in "${targets[@]}"; do
    mkdir -p "$out/corpus/$t" "artifacts/$t"
    extra=()
    # Evaluation grows with the query: short queries keep one run short
    # (the target's watchdog cancels any that still take over a second).
    [ "$t" = eval_query ] && extra+=(-max_len=256)
    log="$out/logs/$t.log"
    started=$SECONDS
    set +e
    "$bin/$t" "$out/corpus/$t" "corpus/$t" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="artifacts/$t/" "${extra[@]}" \
        >"$log" 2>&1
    code=$?
    set -e
    ran=$((SECONDS - started))
    stats=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    stat() { grep -oE "stat::$1: +[0-9]+" "$log" | grep -oE '[0-9]+$' || true; }
    execs=$(stat number_of_executed_units)
    cov=$(grep -oE 'cov: [0-9]+' <<<"$stats" | grep -oE '[0-9]+' || true)
    ft=$(grep -oE 'ft: [0-9]+' <<<"$stats" | grep -oE '[0-9]+' || true)
    slowest=$(stat slowest_unit_time_sec)
    found=$(grep -oE 'Test unit written to [^ ]+' "$log" | sed 's/Test unit written to //' || true)
    if [ $code -eq 0 ] && [ -z "$found" ]; then
        result="crashes: 0"
    else
        result="FAILED (exit $code): ${found:-see $log}"
        status=1
    fi
    echo "$t: ran ${ran}s, executions: ${execs:-?}, cov: ${cov:-?}, ft: ${ft:-?}, slowest input: ${slowest:-?}s, $result"
done
exit $status
