#!/bin/sh
# kg against LadybugDB, DuckDB and networkx on Q1-Q6 and against the
# performance targets, in one run; writes DIR's section of
# benches/RESULTS.md. Usage, from the repository root:
#
#   benches/run-peers.sh [DIR [OPTION]...]   # DIR defaults to /tmp/bench/100k
#
# Needs python3 (with venv), cargo and /usr/bin/time (GNU time). DIR is
# generated with `kg gen --csv` when it is missing (100,000 entities
# unless DIR names another size: set ENTITIES=N; set KG_BENCH_GEN to a
# Python generator taking --entities and --out to use that instead). The virtual
# environment is .venv-bench (or $KG_BENCH_VENV); OPTIONs go to
# benches/peers.py (--cap SECS, --runs N, --nx-cold-runs N; see
# `peers.py --help`), which says what is measured.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/bench/100k}
[ $# -gt 0 ] && shift
venv=${KG_BENCH_VENV:-$here/.venv-bench}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import ladybug, duckdb, networkx" 2>/dev/null; then
    "$venv/bin/pip" install --quiet ladybug duckdb networkx
fi
(cd "$here" && cargo build --release --quiet --bin kg --example bench_queries --example ownership_timing)
target=${CARGO_TARGET_DIR:-$here/target}
if [ ! -f "$dir/graph.json" ]; then
    if [ -n "${KG_BENCH_GEN:-}" ]; then
        python3 "$KG_BENCH_GEN" --entities "${ENTITIES:-100000}" --out "$dir"
    else
        "$target/release/kg" gen --entities "${ENTITIES:-100000}" --out "$dir" --csv
    fi
fi
exec "$venv/bin/python" "$here/benches/peers.py" "$dir" \
    --kg-bin "$target/release/kg" --kg-example "$target/release/examples/bench_queries" \
    --kg-ownership "$target/release/examples/ownership_timing" "$@"
