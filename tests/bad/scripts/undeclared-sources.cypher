// Two relations cite sources that are not declared; the third cites one
// that is.
CREATE (:Source {id: 'declared', title: 'Declared'});
CREATE (:Company {id: 'acme'});
CREATE (:Company {id: 'beta'});
MATCH (a:Company {id: 'acme'}), (b:Company {id: 'beta'})
CREATE (a)-[:OWNS {share: 10, source: 'first'}]->(b),
       (b)-[:OWNS {share: 5, source: "it's second"}]->(a),
       (a)-[:CONTROLS {source: 'declared'}]->(b);
