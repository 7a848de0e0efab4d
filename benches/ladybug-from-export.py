#!/usr/bin/env python3
"""Loads a `kg export --to csv` folder into a new LadybugDB database with the
export's own load-ladybug.cypher, then runs Q1 and Q4 of
../shared/bench/README.md there for the first targets of targets.json;
prints the load time, the database's size and the answers as JSON.

    python benches/ladybug-from-export.py EXPORT_DIR DATABASE_PATH TARGETS_JSON [N]

The export has one Entity and one Relation table (the relationship type
is the column `type`), so Q1 names the type in a WHERE clause; Q4 (any
type, either direction) is the same text as for the per-label schema.
"""

import json
import os
import shutil
import sys
import time

import ladybug

Q1 = (
    "MATCH (o:Entity)-[r:Relation]->(t:Entity {id: $id}) WHERE r.type = 'OWNS' RETURN o.id"
)
Q4 = "MATCH p = (a {id: $a})-[* SHORTEST 1..20]-(b {id: $b}) RETURN length(p)"


def statements(text):
    body = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))
    for st in body.split(";\n"):
        st = st.strip().rstrip(";").strip()
        if st:
            yield st


def rows(conn, q, params):
    r = conn.execute(q, params)
    out = []
    while r.has_next():
        out.append(r.get_next())
    return out


def size(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def main():
    export_dir, db_path, targets_path = (os.path.abspath(p) for p in sys.argv[1:4])
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    with open(targets_path) as fh:
        targets = json.load(fh)
    shutil.rmtree(db_path, ignore_errors=True)
    if os.path.exists(db_path):
        os.remove(db_path)
    with open(os.path.join(export_dir, "load-ladybug.cypher"), encoding="utf-8") as fh:
        script = list(statements(fh.read()))
    t0 = time.perf_counter()
    db = ladybug.Database(db_path)
    conn = ladybug.Connection(db)
    os.chdir(export_dir)
    steps = []
    for st in script:
        t = time.perf_counter()
        conn.execute(st)
        steps.append([st[:60], time.perf_counter() - t])
    load = time.perf_counter() - t0
    out = {"load_s": load, "steps": steps, "q1": {}, "q4": {}}
    for i in targets["owned"][:n]:
        t = time.perf_counter()
        r = sorted(x[0] for x in rows(conn, Q1, {"id": i}))
        out["q1"][i] = {"answer": r, "s": time.perf_counter() - t}
    for a, b in targets["pairs"][:n]:
        t = time.perf_counter()
        r = rows(conn, Q4, {"a": a, "b": b})
        out["q4"][f"{a} {b}"] = {"answer": r[0][0] if r else None, "s": time.perf_counter() - t}
    del conn, db
    out["db_bytes"] = size(db_path)
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
