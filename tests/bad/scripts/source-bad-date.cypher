CREATE (:Source {id: 'news', published: '2024-13'});
