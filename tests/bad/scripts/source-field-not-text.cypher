// A date is written as text: '2024'.
CREATE (:Source {id: 'news', published: 2024});
