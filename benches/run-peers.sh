#!/bin/sh
# kg against LadybugDB, DuckDB and networkx on Q1-Q6 and against the
# performance targets, in one run; writes DIR's section of
# benches/RESULTS.md. Usage, from the repository root:
#
#   benches/run-peers.sh [DIR [OPTION]...]   # DIR defaults to /tmp/bench/100k
#
# Needs python3 (with venv), cargo and /usr/bin/time (GNU time). DIR is
# generated with ../shared/bench/gen.py when it is missing (100,000
# entities unless DIR names another size: set ENTITIES=N). The virtual
# environment is .venv-bench (or $KG_BENCH_VENV); OPTIONs go to
# benches/peers.py (--cap SECS, --runs N, --nx-cold-runs N; see
# `peers.py --help`), which says what is measured.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/bench/100k}
[ $# -gt 0 ] && shift
venv=${KG_BENCH_VENV:-$here/.venv-bench}
gen=${KG_BENCH_GEN:-$here/../shared/bench/gen.py}
if [ ! -f "$dir/graph.json" ]; then
    python3 "$gen" --entities "${ENTITIES:-100000}" --out "$dir"
fi
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import ladybug, duckdb, networkx" 2>/dev/null; then
    "$venv/bin/pip" install --quiet ladybug duckdb networkx
fi
(cd "$here" && cargo build --release --quiet --bin kg --example bench_queries --example ownership_timing)
target=${CARGO_TARGET_DIR:-$here/target}
exec "$venv/bin/python" "$here/benches/peers.py" "$dir" \
    --kg-bin "$target/release/kg" --kg-example "$target/release/examples/bench_queries" \
    --kg-ownership "$target/release/examples/ownership_timing" "$@"
