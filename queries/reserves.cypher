// Reserves with a tonnage, largest first.
MATCH (holder)-[r:HAS_RESERVES]->(c:Commodity)
WHERE r.tonnes IS NOT NULL
RETURN holder.name AS holder, c.name AS commodity, r.tonnes AS tonnes, r.form AS form
ORDER BY tonnes DESC, holder;
