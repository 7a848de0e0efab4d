// Who is part of what: subsidiaries and divisions with their parents.
MATCH (part)-[:PART_OF]->(parent)
RETURN part.name AS part, parent.name AS parent
ORDER BY part;
