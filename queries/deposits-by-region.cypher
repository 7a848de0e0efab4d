// Deposits by region, with the commodities they hold.
MATCH (d:Deposit)-[:LOCATED_IN]->(r:Region)
RETURN r.name AS region, d.name AS deposit, d.commodities AS commodities
ORDER BY region;
