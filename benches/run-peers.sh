#!/bin/sh
# kg against LadybugDB and networkx on Q1-Q6, in one run; writes
# benches/RESULTS.md. Usage, from the repository root:
#
#   benches/run-peers.sh [DIR]        # DIR defaults to /tmp/bench/100k
#
# Needs python3 (with venv) and cargo. DIR is generated with
# ../shared/bench/gen.py when it is missing (100,000 entities unless DIR
# names another size: set ENTITIES=N). The virtual environment is
# .venv-bench (or $KG_BENCH_VENV); see benches/peers.py for what is measured.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/tmp/bench/100k}
venv=${KG_BENCH_VENV:-$here/.venv-bench}
gen=${KG_BENCH_GEN:-$here/../shared/bench/gen.py}
if [ ! -f "$dir/graph.json" ]; then
    python3 "$gen" --entities "${ENTITIES:-100000}" --out "$dir"
fi
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet ladybug networkx
fi
(cd "$here" && cargo build --release --quiet --bin kg --example bench_queries)
target=${CARGO_TARGET_DIR:-$here/target}
exec "$venv/bin/python" "$here/benches/peers.py" "$dir" \
    --kg-bin "$target/release/kg" --kg-example "$target/release/examples/bench_queries"
