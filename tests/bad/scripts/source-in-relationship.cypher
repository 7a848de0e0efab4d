CREATE (:Company {id: 'acme'})-[:CITED_BY]->(:Source {id: 'news'});
