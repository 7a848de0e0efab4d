// Who held Ak-Sugsky as of 2023, and as of 2025: the licence changed hands in 2024.
AS OF 2023
MATCH (holder)-[:CONTROLS]->(:Deposit {name: 'Ak-Sugsky'})
OPTIONAL MATCH (top)-[:CONTROLS]->(holder)
RETURN holder.name AS holder, top.name AS controlled_by;

AS OF 2025
MATCH (holder)-[:CONTROLS]->(:Deposit {name: 'Ak-Sugsky'})
OPTIONAL MATCH (top)-[:CONTROLS]->(holder)
RETURN holder.name AS holder, top.name AS controlled_by;
