//! The query parser: tree shapes, syntax errors, round trips.

// A test reports failure by panicking.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use kg::query::ast::*;
use kg::query::error::line_col;
use kg::query::{parse_script, parse_statement};

/// The expression of `RETURN <text>`.
fn expr(text: &str) -> Expr {
    let q = format!("RETURN {text}");
    let statement = parse_statement(&q).unwrap_or_else(|e| panic!("{}", e.render(&q)));
    match statement.body {
        StatementBody::Query(mut query) => match query.clauses.pop() {
            Some(Clause::Return(mut r)) => r.projection.items.remove(0).expr,
            other => panic!("not a RETURN: {other:?}"),
        },
        other => panic!("not a query: {other:?}"),
    }
}

/// Parses, prints, parses again and demands the same tree.
fn round_trip(text: &str) -> Script {
    let script = parse_script(text).unwrap_or_else(|e| panic!("{}", e.render(text)));
    let printed = script.to_string();
    let again = parse_script(&printed).unwrap_or_else(|e| panic!("{}", e.render(&printed)));
    assert_eq!(script, again, "printed as {printed}");
    script
}

/// `shape!(name, "expression", "fully parenthesised print")`: the tree of
/// an expression, shown by the printer's `{:#}` form (which parenthesises
/// every operand that is not an atom).
macro_rules! shape {
    ($name:ident, $text:expr, $printed:expr) => {
        #[test]
        fn $name() {
            assert_eq!(format!("{:#}", expr($text)), $printed);
            round_trip(&format!("RETURN {}", $text));
        }
    };
}

/// `statement!(name, "statement", pattern)`: the statement parses to a
/// tree matching the pattern, and round-trips.
macro_rules! statement {
    ($name:ident, $text:expr, $pattern:pat $(if $guard:expr)?) => {
        #[test]
        fn $name() {
            let s = parse_statement($text).unwrap_or_else(|e| panic!("{}", e.render($text)));
            assert!(matches!(s, $pattern $(if $guard)?), "{s:#?}");
            round_trip($text);
        }
    };
}

/// `error!(name, "text")`: the rendered syntax error, as an insta snapshot.
macro_rules! error {
    ($name:ident, $text:expr) => {
        #[test]
        fn $name() {
            let e = parse_script($text).expect_err("should not parse");
            insta::assert_snapshot!(e.render($text));
        }
    };
}

// Literals
shape!(int_decimal, "42", "42");
shape!(int_hex, "0x1F", "31");
shape!(int_octal, "0o17", "15");
shape!(int_min, "-9223372036854775808", "-9223372036854775808");
shape!(negative_literal, "-5", "-5");
shape!(negated_variable, "-x", "-x");
shape!(double_negation, "- -5", "-(-5)");
shape!(float_plain, "1.5", "1.5");
shape!(float_leading_dot, ".5", "0.5");
shape!(float_exponent, "1e-3", "0.001");
shape!(float_big_exponent, "1E300", "1e300");
shape!(string_single, r"'it\'s'", r"'it\'s'");
shape!(string_double, r#""say \"hi\"""#, r#"'say "hi"'"#);
shape!(
    string_escapes,
    r"'\t\n\\\u0041\U0001F600'",
    "'\\t\\n\\\\A😀'"
);
shape!(
    booleans_any_case,
    "[TRUE, false, Null]",
    "[true, false, null]"
);
shape!(list, "[1, [2], []]", "[1, [2], []]");
shape!(map, "{a: 1, `b c`: 'x'}", "{a: 1, `b c`: 'x'}");
// Regression: a map projection in parentheses starts like a node pattern
// (found by the round-trip property test).
shape!(
    parenthesized_map_projection,
    "NOT (a {a} OR null)",
    "NOT (a {a} OR null)"
);
shape!(
    parenthesized_map_projection_property,
    "(a {.name})",
    "a {.name}"
);
shape!(
    parameters,
    "[$name, $0, $`odd name`]",
    "[$name, $0, $`odd name`]"
);

// Operators and precedence
shape!(and_over_or, "a OR b AND c", "a OR (b AND c)");
shape!(xor_between, "a OR b XOR c AND d", "a OR (b XOR (c AND d))");
shape!(not_over_and, "NOT a AND b", "(NOT a) AND b");
shape!(not_over_comparison, "NOT a = b", "NOT (a = b)");
shape!(chained_comparison, "1 < x <= 3", "(1 < x) AND (x <= 3)");
shape!(
    arithmetic,
    "1 + 2 * 3 ^ 4 - 5 % 2",
    "(1 + (2 * (3 ^ 4))) - (5 % 2)"
);
shape!(power_left_assoc, "2 ^ 3 ^ 2", "(2 ^ 3) ^ 2");
shape!(unary_binds_tighter, "-a ^ 2", "(-a) ^ 2");
shape!(
    predicates,
    "a.name STARTS WITH 'x' AND b ENDS WITH 'y' OR c CONTAINS 'z'",
    "((a.name STARTS WITH 'x') AND (b ENDS WITH 'y')) OR (c CONTAINS 'z')"
);
shape!(
    in_and_regex,
    "x IN [1] AND s =~ 'a.*'",
    "(x IN [1]) AND (s =~ 'a.*')"
);
shape!(
    is_null,
    "a.b IS NULL OR c IS NOT NULL",
    "(a.b IS NULL) OR (c IS NOT NULL)"
);
shape!(plus_over_in, "1 + 1 IN [2]", "(1 + 1) IN [2]");
shape!(label_test, "n:Person:Admin", "n:Person:Admin");
shape!(property_chain, "a.b.`order`", "a.b.`order`");
shape!(
    keyword_property,
    "n.order + n.match",
    "n.`order` + n.`match`"
);
shape!(
    index_and_slices,
    "[l[0], l[1..2], l[..-1], l[2..]]",
    "[l[0], l[1..2], l[..-1], l[2..]]"
);
shape!(comments, "1 /* one */ + // two\n 2", "1 + 2");

// Compound expressions
shape!(
    case_generic,
    "CASE WHEN a THEN 1 ELSE 2 END",
    "CASE WHEN a THEN 1 ELSE 2 END"
);
shape!(
    case_simple,
    "case x when 1 then 'a' when 2 then 'b' end",
    "CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END"
);
shape!(
    comprehension,
    "[x IN list WHERE x > 1 | x * 2]",
    "[x IN list WHERE x > 1 | x * 2]"
);
shape!(comprehension_bare, "[x IN list]", "[x IN list]");
shape!(
    map_projection,
    "n {.name, .*, k: 1 + 1, v}",
    "n {.name, .*, k: 1 + 1, v}"
);
shape!(
    calls,
    "count(DISTINCT n.x) + size(l)",
    "count(DISTINCT n.x) + size(l)"
);
shape!(count_star, "COUNT( * )", "count(*)");
shape!(
    shortest_path_expr,
    "shortestPath((a)-[*]-(b))",
    "shortestPath((a)-[*]-(b))"
);
shape!(pattern_predicate, "NOT (a)-->(:B)", "NOT ((a)-[]->(:B))");
shape!(backquoted, "`my var` + ```q```", "`my var` + ```q```");

// Clauses and patterns
statement!(match_where, "OPTIONAL MATCH (n:Person {name: 'x'}) WHERE n.age > 3 RETURN n",
    Statement { body: StatementBody::Query(Query { ref clauses }), .. }
        if matches!(&clauses[0], Clause::Match(Match { optional: true, where_: Some(_), .. })));
statement!(rel_forms, "MATCH (a)-[r:A|:B {k: 1}]->(b)<-[:C]-(c)-[]-(d)-->(e)<--(f)--(g) RETURN a",
    Statement { body: StatementBody::Query(Query { ref clauses }), .. }
        if matches!(&clauses[0], Clause::Match(m)
            if m.pattern[0].element.chain.len() == 6
            && m.pattern[0].element.chain[0].0.types.len() == 2
            && m.pattern[0].element.chain[1].0.direction == Direction::Left
            && m.pattern[0].element.chain[2].0.direction == Direction::Both));
statement!(var_length, "MATCH (a)-[*]->()-[*2]->()-[*1..3]->()-[*..5]->()-[*3..]->() RETURN a",
Statement { body: StatementBody::Query(Query { ref clauses }), .. }
    if matches!(&clauses[0], Clause::Match(m) if m.pattern[0].element.chain.iter().map(|(r, _)| r.length).collect::<Vec<_>>() == vec![
        Some(RangeLength { min: None, max: None }),
        Some(RangeLength { min: Some(2), max: Some(2) }),
        Some(RangeLength { min: Some(1), max: Some(3) }),
        Some(RangeLength { min: None, max: Some(5) }),
        Some(RangeLength { min: Some(3), max: None }),
    ]));
statement!(named_and_shortest, "MATCH p = (a), q = allShortestPaths((a)-[*]-(b)) RETURN p",
    Statement { body: StatementBody::Query(Query { ref clauses }), .. }
        if matches!(&clauses[0], Clause::Match(m)
            if m.pattern[0].var.is_some() && m.pattern[1].kind == PathKind::AllShortest));
statement!(projection, "MATCH (n) WITH DISTINCT *, n.x AS x ORDER BY x DESC, n ASCENDING SKIP 1 LIMIT $l WHERE x > 1 RETURN *",
    Statement { body: StatementBody::Query(Query { ref clauses }), .. }
        if matches!(&clauses[1], Clause::With(w)
            if w.projection.star && w.projection.distinct && w.projection.order_by[0].descending
            && !w.projection.order_by[1].descending && w.where_.is_some()));
statement!(column_text, "RETURN count( * ), a.name",
    Statement { body: StatementBody::Query(Query { ref clauses }), .. }
        if matches!(&clauses[0], Clause::Return(r) if r.projection.items[0].span == Span::new(7, 17)
            && r.projection.items[0].span.end - r.projection.items[0].span.start == "count( * )".len()));
statement!(create_merge, "CREATE (a:A {k: $v})-[:T]->(b $props) MERGE (a)-[r:R]-(b) ON CREATE SET r.new = true ON MATCH SET r.n = r.n + 1",
    Statement { body: StatementBody::Query(Query { ref clauses }), .. }
        if matches!(&clauses[1], Clause::Merge(m) if m.actions.len() == 2 && m.actions[0].on_create));
statement!(set_forms, "MATCH (n) SET n.k = 1, (n).j = 2, n = {a: 1}, n += {b: 2}, n:L1:L2",
    Statement { body: StatementBody::Query(Query { ref clauses }), .. }
        if matches!(&clauses[1], Clause::Set(s) if matches!(s.items.as_slice(), [
            SetItem::Property { .. }, SetItem::Property { .. }, SetItem::Replace { .. },
            SetItem::Merge { .. }, SetItem::Labels { .. }])));
statement!(remove_delete, "MATCH (n)-[r]-() REMOVE n.k, n:L DELETE r DETACH DELETE n",
    Statement { body: StatementBody::Query(Query { ref clauses }), .. }
        if matches!(&clauses[3], Clause::Delete(Delete { detach: true, .. })));
statement!(unwind, "UNWIND [1, 2] AS x RETURN x",
    Statement { body: StatementBody::Query(Query { ref clauses }), .. }
        if matches!(&clauses[0], Clause::Unwind(u) if u.var.name == "x"));
statement!(
    keywords_any_case,
    "match (n) where n.x = 1 return n order by n.x",
    Statement {
        body: StatementBody::Query(_),
        ..
    }
);
statement!(
    keyword_prefix_is_a_name,
    "MATCH (orders:ORDERS) RETURN orders.order ORDER BY orders",
    Statement {
        body: StatementBody::Query(_),
        ..
    }
);

// kg's own statements
statement!(
    owners,
    "owners of 'Acme' ultimate",
    Statement {
        body: StatementBody::Owners(OwnershipStatement { ultimate: true, .. }),
        as_of: None,
        ..
    }
);
statement!(holdings_as_of_after, "HOLDINGS OF $who AS OF 2024-03",
    Statement { body: StatementBody::Holdings(_), as_of: Some(Expr { kind: ExprKind::Literal(Literal::Str(ref d)), .. }), .. } if d == "2024-03");
statement!(
    as_of_before_cypher,
    "PROFILE AS OF '2023' MATCH (n) RETURN n",
    Statement {
        mode: Some(ExplainMode::Profile),
        as_of: Some(_),
        body: StatementBody::Query(_),
        ..
    }
);
statement!(path, "EXPLAIN PATH FROM 'a' TO 'b' VIA OWNS|CONTROLS MAX 4",
    Statement { mode: Some(ExplainMode::Explain), body: StatementBody::Path(PathStatement { max: Some(4), ref via, .. }), .. } if via.len() == 2);
statement!(as_of_year, "AS OF 2024 OWNERS OF 'x'",
    Statement { as_of: Some(Expr { kind: ExprKind::Literal(Literal::Str(ref d)), .. }), .. } if d == "2024");

/// A minus before a number that carries postfix operators is printed
/// with brackets: `-0:a` would read back as the literal -0 followed by a
/// label test, which is not an expression.
#[test]
fn minus_before_a_number_with_postfix_prints_back() {
    for text in ["-(0:a)", "-(1.5).x", "-([1, 2][0])", "-(1)"] {
        let tree = expr(text);
        assert!(
            matches!(tree.kind, ExprKind::Unary(UnaryOp::Neg, _)),
            "{text}: {tree:?}"
        );
        round_trip(&format!("RETURN {text}"));
    }
}

#[test]
fn script_of_several_statements() {
    let s = round_trip("MATCH (n) RETURN n; ;\n// comment\nOWNERS OF 'x';");
    assert_eq!(s.statements.len(), 2);
    assert_eq!(parse_script("  ").map(|s| s.statements.len()), Ok(0));
}

// Syntax errors
error!(error_unclosed_map, "MATCH (n:Person {name: 'x')\nRETURN n");
error!(error_missing_clause, "MATCH (n) n");
error!(error_bad_rel, "MATCH (a)-[:T..]->(b) RETURN a");
error!(error_integer_overflow, "RETURN 9223372036854775808");
error!(error_negative_overflow, "RETURN -9223372036854775809");
error!(error_hex, "RETURN 0x1g");
error!(error_float_overflow, "RETURN 1e999");
error!(error_unicode_escape, r"RETURN '\uH'");
error!(error_unterminated_string, "RETURN 'abc");
error!(error_map_key, "RETURN {1: 2}");
error!(error_two_as_of, "AS OF 2023 OWNERS OF 'x' AS OF 2024");
error!(error_create_undirected, "CREATE (a)-[:T]-(b)");
error!(error_create_two_types, "CREATE (a)-[:T|:U]->(b)");
error!(error_match_param_props, "MATCH (n $p) RETURN n");
error!(error_with_alias, "MATCH (n) WITH n.x RETURN 1");
error!(error_return_not_last, "RETURN 1 MATCH (n)");
error!(error_limit_negative, "RETURN 1 LIMIT -1");
error!(error_unicode_dash, "RETURN 42 — 41");
error!(error_after_cyrillic, "MATCH (n {name: 'Путин'}) RETUR n");

#[test]
fn caret_counts_characters() {
    let text = "MATCH (n {name: 'Путин'})\nWHERE n.имя = ) RETURN n";
    let e = parse_script(text).expect_err("bad");
    assert_eq!(line_col(text, e.offset), (2, 15));
    let rendered = e.render(text);
    let caret_line = rendered.lines().last().unwrap_or("");
    assert_eq!(caret_line, format!("  {}^", " ".repeat(14)));
}

#[test]
fn line_col_is_one_based() {
    assert_eq!(line_col("abc", 0), (1, 1));
    assert_eq!(line_col("a\nпр", 4), (2, 2));
    assert_eq!(line_col("ж", 1), (1, 1));
    assert_eq!(line_col("x", 99), (1, 2));
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for (open, close) in [
        ("(", ")"),
        ("[", "]"),
        ("{a:", "}"),
        ("-", ""),
        ("NOT ", ""),
    ] {
        let text = format!("RETURN {}1{}", open.repeat(100_000), close.repeat(100_000));
        let e = parse_script(&text).expect_err("too deep");
        assert!(e.message.contains("nesting"), "{open}: {}", e.message);
    }
    let fine = format!("RETURN {}1{}", "(".repeat(80), ")".repeat(80));
    assert!(parse_script(&fine).is_ok());
}

mod generated {
    //! Random trees: print, parse, compare.

    use super::*;
    use proptest::prelude::*;

    fn ident() -> impl Strategy<Value = Ident> {
        prop_oneof![
            "[a-z][a-z0-9_]{0,6}",
            Just("order".to_string()),
            Just("MATCH".to_string()),
            "[a-z ]{1,4}",
            Just("a`b".to_string()),
        ]
        .prop_map(|name| Ident {
            name,
            span: Span::default(),
        })
    }

    fn e(kind: ExprKind) -> Expr {
        Expr {
            kind,
            span: Span::default(),
        }
    }

    fn literal() -> impl Strategy<Value = Literal> {
        prop_oneof![
            Just(Literal::Null),
            any::<bool>().prop_map(Literal::Bool),
            any::<i64>().prop_map(Literal::Int),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Literal::Float),
            "\\PC{0,8}|[\\\\'\"\n\t]{0,4}".prop_map(Literal::Str),
        ]
    }

    fn binary_op() -> impl Strategy<Value = BinaryOp> {
        use BinaryOp::*;
        prop::sample::select(vec![
            Or, Xor, And, Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod, Pow, In, StartsWith,
            EndsWith, Contains, Regex,
        ])
    }

    fn expression() -> impl Strategy<Value = Expr> {
        let leaf = prop_oneof![
            literal().prop_map(|l| e(ExprKind::Literal(l))),
            ident().prop_map(|i| e(ExprKind::Var(i.name))),
            prop_oneof!["[a-z]{1,5}", "[0-9]{1,2}"].prop_map(|p| e(ExprKind::Param(p))),
            Just(e(ExprKind::CountStar)),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            let boxed = inner.clone().prop_map(Box::new);
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..3).prop_map(|v| e(ExprKind::List(v))),
                prop::collection::vec((ident(), inner.clone()), 0..3)
                    .prop_map(|v| e(ExprKind::Map(v))),
                (boxed.clone(), ident()).prop_map(|(t, k)| e(ExprKind::Property(t, k))),
                (boxed.clone(), boxed.clone()).prop_map(|(t, i)| e(ExprKind::Index(t, i))),
                (
                    boxed.clone(),
                    prop::option::of(boxed.clone()),
                    prop::option::of(boxed.clone())
                )
                    .prop_map(|(t, a, b)| e(ExprKind::Slice(t, a, b))),
                (binary_op(), boxed.clone(), boxed.clone())
                    .prop_map(|(op, a, b)| e(ExprKind::Binary(op, a, b))),
                (
                    prop::sample::select(vec![UnaryOp::Not, UnaryOp::Neg, UnaryOp::Plus]),
                    boxed.clone()
                )
                    .prop_map(|(op, a)| e(ExprKind::Unary(op, a))),
                (boxed.clone(), any::<bool>()).prop_map(|(a, n)| e(ExprKind::IsNull(a, n))),
                (boxed.clone(), prop::collection::vec(ident(), 1..3))
                    .prop_map(|(a, l)| e(ExprKind::HasLabels(a, l))),
                (
                    ident(),
                    any::<bool>(),
                    prop::collection::vec(inner.clone(), 0..3)
                )
                    .prop_map(|(name, distinct, args)| e(ExprKind::Call {
                        name,
                        distinct,
                        args
                    })),
                (
                    prop::option::of(boxed.clone()),
                    prop::collection::vec((inner.clone(), inner.clone()), 1..3),
                    prop::option::of(boxed.clone())
                )
                    .prop_map(|(operand, whens, else_)| e(ExprKind::Case {
                        operand,
                        whens,
                        else_
                    })),
                (
                    ident(),
                    boxed.clone(),
                    prop::option::of(boxed.clone()),
                    prop::option::of(boxed.clone())
                )
                    .prop_map(|(var, list, filter, map)| e(
                        ExprKind::ListComprehension {
                            var,
                            list,
                            filter,
                            map
                        }
                    )),
                (
                    ident(),
                    prop::collection::vec(
                        prop_oneof![
                            ident().prop_map(MapProjectionItem::Property),
                            (ident(), inner.clone())
                                .prop_map(|(k, v)| MapProjectionItem::Literal(k, v)),
                            ident().prop_map(MapProjectionItem::Variable),
                            Just(MapProjectionItem::AllProperties),
                        ],
                        0..3
                    )
                )
                    .prop_map(|(var, items)| e(ExprKind::MapProjection { var, items })),
            ]
        })
    }

    fn node() -> impl Strategy<Value = NodePattern> {
        (
            prop::option::of(ident()),
            prop::collection::vec(ident(), 0..2),
        )
            .prop_map(|(var, labels)| NodePattern {
                var,
                labels,
                props: None,
                span: Span::default(),
            })
    }

    fn rel() -> impl Strategy<Value = RelPattern> {
        (
            prop::option::of(ident()),
            prop::collection::vec(ident(), 0..3),
            prop::sample::select(vec![Direction::Left, Direction::Right, Direction::Both]),
            prop::option::of((prop::option::of(0u64..9), prop::option::of(0u64..9))),
        )
            .prop_map(|(var, types, direction, length)| RelPattern {
                var,
                types,
                props: None,
                direction,
                length: length.map(|(min, max)| RangeLength { min, max }),
                span: Span::default(),
            })
    }

    fn part() -> impl Strategy<Value = PatternPart> {
        (
            prop::option::of(ident()),
            prop::sample::select(vec![
                PathKind::Plain,
                PathKind::Shortest,
                PathKind::AllShortest,
            ]),
            node(),
            prop::collection::vec((rel(), node()), 0..3),
        )
            .prop_map(|(var, kind, start, chain)| PatternPart {
                var,
                kind,
                element: PatternElement { start, chain },
                span: Span::default(),
            })
    }

    fn item() -> impl Strategy<Value = ProjectionItem> {
        (expression(), ident()).prop_map(|(expr, alias)| ProjectionItem {
            expr,
            alias: Some(alias),
            span: Span::default(),
            written: Written::default(),
        })
    }

    fn statement() -> impl Strategy<Value = Statement> {
        (
            prop::collection::vec(part(), 1..3),
            prop::option::of(expression()),
            item(),
            prop::collection::vec(expression(), 0..2),
        )
            .prop_map(|(pattern, where_, item, keys)| {
                let clauses = vec![
                    Clause::Match(Match {
                        optional: false,
                        pattern,
                        where_,
                        span: Span::default(),
                    }),
                    Clause::Return(Return {
                        projection: Projection {
                            distinct: false,
                            star: false,
                            items: vec![item],
                            order_by: keys
                                .into_iter()
                                .map(|expr| SortItem {
                                    expr,
                                    descending: true,
                                })
                                .collect(),
                            skip: None,
                            limit: None,
                        },
                        span: Span::default(),
                    }),
                ];
                Statement {
                    mode: None,
                    as_of: None,
                    body: StatementBody::Query(Query { clauses }),
                    span: Span::default(),
                }
            })
    }

    proptest! {
        #[test]
        fn printed_expressions_parse_back(expr in expression()) {
            let text = format!("RETURN {expr} AS x");
            let parsed = parse_statement(&text).map_err(|e| e.render(&text));
            let StatementBody::Query(Query { clauses }) = parsed.clone().map(|s| s.body).unwrap_or(
                StatementBody::Query(Query { clauses: Vec::new() })) else { unreachable!() };
            let back = match clauses.first() {
                Some(Clause::Return(r)) => Some(r.projection.items[0].expr.clone()),
                _ => None,
            };
            prop_assert_eq!(back, Some(expr), "{} {:?}", text, parsed.err());
        }

        #[test]
        fn printed_statements_parse_back(statement in statement()) {
            let text = statement.to_string();
            let parsed = parse_statement(&text).map_err(|e| e.render(&text));
            prop_assert_eq!(parsed, Ok(statement), "{}", text);
        }
    }
}
