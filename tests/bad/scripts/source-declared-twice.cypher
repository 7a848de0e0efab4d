// One id, two different sources.
CREATE (:Source {id: 'news', url: 'https://example.org/a', published: '2024-05'});
CREATE (:Source {id: 'news', url: 'https://example.org/b', published: '2024-05'});
