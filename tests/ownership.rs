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
            "owner,id,effective_share,exact,cycle,cycles,valid_from,valid_to,window,windows,chains,undated,problems",
            "EAST Group managers,east-group-managers,,false,false,[],,,always,\"[{\"\"effective_share\"\":null,\"\"exact\"\":false,\"\"from\"\":null,\"\"to\"\":null}]\",1,\"[\"\"east-group-managers -CONTROLS-> tomtorskoye\"\"]\",[]",
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
        ["chain,length,valid_from,valid_to,held,undated,path"]
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
        "| chain | length | held | undated |\n|-------|--------|------|---------|\n(0 rows)\n"
    );
}

#[test]
fn a_path_lists_each_relation_with_its_type_and_dates() {
    assert_eq!(
        ok(&["path", "Rostec", "Prokhorov"]),
        "\
| chain                                                                                                                                                      | length | held               | undated                                                                                    |
|------------------------------------------------------------------------------------------------------------------------------------------------------------|--------|--------------------|--------------------------------------------------------------------------------------------|
| Rostec -[CONTROLS]-> PROMISING MINING PROJECTS JSC -[CONTROLS since 2024-12]-> Ak-Sugsky <-[CONTROLS until 2024]- Intergeo <-[CONTROLS]- Mikhail Prokhorov | 4      | 2024-12 -> 2024-12 | [\"rostec -CONTROLS-> promising-mining-projects\", \"mikhail-prokhorov -CONTROLS-> intergeo\"] |
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
    let r = run(&["owners", "Tomtarskoye"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "kg: no entity is called \"Tomtarskoye\"; did you mean \"Tomtorskoye\" (tomtorskoye)?\n"
    );
    // Through an alias (Rostekh), the main name.
    let r = run(&["path", "Putin", "Rostex"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("did you mean \"Rostec\" (rostec)"),
        "{}",
        r.stderr
    );
    let r = run(&["query", "OWNERS OF 'Rosatm'"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "error at line 1, column 11: no entity is called \"Rosatm\"; did you mean \"Rosatom\" (rosatom)?\n  OWNERS OF 'Rosatm'\n            ^^^^^^^^\n"
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
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "-g",
        &data("two-chains"),
        "owners",
        "Target",
        "--ultimate",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(j[0]["chains"], 2);
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
    // Owners of B: P through A (50% x 50%), and the walks that come back
    // to B through A (20% x 50% each time round): 25 / (1 - 0.1).
    let b = effective(&["-g", &g, "owners", "B", "--ultimate"]);
    assert_eq!(b.len(), 1);
    assert_eq!((b[0].0.as_str(), b[0].2, b[0].3), ("P", true, true));
    assert!((b[0].1.unwrap() - 25.0 / 0.9).abs() < 1e-9);
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
    // Owners of A: only P. B is owned from inside the cycle, and the
    // cycle from outside it; walks through A again count: 50 / (1 - 0.1).
    let a = effective(&["-g", &g, "owners", "A", "--ultimate"]);
    assert_eq!(a.len(), 1);
    assert_eq!((a[0].0.as_str(), a[0].2, a[0].3), ("P", true, true));
    assert!((a[0].1.unwrap() - 50.0 / 0.9).abs() < 1e-9, "{a:?}");
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
    let message = "data problem: the stated shares in Target (t) add up to 110% (more than 100%) over 2 relations; check the facts, or if they held at different times, give their dates";
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
    // Ultimate owners read the stakes from the explored part of the graph.
    let r = run(&[
        "-g",
        &g,
        "owners",
        "Target",
        "--ultimate",
        "--format",
        "json",
    ]);
    assert_eq!(r.stderr, format!("kg: {message}\n"));
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j[0]["problems"], serde_json::json!([message]));
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
        "kg: data problem: the stated shares in Target (t) add up to 105% (more than 100%) over 2 relations; check the facts, or if they held at different times, give their dates\n"
    );
    let owners: Vec<String> = r.stdout.lines().map(|l| l.to_string()).collect();
    assert_eq!(column(&owners, 0), ["A", "Target"]);
}

#[test]
fn min_share_keeps_answers_at_or_above_the_line() {
    let g = data("min-share");
    // CSV output of a run with --min-share, whose stderr must be `note`.
    let noting = |args: &[&str], note: &str| -> Vec<String> {
        let mut a = args.to_vec();
        a.extend(["--format", "csv"]);
        let r = run(&a);
        assert_eq!(r.code, 0, "{a:?}: {}", r.stderr);
        assert_eq!(r.stderr, note, "{a:?}");
        r.stdout.lines().map(|l| l.to_string()).collect()
    };
    // A 30%, B 24.9%, C 25%, D controls with no share stated.
    assert_eq!(
        column(&csv(&["-g", &g, "owners", "Target"]), 0),
        ["A", "C", "B", "D"]
    );
    // D's share is unknown: it is left out, and stderr says so, so that
    // an empty answer is never read as "nobody holds that much".
    let left_out = "kg: 1 owner whose share is unknown left out by --min-share 25\n";
    assert_eq!(
        column(
            &noting(
                &["-g", &g, "owners", "Target", "--min-share", "25"],
                left_out
            ),
            0
        ),
        ["A", "C"]
    );
    assert_eq!(
        column(
            &noting(
                &["-g", &g, "owners", "Target", "--min-share", "0"],
                "kg: 1 owner whose share is unknown left out by --min-share 0\n"
            ),
            0
        ),
        ["A", "C", "B"]
    );
    // Holding owns A and B outright: 54.9% in all.
    let lines = noting(
        &[
            "-g",
            &g,
            "owners",
            "Target",
            "--ultimate",
            "--min-share",
            "25",
        ],
        left_out,
    );
    assert_eq!(column(&lines, 0), ["Holding", "C"]);
    assert_eq!(column(&lines, 2), ["54.9", "25.0"]);
    assert_eq!(
        column(
            &noting(
                &[
                    "-g",
                    &g,
                    "owners",
                    "Target",
                    "--ultimate",
                    "--min-share",
                    "60"
                ],
                "kg: 1 owner whose share is unknown left out by --min-share 60\n"
            ),
            0
        ),
        Vec::<String>::new()
    );
    // Without unknown shares left out, nothing is said.
    let r = run(&["-g", &g, "holdings", "Holding", "--min-share", "25"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
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

// ----- cycles, checked against an independent computation ---------------

/// The inverse of `I - G` for the stated `OWNS` shares of a graph file,
/// by Gauss-Jordan elimination over the whole matrix, written here apart
/// from kg's own code; with the entity ids in file order.
fn integrated_ownership(file: &str) -> (Vec<String>, Vec<Vec<f64>>) {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let g: serde_json::Value = serde_json::from_str(&text).unwrap();
    let ids: Vec<String> = g["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    let n = ids.len();
    let at = |id: &str| ids.iter().position(|x| x == id).unwrap();
    // m = [I - G | I]
    let mut m = vec![vec![0.0; 2 * n]; n];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = 1.0;
        row[n + i] = 1.0;
    }
    for r in g["relations"].as_array().unwrap() {
        if r["type"] != "OWNS" {
            continue;
        }
        if let Some(s) = r["props"]["share"].as_f64() {
            let (i, j) = (
                at(r["from"].as_str().unwrap()),
                at(r["to"].as_str().unwrap()),
            );
            m[i][j] -= s / 100.0;
        }
    }
    for c in 0..n {
        let p = (c..n)
            .max_by(|&a, &b| m[a][c].abs().partial_cmp(&m[b][c].abs()).unwrap())
            .unwrap();
        m.swap(c, p);
        let d = m[c][c];
        assert!(d.abs() > 1e-9, "{file}: I - G has no inverse");
        for v in m[c].iter_mut() {
            *v /= d;
        }
        for r in 0..n {
            if r != c {
                let f = m[r][c];
                let row_c = m[c].clone();
                for (v, w) in m[r].iter_mut().zip(row_c) {
                    *v -= f * w;
                }
            }
        }
    }
    let inverse = m.into_iter().map(|row| row[n..].to_vec()).collect();
    (ids, inverse)
}

/// `(id, effective_share, exact, cycles)` of each answer, through the
/// binary in JSON.
fn answers(
    file: &str,
    command: &str,
    name: &str,
) -> Vec<(String, Option<f64>, bool, serde_json::Value)> {
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "-g",
        file,
        command,
        name,
        "--ultimate",
        "--format",
        "json",
    ]))
    .unwrap();
    j.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["effective_share"].as_f64(),
                r["exact"].as_bool().unwrap(),
                r["cycles"].clone(),
            )
        })
        .collect()
}

/// Checks the ultimate owners of `target` against `expected` (ids, in
/// kg's order) and every figure, and the ultimate holdings of each owner,
/// against the inverse computed apart.
fn agrees_with_the_inverse(name: &str, target: &str, expected: &[&str]) {
    let file = format!("tests/data/ownership/cycles/{name}.json");
    let (ids, inv) = integrated_ownership(&file);
    let at = |id: &str| ids.iter().position(|x| x == id).unwrap();
    let owners = answers(&file, "owners", target);
    let got: Vec<&str> = owners.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(got, expected, "{name}: ultimate owners of {target}");
    for (owner, share, _, _) in &owners {
        let want = 100.0 * inv[at(owner)][at(target)];
        let share = share.unwrap_or_else(|| panic!("{name}: {owner} has no figure"));
        assert!(
            (share - want).abs() < 1e-6,
            "{name}: {owner} in {target}: kg {share}, inverse {want}"
        );
        for (held, share, _, _) in answers(&file, "holdings", owner) {
            let want = 100.0 * inv[at(owner)][at(&held)];
            let share = share.unwrap();
            assert!(
                (share - want).abs() < 1e-6,
                "{name}: holdings of {owner}: {held}: kg {share}, inverse {want}"
            );
        }
    }
}

#[test]
fn a_two_cycle_owned_from_outside() {
    agrees_with_the_inverse("two-cycle", "a", &["f"]);
}

#[test]
fn a_three_cycle_owned_from_outside_names_only_the_outside_owner() {
    // F 96% of A; B 4% of A; C 6.7% of B; A 100% of C.
    agrees_with_the_inverse("three-cycle", "a", &["f"]);
    let owners = answers(
        "tests/data/ownership/cycles/three-cycle.json",
        "owners",
        "A",
    );
    // 96 / (1 - 0.04 x 0.067 x 1)
    assert!((owners[0].1.unwrap() - 96.0 / (1.0 - 0.00268)).abs() < 1e-6);
    assert!(owners[0].2, "every share is stated");
    assert_eq!(owners[0].3, serde_json::json!([["a", "b", "c"]]));
    // --explain cites the relations round the cycle, which count in the
    // figure though no simple chain takes them.
    let file = "tests/data/ownership/cycles/three-cycle.json";
    let text = ok(&["-g", file, "owners", "A", "--ultimate", "--explain"]);
    assert!(
        text.contains(
            "  walks also go round the cycle of A, B, C; its stated shares count in the figure:\n    B -[OWNS]-> A  undated, share 4%\n    C -[OWNS]-> B  undated, share 6.7%\n    A -[OWNS]-> C  undated, share 100%\n"
        ),
        "{text}"
    );
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "-g",
        file,
        "owners",
        "A",
        "--ultimate",
        "--explain",
        "--format",
        "json",
    ]))
    .unwrap();
    let cycle = &j[0]["explanation"]["cycles"][0];
    assert_eq!(cycle["members"], serde_json::json!(["a", "b", "c"]));
    assert_eq!(cycle["relations"].as_array().unwrap().len(), 3);
}

#[test]
fn a_cycle_owned_from_outside_by_two_owners() {
    agrees_with_the_inverse("owned-by-two", "t", &["f1", "f2"]);
    agrees_with_the_inverse("owned-by-two", "a", &["f1", "f2"]);
}

#[test]
fn a_cycle_nobody_outside_owns_is_its_own_top() {
    agrees_with_the_inverse("no-outside-owner", "t", &["a", "b"]);
}

#[test]
fn a_self_holding_spreads_over_the_other_owners() {
    // F 95% of A, A 5% of itself: F's effective share is 95 / 0.95.
    agrees_with_the_inverse("self-holding", "a", &["f"]);
    let owners = answers(
        "tests/data/ownership/cycles/self-holding.json",
        "owners",
        "a",
    );
    assert!((owners[0].1.unwrap() - 100.0).abs() < 1e-9);
    assert_eq!(owners[0].3, serde_json::json!([["a"]]));
}

#[test]
fn a_cycle_with_an_unknown_share_gives_a_lower_bound() {
    // B controls A with no share stated: the walks through it are left out.
    agrees_with_the_inverse("unknown-share", "a", &["f"]);
    let owners = answers(
        "tests/data/ownership/cycles/unknown-share.json",
        "owners",
        "a",
    );
    assert_eq!(owners[0].1, Some(90.0));
    assert!(!owners[0].2, "a lower bound is not exact");
}

#[test]
fn a_cycle_of_100_percent_is_a_data_problem_not_a_number() {
    let file = "tests/data/ownership/cycles/full-cycle.json";
    let r = run(&["-g", file, "owners", "T", "--ultimate", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let message = "data problem: the stated shares around the cycle of A, B keep every member wholly inside the cycle (100% around it), so the effective shares through it are undefined; check the facts";
    assert_eq!(r.stderr, format!("kg: {message}\n"));
    let j: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j.as_array().unwrap().len(), 2);
    for row in j.as_array().unwrap() {
        assert_eq!(row["effective_share"], serde_json::Value::Null);
        assert_eq!(row["exact"], false);
        assert_eq!(row["cycles"], serde_json::json!([["a", "b"]]));
        assert_eq!(row["problems"], serde_json::json!([message]));
    }
    // The table, CSV and the query statement say the same, never NaN.
    for format in ["table", "csv"] {
        let r = run(&["-g", file, "owners", "T", "--ultimate", "--format", format]);
        assert!(!r.stdout.contains("NaN") && !r.stdout.contains("inf"));
    }
    let r = run(&["-g", file, "query", "OWNERS OF 'T' ULTIMATE"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, format!("kg: {message}\n"));
}

// ----- time --------------------------------------------------------------

#[test]
fn a_chain_that_never_held_at_once_is_no_chain() {
    let g = data("never-at-once");
    // Petrov controlled Alpha until 2024; Alpha holds Target since 2025.
    let owners = answers(&g, "owners", "Target");
    assert_eq!(
        owners.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(),
        ["q"]
    );
    let holdings = answers(&g, "holdings", "Petrov");
    assert_eq!(
        holdings.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(),
        ["a"]
    );
    let r = run(&["-g", &g, "path", "Petrov", "Target", "--format", "csv"]);
    assert_eq!(
        r.stdout,
        "chain,length,valid_from,valid_to,held,undated,path\r\n"
    );
    let r = run(&[
        "-g",
        &g,
        "query",
        "PATH FROM 'Petrov' TO 'Target'",
        "--format",
        "csv",
    ]);
    assert_eq!(
        r.stdout,
        "chain,length,valid_from,valid_to,held,undated,path\r\n"
    );
    let explained = ok(&["-g", &g, "owners", "Target", "--ultimate", "--explain"]);
    assert!(!explained.contains("Petrov"), "{explained}");
    assert!(
        explained.contains("(share unknown, held 2025 ->)"),
        "{explained}"
    );
    // As a statement in a table, the path shows as its chain only, as
    // `kg path` shows it.
    let table = ok(&["-g", &g, "query", "PATH FROM 'Quinn' TO 'Target'"]);
    assert_eq!(table, ok(&["-g", &g, "path", "Quinn", "Target"]));
    assert!(table.starts_with("| chain "), "{table}");
    assert!(!table.contains("| path"), "{table}");
    // Quinn's chain holds from 2025: a path with its window.
    let r = ok(&["-g", &g, "path", "Quinn", "Target", "--format", "json"]);
    let j: serde_json::Value = serde_json::from_str(&r).unwrap();
    assert_eq!(j[0]["valid_from"], "2025");
    assert_eq!(j[0]["valid_to"], serde_json::Value::Null);
    assert_eq!(j[0]["held"], "2025 ->");
}

#[test]
fn every_answer_carries_its_windows_in_every_format() {
    let g = data("stakes-over-time");
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "-g",
        &g,
        "owners",
        "Target",
        "--ultimate",
        "--format",
        "json",
    ]))
    .unwrap();
    // Xeno: 30% until 2023-05, then 45%: one row, the latest figure, both
    // windows.
    assert_eq!(j[0]["id"], "x");
    assert_eq!(j[0]["effective_share"], 45.0);
    assert_eq!(j[0]["valid_from"], "2020");
    assert_eq!(j[0]["valid_to"], serde_json::Value::Null);
    assert_eq!(
        j[0]["windows"],
        serde_json::json!([
            {"from": "2020", "to": "2023-05", "effective_share": 30.0, "exact": true},
            {"from": "2023-06", "to": null, "effective_share": 45.0, "exact": true}
        ])
    );
    // Yana, through Holdco since 2024-03-15: 50% x 40%.
    assert_eq!(j[1]["id"], "y");
    assert_eq!(j[1]["effective_share"], 20.0);
    assert_eq!(j[1]["valid_from"], "2024-03-15");
    assert_eq!(j[1]["window"], "2024-03-15 ->");
    let table = ok(&["-g", &g, "owners", "Target", "--ultimate"]);
    assert!(
        table.contains("| 2020 -> 2023-05 (30%); 2023-06 -> (45%) |"),
        "{table}"
    );
    assert!(table.contains("| 2024-03-15 ->"), "{table}");
    assert!(
        !table.contains("null |"),
        "no bare null in the table: {table}"
    );
    let csv = ok(&[
        "-g",
        &g,
        "owners",
        "Target",
        "--ultimate",
        "--format",
        "csv",
    ]);
    assert!(csv.starts_with(
        "owner,id,effective_share,exact,cycle,cycles,valid_from,valid_to,window,windows,"
    ));
    assert!(csv.contains(",2024-03-15,,2024-03-15 ->,"), "{csv}");
    // As of 2022 only the 30% held.
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "-g",
        &g,
        "--as-of",
        "2022",
        "owners",
        "Target",
        "--ultimate",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(j.as_array().unwrap().len(), 1);
    assert_eq!(j[0]["effective_share"], 30.0);
    assert_eq!(j[0]["windows"][0]["to"], "2023-05");
}

#[test]
fn the_history_has_one_period_per_change() {
    let g = data("stakes-over-time");
    assert_eq!(
        ok(&["-g", &g, "owners", "Target", "--ultimate", "--history"]),
        "\
| period                | owners                             |
|-----------------------|------------------------------------|
| -> 2019               | none recorded                      |
| 2020 -> 2023-05       | Xeno Holding (x) 30%               |
| 2023-06 -> 2024-03-14 | Xeno Holding (x) 45%               |
| 2024-03-15 ->         | Xeno Holding (x) 45%; Yana (y) 20% |
(4 rows)
"
    );
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "-g",
        &g,
        "query",
        "OWNERS OF 'Target' ULTIMATE HISTORY",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(j.as_array().unwrap().len(), 4);
    assert_eq!(j[3]["valid_from"], "2024-03-15");
    assert_eq!(j[3]["valid_to"], serde_json::Value::Null);
    assert_eq!(
        j[3]["owners"],
        serde_json::json!([
            {"owner": "Xeno Holding", "id": "x", "effective_share": 45.0, "exact": true},
            {"owner": "Yana", "id": "y", "effective_share": 20.0, "exact": true}
        ])
    );
    // Holdings have a history too.
    let r = ok(&[
        "-g",
        &g,
        "holdings",
        "Yana",
        "--ultimate",
        "--history",
        "--format",
        "csv",
    ]);
    assert!(
        r.starts_with("valid_from,valid_to,period,holdings\r\n"),
        "{r}"
    );
    // --history needs --ultimate and does not go with --explain.
    let r = run(&["-g", &g, "owners", "Target", "--history"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--ultimate"), "{}", r.stderr);
    let r = run(&[
        "-g",
        &g,
        "owners",
        "Target",
        "--ultimate",
        "--history",
        "--explain",
    ]);
    assert_eq!(r.code, 2);
    // HISTORY without ULTIMATE is a syntax error that says what is right,
    // with a caret; EXPLAIN has no chains to cite in a history.
    let r = run(&["-g", &g, "query", "OWNERS OF 'Target' HISTORY"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "syntax error at line 1, column 20: HISTORY follows ULTIMATE: the history is of the ultimate owners (OWNERS OF 'name' ULTIMATE HISTORY)\n  OWNERS OF 'Target' HISTORY\n                     ^\n"
    );
    let r = run(&[
        "-g",
        &g,
        "query",
        "EXPLAIN OWNERS OF 'Target' ULTIMATE HISTORY",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr
            .starts_with("error at line 1, column 1: EXPLAIN cites the chains of answers;"),
        "{}",
        r.stderr
    );
}

#[test]
fn ak_sugsky_history_shows_the_hand_over() {
    // Intergeo's control ended in 2024, Rostec's began in 2024-12: both
    // held in December 2024, at the precision written.
    let j: serde_json::Value = serde_json::from_str(&ok(&[
        "owners",
        "Ak-Sugsky",
        "--ultimate",
        "--history",
        "--format",
        "json",
    ]))
    .unwrap();
    let periods: Vec<(String, Vec<String>)> = j
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let ids = p["owners"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_string())
                .collect();
            (p["period"].as_str().unwrap().to_string(), ids)
        })
        .collect();
    let p = |h: &str, ids: &[&str]| (h.to_string(), ids.iter().map(|s| s.to_string()).collect());
    assert_eq!(
        periods,
        [
            p("-> 2024-11", &["mikhail-prokhorov"]),
            p("2024-12 -> 2024-12", &["mikhail-prokhorov", "rostec"]),
            p("2025 ->", &["rostec"]),
        ]
    );
}
