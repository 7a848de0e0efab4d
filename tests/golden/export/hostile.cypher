// kg export: sources 1, entities 10, relations 7.
// graph: hostile "names" \ <test>
CREATE (:Source {id: 'src', url: 'https://example.org/a?b=1&c="2"', title: 'Title with "quotes", <tags> & ;semicolons;', published: '2024-05'});
CREATE (:Person {id: 'q', name: 'Anna "Nyusha" O\'Neil', aliases: ['a;b', 'back\\slash']});
CREATE (:Company {id: 'back\\slash\\', name: 'C:\\Program Files\\ \\"x\\"\\', country: 'RU'});
CREATE (:Agency {id: 'new\nline', name: 'line one\nline two\r\nline three \u0001 bell\u0007'});
CREATE (:Deposit {id: '<html>{x}|y', name: '<b>bold</b> {record|field} & more', country: 'CN', remark: 'a;b,c\n"d"'});
CREATE (:Company:Agency {id: 'росатом', name: 'Госкорпорация «Росатом»', aliases: ['Росатом'], country: 'RU'});
CREATE (:Region {id: 'empty', name: ''});
CREATE (:Event {id: 'long', name: 'Limited Liability Company Limited Liability Company Limited Liability Company Limited Liability Company Limited Liability Company Limited Liability Company SupercalifragilisticexpialidociousSupercalifragilisticexpialidociousSupercalifragilisticexpialidociousSupercalifragilisticexpialidocious Holding'});
CREATE (:Thing {id: 'tab\there', name: 'tab\there', ```tick`` key`: 'v', empty_text: '', flag: true, list: [1, 2.5], mixed: ['x', 1], n: 5});
CREATE (:Commodity {id: 'end', name: '%legend Person #35; `code` -- > ; end'});
CREATE (:Country {id: '%legend Person', name: 'Legend collision', country: ''});
MATCH (a:Person {id: 'q'}), (b:Company {id: 'back\\slash\\'}) CREATE (a)-[:OWNS {share: 51, since: '2019', source: 'src', locator: 'para "1"', note: 'He said "yes"\nthen \\left', quote: '«Да» \\ \'no\''}]->(b);
MATCH (a:Company {id: 'back\\slash\\'}), (b:Deposit {id: '<html>{x}|y'}) CREATE (a)-[:OWNS {share: 50.5, since: '2019-03', until: '2021'}]->(b);
MATCH (a:Company {id: 'росатом'}), (b:Deposit {id: '<html>{x}|y'}) CREATE (a)-[:CONTROLS {until: '2024-12-31'}]->(b);
MATCH (a:Agency {id: 'new\nline'}), (b:Thing {id: 'tab\there'}) CREATE (a)-[:REVOKED {what: 'licence\t"A"'}]->(b);
MATCH (a:Region {id: 'empty'}), (b:Event {id: 'long'}) CREATE (a)-[:PART_OF]->(b);
MATCH (a:Commodity {id: 'end'}), (b:Commodity {id: 'end'}) CREATE (a)-[:LOCATED_IN]->(b);
MATCH (a:Country {id: '%legend Person'}), (b:Company {id: 'росатом'}) CREATE (a)-[:SIGNED_MEMORANDUM {since: '2024-03'}]->(b);
