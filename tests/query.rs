//! Queries through `kg::query::run_script` on a small ownership graph:
//! one line per case, query -> expected rows.

// Test helpers fail by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kg::graph::{load_str, Graph};
use kg::query::{run_script, Options, Params, Value};

const GRAPH: &str = r#"{"kg": 1, "name": "t",
  "sources": [{"id": "src", "title": "A source"}],
  "entities": [
    {"id": "putin", "labels": ["Person"], "name": "Vladimir Putin", "aliases": ["Putin"]},
    {"id": "rostec", "labels": ["Company"], "name": "Rostec", "props": {"country": "RU"}},
    {"id": "rosatom", "labels": ["Company"], "name": "Rosatom", "props": {"country": "RU"}},
    {"id": "armz", "labels": ["Company"], "name": "Rosatom Nedra", "aliases": ["ARMZ"]},
    {"id": "tomtor", "labels": ["Deposit"], "name": "Tomtorskoye", "props": {"reserves": 154.0}},
    {"id": "east", "labels": ["Company"], "name": "EAST Group", "aliases": ["EAST"]}
  ],
  "relations": [
    {"from": "armz", "type": "PART_OF", "to": "rosatom", "source": "src", "locator": "para 3"},
    {"from": "east", "type": "OWNS", "to": "tomtor", "props": {"share": 100}, "since": "2019", "until": "2024-06"},
    {"from": "rostec", "type": "OWNS", "to": "tomtor", "props": {"share": 25}, "since": "2024-07"},
    {"from": "putin", "type": "LEADS", "to": "rostec"},
    {"from": "rosatom", "type": "OWNS", "to": "armz", "props": {"share": 100}}
  ]}"#;

fn graph() -> Graph {
    load_str("t.json", GRAPH).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `q` on a fresh graph and renders each row of the last result as
/// text, values separated by ` | `.
fn rows(q: &str) -> Vec<String> {
    let mut g = graph();
    let results = run_script(&mut g, q, &Params::new(), &Options::default())
        .unwrap_or_else(|e| panic!("{q}: {}", e.render(q)));
    let last = results.into_iter().last().unwrap_or_default();
    last.rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|v| show(&g, v))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .collect()
}

/// Nodes by id (or name), relationships by type; everything else as
/// `Value`'s Display.
fn show(g: &Graph, v: &Value) -> String {
    match v {
        Value::Node(n) => g
            .entity(*n)
            .and_then(|e| e.id.as_deref().or(e.name.as_deref()))
            .unwrap_or("?")
            .to_string(),
        Value::Rel(r) => g
            .relation(*r)
            .map_or("?".into(), |r| format!(":{}", g.resolve(r.ty))),
        Value::List(l) => format!(
            "[{}]",
            l.iter()
                .map(|x| match x {
                    Value::Str(s) => format!("'{s}'"),
                    x => show(g, x),
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// The error code of a failing query.
fn error_code(q: &str) -> String {
    let mut g = graph();
    match run_script(&mut g, q, &Params::new(), &Options::default()) {
        Ok(_) => "no error".into(),
        Err(e) => format!("{} {}", e.tck_type(), e.code().unwrap_or("-")),
    }
}

macro_rules! yields {
    ($name:ident, $q:expr, [$($row:expr),* $(,)?]) => {
        #[test]
        fn $name() {
            let want: Vec<&str> = vec![$($row),*];
            assert_eq!(rows($q), want, "{}", $q);
        }
    };
}

macro_rules! fails {
    ($name:ident, $q:expr, $code:expr) => {
        #[test]
        fn $name() {
            assert_eq!(error_code($q), $code, "{}", $q);
        }
    };
}

yields!(
    by_id,
    "MATCH (n {id: 'tomtor'}) RETURN n.name",
    ["Tomtorskoye"]
);
yields!(by_name_is_exact, "MATCH (n {name: 'rostec'}) RETURN n", []);
yields!(
    by_name,
    "MATCH (n {name: 'Rostec'}) RETURN n.country",
    ["RU"]
);
yields!(
    aliases_read_as_property,
    "MATCH (n:Company {id: 'armz'}) RETURN n.aliases",
    ["['ARMZ']"]
);
yields!(
    owners_of_deposit,
    "MATCH (o)-[r:OWNS]->(:Deposit {name: 'Tomtorskoye'}) RETURN o.name, r.share ORDER BY r.share DESC",
    ["EAST Group | 100", "Rostec | 25"]
);
yields!(
    left_arrow,
    "MATCH (d:Deposit)<-[:OWNS]-(o) RETURN o ORDER BY o.name",
    ["east", "rostec"]
);
yields!(
    chain_of_two,
    "MATCH (p:Person)-[:LEADS]->(c)-[:OWNS]->(d) RETURN p.name, c.name, d.name",
    ["Vladimir Putin | Rostec | Tomtorskoye"]
);
yields!(
    variable_length,
    "MATCH (a {id: 'rosatom'})-[*1..3]-(b) RETURN b ORDER BY b.id",
    ["armz", "armz", "rosatom", "rosatom"]
);
yields!(
    undirected_both_ways,
    "MATCH (a {id: 'armz'})-[r]-(b) RETURN type(r), b ORDER BY type(r)",
    ["OWNS | rosatom", "PART_OF | rosatom"]
);
yields!(
    relation_fields_read_as_properties,
    "MATCH ()-[r:PART_OF]->() RETURN r.source, r.locator",
    ["src | para 3"]
);
yields!(
    dates_read_as_text,
    "MATCH ({id: 'east'})-[r]->() RETURN r.since, r.until",
    ["2019 | 2024-06"]
);
yields!(
    as_of_keeps_relations_valid_then,
    "AS OF 2020 MATCH (o)-[:OWNS]->(:Deposit) RETURN o",
    ["east"]
);
yields!(
    as_of_a_later_period,
    "AS OF '2025-01' MATCH (o)-[:OWNS]->(:Deposit) RETURN o",
    ["rostec"]
);
yields!(
    valid_at_function,
    "MATCH (o)-[r:OWNS]->(:Deposit) RETURN o.id, valid_at(r, '2024-07') ORDER BY o.id",
    ["east | false", "rostec | true"]
);
yields!(
    count_and_group,
    "MATCH (n) RETURN labels(n)[0] AS l, count(*) AS c ORDER BY c DESC, l",
    ["Company | 4", "Deposit | 1", "Person | 1"]
);
// Grouping by a node's property counts per node first; nodes with equal
// keys must still end in one group.
yields!(
    group_by_node_property_merges_equal_keys,
    "MATCH (o)-[:OWNS]->() RETURN o.country AS c, count(*) AS n ORDER BY n DESC",
    ["RU | 2", "null | 1"]
);
yields!(
    count_of_expression_by_node_skips_nulls,
    "MATCH (o)-[:OWNS]->(t) RETURN o.id, count(t.reserves) AS c ORDER BY o.id",
    ["east | 1", "rosatom | 0", "rostec | 1"]
);
yields!(
    group_by_node_with_null_rows,
    "MATCH (n:Company) OPTIONAL MATCH (n)-[:OWNS]->(t) RETURN t.name AS t, count(*) AS c ORDER BY t",
    ["Rosatom Nedra | 1", "Tomtorskoye | 2", "null | 1"]
);
yields!(
    group_by_relationship_property,
    "MATCH ()-[r]->() RETURN r.share AS s, count(*) AS c ORDER BY s",
    ["25 | 1", "100 | 2", "null | 2"]
);
yields!(
    distinct_count_grouped_by_node_property,
    "MATCH (o)-[:OWNS]->(t) RETURN o.country AS c, count(DISTINCT t) AS n ORDER BY c",
    ["RU | 2", "null | 1"]
);
yields!(
    aggregate_inside_an_expression,
    "MATCH (o)-[:OWNS]->(t) RETURN o.id AS o, count(*) * 10 + size(collect(t.id)) AS x ORDER BY o",
    ["east | 11", "rosatom | 11", "rostec | 11"]
);
yields!(
    order_by_a_column_and_an_expression,
    "MATCH (o)-[:OWNS]->(t) RETURN o.id AS o, count(*) AS c ORDER BY c DESC, toUpper(o) DESC LIMIT 2",
    ["rostec | 1", "rosatom | 1"]
);
yields!(
    count_on_nothing,
    "MATCH (n:Nothing) RETURN count(n), collect(n), sum(n.x)",
    ["0 | [] | 0"]
);
yields!(
    optional_match_gives_nulls,
    "MATCH (p:Person) OPTIONAL MATCH (p)-[:OWNS]->(x) RETURN p.name, x",
    ["Vladimir Putin | null"]
);
yields!(
    with_where_and_distinct,
    "MATCH (c:Company) WITH c.country AS k WHERE k IS NOT NULL RETURN DISTINCT k",
    ["RU"]
);
yields!(
    unwind_and_arithmetic,
    "UNWIND [1, 2, 3] AS x RETURN x * 2 + 0.5",
    ["2.5", "4.5", "6.5"]
);
yields!(
    null_logic,
    "RETURN null AND false, null OR true, null = null, 1 IN [null, 1]",
    ["false | true | null | true"]
);
yields!(
    integer_division,
    "RETURN 7 / 2, 7 % 3, 7.0 / 2, 2 ^ 3",
    ["3 | 1 | 3.5 | 8.0"]
);
yields!(
    strings,
    "RETURN toUpper('ab'), substring('hello', 1, 3), split('a,b', ','), 'x' + 1",
    ["AB | ell | ['a', 'b'] | x1"]
);
yields!(
    list_ops,
    "RETURN [1, 2, 3][-1], [1, 2, 3][1..], range(1, 7, 3), size([1, 2])",
    ["3 | [2, 3] | [1, 4, 7] | 2"]
);
yields!(
    comprehension,
    "RETURN [x IN range(1, 5) WHERE x % 2 = 1 | x * x] AS odd",
    ["[1, 9, 25]"]
);
yields!(
    case_expression,
    "UNWIND [1, 5] AS x RETURN CASE WHEN x > 2 THEN 'big' ELSE 'small' END",
    ["small", "big"]
);
yields!(
    named_path,
    "MATCH p = (:Person)-[:LEADS]->()-[:OWNS]->() RETURN length(p), [n IN nodes(p) | n.id]",
    ["2 | ['putin', 'rostec', 'tomtor']"]
);
yields!(
    shortest_path,
    "MATCH (a {id: 'putin'}), (b {id: 'tomtor'}) MATCH p = shortestPath((a)-[*]-(b)) RETURN length(p)",
    ["2"]
);
yields!(
    order_skip_limit,
    "MATCH (n:Company) RETURN n.id ORDER BY n.id SKIP 1 LIMIT 2",
    ["east", "rosatom"]
);
yields!(
    create_then_read,
    "CREATE (:Person {name: 'Trump', age: 78}); MATCH (p:Person) WHERE p.age > 70 RETURN p.name",
    ["Trump"]
);
yields!(
    merge_matches_or_creates,
    "MERGE (a:Company {name: 'Rostec'}) ON MATCH SET a.seen = true RETURN a.seen; MERGE (b:Company {name: 'NFC'}) ON CREATE SET b.new = true RETURN b.new",
    ["true"]
);
yields!(
    set_and_remove,
    "MATCH (n {id: 'tomtor'}) SET n.kind = 'rare earths', n:Big REMOVE n.reserves RETURN n.kind, n.reserves, labels(n)",
    ["rare earths | null | ['Deposit', 'Big']"]
);
yields!(
    detach_delete,
    "MATCH (n {id: 'armz'}) DETACH DELETE n; MATCH (n) RETURN count(n)",
    ["5"]
);
yields!(
    explain_shows_the_anchor,
    "EXPLAIN MATCH (n {id: 'x'})-->(m) RETURN m",
    [
        "1. Match",
        "   Part 1",
        "     Anchor (n {...}) by id index",
        "     Expand (n {...})-[]->(m)",
        "2. Return"
    ]
);

yields!(
    explain_shows_a_type_index_scan,
    "EXPLAIN MATCH (o)-[:OWNS|CONTROLS]->(x) RETURN o, count(*)",
    [
        "1. Match",
        "   Part 1",
        "     Anchor (o) by relationship type index :CONTROLS|OWNS",
        "     Expand (o)-[:OWNS|CONTROLS]->(x)",
        "   Count per anchor node (no rows: each node's matches are counted)",
        "2. Return"
    ]
);
yields!(
    explain_shows_rows_made_when_where_needs_them,
    "EXPLAIN MATCH (o)-[:OWNS|CONTROLS]->(x) WHERE x.name <> '' RETURN o, count(*)",
    [
        "1. Match",
        "   Part 1",
        "     Anchor (o) by relationship type index :CONTROLS|OWNS",
        "     Expand (o)-[:OWNS|CONTROLS]->(x)",
        "     Filter (x) (1 condition(s) of WHERE)",
        "2. Return"
    ]
);
yields!(
    a_type_index_scan_finds_every_relationship_once,
    "MATCH (o)-[r:OWNS|CONTROLS]-(x) WITH count(*) AS both_ways MATCH ()-[r:OWNS|CONTROLS]->() RETURN both_ways, count(r) AS one_way",
    ["6 | 3"]
);

fails!(
    undefined_variable,
    "RETURN x",
    "SyntaxError UndefinedVariable"
);
fails!(
    create_bound_with_label,
    "MATCH (a) CREATE (a:X)",
    "SyntaxError VariableAlreadyBound"
);
fails!(
    node_used_as_relationship,
    "MATCH (a)-[a]->() RETURN a",
    "SyntaxError VariableTypeConflict"
);
fails!(
    unwind_rebinds,
    "UNWIND [1] AS x UNWIND [2] AS x RETURN x",
    "SyntaxError VariableAlreadyBound"
);
fails!(
    nested_aggregate,
    "MATCH (a) RETURN count(count(*))",
    "SyntaxError NestedAggregation"
);
fails!(
    aggregate_in_where,
    "MATCH (a) WHERE count(a) > 1 RETURN a",
    "SyntaxError InvalidAggregation"
);
fails!(
    unknown_function,
    "RETURN nosuch(1)",
    "SyntaxError UnknownFunction"
);
fails!(
    integer_overflow,
    "RETURN 9223372036854775807 + 1",
    "ArgumentError NumberOutOfRange"
);
fails!(
    string_times_number,
    "RETURN 'a' * 2",
    "TypeError InvalidArgumentType"
);
fails!(
    delete_connected,
    "MATCH (n {id: 'armz'}) DELETE n",
    "ConstraintVerificationFailed DeleteConnectedNode"
);
yields!(
    owners_as_of_a_month,
    "AS OF 2024-06 OWNERS OF 'Tomtorskoye'",
    ["EAST Group | east | OWNS | 100 | 2019 | 2024-06 | false | []"]
);
yields!(
    owners_as_of_a_day_after_the_statement,
    "OWNERS OF 'tomtor' AS OF '2024-07-01'",
    ["Rostec | rostec | OWNS | 25 | 2024-07 | null | false | []"]
);
yields!(
    owners_as_of_a_year_keep_what_held_during_it,
    "OWNERS OF 'Tomtorskoye' AS OF 2024",
    [
        "EAST Group | east | OWNS | 100 | 2019 | 2024-06 | false | []",
        "Rostec | rostec | OWNS | 25 | 2024-07 | null | false | []"
    ]
);
yields!(
    ultimate_owners_follow_part_of_backwards,
    "OWNERS OF 'ARMZ' ULTIMATE",
    ["Rosatom | rosatom | 100.0 | false | false | [] | null | null | always | [{effective_share: 100.0, exact: false, from: null, to: null}] | 2 | ['armz -PART_OF-> rosatom', 'rosatom -OWNS-> armz'] | []"]
);
yields!(
    ultimate_owners_with_their_history,
    "OWNERS OF 'Tomtorskoye' ULTIMATE HISTORY",
    [
        "null | 2018 | -> 2018 | []",
        "2019 | 2024-06 | 2019 -> 2024-06 | [{effective_share: 100.0, exact: true, id: 'east', owner: 'EAST Group'}]",
        "2024-07 | null | 2024-07 -> | [{effective_share: 25.0, exact: true, id: 'rostec', owner: 'Rostec'}]"
    ]
);
yields!(holdings_ultimate, "HOLDINGS OF 'Putin' ULTIMATE", []);
yields!(
    path_between_two_entities,
    "PATH FROM 'Putin' TO 'Tomtorskoye' VIA LEADS|OWNS MAX 2",
    ["Vladimir Putin -[LEADS]-> Rostec -[OWNS since 2024-07]-> Tomtorskoye | 2 | 2024-07 | null | 2024-07 -> | ['putin -LEADS-> rostec'] | <path of 2 relationships>"]
);
fails!(
    owners_of_an_unknown_name,
    "OWNERS OF 'Rostek'",
    "ArgumentError UnknownEntity"
);
fails!(
    owners_of_a_missing_parameter,
    "OWNERS OF $who",
    "SemanticError ParameterMissing"
);
fails!(
    path_max_zero,
    "PATH FROM 'Putin' TO 'Rostec' MAX 0",
    "ArgumentError InvalidArgumentValue"
);
fails!(
    owners_as_of_not_a_date,
    "OWNERS OF 'Rostec' AS OF '2024-13'",
    "ArgumentError InvalidArgumentValue"
);
fails!(
    missing_parameter,
    "RETURN $nope",
    "SemanticError ParameterMissing"
);

#[test]
fn a_failed_statement_leaves_the_graph_unchanged() {
    let mut g = graph();
    let before = g.entity_count();
    let q = "CREATE (:X) WITH 1 AS one RETURN 'a' * one";
    assert!(run_script(&mut g, q, &Params::new(), &Options::default()).is_err());
    assert_eq!(g.entity_count(), before);
}

#[test]
fn parameters_and_options() {
    let mut g = graph();
    let mut params = Params::new();
    params.insert("id".into(), Value::Str("tomtor".into()));
    let q = "MATCH (n {id: $id})<-[:OWNS]-(o) RETURN o.id";
    let options = Options {
        as_of: kg::graph::Date::parse("2020").ok(),
        ..Options::default()
    };
    let r = run_script(&mut g, q, &params, &options).unwrap_or_else(|e| panic!("{}", e.render(q)));
    assert_eq!(r[0].rows, vec![vec![Value::Str("east".into())]]);
}

#[test]
fn runtime_errors_point_at_the_expression() {
    let mut g = graph();
    let q = "RETURN 1 + 'ж' * 2";
    let e = run_script(&mut g, q, &Params::new(), &Options::default())
        .err()
        .map(|e| e.render(q));
    assert_eq!(
        e.as_deref(),
        Some("error at line 1, column 12: `'ж' * 2`: cannot apply `*` to a string and an integer\n  RETURN 1 + 'ж' * 2\n             ^^^^^^^")
    );
}

/// Expands enough relation lists for the typed adjacency index to be
/// built (it is built after 20,000 walks).
const WARM: &str =
    "UNWIND range(1, 25000) AS i MATCH (a {id: 'rostec'})-[:OWNS]->(b) RETURN count(*)";

/// The rows of `q` sorted, as text.
fn sorted_rows(g: &mut Graph, q: &str) -> Vec<String> {
    let results = run_script(g, q, &Params::new(), &Options::default())
        .unwrap_or_else(|e| panic!("{q}: {}", e.render(q)));
    let mut rows: Vec<String> = results
        .last()
        .map(|r| {
            r.rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|v| show(g, v))
                        .collect::<Vec<_>>()
                        .join(" | ")
                })
                .collect()
        })
        .unwrap_or_default();
    rows.sort();
    rows
}

#[test]
fn typed_adjacency_index_gives_the_same_answers_as_relation_lists() {
    let extra = "MATCH (r {id: 'rosatom'}), (t {id: 'tomtor'}) \
                 CREATE (r)-[:OWNS {share: 5}]->(r), (t)-[:OWNS]->(r), (r)-[:PART_OF]->(t)";
    let queries = [
        "MATCH (a)-[r:OWNS]->(b) RETURN a.id, b.id, r.share",
        "MATCH (a)<-[:OWNS]-(b) RETURN a.id, b.id",
        "MATCH (a)-[r:OWNS|PART_OF]-(b) RETURN a.id, type(r), b.id",
        "MATCH (a {id: 'rosatom'})-[:OWNS]-(b) RETURN b.id",
        "MATCH (a)-[:OWNS*1..3]->(b) RETURN DISTINCT a.id, b.id",
        "MATCH (a)-[:OWNS {share: 100}]->(b) RETURN a.id, b.id",
        "MATCH (a)-[:OWNS|OWNS]->(b:Deposit) RETURN a.id, b.id",
        "MATCH (a)-[:NO_SUCH]->(b) RETURN a.id",
        "MATCH p = shortestPath((a {id: 'east'})-[:OWNS*..5]-(b {id: 'rosatom'})) RETURN length(p)",
    ];
    let mut slow = graph();
    run_script(&mut slow, extra, &Params::new(), &Options::default()).unwrap();
    let mut fast = slow.clone();
    run_script(&mut fast, WARM, &Params::new(), &Options::default()).unwrap();
    assert!(
        fast.adjacency().is_some(),
        "the index should be built by now"
    );
    for q in queries {
        let want = sorted_rows(&mut slow.clone(), q);
        assert_eq!(sorted_rows(&mut fast, q), want, "{q}");
    }
    // AS OF reads each relation's dates through the index too.
    let as_of = Options {
        as_of: Some(kg::graph::Date::parse("2020").unwrap()),
        ..Options::default()
    };
    let q = "MATCH (a)-[:OWNS]->(b:Deposit) RETURN a.id";
    let run = |g: &mut Graph| {
        run_script(g, q, &Params::new(), &as_of)
            .unwrap()
            .remove(0)
            .rows
            .len()
    };
    assert_eq!(run(&mut fast), 1);
    assert_eq!(run(&mut slow.clone()), 1);
}

#[test]
fn labels_past_the_64th_symbol_do_not_hide_the_others() {
    // Labels, types and keys share one table of symbols: 70 property keys
    // push the label `Late` past the 64 that have a bit.
    let props: Vec<String> = (0..70).map(|i| format!("\"k{i}\": {i}")).collect();
    let text = format!(
        r#"{{"kg": 1, "entities": [
          {{"id": "a", "labels": ["Company"], "props": {{{}}}}},
          {{"id": "b", "labels": ["Company", "Late"]}}
        ], "relations": [{{"from": "a", "type": "OWNS", "to": "b"}}]}}"#,
        props.join(", ")
    );
    let g = kg::graph::load_str("late.json", &text).unwrap();
    assert!(g.sym("Late").unwrap().index() >= 64);
    let bytes = kg::graph::snapshot::encode(&g, &[]).unwrap();
    let header = kg::graph::snapshot::read_header(&bytes).unwrap();
    let frozen = kg::graph::snapshot::open(
        std::sync::Arc::new(kg::graph::mapped::FileBytes::from_vec(bytes)),
        &header,
    )
    .unwrap();
    assert!(frozen.is_frozen());
    let mut warm = g.clone();
    run_script(&mut warm, WARM, &Params::new(), &Options::default()).unwrap();
    for mut graph in [g.clone(), warm, frozen] {
        assert_eq!(
            sorted_rows(&mut graph.clone(), "MATCH (n:Company) RETURN n.id"),
            ["a", "b"]
        );
        assert_eq!(
            sorted_rows(&mut graph.clone(), "MATCH (n:Late:Company) RETURN n.id"),
            ["b"]
        );
        assert_eq!(
            sorted_rows(
                &mut graph,
                "MATCH (:Company)-[:OWNS]->(n:Company) RETURN n.id"
            ),
            ["b"]
        );
    }
    // A label given later, past the 64th symbol too.
    let mut g = g;
    let q = "MATCH (n {id: 'a'}) SET n:Later RETURN n.id";
    run_script(&mut g, q, &Params::new(), &Options::default()).unwrap();
    assert_eq!(
        sorted_rows(&mut g, "MATCH (n:Company) RETURN n.id"),
        ["a", "b"]
    );
    assert_eq!(sorted_rows(&mut g, "MATCH (n:Later) RETURN n.id"), ["a"]);
}

#[test]
fn a_change_to_the_graph_drops_the_typed_adjacency_index() {
    let mut g = graph();
    run_script(&mut g, WARM, &Params::new(), &Options::default()).unwrap();
    assert!(g.adjacency().is_some());
    let q = "MATCH (a {id: 'putin'})-[:OWNS]->(b) RETURN b.id";
    assert!(sorted_rows(&mut g, q).is_empty());
    sorted_rows(
        &mut g,
        "MATCH (a {id: 'putin'}), (b {id: 'armz'}) CREATE (a)-[:OWNS]->(b)",
    );
    assert_eq!(sorted_rows(&mut g, q), ["armz"]);
    run_script(&mut g, WARM, &Params::new(), &Options::default()).unwrap();
    assert!(g.adjacency().is_some());
    assert_eq!(sorted_rows(&mut g, q), ["armz"]);
    sorted_rows(&mut g, "MATCH (:Person)-[r:OWNS]->() DELETE r");
    assert!(sorted_rows(&mut g, q).is_empty());
    // The typed lists carry the label bits of each relation's other end;
    // a label set or removed drops them.
    let labelled = "MATCH (a {id: 'rostec'})-[:OWNS]->(b:Listed) RETURN b.id";
    run_script(&mut g, WARM, &Params::new(), &Options::default()).unwrap();
    assert!(g.adjacency().is_some());
    assert!(sorted_rows(&mut g, labelled).is_empty());
    sorted_rows(&mut g, "MATCH (b {id: 'tomtor'}) SET b:Listed");
    assert!(g.adjacency().is_none());
    run_script(&mut g, WARM, &Params::new(), &Options::default()).unwrap();
    assert_eq!(sorted_rows(&mut g, labelled), ["tomtor"]);
    sorted_rows(&mut g, "MATCH (b {id: 'tomtor'}) REMOVE b:Listed");
    run_script(&mut g, WARM, &Params::new(), &Options::default()).unwrap();
    assert!(sorted_rows(&mut g, labelled).is_empty());
}

/// Counting matches per node (a MATCH of one relationship straight into
/// `count`) gives what counting the rows gives; a `WHERE true` makes the
/// same query count rows. `ORDER BY c ... LIMIT k` makes groups only for
/// nodes whose count can be among the first `k`.
#[test]
fn counting_per_node_gives_the_same_counts_as_rows() {
    let extra = "MATCH (r {id: 'rosatom'}), (t {id: 'tomtor'}) \
                 CREATE (r)-[:OWNS {share: 5}]->(r), (t)-[:OWNS]->(r), (r)-[:PART_OF]->(t), \
                 (:Nameless)-[:OWNS]->(t), (:Nameless)-[:OWNS]->(t), (:Nameless)-[:OWNS]->(r)";
    let shapes = [
        ("MATCH (o)-[:OWNS]->()", "RETURN o.id, count(*) AS c"),
        ("MATCH (o)<-[:OWNS]-()", "RETURN o.id, count(*) AS c"),
        ("MATCH (o)-[:OWNS]-()", "RETURN o.id, count(*) AS c"),
        ("MATCH ()-[:OWNS]->(o)", "RETURN o.id, count(*) AS c"),
        ("MATCH (o)-[:OWNS|PART_OF]->()", "RETURN o, count(*) AS c"),
        ("MATCH (o)-[r]->()", "RETURN o.id, count(r) AS c"),
        (
            "MATCH (o:Company)-[:OWNS]->(x:Deposit)",
            "RETURN o.id, count(x) AS c",
        ),
        (
            "MATCH (o)-[r:OWNS {share: 5}]->(x)",
            "RETURN o.id, count(r) AS c, count(*) AS d",
        ),
        (
            "MATCH (o)-[:OWNS]->(x {id: 'tomtor'})",
            "RETURN o.name, count(*) AS c",
        ),
        ("MATCH (o)-[:NO_SUCH]->()", "RETURN o.id, count(*) AS c"),
        (
            "MATCH (o)-[:OWNS]->()",
            "RETURN o.id, count(*) AS c ORDER BY c DESC, o.id LIMIT 3",
        ),
        (
            "MATCH (o)-[:OWNS]->()",
            "RETURN o.id, count(*) AS c ORDER BY c, o.id LIMIT 2",
        ),
        (
            "MATCH (o)-[:OWNS]->()",
            "RETURN labels(o) AS l, count(*) AS c ORDER BY c DESC, l LIMIT 1",
        ),
        (
            "MATCH (o)-[:OWNS]->()",
            "RETURN o.id, count(*) AS c ORDER BY c DESC, o.id SKIP 1 LIMIT 1",
        ),
        (
            "MATCH (o)-[:OWNS]->()",
            "RETURN o.id, count(*) AS c ORDER BY c DESC LIMIT 0",
        ),
        (
            "MATCH (o)-[:OWNS]->()",
            "WITH o.id AS id, count(*) AS c RETURN id, c",
        ),
    ];
    let mut slow = graph();
    run_script(&mut slow, extra, &Params::new(), &Options::default()).unwrap();
    let mut fast = slow.clone();
    run_script(&mut fast, WARM, &Params::new(), &Options::default()).unwrap();
    assert!(fast.adjacency().is_some());
    for (m, ret) in shapes {
        let counted = format!("{m} {ret}");
        // Sorting on `c + 0`, not on the column, keeps every group.
        let by_rows = format!(
            "{m} WHERE true {}",
            ret.replace("ORDER BY c", "ORDER BY c + 0")
        );
        let want = sorted_rows(&mut slow.clone(), &by_rows);
        assert!(
            !want.is_empty() || m.contains("NO_SUCH") || ret.ends_with("LIMIT 0"),
            "{by_rows}"
        );
        assert_eq!(sorted_rows(&mut slow.clone(), &counted), want, "{counted}");
        assert_eq!(
            sorted_rows(&mut fast, &counted),
            want,
            "{counted} (typed lists)"
        );
    }
    // The three nodes without an id count as one group, which comes first.
    assert_eq!(
        sorted_rows(
            &mut fast,
            "MATCH (o)-[:OWNS]->() RETURN o.id, count(*) AS c ORDER BY c DESC LIMIT 1"
        ),
        ["null | 3"]
    );
    // AS OF: only relations valid then are counted.
    let as_of = Options {
        as_of: Some(kg::graph::Date::parse("2020").unwrap()),
        ..Options::default()
    };
    let count = |g: &mut Graph, q: &str| {
        let mut r = run_script(g, q, &Params::new(), &as_of).unwrap();
        let mut rows: Vec<String> = r
            .remove(0)
            .rows
            .iter()
            .map(|row| format!("{row:?}"))
            .collect();
        rows.sort();
        rows
    };
    let q = "MATCH (o)-[:OWNS]->(:Deposit) RETURN o.id, count(*)";
    let want = count(
        &mut slow.clone(),
        "MATCH (o)-[:OWNS]->(:Deposit) WHERE true RETURN o.id, count(*)",
    );
    assert_eq!(count(&mut fast, q), want);
    assert_eq!(count(&mut slow, q), want);
}

/// Rows whose key variable is not a node (here maps from UNWIND) group
/// with the nodes that have the same key.
#[test]
fn counting_per_node_merges_with_rows_that_are_not_nodes() {
    let mut g = graph();
    let q = "MATCH (n {id: 'rosatom'}) UNWIND [n, {id: 'rosatom'}, n] AS o \
             RETURN o.id, count(*) AS c ORDER BY c DESC LIMIT 1";
    assert_eq!(sorted_rows(&mut g, q), ["rosatom | 3"]);
}
