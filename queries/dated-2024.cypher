// Every fact dated in 2024: revocations, licences, memoranda, estimates.
MATCH (a)-[r]->(b)
WHERE r.since STARTS WITH '2024' OR r.until STARTS WITH '2024'
RETURN a.name AS subject, type(r) AS relation, b.name AS object, r.since AS since, r.until AS until, r.locator AS paragraph
ORDER BY subject, relation, object;
