// `name` is an entity's field, not a source's.
CREATE (:Source {id: 'news', name: 'The News'});
