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


def statements(text):
    """The statements of a script: comment lines dropped, split at `;`
    that ends a line."""
    body = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))
    for st in body.split(";\n"):
        st = st.strip().rstrip(";").strip()
        if st:
            yield st


def main():
    export_dir, db_path = sys.argv[1], sys.argv[2]
    queries = json.load(sys.stdin)
    db = ladybug.Database(db_path)
    conn = ladybug.Connection(db)
    os.chdir(export_dir)
    with open("load-ladybug.cypher", encoding="utf-8") as f:
        for st in statements(f.read()):
            conn.execute(st)
    out = {}
    for name, q in queries.items():
        result = conn.execute(q)
        rows = []
        while result.has_next():
            rows.append(result.get_next())
        out[name] = rows
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
