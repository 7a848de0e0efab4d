"""Runs Cypher statements in a fresh LadybugDB database, then queries, and
prints the queries' rows as JSON.

Standard input: {"statements": ["...", ...], "queries": {"name": "cypher", ...}}
Standard output: {"name": [[...], ...], ...}

Usage: python ladybug_run.py DATABASE_PATH < input.json
"""

import json
import os
import sys

import ladybug

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ladybug_check import answers  # noqa: E402


def main():
    db_path = sys.argv[1]
    job = json.load(sys.stdin)
    conn = ladybug.Connection(ladybug.Database(db_path))
    for st in job["statements"]:
        try:
            conn.execute(st)
        except Exception as e:  # name the statement that failed
            sys.exit(f"LadybugDB refused {st!r}: {e}")
    json.dump(answers(conn, job["queries"]), sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
