// The relation cites a source that neither the script nor the graph file
// declares.
CREATE (:Company {id: 'acme', name: 'Acme'});
CREATE (:Person {id: 'bob', name: 'Bob'});
MATCH (a:Person {id: 'bob'}), (b:Company {id: 'acme'})
CREATE (a)-[:OWNS {share: 10, source: 'kommersant-7534002', locator: 'para 9'}]->(b);
