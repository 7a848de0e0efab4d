// What was said, proposed or offered on 24 February 2025, in the order of
// the first paragraph each fact cites.
MATCH (who)-[r]->(what)
WHERE r.since = '2025-02-24'
RETURN who.name AS who, type(r) AS did, what.name AS what, r.locator AS paragraphs
ORDER BY toInteger(substring(split(paragraphs, ', ')[0], 5)), who, did, what;
