"""Runs Cypher statements in a fresh LadybugDB database, then queries, and
prints the queries' rows as JSON.

Standard input: {"statements": ["...", ...], "queries": {"name": "cypher", ...}}
Standard output: {"name": [[...], ...], ...}

Usage: python ladybug_run.py DATABASE_PATH < input.json
"""

import json
import sys

import ladybug


def main():
    db_path = sys.argv[1]
    job = json.load(sys.stdin)
    conn = ladybug.Connection(ladybug.Database(db_path))
    for st in job["statements"]:
        try:
            conn.execute(st)
        except Exception as e:  # name the statement that failed
            sys.exit(f"LadybugDB refused {st!r}: {e}")
    out = {}
    for name, q in job["queries"].items():
        result = conn.execute(q)
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        out[name] = rows
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
