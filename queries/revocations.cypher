// Who revoked what, why, and what happened to the asset next.
MATCH (agency)-[r:REVOKED]->(holder)
OPTIONAL MATCH (holder)-[:CONTROLS]->(asset)
OPTIONAL MATCH (next)-[c:CONTROLS]->(asset) WHERE next <> holder
RETURN agency.name AS agency, holder.name AS holder, r.what AS what, r.reason AS reason,
       asset.name AS asset, next.name AS next_holder, c.since AS next_since;
