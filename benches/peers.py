#!/usr/bin/env python3
"""kg against LadybugDB (the maintained Kuzu fork) and networkx on Q1-Q6.

One command (from the repository root):

    benches/run-peers.sh [DIR]          # DIR defaults to /tmp/bench/100k

run-peers.sh generates DIR with ../shared/bench/gen.py when it is missing,
creates a virtual environment (.venv-bench) with `ladybug` and
`networkx`, builds kg's release binary and its `bench_queries` example, and
runs this script, which in ONE run:

- builds a LadybugDB database from DIR's CSV files (schema + COPY, one label
  pair per relationship file) and networkx's MultiDiGraph from the same
  CSVs;
- measures warm medians of Q1-Q6 (>= 20 timed runs after a warm-up pass,
  cycling over the seeded targets in targets.json) in each engine, for
  LadybugDB also Q1-Q3 with the target's label given;
- measures "cold" (a fresh process: start, load or open, one Q1; median of
  5) for each: kg is the `kg` command itself, LadybugDB opens the database
  built above, networkx builds its graph from the CSVs;
- checks that the answers agree (Q1-Q3 id sets, Q4 length, Q5 top 10, Q6
  row count) for every target;
- writes benches/RESULTS.md (machine, date, medians, ratios kg/peer).
"""

import argparse
import csv
import datetime
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, deque

QUERIES = {
    "Q1": "MATCH (o)-[:OWNS]->(t {id: $id}) RETURN o.id",
    "Q2": "MATCH (o)-[:OWNS*1..10]->(t {id: $id}) RETURN DISTINCT o.id",
    "Q3": "MATCH (p {id: $id})-[:OWNS*1..10]->(x) RETURN DISTINCT x.id",
    "Q4": "MATCH p = shortestPath((a {id: $a})-[*..20]-(b {id: $b})) RETURN length(p)",
    "Q5": "MATCH (o)-[:OWNS]->() RETURN o.id, count(*) AS c ORDER BY c DESC, o.id LIMIT 10",
    "Q6": "MATCH (p:Person)-[:OWNS]->(c:Company)-[:OWNS]->(d:Deposit) "
    "WHERE d.country = 'RU' RETURN p.id, d.id",
}

LABEL_OF = {"p": "Person", "c": "Company", "d": "Deposit"}


def label(i):
    return LABEL_OF[i[0]]


# LadybugDB spells shortest path differently and needs labels on the
# anchors to use its primary-key index (the "(label)" variant).
def ladybug_queries(with_label):
    q = {
        "Q1": "MATCH (o)-[:OWNS]->(t {id: $id}) RETURN o.id",
        "Q2": "MATCH (o)-[:OWNS*1..10]->(t {id: $id}) RETURN DISTINCT o.id",
        "Q3": "MATCH (p {id: $id})-[:OWNS*1..10]->(x) RETURN DISTINCT x.id",
        "Q4": "MATCH p = (a {id: $a})-[* SHORTEST 1..20]-(b {id: $b}) RETURN length(p)",
        "Q5": QUERIES["Q5"],
        "Q6": QUERIES["Q6"],
    }
    if with_label:
        q = {
            "Q1": "MATCH (o)-[:OWNS]->(t:{L} {id: $id}) RETURN o.id",
            "Q2": "MATCH (o)-[:OWNS*1..10]->(t:{L} {id: $id}) RETURN DISTINCT o.id",
            "Q3": "MATCH (p:Person {id: $id})-[:OWNS*1..10]->(x) RETURN DISTINCT x.id",
        }
    return q


def targets_for(name, t):
    if name in ("Q1", "Q2"):
        return [{"id": i} for i in t["owned"]]
    if name == "Q3":
        return [{"id": i} for i in t["persons"]]
    if name == "Q4":
        return [{"a": a, "b": b} for a, b in t["pairs"]]
    return [{}]


def median_warm(run, args, runs):
    """One warm-up pass (recording the answers), then max(runs, len(args))
    timed runs cycling over args; returns (median seconds, answers)."""
    answers = [run(a) for a in args]
    times = []
    for i in range(max(runs, len(args))):
        a = args[i % len(args)]
        t0 = time.perf_counter()
        run(a)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), answers


def normalise(name, rows):
    if name in ("Q1", "Q2", "Q3"):
        return sorted({r[0] for r in rows})
    if name == "Q4":
        return rows[0][0] if rows else None
    if name == "Q5":
        return [[r[0], int(r[1])] for r in rows]
    return len(rows)


# ----- LadybugDB -----------------------------------------------------------

LADYBUG_SCHEMA = [
    "CREATE NODE TABLE Person(id STRING PRIMARY KEY, name STRING, country STRING)",
    "CREATE NODE TABLE Company(id STRING PRIMARY KEY, name STRING, country STRING)",
    "CREATE NODE TABLE Deposit(id STRING PRIMARY KEY, name STRING, country STRING)",
    "CREATE REL TABLE OWNS(FROM Person TO Company, FROM Person TO Deposit, "
    "FROM Company TO Company, FROM Company TO Deposit, share DOUBLE, since STRING, until STRING)",
    "CREATE REL TABLE PART_OF(FROM Company TO Company)",
    "CREATE REL TABLE SIGNED_MEMORANDUM(FROM Company TO Company, date STRING)",
]


def ladybug_build(data, path):
    import ladybug as lb

    os.makedirs(os.path.dirname(path), exist_ok=True)
    shutil.rmtree(path, ignore_errors=True)
    if os.path.exists(path):
        os.remove(path)
    t0 = time.perf_counter()
    db = lb.Database(path)
    conn = lb.Connection(db)
    for s in LADYBUG_SCHEMA:
        conn.execute(s)
    for lab in ("Person", "Company", "Deposit"):
        conn.execute(f"COPY {lab} FROM '{data}/nodes_{lab}.csv' (header=true)")
    for f in sorted(glob.glob(f"{data}/rels_*.csv")):
        _, ty_from_to = os.path.basename(f)[:-4].split("_", 1)
        parts = ty_from_to.split("_")
        frm, to = parts[-2], parts[-1]
        ty = "_".join(parts[:-2])
        conn.execute(f"COPY {ty} FROM '{f}' (header=true, from='{frm}', to='{to}')")
    return db, conn, time.perf_counter() - t0


def ladybug_run(conn, q, params):
    r = conn.execute(q, params)
    rows = []
    while r.has_next():
        rows.append(r.get_next())
    return rows


def ladybug_measure(conn, targets, runs):
    out, answers = {}, {}
    plain = ladybug_queries(False)
    labelled = ladybug_queries(True)
    for name in QUERIES:
        args = targets_for(name, targets)
        q = plain[name]
        med, ans = median_warm(lambda a: ladybug_run(conn, q, a), args, runs)
        out[name] = med
        answers[name] = [normalise(name, r) for r in ans]
        if name in labelled:

            def run_l(a, name=name):
                ql = labelled[name].replace("{L}", label(a["id"]))
                return ladybug_run(conn, ql, a)

            med_l, ans_l = median_warm(run_l, args, runs)
            out[name + "_label"] = med_l
            answers[name + "_label"] = [normalise(name, r) for r in ans_l]
    return out, answers


# ----- networkx ------------------------------------------------------------


def nx_build(data):
    import networkx as nx

    g = nx.MultiDiGraph()
    for lab in ("Person", "Company", "Deposit"):
        with open(f"{data}/nodes_{lab}.csv", newline="") as fh:
            for row in csv.DictReader(fh):
                g.add_node(row["id"], label=lab, country=row["country"])
    for f in sorted(glob.glob(f"{data}/rels_*.csv")):
        ty = "_".join(os.path.basename(f)[5:-4].split("_")[:-2])
        with open(f, newline="") as fh:
            for row in csv.DictReader(fh):
                g.add_edge(row["from_id"], row["to_id"], type=ty)
    return g


def nx_q1(g, a):
    return [(u,) for u, _, ty in g.in_edges(a["id"], data="type") if ty == "OWNS"]


def nx_reach(g, start, forward, max_hops=10):
    """Distinct nodes at the far end of OWNS trails of 1..max_hops; the
    start only when a cycle leads back to it."""
    edges = g.out_edges if forward else g.in_edges
    seen, frontier, back = {start}, [start], False
    for _ in range(max_hops):
        nxt = []
        for n in frontier:
            for u, v, ty in edges(n, data="type"):
                if ty != "OWNS":
                    continue
                o = v if forward else u
                if o == start:
                    back = True
                if o not in seen:
                    seen.add(o)
                    nxt.append(o)
        frontier = nxt
        if not frontier:
            break
    if not back:
        seen.discard(start)
    return [(x,) for x in seen]


def nx_q4(g, a):
    import networkx as nx

    try:
        n = nx.shortest_path_length(g.to_undirected(as_view=True), a["a"], a["b"])
    except nx.NetworkXNoPath:
        return []
    return [(n,)] if 1 <= n <= 20 else []


def nx_q5(g, _a):
    c = Counter(u for u, _, ty in g.edges(data="type") if ty == "OWNS")
    return sorted(c.items(), key=lambda x: (-x[1], x[0]))[:10]


def nx_q6(g, _a):
    rows = []
    nodes = g.nodes
    for p, lab in nodes(data="label"):
        if lab != "Person":
            continue
        for _, c, ty in g.out_edges(p, data="type"):
            if ty != "OWNS" or nodes[c]["label"] != "Company":
                continue
            for _, d, ty2 in g.out_edges(c, data="type"):
                if ty2 == "OWNS" and nodes[d]["label"] == "Deposit" and nodes[d]["country"] == "RU":
                    rows.append((p, d))
    return rows


def nx_measure(g, targets, runs):
    fns = {
        "Q1": nx_q1,
        "Q2": lambda g, a: nx_reach(g, a["id"], False),
        "Q3": lambda g, a: nx_reach(g, a["id"], True),
        "Q4": nx_q4,
        "Q5": nx_q5,
        "Q6": nx_q6,
    }
    out, answers = {}, {}
    for name, f in fns.items():
        med, ans = median_warm(lambda a, f=f: f(g, a), targets_for(name, targets), runs)
        out[name] = med
        answers[name] = [normalise(name, r) for r in ans]
    return out, answers


# ----- cold runs -----------------------------------------------------------

COLD_LADYBUG = """
import sys, time
t0 = time.perf_counter()
import ladybug as lb
db = lb.Database(sys.argv[1], read_only=True)
conn = lb.Connection(db)
r = conn.execute("MATCH (o)-[:OWNS]->(t {id: $id}) RETURN o.id", {"id": sys.argv[2]})
while r.has_next(): r.get_next()
"""

COLD_NX = """
import sys
sys.path.insert(0, sys.argv[3])
import peers
g = peers.nx_build(sys.argv[1])
peers.nx_q1(g, {"id": sys.argv[2]})
"""


def cold(cmd, n=5):
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


# ----- report --------------------------------------------------------------


def fmt(s):
    if s is None:
        return "n/a"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = "unknown"
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
            ram = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return f"nproc={os.cpu_count()}, CPU: {cpu}, RAM: {ram}, {platform.platform()}, Python {platform.python_version()}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?", default="/tmp/bench/100k")
    ap.add_argument("--kg-bin", required=True, help="the kg binary")
    ap.add_argument("--kg-example", required=True, help="the bench_queries example binary")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--work", default="/tmp/kg-bench-work")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "RESULTS.md"))
    a = ap.parse_args()
    data = os.path.abspath(a.data)
    os.makedirs(a.work, exist_ok=True)
    with open(f"{data}/targets.json") as fh:
        targets = json.load(fh)
    with open(f"{data}/meta.json") as fh:
        meta = json.load(fh)
    import ladybug
    import networkx

    print(f"kg warm ({data}) ...", file=sys.stderr)
    kg = json.loads(
        subprocess.run(
            [a.kg_example, data, str(a.runs)], check=True, capture_output=True, text=True
        ).stdout
    )
    kg_med, kg_ans = kg["medians_s"], kg["answers"]

    print("LadybugDB build + warm ...", file=sys.stderr)
    lb_path = os.path.join(a.work, "ladybug.db")
    db, conn, lb_build = ladybug_build(data, lb_path)
    lb_med, lb_ans = ladybug_measure(conn, targets, a.runs)
    del conn, db

    print("networkx build + warm ...", file=sys.stderr)
    t0 = time.perf_counter()
    g = nx_build(data)
    nx_build_s = time.perf_counter() - t0
    nx_med, nx_ans = nx_measure(g, targets, a.runs)
    del g

    print("cold runs ...", file=sys.stderr)
    first = targets["owned"][0]
    here = os.path.dirname(os.path.abspath(__file__))
    colds = {
        "kg": cold([a.kg_bin, "-g", f"{data}/graph.json", "query", "-p", f"id={first}", QUERIES["Q1"]]),
        "ladybug": cold([sys.executable, "-c", COLD_LADYBUG, lb_path, first]),
        "networkx": cold([sys.executable, "-c", COLD_NX, data, first, here], n=3),
    }

    # Answers.
    problems = []
    for name in QUERIES:
        for peer, ans in (("ladybug", lb_ans), ("ladybug (label)", lb_ans), ("networkx", nx_ans)):
            key = name + "_label" if peer == "ladybug (label)" else name
            if key not in ans:
                continue
            for i, (x, y) in enumerate(zip(kg_ans[name], ans[key])):
                if x != y:
                    problems.append(f"{name} target {i}: kg {str(x)[:80]} vs {peer} {str(y)[:80]}")

    # Report.
    lines = [
        "# kg against LadybugDB and networkx",
        "",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}",
        f"- machine: {machine()}",
        f"- versions: ladybug {ladybug.__version__}, networkx {networkx.__version__}, kg {subprocess.run([a.kg_bin, '--version'], capture_output=True, text=True).stdout.strip()}",
        f"- data: {data} ({meta['entities']:,} entities, {meta['relations']:,} relations; gen.py seed {meta['seed']})",
        f"- command: `benches/run-peers.sh {a.data}`",
        f"- warm: median over >= {a.runs} timed runs after a warm-up pass, cycling over the seeded targets; "
        "cold: wall time of a fresh process that loads (kg: graph.json; networkx: the CSVs) or opens (LadybugDB) "
        "the graph and answers Q1 once, median of 5 (networkx 3)",
        "- the machine is shared and noisy: read differences under ~20% as noise",
        f"- load / build: kg {fmt(kg['load_s'])} (graph.json), LadybugDB {fmt(lb_build)} (schema + COPY), networkx {fmt(nx_build_s)}",
        "",
        "| | kg | LadybugDB | LadybugDB, target label given | networkx | kg / LadybugDB (best of both) | kg / networkx |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name in QUERIES:
        k = kg_med[name]
        l = lb_med[name]
        ll = lb_med.get(name + "_label")
        best = min(l, ll) if ll is not None else l
        n = nx_med[name]
        lines.append(
            f"| {name} warm | {fmt(k)} | {fmt(l)} | {fmt(ll)} | {fmt(n)} | {k / best:.2f} | {k / n:.2f} |"
        )
    lines.append(
        f"| cold: start + load/open + Q1 | {fmt(colds['kg'])} | {fmt(colds['ladybug'])} | | {fmt(colds['networkx'])} "
        f"| {colds['kg'] / colds['ladybug']:.2f} | {colds['kg'] / colds['networkx']:.2f} |"
    )
    lines.append("")
    lines.append("Ratios below 1: kg is faster. For Q4 LadybugDB uses `-[* SHORTEST 1..20]-`.")
    lines.append("")
    if problems:
        lines.append(f"- answers: {len(problems)} disagreement(s):")
        lines += [f"  - {p}" for p in problems[:40]]
    else:
        lines.append(
            "- answers: kg, LadybugDB (with and without labels) and networkx agree on every query and "
            "target (Q1-Q3 id sets, Q4 length, Q5 top 10, Q6 row count)"
        )
    text = "\n".join(lines) + "\n"
    with open(a.out, "w") as fh:
        fh.write(text)
    print(text)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
