#!/usr/bin/env python3
"""kg against LadybugDB (the maintained Kuzu fork), DuckDB and networkx on Q1-Q6.

One command (from the repository root):

    benches/run-peers.sh [DIR]          # DIR defaults to /tmp/bench/100k

run-peers.sh generates DIR with `kg gen --csv` when it is missing,
creates a virtual environment (.venv-bench) with `ladybug`, `duckdb` and
`networkx`, builds kg's release binary and its `bench_queries` and
`ownership_timing` examples, and runs this script, which in ONE run:

- measures kg against the targets of the store at 1M: loading
  graph.json (`kg --no-cache -g graph.json stats`, wall time and peak RSS
  under /usr/bin/time -v), cold Q1 (a fresh `kg query` process; the first
  run builds the snapshot in a private cache folder, later ones read it),
  warm Q1-Q6 and warm `owners --ultimate` (ownership_timing);
- builds a LadybugDB database from DIR's CSV files (schema + COPY, one label
  pair per relationship file), a DuckDB database from the same CSVs (one
  table per label and per relationship type, in a child process under
  /usr/bin/time -v for the peak RSS) and networkx's MultiDiGraph;
- measures warm medians of Q1-Q6 (>= 20 timed runs after a warm-up pass,
  cycling over the seeded targets in targets.json) in each engine, for
  LadybugDB also Q1-Q3 with the target's label given; a DuckDB query that
  runs longer than --cap seconds is interrupted and reported as "over N s";
- measures "cold" (a fresh process: start, load or open, one Q1; median of
  5) for each: kg is the `kg` command itself, LadybugDB and DuckDB open the
  databases built above, networkx builds its graph from the CSVs;
- checks that the answers agree (Q1-Q3 id sets, Q4 length, Q5 top 10, Q6
  row count) for every target;
- writes its section of benches/RESULTS.md (one section per graph size:
  running it for 100k and then for 1M keeps both), with the machine, date,
  medians, ratios kg/peer and the targets table.
"""

import argparse
import csv
import datetime
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
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


# ----- DuckDB --------------------------------------------------------------

# One table per node label and per relationship type, as the CSV files
# come; `nodes` and `edges` are views over them. `undirected` holds every
# relationship in both directions (built once, for Q4's breadth-first
# search).
DUCKDB_QUERIES = {
    "Q1": "SELECT w.from_id FROM owns w JOIN nodes t ON t.id = w.to_id WHERE t.id = $id",
    # Walks of 1..10 OWNS hops; UNION keeps one row per (node, depth), so
    # cycles end at the bound.
    "Q2": """
        WITH RECURSIVE r(id, d) AS (
            SELECT from_id, 1 FROM owns WHERE to_id = $id
            UNION
            SELECT w.from_id, r.d + 1 FROM r JOIN owns w ON w.to_id = r.id WHERE r.d < 10
        ) SELECT DISTINCT id FROM r""",
    "Q3": """
        WITH RECURSIVE r(id, d) AS (
            SELECT to_id, 1 FROM owns WHERE from_id = $id
            UNION
            SELECT w.to_id, r.d + 1 FROM r JOIN owns w ON w.from_id = r.id WHERE r.d < 10
        ) SELECT DISTINCT id FROM r""",
    # Breadth-first search over every relationship in either direction, up
    # to 20 hops: USING KEY keeps one row per node (its first depth), the
    # frontier is the nodes found in the last step, and the search stops
    # once $b is found.
    "Q4": """
        WITH RECURSIVE bfs(id, d) USING KEY (id) AS (
            SELECT $a::VARCHAR, 0
            UNION
            SELECT e.b, min(bfs.d + 1) FROM bfs JOIN undirected e ON e.a = bfs.id
            WHERE bfs.d < 20
              AND e.b NOT IN (SELECT id FROM recurring.bfs)
              AND NOT EXISTS (SELECT 1 FROM recurring.bfs WHERE id = $b)
            GROUP BY e.b
        ) SELECT d FROM bfs WHERE id = $b AND d >= 1""",
    "Q5": "SELECT from_id, count(*) AS c FROM owns GROUP BY from_id ORDER BY c DESC, from_id LIMIT 10",
    "Q6": """
        SELECT p.id, d.id
        FROM person p
        JOIN owns w1 ON w1.from_id = p.id
        JOIN company c ON c.id = w1.to_id
        JOIN owns w2 ON w2.from_id = c.id
        JOIN deposit d ON d.id = w2.to_id
        WHERE d.country = 'RU'""",
}

RELATION_COLUMNS = {
    "OWNS": "from_id VARCHAR, to_id VARCHAR, share DOUBLE, since VARCHAR, until VARCHAR",
    "PART_OF": "from_id VARCHAR, to_id VARCHAR",
    "SIGNED_MEMORANDUM": "from_id VARCHAR, to_id VARCHAR, date VARCHAR",
}


def duckdb_build(data, path):
    """Builds the DuckDB database file at `path` from DIR's CSV files;
    returns the seconds it took."""
    import duckdb

    for f in (path, path + ".wal"):
        if os.path.exists(f):
            os.remove(f)
    t0 = time.perf_counter()
    con = duckdb.connect(path)
    for lab in ("Person", "Company", "Deposit"):
        con.execute(
            f"CREATE TABLE {lab.lower()}(id VARCHAR PRIMARY KEY, name VARCHAR, country VARCHAR)"
        )
        con.execute(f"COPY {lab.lower()} FROM '{data}/nodes_{lab}.csv' (HEADER true)")
    for ty, cols in RELATION_COLUMNS.items():
        con.execute(f"CREATE TABLE {ty.lower()}({cols})")
    for f in sorted(glob.glob(f"{data}/rels_*.csv")):
        ty = "_".join(os.path.basename(f)[5:-4].split("_")[:-2])
        con.execute(f"COPY {ty.lower()} FROM '{f}' (HEADER true)")
    con.execute(
        "CREATE VIEW nodes AS SELECT id, name, country, 'Person' AS label FROM person "
        "UNION ALL SELECT id, name, country, 'Company' FROM company "
        "UNION ALL SELECT id, name, country, 'Deposit' FROM deposit"
    )
    union = " UNION ALL ".join(f"SELECT from_id, to_id FROM {ty.lower()}" for ty in RELATION_COLUMNS)
    con.execute(f"CREATE VIEW edges AS {union}")
    con.execute(
        "CREATE TABLE undirected AS SELECT from_id AS a, to_id AS b FROM edges "
        "UNION ALL SELECT to_id, from_id FROM edges"
    )
    con.execute("CHECKPOINT")
    con.close()
    return time.perf_counter() - t0


class OverCap(Exception):
    """A query interrupted after the time cap."""


def duckdb_run(con, q, params, cap):
    timer = threading.Timer(cap, con.interrupt)
    timer.start()
    try:
        return con.execute(q, params).fetchall()
    except Exception as e:  # duckdb.InterruptException, by name across versions
        if "nterrupt" in type(e).__name__ or "nterrupt" in str(e):
            raise OverCap() from e
        raise
    finally:
        timer.cancel()


def duckdb_measure(con, targets, runs, cap):
    """Warm medians and answers; a query whose warm-up pass hits the cap
    gets None (reported as over the cap) and no answers."""
    out, answers = {}, {}
    for name, q in DUCKDB_QUERIES.items():
        print(f"  DuckDB {name} ...", file=sys.stderr)
        try:
            med, ans = median_warm(lambda a, q=q: duckdb_run(con, q, a, cap), targets_for(name, targets), runs)
        except OverCap:
            out[name] = None
            continue
        out[name] = med
        answers[name] = [normalise(name, r) for r in ans]
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


# ----- child processes: builds, cold runs, /usr/bin/time -------------------

COLD_LADYBUG = """
import sys
import ladybug as lb
db = lb.Database(sys.argv[1], read_only=True)
conn = lb.Connection(db)
r = conn.execute("MATCH (o)-[:OWNS]->(t {id: $id}) RETURN o.id", {"id": sys.argv[2]})
while r.has_next(): r.get_next()
"""

COLD_DUCKDB = """
import sys
sys.path.insert(0, sys.argv[3])
import duckdb, peers
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute(peers.DUCKDB_QUERIES["Q1"], {"id": sys.argv[2]}).fetchall()
"""

COLD_NX = """
import sys
sys.path.insert(0, sys.argv[3])
import peers
g = peers.nx_build(sys.argv[1])
peers.nx_q1(g, {"id": sys.argv[2]})
"""

BUILD = """
import sys
sys.path.insert(0, sys.argv[1])
import peers
if sys.argv[2] == "ladybug":
    db, conn, s = peers.ladybug_build(sys.argv[3], sys.argv[4])
    del conn, db
else:
    s = peers.duckdb_build(sys.argv[3], sys.argv[4])
print(s)
"""


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time -v: (wall seconds, peak RSS bytes,
    stdout). The wall time is measured here, around the whole process."""
    t0 = time.perf_counter()
    p = subprocess.run(
        ["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, env=env
    )
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({p.returncode}): {p.stderr[-2000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    rss = int(m.group(1)) * 1024 if m else None
    return wall, rss, p.stdout


def timed_median(cmd, n, env=None):
    """(median wall, median peak RSS) of n runs."""
    runs = [timed(cmd, env) for _ in range(n)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


# ----- kg against the targets -----------------------------------------------

# The store's targets at 1,000,000 entities: seconds, bytes (Q1-Q6 keep
# the targets of the first performance work).
TARGETS = {
    "load_s": 2.0,
    "load_rss": 700e6,
    "snapshot": 250e6,
    "cold": 0.020,
    "Q1": 20e-6,
    "Q2": 200e-6,
    "Q3": 300e-6,
    "Q4": 2e-3,
    "Q5": 0.100,
    "Q6": 0.100,
    "ultimate": 0.200,
}

UNITS = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def duration(text):
    """Seconds of a Rust `{:.2?}` Duration (`1.23ms`, `850.00µs`)."""
    m = re.fullmatch(r"([0-9.]+)(ns|µs|us|ms|s)", text.strip())
    if not m:
        raise ValueError(f"not a duration: {text!r}")
    return float(m.group(1)) * UNITS[m.group(2)]


def kg_targets(a, data, targets, runs):
    """Load, cold Q1 (first run and with the snapshot), warm ultimate
    owners: the kg side of the targets table."""
    graph = f"{data}/graph.json"
    out = {}
    print("kg load (--no-cache stats) ...", file=sys.stderr)
    out["load_s"], out["load_rss"] = timed_median([a.kg_bin, "--no-cache", "-g", graph, "stats"], a.load_runs)

    print("kg cold Q1 ...", file=sys.stderr)
    cache = os.path.join(a.work, "kg-cache")
    shutil.rmtree(cache, ignore_errors=True)
    env = dict(os.environ, KG_CACHE_DIR=cache)
    cmd = [a.kg_bin, "-g", graph, "query", "-p", f"id={targets['owned'][0]}", QUERIES["Q1"]]
    out["cold_first_s"], out["cold_first_rss"], _ = timed(cmd, env)
    out["cold_s"], out["cold_rss"] = timed_median(cmd, 5, env)
    snaps = glob.glob(os.path.join(cache, "*.snap"))
    out["snapshot_bytes"] = os.path.getsize(snaps[0]) if snaps else None

    print("kg owners --ultimate (ownership_timing) ...", file=sys.stderr)
    text = subprocess.run(
        [a.kg_ownership, "--runs", str(a.ultimate_runs), graph] + targets["owned"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    m = re.search(r"median over targets: (\S+)", text)
    out["ultimate"] = duration(m.group(1)) if m else None
    counts = [int(c) for c in re.findall(r"^\S+: (\d+) answers", text, re.M)]
    out["ultimate_answers"] = (min(counts), statistics.median(counts), max(counts)) if counts else None
    return out


# ----- --check: answers only -------------------------------------------------


def kg_cli_answers(kg_bin, data, targets, env=None):
    """kg's answers from the `kg` command itself (`--format json`), one
    run per query and target."""
    answers = {}
    for name, q in QUERIES.items():
        answers[name] = []
        for args in targets_for(name, targets):
            cmd = [kg_bin, "--format", "json", "-g", f"{data}/graph.json", "query"]
            for k, v in args.items():
                cmd += ["-p", f"{k}={v}"]
            p = subprocess.run(cmd + [q], capture_output=True, text=True, env=env)
            if p.returncode != 0:
                raise RuntimeError(f"kg failed on {name} {args}: {p.stderr.strip()}")
            rows = [list(r.values()) for r in json.loads(p.stdout)]
            answers[name].append(normalise(name, rows))
    return answers


def disagreements(kg_ans, peers_ans):
    """Lines naming every query and target where a peer's answer differs
    from kg's; queries a peer did not answer are skipped."""
    problems = []
    for name in QUERIES:
        for peer, ans, suffix in peers_ans:
            key = name + suffix
            if key not in ans:
                continue
            if len(ans[key]) != len(kg_ans[name]):
                problems.append(f"{name}: {len(kg_ans[name])} kg answers, {len(ans[key])} from {peer}")
            for i, (x, y) in enumerate(zip(kg_ans[name], ans[key])):
                if x != y:
                    problems.append(f"{name} target {i}: kg {str(x)[:80]} vs {peer} {str(y)[:80]}")
    return problems


def check(a, data, targets):
    """Every engine answers every query once per target; prints kg's
    answers and the disagreements as JSON; 1 when there are any."""
    import duckdb
    import ladybug

    os.makedirs(a.work, exist_ok=True)
    env = dict(os.environ, KG_CACHE_DIR=os.path.join(a.work, "kg-cache"))
    kg_ans = kg_cli_answers(a.kg_bin, data, targets, env)
    lb_path = os.path.join(a.work, "ladybug.db")
    db, conn, _ = ladybug_build(data, lb_path)
    _, lb_ans = ladybug_measure(conn, targets, 0)
    del conn, db
    dd_path = os.path.join(a.work, "duck.db")
    duckdb_build(data, dd_path)
    con = duckdb.connect(dd_path, read_only=True)
    _, dd_ans = duckdb_measure(con, targets, 0, a.cap)
    con.close()
    _, nx_ans = nx_measure(nx_build(data), targets, 0)
    problems = disagreements(
        kg_ans,
        (
            ("LadybugDB", lb_ans, ""),
            ("LadybugDB (label)", lb_ans, "_label"),
            ("DuckDB", dd_ans, ""),
            ("networkx", nx_ans, ""),
        ),
    )
    answered = {
        "LadybugDB": sorted(lb_ans),
        "DuckDB": sorted(dd_ans),
        "networkx": sorted(nx_ans),
    }
    json.dump({"kg": kg_ans, "answered": answered, "problems": problems}, sys.stdout)
    print()
    return 1 if problems else 0


# ----- report --------------------------------------------------------------


def fmt(s):
    if s is None:
        return "n/a"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def fmt_bytes(b):
    if b is None:
        return "n/a"
    if b >= 1e9:
        return f"{b / 1e9:.2f} GB"
    return f"{b / 1e6:.0f} MB"


def ratio(k, p):
    if k is None or p is None or p == 0:
        return "n/a"
    return f"{k / p:.2f}"


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


def size_name(n):
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


HEADER = """# kg against LadybugDB, DuckDB and networkx

Written by `benches/run-peers.sh DIR` (benches/peers.py), one section per
graph size; each section comes from one run, with every engine measured in
that run on the same data. Ratios below 1: kg is faster.
"""


def command_line(a):
    """The run-peers.sh command that runs this measurement again."""
    words = ["benches/run-peers.sh", a.data]
    skip = {"--kg-bin", "--kg-example", "--kg-ownership"}
    argv = sys.argv[2:]
    i = 0
    while i < len(argv):
        if argv[i] in skip:
            i += 2
            continue
        words.append(argv[i])
        i += 1
    return " ".join(words)


NOTES = re.compile(r"<!-- notes -->\n.*?<!-- end notes -->\n", re.S)


def merge_sections(path, entities, section):
    """The file's text with this size's section put in (replacing an
    older one of the same size), sections in order of size, then the
    hand-written notes block (`<!-- notes -->` to `<!-- end notes -->`),
    kept as it was."""
    sections = {}
    notes = None
    try:
        with open(path) as fh:
            old = fh.read()
        for m in re.finditer(r"<!-- size (\d+) -->\n(.*?)<!-- end -->\n", old, re.S):
            sections[int(m.group(1))] = m.group(2)
        found = NOTES.search(old)
        notes = found.group(0) if found else None
    except OSError:
        pass
    sections[entities] = section
    parts = [HEADER]
    for n in sorted(sections):
        parts.append(f"<!-- size {n} -->\n{sections[n]}<!-- end -->\n")
    if notes:
        parts.append(notes)
    return "\n".join(parts)


class InputError(Exception):
    """DIR is not a folder written by gen.py."""


def read_inputs(data):
    """targets.json and meta.json of DIR, after checking that the files
    every engine reads are there."""
    want = "a folder written by `kg gen --csv` (graph.json, targets.json, meta.json, nodes_*.csv, rels_*.csv)"
    if not os.path.isdir(data):
        raise InputError(f"{data} is not a folder; give {want}")
    missing = [f for f in ("graph.json", "targets.json", "meta.json") if not os.path.isfile(os.path.join(data, f))]
    missing += [
        f"nodes_{lab}.csv" for lab in ("Person", "Company", "Deposit") if not os.path.isfile(f"{data}/nodes_{lab}.csv")
    ]
    if not glob.glob(f"{data}/rels_*.csv"):
        missing.append("rels_*.csv")
    if missing:
        raise InputError(f"{data} has no {', '.join(missing)}; give {want}")
    out = []
    for f, keys in (("targets.json", ("owned", "persons", "pairs")), ("meta.json", ("entities", "relations", "seed"))):
        path = os.path.join(data, f)
        try:
            with open(path) as fh:
                v = json.load(fh)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: not JSON (line {e.lineno}, column {e.colno}: {e.msg})") from e
        absent = [k for k in keys if not isinstance(v, dict) or k not in v]
        if absent:
            raise InputError(f"{path}: no {', '.join(absent)}; kg gen writes an object with {', '.join(keys)}")
        out.append(v)
    if not out[0]["owned"] or not out[0]["persons"] or not out[0]["pairs"]:
        raise InputError(f"{data}/targets.json: owned, persons and pairs must each hold at least one target")
    return out[0], out[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="?", default="/tmp/bench/100k")
    ap.add_argument("--kg-bin", required=True, help="the kg binary")
    ap.add_argument("--kg-example", help="the bench_queries example binary")
    ap.add_argument("--kg-ownership", help="the ownership_timing example binary")
    ap.add_argument(
        "--check",
        action="store_true",
        help="no timing: every engine answers every query once per target, and the answers are compared "
        "with the kg command's; prints them as JSON",
    )
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--load-runs", type=int, default=3, help="runs of the kg load measurement")
    ap.add_argument("--cap", type=float, default=60.0, help="seconds before a DuckDB query is interrupted")
    ap.add_argument("--nx-cold-runs", type=int, default=3)
    ap.add_argument("--ultimate-runs", type=int, default=7, help="runs per target of ownership_timing")
    ap.add_argument("--work", default="/tmp/kg-bench-work")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "RESULTS.md"))
    a = ap.parse_args()
    data = os.path.abspath(a.data)
    try:
        targets, meta = read_inputs(data)
    except InputError as e:
        print(f"peers.py: {e}", file=sys.stderr)
        return 2
    if a.check:
        return check(a, data, targets)
    if not a.kg_example or not a.kg_ownership:
        ap.error("--kg-example and --kg-ownership are needed unless --check is given")
    os.makedirs(a.work, exist_ok=True)
    import duckdb
    import ladybug
    import networkx

    here = os.path.dirname(os.path.abspath(__file__))
    started = datetime.datetime.now(datetime.timezone.utc)

    print(f"kg warm ({data}) ...", file=sys.stderr)
    kg = json.loads(
        subprocess.run(
            [a.kg_example, data, str(a.runs)], check=True, capture_output=True, text=True
        ).stdout
    )
    kg_med, kg_ans = kg["medians_s"], kg["answers"]
    kt = kg_targets(a, data, targets, a.runs)

    print("LadybugDB build + warm ...", file=sys.stderr)
    lb_path = os.path.join(a.work, "ladybug.db")
    _, lb_rss, o = timed([sys.executable, "-c", BUILD, here, "ladybug", data, lb_path])
    lb_build = float(o.strip().splitlines()[-1])
    db = ladybug.Database(lb_path)
    conn = ladybug.Connection(db)
    lb_med, lb_ans = ladybug_measure(conn, targets, a.runs)
    del conn, db

    print("DuckDB build + warm ...", file=sys.stderr)
    dd_path = os.path.join(a.work, "duck.db")
    _, dd_rss, o = timed([sys.executable, "-c", BUILD, here, "duckdb", data, dd_path])
    dd_build = float(o.strip().splitlines()[-1])
    con = duckdb.connect(dd_path, read_only=True)
    dd_med, dd_ans = duckdb_measure(con, targets, a.runs, a.cap)
    con.close()

    print("networkx build + warm ...", file=sys.stderr)
    t0 = time.perf_counter()
    g = nx_build(data)
    nx_build_s = time.perf_counter() - t0
    nx_med, nx_ans = nx_measure(g, targets, a.runs)
    del g

    print("cold runs ...", file=sys.stderr)
    first = targets["owned"][0]
    colds = {
        "kg": (kt["cold_s"], kt["cold_rss"]),
        "ladybug": timed_median([sys.executable, "-c", COLD_LADYBUG, lb_path, first], 5),
        "duckdb": timed_median([sys.executable, "-c", COLD_DUCKDB, dd_path, first, here], 5),
        "networkx": timed_median([sys.executable, "-c", COLD_NX, data, first, here], a.nx_cold_runs),
    }

    # Answers.
    capped = [name for name in QUERIES if name not in dd_ans]
    problems = disagreements(
        kg_ans,
        (
            ("LadybugDB", lb_ans, ""),
            ("LadybugDB (label)", lb_ans, "_label"),
            ("DuckDB", dd_ans, ""),
            ("networkx", nx_ans, ""),
        ),
    )

    # Report.
    n = meta["entities"]
    kg_version = subprocess.run([a.kg_bin, "--version"], capture_output=True, text=True).stdout.strip()
    ua = kt["ultimate_answers"]
    ultimate_note = f", which have {ua[0]:,} to {ua[2]:,} ultimate owners (median {ua[1]:,.0f})" if ua else ""
    lines = [
        f"## {n:,} entities",
        "",
        f"- date: {started.isoformat(timespec='seconds')}",
        f"- machine: {machine()}",
        f"- versions: ladybug {ladybug.__version__}, duckdb {duckdb.__version__}, networkx {networkx.__version__}, {kg_version}",
        f"- data: {data} ({n:,} entities, {meta['relations']:,} relations; gen.py seed {meta['seed']})",
        f"- command: `{command_line(a)}`",
        f"- warm: median over >= {a.runs} timed runs after a warm-up pass, cycling over the seeded targets; "
        "cold: wall time of a fresh process that loads (kg: its snapshot of graph.json; networkx: the CSVs) "
        f"or opens (LadybugDB, DuckDB) the graph and answers Q1 once, median of 5 (networkx {a.nx_cold_runs})",
        "- the machine is shared and noisy: read differences under ~20% as noise",
        "",
        "### Targets of the performance issue",
        "",
        "The targets are set for 1,000,000 entities and 3,000,000 relations. kg's figures: "
        f"load is `kg --no-cache -g graph.json stats` under `/usr/bin/time -v` (median of {a.load_runs}); "
        "cold is `kg -g graph.json query -p id=... Q1` in a fresh process with its snapshot in the cache "
        "(median of 5), and the first such run, which parses the JSON and writes the snapshot; warm Q1-Q6 "
        "are examples/bench_queries.rs; ultimate owners is examples/ownership_timing.rs (`kg owners --ultimate`'s "
        f"computation, median of {a.ultimate_runs} runs per target, median over the `owned` targets"
        f"{ultimate_note}). The peers' load is their "
        "build from the CSV files (LadybugDB, DuckDB: in a child process under `/usr/bin/time -v`; networkx: "
        "peak RSS of its cold run, which builds the graph and answers Q1).",
        "",
        "| | target | kg | met | LadybugDB | DuckDB | networkx |",
        "|---|--:|--:|:-:|--:|--:|--:|",
    ]

    def met(v, t):
        return "n/a" if v is None else ("yes" if v <= t else "**no**")

    def lb_best(name):
        ll = lb_med.get(name + "_label")
        return min(lb_med[name], ll) if ll is not None else lb_med[name]

    def dd(name):
        v = dd_med.get(name)
        return f"over {a.cap:.0f} s" if v is None else fmt(v)

    lines += [
        f"| load, wall | <= 2.0 s | {fmt(kt['load_s'])} | {met(kt['load_s'], TARGETS['load_s'])} "
        f"| {fmt(lb_build)} | {fmt(dd_build)} | {fmt(nx_build_s)} |",
        f"| load, peak RSS | <= 700 MB | {fmt_bytes(kt['load_rss'])} | {met(kt['load_rss'], TARGETS['load_rss'])} "
        f"| {fmt_bytes(lb_rss)} | {fmt_bytes(dd_rss)} | {fmt_bytes(colds['networkx'][1])} |",
        f"| snapshot on disk | <= 250 MB | {fmt_bytes(kt['snapshot_bytes'])} | {met(kt['snapshot_bytes'], TARGETS['snapshot'])} | | | |",
        f"| cold: start + load + Q1 | <= 20 ms | {fmt(kt['cold_s'])} | {met(kt['cold_s'], TARGETS['cold'])} "
        f"| {fmt(colds['ladybug'][0])} | {fmt(colds['duckdb'][0])} | {fmt(colds['networkx'][0])} |",
        f"| cold, peak RSS | | {fmt_bytes(kt['cold_rss'])} | | {fmt_bytes(colds['ladybug'][1])} "
        f"| {fmt_bytes(colds['duckdb'][1])} | {fmt_bytes(colds['networkx'][1])} |",
        f"| cold, first run (parses the JSON, writes the {fmt_bytes(kt['snapshot_bytes'])} snapshot) | | "
        f"{fmt(kt['cold_first_s'])} ({fmt_bytes(kt['cold_first_rss'])}) | | | | |",
    ]
    for name, t in (("Q1", "20 µs"), ("Q2", "200 µs"), ("Q3", "300 µs"), ("Q4", "2 ms"), ("Q5", "100 ms"), ("Q6", "100 ms")):
        lines.append(
            f"| {name} warm | <= {t} | {fmt(kg_med[name])} | {met(kg_med[name], TARGETS[name])} "
            f"| {fmt(lb_best(name))} | {dd(name)} | {fmt(nx_med[name])} |"
        )
    lines.append(
        f"| `owners --ultimate` warm | <= 200 ms | {fmt(kt['ultimate'])} | {met(kt['ultimate'], TARGETS['ultimate'])} | | | |"
    )
    lines += [
        "",
        "LadybugDB's warm figure is the better of its times with and without the target's label.",
        "",
        "### kg and the peers",
        "",
        "| | kg | LadybugDB | LadybugDB, target label given | DuckDB | networkx "
        "| kg / LadybugDB (best of both) | kg / DuckDB | kg / networkx |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name in QUERIES:
        k = kg_med[name]
        lines.append(
            f"| {name} warm | {fmt(k)} | {fmt(lb_med[name])} | {fmt(lb_med.get(name + '_label'))} | {dd(name)} "
            f"| {fmt(nx_med[name])} | {ratio(k, lb_best(name))} | {ratio(k, dd_med.get(name))} | {ratio(k, nx_med[name])} |"
        )
    kc = colds["kg"][0]
    lines.append(
        f"| cold: start + load/open + Q1 | {fmt(kc)} | {fmt(colds['ladybug'][0])} | | {fmt(colds['duckdb'][0])} "
        f"| {fmt(colds['networkx'][0])} | {ratio(kc, colds['ladybug'][0])} | {ratio(kc, colds['duckdb'][0])} "
        f"| {ratio(kc, colds['networkx'][0])} |"
    )
    lines.append(
        f"| load / build from files | {fmt(kt['load_s'])} | {fmt(lb_build)} | | {fmt(dd_build)} | {fmt(nx_build_s)} "
        f"| {ratio(kt['load_s'], lb_build)} | {ratio(kt['load_s'], dd_build)} | {ratio(kt['load_s'], nx_build_s)} |"
    )
    lines += [
        "",
        "For Q4 LadybugDB uses `-[* SHORTEST 1..20]-`; DuckDB runs Q1-Q3 and Q5-Q6 as joins, recursive CTEs "
        "(UNION, depth <= 10, DISTINCT) and GROUP BY, and Q4 as a recursive CTE with `USING KEY` "
        "(breadth-first, both directions, depth <= 20) over a table holding every relationship both ways, "
        "built with the database. kg's load is graph.json; the peers' build is from the CSV files.",
        "",
    ]
    if capped:
        lines.append(
            f"- DuckDB: {', '.join(capped)} ran longer than the {a.cap:.0f} s cap and "
            "were interrupted; their answers are not compared"
        )
    if problems:
        lines.append(f"- answers: {len(problems)} disagreement(s):")
        lines += [f"  - {p}" for p in problems[:40]]
    else:
        lines.append(
            "- answers: kg, LadybugDB (with and without labels), DuckDB and networkx agree on every query and "
            "target they answered (Q1-Q3 id sets, Q4 length, Q5 top 10, Q6 row count)"
        )
    section = "\n".join(lines) + "\n"
    text = merge_sections(a.out, n, section)
    tmp = a.out + ".tmp"
    with open(tmp, "w") as fh:
        fh.write(text)
    os.replace(tmp, a.out)
    print(section)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
