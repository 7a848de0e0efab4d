"""Reads the load-ladybug.cypher script that `kg export --to csv` writes."""


def statements(text):
    """The statements of a script: comment lines dropped, split at `;`
    that ends a line."""
    body = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))
    for st in body.split(";\n"):
        st = st.strip().rstrip(";").strip()
        if st:
            yield st
