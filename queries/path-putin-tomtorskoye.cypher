// The shortest chains of facts between Putin and the Tomtorskoye deposit, in any direction.
MATCH p = allShortestPaths((a {name: 'Vladimir Putin'})-[*..8]-(b {name: 'Tomtorskoye'}))
RETURN [n IN nodes(p) | n.name] AS chain, [r IN relationships(p) | type(r)] AS relations, length(p) AS hops
ORDER BY chain, relations;
