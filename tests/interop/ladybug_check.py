"""Loads a `kg export --to csv` directory into a fresh LadybugDB database
with the export's own load-ladybug.cypher, runs the queries given as JSON
on standard input ({"name": "cypher", ...}) and prints their rows as JSON
({"name": [[...], ...], ...}).

Usage: python ladybug_check.py EXPORT_DIR DATABASE_PATH < queries.json
"""

import json
import os
import sys

import ladybug

# The export's load script is read as benches/ladybug-from-export.py reads it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "benches"))
from ladybug_script import statements  # noqa: E402


def main():
    export_dir, db_path = sys.argv[1], sys.argv[2]
    queries = json.load(sys.stdin)
    db = ladybug.Database(db_path)
    conn = ladybug.Connection(db)
    os.chdir(export_dir)
    with open("load-ladybug.cypher", encoding="utf-8") as f:
        for st in statements(f.read()):
            conn.execute(st)
    json.dump(answers(conn, queries), sys.stdout, ensure_ascii=False)


def answers(conn, queries):
    """The rows of each query ({"name": "cypher"}) as {"name": [[...]]}."""
    out = {}
    for name, q in queries.items():
        result = conn.execute(q)
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        out[name] = rows
    return out


if __name__ == "__main__":
    main()
