CREATE (:Source {url: 'https://example.org/a', title: 'No id'});
