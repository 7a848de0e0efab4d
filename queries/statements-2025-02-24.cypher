// What was said, proposed or offered on 24 February 2025.
MATCH (who)-[r]->(what)
WHERE r.since = '2025-02-24'
RETURN who.name AS who, type(r) AS did, what.name AS what, r.locator AS paragraph
ORDER BY toInteger(substring(paragraph, 5)), who, did, what;
