// What each person controls, directly or through a chain of companies.
MATCH (p:Person)-[:CONTROLS|OWNS*1..5]->(x)
RETURN p.name AS person, collect(DISTINCT x.name) AS controls
ORDER BY person;
