#!/usr/bin/env python3
"""Loads a `kg export --to csv` folder into a new LadybugDB database with the
export's own load-ladybug.cypher, runs the six benchmark queries Q1-Q6 (README, "Benchmarks")
there with the same query text as kg, checks that the answers equal those
of the `kg` command on the same graph, and prints the timings.

    python benches/ladybug-from-export.py EXPORT_DIR DATABASE_PATH GRAPH_DIR \
        [--kg target/release/kg] [--targets 3] [--runs 5] [--json]

GRAPH_DIR is the gen.py folder the export was made from (graph.json and
targets.json). DATABASE_PATH is removed and created again. kg runs each
query once per target (`kg --format json -g GRAPH_DIR/graph.json query`),
with its snapshot cache in a temporary folder, so its first run parses
the JSON.

The export has one node table per label and one rel table per type, so
Q1, Q2, Q3, Q5 and Q6 run with kg's text unchanged. Q4 is the one
exception: LadybugDB has no shortestPath() function and spells a shortest
path `-[* SHORTEST 1..20]-`.

Exit status 1 when an answer differs.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import ladybug

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The six benchmark queries, as kg runs them.
from peers import QUERIES  # noqa: E402
from ladybug_script import statements  # noqa: E402

# The only query whose text LadybugDB needs changed.
LADYBUG_TEXT = dict(
    QUERIES,
    Q4="MATCH p = (a {id: $a})-[* SHORTEST 1..20]-(b {id: $b}) RETURN length(p)",
)


def targets_for(name, t, n):
    if name in ("Q1", "Q2"):
        return [{"id": i} for i in t["owned"][:n]]
    if name == "Q3":
        return [{"id": i} for i in t["persons"][:n]]
    if name == "Q4":
        return [{"a": a, "b": b} for a, b in t["pairs"][:n]]
    return [{}]


def normalise(name, rows):
    if name in ("Q1", "Q2", "Q3"):
        return sorted({r[0] for r in rows})
    if name == "Q4":
        return int(rows[0][0]) if rows else None
    if name == "Q5":
        return [[r[0], int(r[1])] for r in rows]
    return sorted([r[0], r[1]] for r in rows)


def ladybug_rows(conn, q, params):
    r = conn.execute(q, params)
    out = []
    while r.has_next():
        out.append(r.get_next())
    return out


def kg_rows(kg, graph, q, params, env):
    cmd = [kg, "--format", "json", "-g", graph, "query"]
    for k, v in params.items():
        cmd += ["-p", f"{k}={v}"]
    p = subprocess.run(cmd + [q], capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise RuntimeError(f"kg failed on {q} {params}: {p.stderr.strip()}")
    return [list(r.values()) for r in json.loads(p.stdout)]


def size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("export_dir")
    ap.add_argument("db_path")
    ap.add_argument("graph_dir")
    ap.add_argument("--kg", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "kg"))
    ap.add_argument("--targets", type=int, default=3, help="targets per query (default 3)")
    ap.add_argument("--runs", type=int, default=5, help="timed warm runs per query (default 5)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    a = ap.parse_args()
    export_dir, db_path, graph_dir = (os.path.abspath(p) for p in (a.export_dir, a.db_path, a.graph_dir))
    kg = os.path.abspath(a.kg)
    script_path = os.path.join(export_dir, "load-ladybug.cypher")
    if not os.path.isfile(script_path):
        sys.exit(f"{export_dir}: no load-ladybug.cypher here; give the folder `kg export --to csv -o DIR` wrote")
    with open(os.path.join(graph_dir, "targets.json")) as fh:
        targets = json.load(fh)
    graph = os.path.join(graph_dir, "graph.json")
    with open(script_path, encoding="utf-8") as fh:
        script = list(statements(fh.read()))

    shutil.rmtree(db_path, ignore_errors=True)
    if os.path.exists(db_path):
        os.remove(db_path)
    cwd = os.getcwd()
    t0 = time.perf_counter()
    db = ladybug.Database(db_path)
    conn = ladybug.Connection(db)
    os.chdir(export_dir)
    copy_s = 0.0
    for st in script:
        t = time.perf_counter()
        conn.execute(st)
        if st.startswith("COPY"):
            copy_s += time.perf_counter() - t
    load_s = time.perf_counter() - t0
    os.chdir(cwd)
    out = {
        "load_s": load_s,
        "copy_s": copy_s,
        "statements": len(script),
        "queries": {},
    }

    cache = tempfile.mkdtemp(prefix="kg-cache-")
    env = dict(os.environ, KG_CACHE_DIR=cache)
    failed = False
    try:
        for name, q in QUERIES.items():
            lq = LADYBUG_TEXT[name]
            args = targets_for(name, targets, a.targets)
            lb_answers = [normalise(name, ladybug_rows(conn, lq, p)) for p in args]
            times = []
            for i in range(max(a.runs, len(args))):
                p = args[i % len(args)]
                t = time.perf_counter()
                ladybug_rows(conn, lq, p)
                times.append(time.perf_counter() - t)
            kg_answers = [normalise(name, kg_rows(kg, graph, q, p, env)) for p in args]
            same = lb_answers == kg_answers
            failed |= not same
            out["queries"][name] = {
                "same_text": lq == q,
                "warm_median_s": statistics.median(times),
                "targets": len(args),
                "answers_equal": same,
                "answer_sizes": [len(x) if isinstance(x, list) else x for x in kg_answers],
            }
            if not same:
                for p, x, y in zip(args, kg_answers, lb_answers):
                    if x != y:
                        print(f"{name} {p}: kg {str(x)[:200]} vs LadybugDB {str(y)[:200]}", file=sys.stderr)
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    del conn, db
    out["db_bytes"] = size(db_path)

    if a.json:
        json.dump(out, sys.stdout, indent=1)
        print()
    else:
        print(f"LadybugDB load: {out['load_s']:.2f} s ({out['statements']} statements, COPY {out['copy_s']:.2f} s), database {out['db_bytes'] / 1e6:.0f} MB")
        for name, r in out["queries"].items():
            text = "same text as kg" if r["same_text"] else "LadybugDB's own spelling"
            agree = "answers equal kg's" if r["answers_equal"] else "ANSWERS DIFFER from kg's"
            print(
                f"{name}: {r['warm_median_s'] * 1000:9.2f} ms warm median, {r['targets']} target(s), "
                f"{text}, {agree} (answer sizes {r['answer_sizes']})"
            )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
