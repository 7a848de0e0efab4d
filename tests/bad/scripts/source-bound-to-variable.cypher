CREATE (s:Source {id: 'news'}) RETURN s;
