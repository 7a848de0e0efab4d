// How many entities of each kind, with examples.
MATCH (n)
UNWIND labels(n) AS label
WITH label, n.name AS name ORDER BY name
RETURN label, count(*) AS entities, collect(name)[0..3] AS examples
ORDER BY entities DESC, label;
