//! Who owns what, through the `kg` binary: `kg owners`, `kg holdings`,
//! `kg path` and the same statements in `kg query`, on the seed graph and
//! on the small graphs in `tests/data/ownership/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
use common::{kg_in, root, Run};

fn run(args: &[&str]) -> Run {
    Run::from(kg_in(&root()).args(args).output().unwrap())
}

/// Runs and demands success with nothing on stderr; returns stdout.
fn ok(args: &[&str]) -> String {
    let r = run(args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    assert_eq!(r.stderr, "", "{args:?}");
    r.stdout
}

/// CSV output as lines (the CRLF terminators removed).
fn csv(args: &[&str]) -> Vec<String> {
    let mut a = args.to_vec();
    a.extend(["--format", "csv"]);
    ok(&a).lines().map(|l| l.to_string()).collect()
}

fn data(name: &str) -> String {
    format!("tests/data/ownership/{name}.json")
}

/// The given column of each CSV row (naive split: for simple fields).
fn column(lines: &[String], at: usize) -> Vec<String> {
    lines
        .iter()
        .skip(1)
        .map(|l| l.split(',').nth(at).unwrap_or("").to_string())
        .collect()
}

// ----- the seed graph ----------------------------------------------------

/// The article says the managers of EAST Group own Tomtorskoye: neither
/// the group nor Alexander Nesis, whose group it is, is an owner.
#[test]
fn owners_of_tomtorskoye() {
    assert_eq!(
        ok(&["owners", "Tomtorskoye"]),
        "\
| owner               | id                  | type     | share | since | until | undated | problems |
|---------------------|---------------------|----------|-------|-------|-------|---------|----------|
| EAST Group managers | east-group-managers | CONTROLS | null  | null  | null  | true    | []       |
(1 row)
"
    );
    assert_eq!(
        csv(&["owners", "Tomtor", "--ultimate"]),
        [
            "owner,id,effective_share,exact,cycle,chains,undated,problems",
            "EAST Group managers,east-group-managers,,false,false,1,\"[\"\"east-group-managers -CONTROLS-> tomtorskoye\"\"]\",[]",
        ]
    );
}

#[test]
fn ak_sugsky_changed_hands_between_2023_and_2025() {
    let owners = |as_of: &str, ultimate: bool| {
        let mut a = vec!["--as-of", as_of, "owners", "Ak-Sugsky"];
        if ultimate {
            a.push("--ultimate");
        }
        column(&csv(&a), 0)
    };
    assert_eq!(owners("2023", false), ["Intergeo"]);
    assert_eq!(owners("2023", true), ["Mikhail Prokhorov"]);
    assert_eq!(owners("2025", false), ["PROMISING MINING PROJECTS JSC"]);
    assert_eq!(owners("2025", true), ["Rostec"]);
    // During 2024 both held it at some time: Intergeo until 2024, the new
    // holder since 2024-12.
    assert_eq!(owners("2024", true), ["Mikhail Prokhorov", "Rostec"]);
    assert_eq!(owners("2024-11", true), ["Mikhail Prokhorov"]);
    assert_eq!(owners("2025-01-01", true), ["Rostec"]);
    // The statement's own AS OF, before or after it.
    let q = ok(&[
        "query",
        "--format",
        "csv",
        "AS OF 2023 OWNERS OF 'Ak-Sugsky' ULTIMATE; OWNERS OF 'ak-sug' ULTIMATE AS OF '2025'",
    ]);
    assert!(
        q.contains("\r\nMikhail Prokhorov,mikhail-prokhorov,"),
        "{q}"
    );
    assert!(q.contains("\r\nRostec,rostec,"), "{q}");
}

#[test]
fn holdings_of_rosatom_go_through_part_of_backwards() {
    assert_eq!(column(&csv(&["holdings", "Rosatom"]), 0), ["Rosatom Nedra"]);
    assert_eq!(
        column(&csv(&["holdings", "Rosatom", "--ultimate"]), 0),
        ["First Mining Company"]
    );
    assert_eq!(
        column(&csv(&["holdings", "Rosatom Nedra"]), 0),
        ["First Mining Company"]
    );
}

#[test]
fn an_alias_finds_the_entity() {
    // Atomredmedzoloto is Rosatom Nedra's former name.
    assert_eq!(
        column(&csv(&["owners", "atomredmedzoloto"]), 0),
        ["Rosatom"]
    );
    assert_eq!(
        column(&csv(&["owners", "ARMZ", "--ultimate"]), 0),
        ["Rosatom"]
    );
}

#[test]
fn putin_and_rostec_are_not_connected_in_the_article() {
    // No chain of any relation types links them in the seed graph, and
    // the Cypher shortest path agrees.
    assert_eq!(
        csv(&["path", "Putin", "Rostec"]),
        ["chain,length,undated,path"]
    );
    assert_eq!(
        ok(&[
            "query",
            "--format",
            "csv",
            "MATCH p = shortestPath((a {id: 'vladimir-putin'})-[*]-(b {id: 'rostec'})) RETURN length(p)"
        ]),
        "length(p)\r\n"
    );
    assert_eq!(
        ok(&["path", "Putin", "Rostec"]),
        "| chain | length | undated |\n|-------|--------|---------|\n(0 rows)\n"
    );
}

#[test]
fn a_path_lists_each_relation_with_its_type_and_dates() {
    assert_eq!(
        ok(&["path", "Rostec", "Prokhorov"]),
        "\
| chain                                                                                                                                                      | length | undated                                                                                    |
|------------------------------------------------------------------------------------------------------------------------------------------------------------|--------|--------------------------------------------------------------------------------------------|
| Rostec -[CONTROLS]-> PROMISING MINING PROJECTS JSC -[CONTROLS since 2024-12]-> Ak-Sugsky <-[CONTROLS until 2024]- Intergeo <-[CONTROLS]- Mikhail Prokhorov | 4      | [\"rostec -CONTROLS-> promising-mining-projects\", \"mikhail-prokhorov -CONTROLS-> intergeo\"] |
(1 row)
"
    );
    // The licence changed hands: on no single day of 2025 are they linked
    // through Ak-Sugsky, nor within three relations, nor along LOCATED_IN.
    assert_eq!(
        csv(&["--as-of", "2025", "path", "Rostec", "Prokhorov"]).len(),
        1
    );
    assert_eq!(csv(&["path", "Rostec", "Prokhorov", "--max", "3"]).len(), 1);
    assert_eq!(
        csv(&["path", "Rostec", "Prokhorov", "--via", "LOCATED_IN"]).len(),
        1
    );
    assert_eq!(
        csv(&["path", "Rostec", "Prokhorov", "--via", "CONTROLS|OWNS"]).len(),
        2
    );
    // JSON: the path value in SPEC shape.
    let j: serde_json::Value =
        serde_json::from_str(&ok(&["path", "Rostec", "Prokhorov", "--format", "json"])).unwrap();
    assert_eq!(j[0]["length"], 4);
    assert_eq!(j[0]["path"]["nodes"][0]["id"], "rostec");
    assert_eq!(j[0]["path"]["relationships"][1]["since"], "2024-12");
    assert_eq!(j[0]["path"]["relationships"][2]["until"], "2024");
}

#[test]
fn an_unknown_name_suggests_the_closest() {
    let r = run(&["owners", "Tomtorskoe"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "kg: no entity is called \"Tomtorskoe\"; did you mean \"Tomtor\"?\n"
    );
    let r = run(&["path", "Putin", "Rostek"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("did you mean \"Rostekh\""),
        "{}",
        r.stderr
    );
    let r = run(&["query", "OWNERS OF 'Rosatm'"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error at line 1, column 11: no entity is called \"Rosatm\"; did you mean \"Rosatom\"?\n  OWNERS OF 'Rosatm'\n            ^^^^^^^^\n"
    );
}

#[test]
fn an_ambiguous_name_lists_the_candidates() {
    let g = data("ambiguous");
    let r = run(&["-g", &g, "holdings", "nfc"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "kg: \"nfc\" is ambiguous: it could be nfc-bank (NFC, Company), or nfc-china (NFC, Company); use the id instead\n"
    );
    let r = run(&["-g", &g, "query", "HOLDINGS OF $n", "-p", "n=NFC"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("is ambiguous"), "{}", r.stderr);
    assert_eq!(
        column(&csv(&["-g", &g, "holdings", "nfc-china"]), 0),
        ["Mine"]
    );
}

#[test]
fn every_format() {
    let args = ["owners", "Tomtorskoye", "--format"];
    let with = |f: &str| {
        let mut a = args.to_vec();
        a.push(f);
        ok(&a)
    };
    let json: serde_json::Value = serde_json::from_str(&with("json")).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{"owner": "EAST Group managers", "id": "east-group-managers", "type": "CONTROLS",
            "share": null, "since": null, "until": null, "undated": true, "problems": []}])
    );
    assert_eq!(
        with("jsonl"),
        "{\"owner\":\"EAST Group managers\",\"id\":\"east-group-managers\",\"type\":\"CONTROLS\",\"share\":null,\"since\":null,\"until\":null,\"undated\":true,\"problems\":[]}\n"
    );
    assert_eq!(
        with("csv"),
        "owner,id,type,share,since,until,undated,problems\r\nEAST Group managers,east-group-managers,CONTROLS,,,,true,[]\r\n"
    );
    assert_eq!(
        with("tsv"),
        "owner\tid\ttype\tshare\tsince\tuntil\tundated\tproblems\nEAST Group managers\teast-group-managers\tCONTROLS\t\t\t\ttrue\t[]\n"
    );
    assert!(with("table").starts_with("| owner "));
}

#[test]
fn explain_cites_every_relation_behind_an_answer() {
    let table = ok(&[
        "--as-of",
        "2023",
        "owners",
        "Ak-Sugsky",
        "--ultimate",
        "--explain",
    ]);
    insta::assert_snapshot!("explain_ak_sugsky_2023", table);
    let table = ok(&[
        "-g",
        &data("two-chains"),
        "owners",
        "Target",
        "--ultimate",
        "--explain",
    ]);
    insta::assert_snapshot!("explain_two_chains", table);
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "-g",
        &data("two-chains"),
        "owners",
        "Target",
        "--ultimate",
        "--explain",
        "--format",
        "json",
    ]))
    .unwrap();
    let ex = &j[0]["explanation"];
    assert_eq!(ex["capped"], false);
    assert_eq!(ex["chains"][0]["share"], 23.5);
    let direct = &ex["chains"][0]["relations"][0];
    assert_eq!(direct["source_title"], "Company register");
    assert_eq!(direct["source_url"], "https://example.org/register");
    assert_eq!(direct["locator"], "p. 3");
    assert_eq!(direct["quote"], "Parent holds 23.5% directly");
    assert_eq!(ex["chains"][1]["share"], 76.5);
    // Direct answers explain their one relation.
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "owners",
        "Tomtorskoye",
        "--explain",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(
        j[0]["explanation"]["chains"][0]["relations"][0]["locator"],
        "para 9"
    );
}

#[test]
fn cypher_reads_dates_and_provenance_and_tests_validity() {
    let out = ok(&[
        "query",
        "--format",
        "csv",
        "MATCH (o)-[r:CONTROLS]->({id: 'ak-sugsky'}) RETURN o.id, r.since, r.until, r.source, r.locator, valid_at(r, '2023') AS in2023, valid_at(r, '2025-01') AS jan2025 ORDER BY o.id",
    ]);
    assert_eq!(
        out,
        "o.id,r.since,r.until,r.source,r.locator,in2023,jan2025\r\nintergeo,,2024,kommersant-7534002,para 10,true,false\r\npromising-mining-projects,2024-12,,kommersant-7534002,para 10,false,true\r\n"
    );
}

// ----- effective shares --------------------------------------------------

#[test]
fn two_chains_are_summed() {
    // 76.5% x 100% + 23.5% = 100%.
    let lines = csv(&["-g", &data("two-chains"), "owners", "Target", "--ultimate"]);
    assert_eq!(column(&lines, 0), ["Parent"]);
    assert_eq!(column(&lines, 2), ["100.0"]);
    assert_eq!(column(&lines, 3), ["true"]);
    assert_eq!(column(&lines, 5), ["2"]);
    // And the other way round.
    let lines = csv(&[
        "-g",
        &data("two-chains"),
        "holdings",
        "Parent",
        "--ultimate",
    ]);
    assert_eq!(column(&lines, 0), ["Target"]);
    assert_eq!(column(&lines, 2), ["100.0"]);
}

fn effective(args: &[&str]) -> Vec<(String, Option<f64>, bool, bool)> {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&ok(&a)).unwrap();
    j.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let name = r.get("owner").or(r.get("holding")).unwrap();
            (
                name.as_str().unwrap().to_string(),
                r["effective_share"].as_f64(),
                r["exact"].as_bool().unwrap(),
                r["cycle"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_cross_holding_cycle_is_solved_not_looped_or_dropped() {
    // P owns 50% of A, A owns 50% of B, B owns 20% of A, B owns 60% of C.
    let g = data("cycle");
    // Owners of B: P through A (50% x 50%); chains never pass through B.
    let b = effective(&["-g", &g, "owners", "B", "--ultimate"]);
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].0.as_str(), b[0].2, b[0].3), ("P", true, true));
    assert!((b[0].1.unwrap() - 25.0).abs() < 1e-9);
    // Owners of C: x_B = 60% + 20% x_A, x_A = 50% x_B, so x_B = 60/0.9 %,
    // and P holds 50% of x_A.
    let want = 100.0 * 0.5 * 0.5 * 0.6 / 0.9;
    let c = effective(&["-g", &g, "owners", "C", "--ultimate"]);
    assert_eq!(c.len(), 1);
    assert_eq!((c[0].0.as_str(), c[0].2, c[0].3), ("P", true, true));
    assert!((c[0].1.unwrap() - want).abs() < 1e-9, "{c:?}");
    // The same figure asked downwards.
    let p = effective(&["-g", &g, "holdings", "P", "--ultimate"]);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].0, "C");
    assert!((p[0].1.unwrap() - want).abs() < 1e-9);
    // Owners of A: P, and B, which only A itself owns.
    let a = effective(&["-g", &g, "owners", "A", "--ultimate"]);
    assert_eq!(
        a,
        [
            ("P".to_string(), Some(50.0), true, true),
            ("B".to_string(), Some(20.0), true, true)
        ]
    );
}

#[test]
fn unknown_shares_give_lower_bounds() {
    // P: 50% x 60% through M, plus an unstated share by CONTROLS: at least
    // 30%. Q controls M with no share stated: unknown.
    let u = effective(&[
        "-g",
        &data("unknown-shares"),
        "owners",
        "Target",
        "--ultimate",
    ]);
    assert_eq!(
        u,
        [
            ("Parent".to_string(), Some(30.0), false, false),
            ("Quiet".to_string(), None, false, false)
        ]
    );
}

#[test]
fn shares_above_100_percent_are_a_data_problem() {
    let g = data("overfull");
    let message = "data problem: the stated shares in Target (t) add up to 110% (more than 100%) over 2 relations; check the facts, or if they held at different times, ask AS OF a narrower date";
    let r = run(&["-g", &g, "owners", "Target"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, format!("kg: {message}\n"));
    let r = run(&["-g", &g, "owners", "Target", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j[0]["problems"], serde_json::json!([message]));
    assert_eq!(j[1]["problems"], serde_json::json!([message]));
    let r = run(&["-g", &g, "owners", "A", "--format", "json"]);
    assert_eq!(r.stderr, "");
    let r = run(&["-g", &g, "query", "OWNERS OF 'Target'", "--format", "csv"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, format!("kg: {message}\n"));
    let r = run(&["-g", &g, "holdings", "A", "--ultimate", "--format", "json"]);
    assert_eq!(r.stderr, format!("kg: {message}\n"));
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j[0]["problems"], serde_json::json!([message]));
}

#[test]
fn a_self_holding_is_one_owner_counted_once() {
    let g = data("self-holding");
    // A holds 95% of Target and Target 10% of itself: 105%, not 115%.
    let r = run(&["-g", &g, "owners", "Target", "--format", "csv"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stderr,
        "kg: data problem: the stated shares in Target (t) add up to 105% (more than 100%) over 2 relations; check the facts, or if they held at different times, ask AS OF a narrower date\n"
    );
    let owners: Vec<String> = r.stdout.lines().map(|l| l.to_string()).collect();
    assert_eq!(column(&owners, 0), ["A", "Target"]);
}

#[test]
fn min_share_keeps_answers_at_or_above_the_line() {
    let g = data("min-share");
    // A 30%, B 24.9%, C 25%, D controls with no share stated.
    assert_eq!(
        column(&csv(&["-g", &g, "owners", "Target"]), 0),
        ["A", "C", "B", "D"]
    );
    assert_eq!(
        column(
            &csv(&["-g", &g, "owners", "Target", "--min-share", "25"]),
            0
        ),
        ["A", "C"]
    );
    assert_eq!(
        column(&csv(&["-g", &g, "owners", "Target", "--min-share", "0"]), 0),
        ["A", "C", "B"]
    );
    // Holding owns A and B outright: 54.9% in all.
    let lines = csv(&[
        "-g",
        &g,
        "owners",
        "Target",
        "--ultimate",
        "--min-share",
        "25",
    ]);
    assert_eq!(column(&lines, 0), ["Holding", "C"]);
    assert_eq!(column(&lines, 2), ["54.9", "25.0"]);
    assert_eq!(
        column(
            &csv(&[
                "-g",
                &g,
                "owners",
                "Target",
                "--ultimate",
                "--min-share",
                "60"
            ]),
            0
        ),
        Vec::<String>::new()
    );
}

// ----- dates -------------------------------------------------------------

#[test]
fn date_boundaries() {
    // X owns 40% since 2024; Y owns 60% until 2024-03.
    let g = data("dates");
    let at = |d: &str| column(&csv(&["-g", &g, "--as-of", d, "owners", "Target"]), 0);
    assert_eq!(at("2023-12-31"), ["Y"]);
    assert_eq!(at("2024-01-01"), ["Y", "X"]);
    assert_eq!(at("2024-03-31"), ["Y", "X"]);
    assert_eq!(at("2024-04-01"), ["X"]);
    // A year or a month: what held at some time during it.
    assert_eq!(at("2023"), ["Y"]);
    assert_eq!(at("2024"), ["Y", "X"]);
    assert_eq!(at("2024-03"), ["Y", "X"]);
    assert_eq!(at("2024-04"), ["X"]);
    assert_eq!(at("2025"), ["X"]);
    // Undated: every fact.
    assert_eq!(column(&csv(&["-g", &g, "owners", "Target"]), 0), ["Y", "X"]);
}

// ----- bad input ---------------------------------------------------------

#[test]
fn bad_options_are_usage_errors() {
    for args in [
        &["owners", "Rosatom", "--min-share=-5"][..],
        &["owners", "Rosatom", "--min-share", "150"],
        &["owners", "Rosatom", "--min-share", "abc"],
        &["holdings", "Rosatom", "--min-share", "NaN"],
        &["path", "Putin", "Rostec", "--max", "0"],
        &["path", "Putin", "Rostec", "--max", "-1"],
        &["path", "Putin", "Rostec", "--via", "1OWNS"],
        &["path", "Putin", "Rostec", "--via", "OWNS|"],
        &["--as-of", "2024-13", "owners", "Rosatom"],
        &["--as-of", "yesterday", "owners", "Rosatom"],
        &["owners"],
        &["path", "Putin"],
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{args:?}");
    }
    let r = run(&["owners", "Rosatom", "--min-share", "150"]);
    assert!(
        r.stderr.contains("`150` is not a percentage from 0 to 100"),
        "{}",
        r.stderr
    );
    let r = run(&["path", "Putin", "Rostec", "--via", "1OWNS"]);
    assert!(
        r.stderr.contains("`1OWNS` is not a relation type"),
        "{}",
        r.stderr
    );
}

#[test]
fn bad_statements_are_query_errors() {
    for (q, message) in [
        ("OWNERS OF 'Rosatom' AS OF 'soon'", "`soon` is not a date"),
        (
            "PATH FROM 'Putin' TO 'Rostec' MAX 0",
            "MAX must be at least 1",
        ),
        ("PATH FROM 'Putin' TO 'Rostec' VIA 1X", "error at line 1"),
        ("OWNERS OF 42", "a name ('...' or $parameter)"),
        (
            "OWNERS OF $n",
            "a name must be a string, but `$n` is an integer",
        ),
    ] {
        let r = run(&["query", q, "-p", "n=5"]);
        assert_eq!(r.code, 1, "{q}: {}", r.stderr);
        assert!(r.stderr.contains(message), "{q}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{q}");
    }
}
