// Who signed memoranda with whom, when, and about what.
MATCH (a)-[m:SIGNED_MEMORANDUM]-(b)
WHERE a.name < b.name
RETURN a.name AS party, b.name AS other_party, m.since AS signed, m.project AS project
ORDER BY party, other_party;
