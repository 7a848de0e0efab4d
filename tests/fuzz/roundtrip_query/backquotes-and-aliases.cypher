MATCH (a) WITH `a`, a.name AS n RETURN `a`, 1.50, 1.5 AS a ORDER BY n
